/**
 * conv2d and pooling against PyTorch 1.13 (tools/golden/conv.py → golden/conv.json), float64.
 */
import { adaptiveAvgPool2d, avgPool2d, conv2d, type IntPair, maxPool2d, type Tensor } from '@tsgrad/autograd';
import { describe, it } from 'vitest';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from '../golden.js';

// float64 on both sides; only the summation order differs (≈ 1e-15 relative per term, a few
// hundred terms per output), so 1e-10 is far above rounding yet far below any real error.
const RTOL = 1e-10;
const ATOL = 1e-12;

type Pair = [number, number];
interface ConvCase {
  name: string;
  options: { stride: Pair; padding: Pair | 'same' | 'valid'; dilation: Pair; groups: number };
  x: GoldenTensor;
  w: GoldenTensor;
  b?: GoldenTensor;
  y: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
  gw: GoldenTensor;
  gb?: GoldenTensor;
  rx: GoldenTensor;
  rw: GoldenTensor;
  ddx: GoldenTensor;
  ddw: GoldenTensor;
  ddgy: GoldenTensor;
}
interface PoolCase {
  name: string;
  options: Record<string, unknown>;
  x: GoldenTensor;
  y: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
}
interface ConvGolden {
  conv2d: ConvCase[];
  maxPool2d: PoolCase[];
  avgPool2d: PoolCase[];
  adaptiveAvgPool2d: PoolCase[];
}

const golden = loadGolden<ConvGolden>('conv');
const leaf = (g: GoldenTensor): Tensor => {
  const t = fromGolden(g);
  t.requiresGrad = true;
  return t;
};
const dot = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();

describe('conv2d matches PyTorch', () => {
  for (const c of golden.conv2d) {
    it(`conv2d ${c.name}: forward and gradients of x, weight, bias`, () => {
      const x = leaf(c.x);
      const w = leaf(c.w);
      const b = c.b ? leaf(c.b) : null;
      const y = conv2d(x, w, b, c.options);
      expectCloseToGolden(y, c.y, RTOL, ATOL, 'y');
      y.backward(fromGolden(c.gy));
      expectCloseToGolden(x.grad!, c.gx, RTOL, ATOL, 'gx');
      expectCloseToGolden(w.grad!, c.gw, RTOL, ATOL, 'gw');
      if (c.gb) expectCloseToGolden(b!.grad!, c.gb, RTOL, ATOL, 'gb');
    });

    it(`conv2d ${c.name}: double backward`, () => {
      const x = leaf(c.x);
      const w = leaf(c.w);
      const gy = leaf(c.gy);
      const b = c.b ? leaf(c.b) : null;
      const y = conv2d(x, w, b, c.options);
      y.backward(gy, { createGraph: true });
      const [gx, gw] = [x.grad!, w.grad!];
      for (const t of [x, w, gy]) t.grad = null;
      dot(gx, fromGolden(c.rx))
        .add(dot(gw, fromGolden(c.rw)))
        .backward();
      expectCloseToGolden(x.grad!, c.ddx, RTOL, ATOL, 'ddx');
      expectCloseToGolden(w.grad!, c.ddw, RTOL, ATOL, 'ddw');
      expectCloseToGolden(gy.grad!, c.ddgy, RTOL, ATOL, 'ddgy');
    });
  }
});

function poolCases(
  name: string,
  cases: PoolCase[],
  run: (x: Tensor, options: Record<string, unknown>) => Tensor,
) {
  describe(`${name} matches PyTorch`, () => {
    for (const c of cases) {
      it(`${name} ${c.name}: forward and gradient`, () => {
        const x = leaf(c.x);
        const y = run(x, c.options);
        expectCloseToGolden(y, c.y, RTOL, ATOL, 'y');
        y.backward(fromGolden(c.gy));
        expectCloseToGolden(x.grad!, c.gx, RTOL, ATOL, 'gx');
      });
    }
  });
}

poolCases('maxPool2d', golden.maxPool2d, (x, o) => maxPool2d(x, o.kernelSize as IntPair, o));
poolCases('avgPool2d', golden.avgPool2d, (x, o) => avgPool2d(x, o.kernelSize as IntPair, o));
poolCases('adaptiveAvgPool2d', golden.adaptiveAvgPool2d, (x, o) =>
  adaptiveAvgPool2d(x, o.outputSize as IntPair),
);
