/**
 * ops/softmax.ts: softmax and logSoftmax against a float64 reference along random dims,
 * stability at ±1000, the backward formulas against the explicit Jacobian, double backward.
 */
import { logSoftmax, softmax, type Tensor, tensor } from '@tsgrad/autograd';
import { arbShape, arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const F64 = { dtype: 'float64' as const };

/** softmax along dim by explicit index arithmetic; log form when `log`. */
function refSoftmax(x: Tensor, dim: number, log: boolean): number[] {
  const d = dim < 0 ? dim + Math.max(x.ndim, 1) : dim;
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  const inner = x.shape.slice(d + 1).reduce((p, s) => p * s, 1);
  const out = new Array<number>(x.size);
  for (let k = 0; k < x.size; k++) {
    const i = k % inner;
    const o = Math.floor(k / (inner * n));
    const row = Array.from({ length: n }, (_, j) => x.data[(o * n + j) * inner + i]!);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    out[k] = log ? x.data[k]! - lse : Math.exp(x.data[k]! - lse);
  }
  return out;
}

const arbCase = arbShape().chain((shape) =>
  fc.tuple(
    arbTensor(shape, { min: -30, max: 30, ...F64 }),
    shape.length === 0 ? fc.constantFrom(0, -1) : fc.integer({ min: -shape.length, max: shape.length - 1 }),
  ),
);

// The kernel and the reference shift and sum in the same order but exponentiate differently
// (e^(x−m)·(1/Σ) vs e^(x−lse)); a few ulps relative to the largest entry of the row.
const RTOL = 1e-13;

describe('softmax and logSoftmax forward', () => {
  for (const [name, op, log] of [
    ['softmax', softmax, false],
    ['logSoftmax', logSoftmax, true],
  ] as const) {
    it(`${name} matches the reference along random dims (negative dims, rank 0)`, () => {
      fc.assert(
        fc.property(arbCase, ([x, dim]) => {
          const y = op(x, dim);
          expect(y.shape).toEqual(x.shape);
          refSoftmax(x, dim, log).forEach((want, k) => {
            expect(Math.abs(y.data[k]! - want)).toBeLessThanOrEqual(RTOL * Math.max(1, Math.abs(want)));
          });
        }),
        { numRuns: 40 },
      );
    });
  }

  it('softmax rows sum to 1 along the chosen dim', () => {
    const y = softmax(
      tensor(
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [0, 0],
            [-5, 9],
          ],
        ],
        F64,
      ),
      1,
    );
    for (const total of y.sum(1).data) expect(total).toBeCloseTo(1, 15);
  });

  it('stays finite and exact at ±1000 where the naive formula overflows', () => {
    const x = tensor(
      [
        [1000, 999, -1000],
        [-1000, -1001, -999],
      ],
      F64,
    );
    const y = softmax(x, 1);
    const l = logSoftmax(x, 1);
    const e = Math.exp(-1);
    expect(y.data[0]).toBeCloseTo(1 / (1 + e), 15);
    expect(y.data[2]).toBe(0);
    expect(l.data[0]).toBeCloseTo(-Math.log1p(e), 13);
    expect(l.data[2]).toBeCloseTo(-2000 - Math.log1p(e), 10);
    expect(l.data.every(Number.isFinite)).toBe(true);
  });

  it('a row of −∞ is NaN (0/0), as in PyTorch; a scalar is 1 (log: 0)', () => {
    expect(softmax(tensor([-Infinity, -Infinity]), 0).data.every(Number.isNaN)).toBe(true);
    expect(softmax(tensor(3), 0).item()).toBe(1);
    expect(logSoftmax(tensor(3), -1).item()).toBe(0);
  });

  it('names the op and the shape when dim is out of range', () => {
    expect(() => softmax(tensor([[1, 2]]), 2)).toThrow(/softmax: dim 2 out of range for shape \[1, 2\]/);
    expect(() => logSoftmax(tensor([1, 2]), -2)).toThrow(/logSoftmax: dim -2 out of range for shape \[2\]/);
  });
});

describe('softmax and logSoftmax backward', () => {
  /** Jacobian-vector product by the definition: (Jᵀg)ⱼ = Σᵢ gᵢ ∂yᵢ/∂xⱼ for one row. */
  function jacobianT(x: number[], g: number[], log: boolean): number[] {
    const m = Math.max(...x);
    const e = x.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    return x.map((_, j) =>
      g.reduce(
        (acc, gi, i) => acc + gi * (log ? (i === j ? 1 : 0) - p[j]! : p[i]! * ((i === j ? 1 : 0) - p[j]!)),
        0,
      ),
    );
  }

  for (const [name, op, log] of [
    ['softmax', softmax, false],
    ['logSoftmax', logSoftmax, true],
  ] as const) {
    it(`${name}: gradient equals Jᵀg from the explicit Jacobian, along dim 0 of a [n, 2] tensor`, () => {
      fc.assert(
        fc.property(
          fc
            .integer({ min: 1, max: 5 })
            .chain((n) => fc.tuple(arbTensor([n, 2], { min: -5, max: 5, ...F64 }), arbTensor([n, 2], F64))),
          ([x, g]) => {
            const xr = x.detach();
            xr.requiresGrad = true;
            op(xr, 0).backward(g);
            for (let c = 0; c < 2; c++) {
              const col = (t: Tensor) => Array.from({ length: x.shape[0]! }, (_, r) => t.data[r * 2 + c]!);
              const want = jacobianT(col(x), col(g), log);
              for (const [r, v] of col(xr.grad!).entries()) expect(v).toBeCloseTo(want[r]!, 13);
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  }

  it('softmax differentiates twice: Hessian-vector products agree with central differences', () => {
    const w = tensor([0.3, -1.2, 2], F64);
    const loss = (x: Tensor) => softmax(x, 0).mul(w).sum();
    const x0 = [0.5, -0.25, 1];
    const x = tensor(x0, { ...F64, requiresGrad: true });
    loss(x).backward(undefined, { createGraph: true });
    const grad = x.grad!;
    x.grad = null;
    const v = tensor([1, 2, -1], F64);
    grad.mul(v).sum().backward();
    const hv = Array.from(x.grad!.data);
    // Central differences of the analytic gradient along v.
    const h = 1e-6;
    const gradAt = (t: number) => {
      const xt = tensor(
        x0.map((a, i) => a + t * v.data[i]!),
        { ...F64, requiresGrad: true },
      );
      loss(xt).backward();
      return Array.from(xt.grad!.data);
    };
    const plus = gradAt(h);
    const minus = gradAt(-h);
    for (const [i, value] of hv.entries()) expect(value).toBeCloseTo((plus[i]! - minus[i]!) / (2 * h), 7);
  });

  it('logSoftmax differentiates twice (the backward is made of tensor ops)', () => {
    const x = tensor([0.5, -0.25, 1], { ...F64, requiresGrad: true });
    logSoftmax(x, 0)
      .mul(tensor([1, 0, 0], F64))
      .sum()
      .backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    x.grad = null;
    g.sum().backward();
    // Σⱼ ∂/∂xₖ (δ₀ⱼ − pⱼ) = −Σⱼ ∂pⱼ/∂xₖ = 0, since Σⱼ pⱼ = 1.
    for (const v of x.grad!.data) expect(v).toBeCloseTo(0, 15);
  });
});
