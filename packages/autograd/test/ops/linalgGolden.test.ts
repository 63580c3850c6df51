/**
 * matmul and linear against PyTorch 1.13 (tools/golden/linalg.py → golden/linalg.json), float64:
 * forward, both gradients, and for matmul the double backward.
 */
import { gradients, linear, matmul, type Tensor } from '@tsgrad/autograd';
import { describe, it } from 'vitest';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from '../golden.js';

// float64 on both sides; only the summation order differs (≈ 1e-16 relative per term, at most
// 60 terms per output here), so 1e-10 is far above rounding yet far below any real error.
const RTOL = 1e-10;
const ATOL = 1e-12;

interface MatmulCase {
  name: string;
  a: GoldenTensor;
  b: GoldenTensor;
  y: GoldenTensor;
  gy: GoldenTensor;
  ga: GoldenTensor;
  gb: GoldenTensor;
  ra: GoldenTensor;
  rb: GoldenTensor;
  dda: GoldenTensor;
  ddb: GoldenTensor;
  ddgy: GoldenTensor;
}
interface LinearCase {
  name: string;
  x: GoldenTensor;
  w: GoldenTensor;
  b?: GoldenTensor;
  y: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
  gw: GoldenTensor;
  gb?: GoldenTensor;
}

const golden = loadGolden<{ matmul: MatmulCase[]; linear: LinearCase[] }>('linalg');

function leaf(g: GoldenTensor): Tensor {
  const t = fromGolden(g);
  t.requiresGrad = true;
  return t;
}

describe('matmul matches PyTorch', () => {
  for (const c of golden.matmul) {
    it(`${c.name}: forward, gradients and double backward`, () => {
      const a = leaf(c.a);
      const b = leaf(c.b);
      const gy = leaf(c.gy);
      const y = matmul(a, b);
      expectCloseToGolden(y, c.y, RTOL, ATOL, 'y');
      const [ga, gb] = gradients([y], [a, b], { gradOutputs: [gy], createGraph: true });
      expectCloseToGolden(ga!, c.ga, RTOL, ATOL, '∂a');
      expectCloseToGolden(gb!, c.gb, RTOL, ATOL, '∂b');
      // s = <∂L/∂a, ra> + <∂L/∂b, rb>, differentiated again with respect to a, b and gy.
      const s = ga!
        .mul(fromGolden(c.ra))
        .sum()
        .add(gb!.mul(fromGolden(c.rb)).sum());
      const [dda, ddb, ddgy] = gradients([s], [a, b, gy]);
      expectCloseToGolden(dda!, c.dda, RTOL, ATOL, '∂²/∂a');
      expectCloseToGolden(ddb!, c.ddb, RTOL, ATOL, '∂²/∂b');
      expectCloseToGolden(ddgy!, c.ddgy, RTOL, ATOL, '∂²/∂gy');
    });
  }
});

describe('linear matches F.linear', () => {
  for (const c of golden.linear) {
    it(`${c.name}: forward and gradients`, () => {
      const x = leaf(c.x);
      const w = leaf(c.w);
      const b = c.b ? leaf(c.b) : undefined;
      const y = linear(x, w, b);
      expectCloseToGolden(y, c.y, RTOL, ATOL, 'y');
      y.backward(fromGolden(c.gy));
      expectCloseToGolden(x.grad!, c.gx, RTOL, ATOL, '∂x');
      expectCloseToGolden(w.grad!, c.gw, RTOL, ATOL, '∂W');
      if (b) expectCloseToGolden(b.grad!, c.gb!, RTOL, ATOL, '∂b');
    });
  }
});
