/**
 * maxPool2d, avgPool2d, adaptiveAvgPool2d: forward against naive references over random
 * windows, gradients by gradcheck/gradgradcheck, tie-breaking, and every error message.
 */
import {
  adaptiveAvgPool2d,
  avgPool2d,
  gradcheck,
  gradgradcheck,
  maxPool2d,
  Tensor,
  tensor,
} from '@tsgrad/autograd';
import { arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Pair = [number, number];
interface PoolCase {
  x: Tensor;
  k: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  ceilMode: boolean;
  countIncludePad: boolean;
}

/** Random pooling problems: padding ≤ k/2 as PyTorch requires; images fit the window. */
function arbPoolCase(withDilation: boolean, distinct: boolean): fc.Arbitrary<PoolCase> {
  const int = (min: number, max: number) => fc.integer({ min, max });
  return fc
    .record({
      n: int(1, 2),
      c: int(1, 2),
      k: fc.tuple(int(1, 3), int(1, 3)),
      s: fc.tuple(int(1, 3), int(1, 3)),
      pFrac: fc.tuple(fc.boolean(), fc.boolean()),
      d: withDilation ? fc.tuple(int(1, 2), int(1, 2)) : fc.constant<Pair>([1, 1]),
      extra: fc.tuple(fc.nat(4), fc.nat(4)),
      ceilMode: fc.boolean(),
      countIncludePad: fc.boolean(),
    })
    .chain(({ n, c, k, s, pFrac, d, extra, ceilMode, countIncludePad }) => {
      const padding: Pair = [pFrac[0] ? Math.floor(k[0] / 2) : 0, pFrac[1] ? Math.floor(k[1] / 2) : 0];
      // With distinct values the image spans the dilated kernel, so every window has a tap in
      // it; otherwise windows lying wholly in the padding (output −∞, as PyTorch) occur too.
      const span = (i: 0 | 1) => d[i] * (k[i] - 1) + 1;
      const size = (i: 0 | 1) => (distinct ? span(i) : Math.max(1, span(i) - 2 * padding[i])) + extra[i];
      const shape = [n, c, size(0), size(1)];
      const total = shape.reduce((a, b) => a * b, 1);
      // Distinct values (a shuffled ramp) keep every arg-max stable under gradcheck's nudges.
      const values = distinct
        ? fc
            .shuffledSubarray(
              Array.from({ length: total }, (_, i) => -2 + (4 * i) / total),
              { minLength: total, maxLength: total },
            )
            .map((v) => new Tensor(Float64Array.from(v), shape))
        : arbTensor(shape, { dtype: 'float64' });
      return values.map((x) => ({ x, k, stride: s, padding, dilation: d, ceilMode, countIncludePad }));
    });
}

function outSize(i: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const o = Math.floor((i + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  return ceil && (o - 1) * s >= i + p ? o - 1 : o;
}

/**
 * The definitions, window by window, from PyTorch's docs: max over in-image taps (first
 * maximum wins); average of the window with the divisor counting padding or not.
 */
function referencePool(kind: 'max' | 'avg', c: PoolCase): Tensor {
  const [n, ch, h, w] = c.x.shape as number[] as [number, number, number, number];
  const oh = outSize(h, c.k[0], c.stride[0], c.padding[0], c.dilation[0], c.ceilMode);
  const ow = outSize(w, c.k[1], c.stride[1], c.padding[1], c.dilation[1], c.ceilMode);
  const y = Tensor.empty([n, ch, oh, ow], 'float64');
  let o = 0;
  for (let p = 0; p < n * ch; p++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let best = Number.NEGATIVE_INFINITY;
        let sum = 0;
        let inside = 0;
        let padded = 0;
        for (let ki = 0; ki < c.k[0]; ki++)
          for (let kj = 0; kj < c.k[1]; kj++) {
            const iy = i * c.stride[0] - c.padding[0] + ki * c.dilation[0];
            const ix = j * c.stride[1] - c.padding[1] + kj * c.dilation[1];
            // PyTorch's avg divisor counts taps inside the padded image only.
            if (iy < h + c.padding[0] && ix < w + c.padding[1]) padded++;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const v = c.x.data[(p * h + iy) * w + ix]!;
            if (v > best) best = v;
            sum += v;
            inside++;
          }
        y.data[o++] = kind === 'max' ? best : sum / (c.countIncludePad ? padded : inside);
      }
  return y;
}

function referenceAdaptive(x: Tensor, oh: number, ow: number): Tensor {
  const [n, ch, h, w] = x.shape as number[] as [number, number, number, number];
  const y = Tensor.empty([n, ch, oh, ow], 'float64');
  let o = 0;
  for (let p = 0; p < n * ch; p++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let sum = 0;
        let count = 0;
        for (let iy = Math.floor((i * h) / oh); iy < Math.ceil(((i + 1) * h) / oh); iy++)
          for (let ix = Math.floor((j * w) / ow); ix < Math.ceil(((j + 1) * w) / ow); ix++) {
            sum += x.data[(p * h + iy) * w + ix]!;
            count++;
          }
        y.data[o++] = sum / count;
      }
  return y;
}

function expectClose(a: Tensor, b: Tensor, atol: number): void {
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < a.size; i++) {
    // Equal values pass, including −∞: a max window whose taps all fall in the padding (PyTorch gives −∞ too).
    if (a.data[i] !== b.data[i]) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThanOrEqual(atol);
  }
}

// float64; the averages sum ≤ 9 terms in another order (≈ 1e-16 relative each).
const ATOL = 1e-13;
const withGrad = (x: Tensor) => new Tensor(x.data, x.shape, true);

describe('maxPool2d', () => {
  it('equals the window-by-window definition (strides, padding, dilation, ceilMode)', () => {
    fc.assert(
      fc.property(arbPoolCase(true, false), (c) => {
        expectClose(maxPool2d(c.x, c.k, c), referencePool('max', c), 0);
      }),
      { numRuns: 60 },
    );
  });

  it('sends the gradient of a tie to the first maximum in the window, as PyTorch', () => {
    const x = tensor(
      [
        [
          [
            [1, 3, 3],
            [3, 0, 2],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const y = maxPool2d(x, 2, { stride: 1 });
    expect(y.toArray()).toEqual([[[[3, 3]]]]);
    y.backward(tensor([[[[10, 100]]]]));
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [0, 110, 0],
          [0, 0, 0],
        ],
      ],
    ]);
  });

  it('sums the gradients of windows that share an arg-max, and propagates NaN', () => {
    const x = tensor(
      [
        [
          [
            [0, 5, 0, 0],
            [Number.NaN, 1, 2, 3],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const y = maxPool2d(x, [2, 2], { stride: 1, padding: [0, 1] });
    expect(y.toArray()).toEqual([[[[Number.NaN, Number.NaN, 5, 3, 3]]]]);
    y.backward(tensor([[[[1, 2, 4, 8, 16]]]]));
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [0, 4, 0, 0],
          [3, 0, 0, 24],
        ],
      ],
    ]);
  });

  it('gradcheck and gradgradcheck pass away from ties (float64)', () => {
    fc.assert(
      fc.property(arbPoolCase(true, true), (c) => {
        const f = (t: Tensor) => maxPool2d(t, c.k, c);
        expect(gradcheck(f, [withGrad(c.x)])).toBe(true);
        expect(gradgradcheck(f, [withGrad(c.x)])).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('avgPool2d', () => {
  it('equals the window-by-window definition (countIncludePad either way, ceilMode)', () => {
    fc.assert(
      fc.property(arbPoolCase(false, false), (c) => {
        expectClose(avgPool2d(c.x, c.k, c), referencePool('avg', c), ATOL);
      }),
      { numRuns: 60 },
    );
  });

  it('divides by divisorOverride when given', () => {
    const x = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    expect(avgPool2d(x, 2, { divisorOverride: 2 }).toArray()).toEqual([[[[5]]]]);
  });

  it('gradcheck and gradgradcheck pass (float64)', () => {
    fc.assert(
      fc.property(arbPoolCase(false, false), (c) => {
        const f = (t: Tensor) => avgPool2d(t, c.k, c);
        expect(gradcheck(f, [withGrad(c.x)])).toBe(true);
        expect(gradgradcheck(f, [withGrad(c.x)])).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('adaptiveAvgPool2d', () => {
  const arbCase = fc
    .tuple(
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
    )
    .chain(([h, w, oh, ow]) => arbTensor([2, 2, h, w], { dtype: 'float64' }).map((x) => ({ x, oh, ow })));

  it("equals PyTorch's start/end window rule for any input and output size", () => {
    fc.assert(
      fc.property(arbCase, ({ x, oh, ow }) => {
        expectClose(adaptiveAvgPool2d(x, [oh, ow]), referenceAdaptive(x, oh, ow), ATOL);
      }),
      { numRuns: 60 },
    );
  });

  it('with [1, 1] is the global mean of each channel', () => {
    const x = tensor([
      [
        [
          [1, 2],
          [3, 6],
        ],
        [
          [0, 0],
          [0, 4],
        ],
      ],
    ]);
    expect(adaptiveAvgPool2d(x, 1).toArray()).toEqual([[[[3]], [[1]]]]);
  });

  it('gradcheck and gradgradcheck pass (float64)', () => {
    fc.assert(
      fc.property(arbCase, ({ x, oh, ow }) => {
        const f = (t: Tensor) => adaptiveAvgPool2d(t, [oh, ow]);
        expect(gradcheck(f, [withGrad(x)])).toBe(true);
        expect(gradgradcheck(f, [withGrad(x)])).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

describe('pooling errors', () => {
  const x = Tensor.empty([1, 2, 5, 5]);
  it('rejects inputs that are not [n, c, h, w] or [c, h, w]', () => {
    expect(() => maxPool2d(Tensor.empty([1, 2, 2, 5, 5]), 2)).toThrow(
      'maxPool2d: expects input [n, c, h, w] or [c, h, w], got [1, 2, 2, 5, 5]',
    );
    expect(() => avgPool2d(Tensor.empty([5, 5]), 2)).toThrow(
      'avgPool2d: expects input [n, c, h, w] or [c, h, w], got [5, 5]',
    );
    expect(() => adaptiveAvgPool2d(Tensor.empty([5]), 1)).toThrow(
      'adaptiveAvgPool2d: expects input [n, c, h, w] or [c, h, w], got [5]',
    );
  });
  it('pools one unbatched image [c, h, w] as a batch of one', () => {
    const image = Tensor.empty([2, 5, 5]);
    expect(maxPool2d(image, 2).shape).toEqual([2, 2, 2]);
    expect(avgPool2d(image, 3, { stride: 2, padding: 1 }).shape).toEqual([2, 3, 3]);
    expect(adaptiveAvgPool2d(image, [1, 4]).shape).toEqual([2, 1, 4]);
  });
  it('says so when the output would be smaller than 1', () => {
    expect(() => maxPool2d(x, 3, { dilation: 3 })).toThrow(
      'maxPool2d: output size [0, 0] is below 1: input [1, 2, 5, 5], kernel [3, 3], stride [3, 3], padding [0, 0], dilation [3, 3]',
    );
    expect(() => avgPool2d(x, [6, 2])).toThrow(
      'avgPool2d: output size [0, 2] is below 1: input [1, 2, 5, 5], kernel [6, 2], stride [6, 2], padding [0, 0], dilation [1, 1]',
    );
  });
  it('rejects padding above half the kernel, as PyTorch', () => {
    expect(() => maxPool2d(x, 3, { padding: 2 })).toThrow(
      new RangeError(
        'maxPool2d: padding must be at most half the kernel size, got padding [2, 2] for kernel [3, 3]',
      ),
    );
  });
  it('rejects bad kernel sizes, strides, paddings, dilations, divisors and output sizes', () => {
    expect(() => maxPool2d(x, 0)).toThrow(
      new RangeError('maxPool2d: kernelSize must be a positive integer or a pair of them, got 0'),
    );
    expect(() => maxPool2d(x, 2, { stride: [0, 1] })).toThrow(
      'maxPool2d: stride must be a positive integer or a pair of them, got [0, 1]',
    );
    expect(() => avgPool2d(x, 2, { padding: 0.5 })).toThrow(
      'avgPool2d: padding must be a non-negative integer or a pair of them, got 0.5',
    );
    expect(() => maxPool2d(x, 2, { dilation: 0 })).toThrow(
      'maxPool2d: dilation must be a positive integer or a pair of them, got 0',
    );
    expect(() => avgPool2d(x, 2, { divisorOverride: 0 })).toThrow(
      new RangeError('avgPool2d: divisorOverride must be a positive integer, got 0'),
    );
    expect(() => adaptiveAvgPool2d(x, [2, 0])).toThrow(
      'adaptiveAvgPool2d: outputSize must be a positive integer or a pair of them, got [2, 0]',
    );
    expect(() => adaptiveAvgPool2d(Tensor.empty([1, 1, 0, 3]), 1)).toThrow(
      'adaptiveAvgPool2d: input has an empty image: [1, 1, 0, 3]',
    );
  });
});
