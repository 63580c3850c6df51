/**
 * ops/unary.ts: forward against Math.* on random shapes, erf to float64 accuracy, the
 * gradient conventions at kinks and bounds (abs, clamp), double backward, errors.
 */
import {
  abs,
  clamp,
  cos,
  erf,
  exp,
  log,
  reciprocal,
  sign,
  sin,
  sqrt,
  square,
  type Tensor,
  tensor,
} from '@tsgrad/autograd';
import { arbShape, arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const F64 = { dtype: 'float64' as const };

/** d/dx of an element-wise op, then d/dx of that, both per element (via createGraph). */
function firstAndSecond(op: (x: Tensor) => Tensor, values: number[]): [number[], number[]] {
  const x = tensor(values, { ...F64, requiresGrad: true });
  op(x).sum().backward(undefined, { createGraph: true });
  const first = x.grad!;
  x.grad = null;
  first.sum().backward();
  return [Array.from(first.data), Array.from(x.grad!.data)];
}

const cases: Array<[string, (x: Tensor) => Tensor, (v: number) => number, { min: number; max: number }]> = [
  ['exp', exp, Math.exp, { min: -5, max: 5 }],
  ['log', log, Math.log, { min: 0.01, max: 10 }],
  ['sqrt', sqrt, Math.sqrt, { min: 0, max: 10 }],
  ['abs', abs, Math.abs, { min: -5, max: 5 }],
  ['sin', sin, Math.sin, { min: -5, max: 5 }],
  ['cos', cos, Math.cos, { min: -5, max: 5 }],
  ['square', square, (v) => v * v, { min: -5, max: 5 }],
  ['reciprocal', reciprocal, (v) => 1 / v, { min: 0.1, max: 5 }],
  ['sign', sign, Math.sign, { min: -5, max: 5 }],
];

describe('unary forward', () => {
  for (const [name, op, f, domain] of cases) {
    it(`${name} equals Math on random shapes (float64), and rounds once in float32`, () => {
      fc.assert(
        fc.property(arbTensor(arbShape(), { ...domain, ...F64 }), (x) => {
          const y = op(x);
          expect(y.shape).toEqual(x.shape);
          expect(Array.from(y.data)).toEqual(Array.from(x.data, f));
          const y32 = op(x.float());
          expect(y32.dtype).toBe('float32');
          expect(Array.from(y32.data)).toEqual(Array.from(x.float().data, (v) => Math.fround(f(v))));
        }),
        { numRuns: 30 },
      );
    });
  }

  it('propagates NaN, and sign(±0) keeps the zero', () => {
    for (const [, op] of cases) expect(op(tensor([Number.NaN])).item()).toBeNaN();
    expect(Object.is(sign(tensor([-0], F64)).item(), -0)).toBe(true);
  });
});

/**
 * erf reference without cancellation: erf x = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
 * a series of positive terms, so the float64 sum is accurate to a few ulps for |x| ≤ 4.
 */
function erfSeries(x: number): number {
  let term = x;
  let total = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-18 * Math.abs(total); n++) {
    term *= (2 * x * x) / (2 * n + 1);
    total += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * total;
}

describe('erf', () => {
  // The series reference itself carries ~x²·ε from e^(−x²) (the rounding of x² is amplified by
  // x²): 16·1.1e-16 ≈ 2e-15 at |x| = 4, plus a few ulps of summation. 4e-15 covers that.
  const ERF_RTOL = 4e-15;

  it('matches a positive-term series to ~1e-15 relative on [−4, 4]', () => {
    fc.assert(
      fc.property(fc.double({ min: -4, max: 4, noNaN: true }), (v) => {
        const got = erf(tensor([v], F64)).item();
        const want = erfSeries(v);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(ERF_RTOL * Math.abs(want) + 1e-300);
      }),
      { numRuns: 300 },
    );
    // Each interval of the piecewise approximation, and its edges.
    for (const v of [1e-20, 1e-9, 0.1, 0.84374, 0.84375, 1, 1.2499, 1.25, 2, 2.857, 2.8572, 3.5, 4]) {
      const want = erfSeries(v);
      expect(Math.abs(erf(tensor([v], F64)).item() - want)).toBeLessThanOrEqual(ERF_RTOL * want);
    }
  });

  it('is odd, saturates to ±1, and keeps ±∞ and NaN as erf does', () => {
    const y = erf(tensor([-2.5, 2.5, 6, 30, -Infinity, Infinity, Number.NaN, 0], F64));
    expect(y.data[0]).toBe(-y.data[1]!);
    expect(Array.from(y.data.slice(2, 6))).toEqual([1, 1, -1, 1]);
    expect(y.data[6]).toBeNaN();
    expect(y.data[7]).toBe(0);
  });

  it('has derivative 2/√π·e^(−x²) and second derivative −2x times that', () => {
    const xs = [-1.3, 0, 0.7, 2.2];
    const [d1, d2] = firstAndSecond(erf, xs);
    xs.forEach((v, i) => {
      const d = (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v);
      expect(d1[i]).toBeCloseTo(d, 14);
      expect(d2[i]).toBeCloseTo(-2 * v * d, 14);
    });
  });
});

describe('unary backward', () => {
  it('abs gradient at 0 is 0 (the subgradient PyTorch picks)', () => {
    const x = tensor([-2, 0, 3], { requiresGrad: true });
    abs(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([-1, 0, 1]);
  });

  it('second derivatives: exp → eˣ, log → −1/x², sqrt → −¼x^(−3/2), sin → −sin, reciprocal → 2/x³', () => {
    const xs = [0.5, 1, 2.5];
    const checks: Array<[(x: Tensor) => Tensor, (v: number) => number, (v: number) => number]> = [
      [exp, Math.exp, Math.exp],
      [log, (v) => 1 / v, (v) => -1 / (v * v)],
      [sqrt, (v) => 0.5 / Math.sqrt(v), (v) => -0.25 * v ** -1.5],
      [sin, Math.cos, (v) => -Math.sin(v)],
      [cos, (v) => -Math.sin(v), (v) => -Math.cos(v)],
      [square, (v) => 2 * v, () => 2],
      [reciprocal, (v) => -1 / (v * v), (v) => 2 / v ** 3],
    ];
    for (const [op, f1, f2] of checks) {
      const [d1, d2] = firstAndSecond(op, xs);
      xs.forEach((v, i) => {
        expect(d1[i]).toBeCloseTo(f1(v), 13);
        expect(d2[i]).toBeCloseTo(f2(v), 13);
      });
    }
  });

  it('sign records no node', () => {
    expect(sign(tensor([1, -1], { requiresGrad: true })).requiresGrad).toBe(false);
  });
});

describe('clamp', () => {
  it('passes the gradient inside [min, max] and at the bounds, 0 outside (PyTorch)', () => {
    const x = tensor([-2, -1, 0, 1, 2], { requiresGrad: true });
    const y = clamp(x, -1, 1);
    expect(y.toArray()).toEqual([-1, -1, 0, 1, 1]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
  });

  it('takes one-sided bounds, keeps NaN, and gives max everywhere when min > max', () => {
    expect(clamp(tensor([-1, 3]), 0).toArray()).toEqual([0, 3]);
    expect(tensor([-1, 3]).clamp(null, 0).toArray()).toEqual([-1, 0]);
    expect(clamp(tensor([Number.NaN]), 0, 1).item()).toBeNaN();
    expect(clamp(tensor([-5, 1.5, 5]), 2, 1).toArray()).toEqual([1, 1, 1]);
  });

  it('rejects missing or NaN bounds', () => {
    expect(() => clamp(tensor([1]), null, null)).toThrow(/clamp: at least one of min and max must be given/);
    expect(() => clamp(tensor([1]), Number.NaN, 1)).toThrow(/clamp: bounds must not be NaN/);
  });
});
