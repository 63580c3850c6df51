/**
 * ops/reduction.ts: every reduction against a float64 reference that groups elements by
 * explicit multi-indices, on random shapes with random dims (negative, lists, keepDim, rank 0);
 * ties, NaN, n − 1 = 0, extreme values, gradients, errors.
 */
import {
  argmax,
  argmin,
  logSumExp,
  max,
  mean,
  min,
  std,
  sum,
  type Tensor,
  tensor,
  variance,
} from '@tsgrad/autograd';
import { arbShape, arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const F64 = { dtype: 'float64' as const };

/** Reference reduction: groups x's elements by their index outside `dims` and folds each group. */
function refReduce(
  x: Tensor,
  dims: number[],
  keepDim: boolean,
  fold: (values: number[]) => number,
): { shape: number[]; data: number[] } {
  const rank = x.ndim;
  const nd = dims.map((d) => (d < 0 ? d + Math.max(rank, 1) : d)).filter((d) => d < rank);
  const kept = x.shape.map((s, i) => (nd.includes(i) ? 1 : s));
  const groups = new Map<number, number[]>();
  for (let k = 0; k < x.size; k++) {
    let r = k;
    let key = 0;
    let stride = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const idx = r % x.shape[i]!;
      r = Math.floor(r / x.shape[i]!);
      if (!nd.includes(i)) key += idx * stride;
      stride *= kept[i]!;
    }
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(x.data[k]!);
  }
  const size = kept.reduce((p, d) => p * d, 1);
  const data = Array.from({ length: size }, (_, j) => fold(groups.get(j)!));
  return { shape: keepDim ? kept : x.shape.filter((_, i) => !nd.includes(i)), data };
}

const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
const avg = (v: number[]) => total(v) / v.length;
const varOf = (unbiased: boolean) => (v: number[]) => {
  const m = avg(v);
  return total(v.map((a) => (a - m) ** 2)) / (unbiased ? v.length - 1 : v.length);
};
const lse = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(total(v.map((a) => Math.exp(a - m))));
};

/** A random float64 tensor with a random non-empty list of distinct dims (some negative). */
const arbCase = arbShape({ minRank: 1 }).chain((shape) =>
  fc.tuple(
    arbTensor(shape, F64),
    fc
      .subarray(
        shape.map((_, i) => i),
        { minLength: 1 },
      )
      .chain((ds) => fc.tuple(...ds.map((d) => fc.constantFrom(d, d - shape.length)))),
    fc.boolean(),
  ),
);

// Sums of ≤ 256 float64 terms in a different order than the reference: a few ulps per term.
const SUM_RTOL = 1e-13;

function expectMatches(y: Tensor, ref: { shape: number[]; data: number[] }, rtol = SUM_RTOL): void {
  expect(y.shape).toEqual(ref.shape);
  ref.data.forEach((want, i) => {
    // n − 1 = 0 gives NaN on both sides.
    if (Number.isNaN(want)) expect(y.data[i]).toBeNaN();
    else expect(Math.abs(y.data[i]! - want)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(want)));
  });
}

describe('reductions over random dims match the reference', () => {
  const ops: Array<[string, (x: Tensor, d: number[], k: boolean) => Tensor, (v: number[]) => number]> = [
    ['sum', (x, d, k) => sum(x, d, k), total],
    ['mean', (x, d, k) => mean(x, d, k), avg],
    ['var (unbiased)', (x, d, k) => variance(x, d, { keepDim: k }), varOf(true)],
    ['var (biased)', (x, d, k) => variance(x, d, { unbiased: false, keepDim: k }), varOf(false)],
    ['std', (x, d, k) => std(x, d, { keepDim: k }), (v) => Math.sqrt(varOf(true)(v))],
    ['logSumExp', (x, d, k) => logSumExp(x, d, k), lse],
  ];
  for (const [name, op, fold] of ops) {
    it(`${name}`, () => {
      fc.assert(
        fc.property(arbCase, ([x, dims, keepDim]) => {
          expectMatches(op(x, dims, keepDim), refReduce(x, dims, keepDim, fold));
        }),
        { numRuns: 40 },
      );
    });
  }

  for (const [name, op, fold] of [
    ['max', max, (v: number[]) => Math.max(...v)],
    ['min', min, (v: number[]) => Math.min(...v)],
  ] as const) {
    it(`${name} over one dim and over everything`, () => {
      fc.assert(
        fc.property(arbCase, ([x, dims, keepDim]) => {
          const d = dims[0]!;
          expectMatches(op(x, d, keepDim), refReduce(x, [d], keepDim, fold), 0);
          expectMatches(
            op(x),
            refReduce(
              x,
              x.shape.map((_, i) => i),
              false,
              fold,
            ),
            0,
          );
        }),
        { numRuns: 40 },
      );
    });
  }

  it('with dim omitted, sum/mean/var reduce everything; a rank-0 tensor reduces to itself', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 6],
      ],
      F64,
    );
    expect(sum(x).item()).toBe(12);
    expect(mean(x).item()).toBe(3);
    expect(variance(x).item()).toBe(14 / 3);
    expect(std(x, null, { unbiased: false }).item()).toBe(Math.sqrt(3.5));
    const s = tensor(2.5, F64);
    expect(sum(s).item()).toBe(2.5);
    expect(mean(s, 0).item()).toBe(2.5);
    expect(max(s, -1).item()).toBe(2.5);
    expect(logSumExp(s, 0).item()).toBe(2.5);
    expect(argmax(s).item()).toBe(0);
  });
});

describe('max and min: ties, NaN and gradients', () => {
  it('full max splits the gradient evenly among ties (PyTorch)', () => {
    const x = tensor(
      [
        [1, 5, 5],
        [5, 2, 0],
      ],
      { requiresGrad: true },
    );
    max(x).backward();
    expect(x.grad!.toArray()).toEqual(
      [
        [0, 1 / 3, 1 / 3],
        [1 / 3, 0, 0],
      ].map((r) => r.map(Math.fround)),
    );
    const y = tensor([0, 3, 0], { requiresGrad: true });
    min(y).backward();
    expect(y.grad!.toArray()).toEqual([0.5, 0, 0.5]);
  });

  it('max(dim) sends the gradient to the first occurrence, the index argmax returns', () => {
    const x = tensor(
      [
        [1, 5, 5],
        [5, 2, 5],
      ],
      { requiresGrad: true },
    );
    const y = max(x, 1);
    expect(y.toArray()).toEqual([5, 5]);
    expect(argmax(x, 1).toArray()).toEqual([1, 0]);
    y.backward(tensor([10, 20]));
    expect(x.grad!.toArray()).toEqual([
      [0, 10, 0],
      [20, 0, 0],
    ]);
    const z = tensor(
      [
        [3, 3],
        [3, 1],
      ],
      { requiresGrad: true },
    );
    min(z, 0, true).backward(tensor([[1, 2]]));
    expect(z.grad!.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
  });

  it('NaN wins: max/min propagate it and argmax/argmin point at the first NaN (PyTorch)', () => {
    const x = tensor([1, Number.NaN, 3, Number.NaN]);
    expect(max(x).item()).toBeNaN();
    expect(min(x, 0).item()).toBeNaN();
    expect(argmax(x).item()).toBe(1);
    expect(argmin(x).item()).toBe(1);
  });

  it('double backward through max(dim) is the same one-hot map', () => {
    const x = tensor(
      [
        [1, 4],
        [3, 2],
      ],
      { ...F64, requiresGrad: true },
    );
    const g = tensor([1, 1], { ...F64, requiresGrad: true });
    max(x, 1).backward(g, { createGraph: true });
    const gx = x.grad!;
    expect(gx.toArray()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    x.grad = null;
    gx.mul(
      tensor(
        [
          [5, 6],
          [7, 8],
        ],
        F64,
      ),
    )
      .sum()
      .backward();
    expect(g.grad!.toArray()).toEqual([6, 7]);
  });
});

describe('argmax and argmin', () => {
  const x = tensor([
    [1, 5, 5, 0],
    [5, 2, 0, 0],
    [3, 3, 3, 3],
  ]);
  it('return float indices of the first occurrence, flattened when dim is omitted', () => {
    expect(argmax(x).item()).toBe(1);
    expect(argmin(x).item()).toBe(3);
    expect(argmax(x, 1).toArray()).toEqual([1, 0, 0]);
    expect(argmin(x, -1).toArray()).toEqual([3, 2, 0]);
    expect(argmax(x, 0, true).toArray()).toEqual([[1, 0, 0, 2]]);
    expect(argmax(x, null, true).shape).toEqual([1, 1]);
    expect(argmax(x).dtype).toBe('float32');
  });

  it('record no gradient', () => {
    const y = tensor([1, 2], { requiresGrad: true });
    expect(argmax(y).requiresGrad).toBe(false);
  });

  it('agree with max/min along random dims on distinct values', () => {
    fc.assert(
      fc.property(arbCase, ([t, dims, keepDim]) => {
        const d = dims[0]!;
        const idx = argmax(t, d, keepDim);
        const values = max(t, d, keepDim);
        const dd = d < 0 ? d + t.ndim : d;
        // Pick t[..., idx, ...] by hand and compare with the max values.
        const inner = t.shape.slice(dd + 1).reduce((p, s) => p * s, 1);
        const n = t.shape[dd]!;
        for (let j = 0; j < idx.size; j++) {
          const o = Math.floor(j / inner);
          const i = j % inner;
          expect(t.data[(o * n + idx.data[j]!) * inner + i]).toBe(values.data[j]);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe('var and std edge cases (PyTorch 1.13)', () => {
  it('one element with Bessel correction gives NaN (0/0), and biased gives 0', () => {
    const x = tensor([[1], [2]], { ...F64, requiresGrad: true });
    expect(variance(x, 1).data.every(Number.isNaN)).toBe(true);
    expect(std(x, 1).data.every(Number.isNaN)).toBe(true);
    expect(variance(x, 1, { unbiased: false }).toArray()).toEqual([0, 0]);
    variance(x, 1).sum().backward();
    expect(x.grad!.data.every(Number.isNaN)).toBe(true);
  });

  it('var gradient is 2(x − x̄)/(n − 1); std gradient is (x − x̄)/((n − 1)·std)', () => {
    const x = tensor([1, 2, 6], { ...F64, requiresGrad: true });
    variance(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([-2, -1, 3]);
    x.grad = null;
    std(x).backward();
    const s = Math.sqrt(7);
    for (const [i, g] of Array.from(x.grad!.data).entries())
      expect(g).toBeCloseTo([-2, -1, 3][i]! / (2 * s), 15);
  });

  it('keepDim keeps the reduced dims as size 1', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(variance(x, [1, 2], { keepDim: true }).shape).toEqual([1, 1, 1]);
    expect(std(x, -1, { keepDim: true }).shape).toEqual([1, 2, 1]);
  });
});

describe('logSumExp', () => {
  it('stays finite at ±1000 and keeps −∞ rows at −∞', () => {
    const x = tensor(
      [
        [1000, 1000],
        [-1000, -1000],
        [-Infinity, -Infinity],
      ],
      F64,
    );
    const y = logSumExp(x, 1);
    expect(y.data[0]).toBeCloseTo(1000 + Math.LN2, 12);
    expect(y.data[1]).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(y.data[2]).toBe(-Infinity);
  });

  it('has softmax as its gradient, also at ±1000', () => {
    const x = tensor([1000, 999, -1000], { ...F64, requiresGrad: true });
    logSumExp(x, 0).backward();
    const e = Math.exp(-1);
    const want = [1 / (1 + e), e / (1 + e), 0];
    for (const [i, g] of Array.from(x.grad!.data).entries()) expect(g).toBeCloseTo(want[i]!, 15);
  });

  it('keeps an +∞ entry (the shift is set to 0 there, as PyTorch)', () => {
    expect(logSumExp(tensor([Infinity, 1], F64), 0).item()).toBe(Infinity);
  });
});

describe('reduction errors', () => {
  const x = tensor([
    [1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10],
  ]);
  it('name the op, the dim and the shape', () => {
    expect(() => sum(x, 3)).toThrow(/sum: dim 3 out of range for shape \[2, 5\]/);
    expect(() => mean(x, -3)).toThrow(/mean: dim -3 out of range for shape \[2, 5\]/);
    expect(() => max(x, 2)).toThrow(/max: dim 2 out of range for shape \[2, 5\]/);
    expect(() => argmin(x, 5)).toThrow(/argmin: dim 5 out of range for shape \[2, 5\]/);
    expect(() => variance(x, [0, 2])).toThrow(/var: dim 2 out of range/);
    expect(() => std(x, 7)).toThrow(/std: dim 7 out of range/);
    expect(() => logSumExp(x, [1, -1])).toThrow(/logSumExp: dim -1 appears more than once in \[1, -1\]/);
    expect(() => sum(x, 0.5)).toThrow(/sum: dim must be an integer, got 0.5/);
  });

  it('refuse to take the max or argmax of nothing', () => {
    const empty = tensor([]);
    expect(() => max(empty)).toThrow(/max: cannot reduce an empty tensor of shape \[0\]/);
    expect(() => argmax(empty)).toThrow(/argmax: cannot reduce an empty tensor of shape \[0\]/);
  });
});
