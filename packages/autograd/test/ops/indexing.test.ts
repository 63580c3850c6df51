/**
 * Indexing ops against a float64 scalar reference written with plain multi-index arithmetic.
 * gather and indexSelect are index maps (y[p] = x[src(p)]), so their backward must scatter-add
 * ∂L/∂y into the positions src(p) — repeated indices accumulate. scatterAdd, indexAdd and where
 * are linear in their tensor inputs; the gradient of ⟨h, ∂L/∂inputs⟩ with respect to ∂L/∂y is
 * then the op applied to h, which checks double backward without gradcheck.
 */
import {
  gather,
  indexAdd,
  indexSelect,
  maximum,
  minimum,
  type Shape,
  scatterAdd,
  Tensor,
  tensor,
  where,
} from '@tsgrad/autograd';
import { arbBroadcastShapes, arbShape } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, ravel, sizeOfShape, unravel } from './indexReference.js';

const RUNS = { numRuns: 40 };
/** Sums of a few float64 terms in different orders differ by a few ulps at most. */
const SUM_ORDER_TOL = 1e-12;

// ---- reference helpers ----------------------------------------------------------------------

/** Flat offset in `shape` of output multi-index `idx`, broadcasting (right-aligned, size-1 → 0). */
function broadcastOffset(idx: readonly number[], shape: Shape): number {
  const lead = idx.length - shape.length;
  return ravel(
    shape.map((s, i) => (s === 1 ? 0 : idx[lead + i]!)),
    shape,
  );
}
/** Deterministic float64 values in [−2, 2) from a seed (mulberry32). */
function expectClose(actual: Tensor | null, expected: ArrayLike<number>, shape: Shape) {
  expect(actual?.shape).toEqual([...shape]);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual!.data[i]! - expected[i]!)).toBeLessThanOrEqual(SUM_ORDER_TOL);
  }
}

/** For f linear in its inputs: ∂⟨h, ∂L/∂x⟩/∂(∂L/∂y) = f(h). */
function checkDoubleBackward(f: (xs: Tensor[]) => Tensor, shapes: Shape[], seed: number) {
  const xs = shapes.map((s, i) => leaf(s, seed + i));
  const y = f(xs);
  const g = leaf(y.shape, seed + 50);
  y.backward(g, { createGraph: true });
  const hs = shapes.map((s, i) => leaf(s, seed + 70 + i, false));
  const inner = xs.map((x, i) => x.grad!.mul(hs[i]!).sum()).reduce((a, b) => a.add(b));
  inner.backward();
  expectClose(g.grad, f(hs).data, y.shape);
}

const seedArb = fc.integer({ min: 1, max: 1_000_000 });

/** x's shape, a dim (maybe negative), an index shape fitting gather's rule, and its values. */
const gatherArb = arbShape({ minRank: 0, maxRank: 4 }).chain((shape) => {
  const rank = shape.length;
  return fc.integer({ min: -Math.max(rank, 1), max: Math.max(rank, 1) - 1 }).chain((dim) => {
    const d = dim < 0 ? dim + Math.max(rank, 1) : dim;
    const sizes = shape.map((s, i) =>
      i === d ? fc.integer({ min: 1, max: 5 }) : fc.integer({ min: 1, max: s }),
    );
    return fc.tuple(...sizes).chain((indexShape) => {
      const range = rank === 0 ? 1 : shape[d]!;
      return fc
        .array(fc.integer({ min: 0, max: range - 1 }), {
          minLength: sizeOfShape(indexShape),
          maxLength: sizeOfShape(indexShape),
        })
        .map((ix) => ({ shape, dim, d, indexShape: indexShape as number[], ix }));
    });
  });
});

// ---- gather / scatterAdd ------------------------------------------------------------------

describe('gather', () => {
  it('picks x[…, index[p], …] (negative dims, repeats, rank 0), backward scatter-adds', () => {
    fc.assert(
      fc.property(gatherArb, seedArb, ({ shape, dim, d, indexShape, ix }, seed) => {
        const x = leaf(shape, seed);
        const index = new Tensor(Float64Array.from(ix), indexShape);
        const y = gather(x, dim, index);
        const expectedY = new Float64Array(ix.length);
        const expectedGrad = new Float64Array(x.size);
        const g = leaf(indexShape, seed + 1, false);
        for (let p = 0; p < ix.length; p++) {
          const j = unravel(p, indexShape);
          if (shape.length > 0) j[d] = ix[p]!;
          const o = ravel(j, shape);
          expectedY[p] = x.data[o]!;
          expectedGrad[o]! += g.data[p]!;
        }
        expectClose(y, expectedY, indexShape);
        y.backward(g);
        expectClose(x.grad, expectedGrad, shape);
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is gather again (scatterAdd’s src gradient)', () => {
    fc.assert(
      fc.property(gatherArb, seedArb, ({ shape, dim, indexShape, ix }, seed) => {
        const index = new Tensor(Float64Array.from(ix), indexShape);
        checkDoubleBackward(([x]) => x!.gather(dim, index), [shape], seed);
      }),
      RUNS,
    );
  });

  it('accepts number[] and Int32Array indices for a 1-D input', () => {
    const x = tensor([10, 20, 30]);
    expect(gather(x, 0, [2, 2, 0]).toArray()).toEqual([30, 30, 10]);
    expect(gather(x, -1, Int32Array.of(1)).toArray()).toEqual([20]);
  });

  it('an empty index gives an empty result', () => {
    const x = leaf([2, 3], 1);
    const y = x.gather(1, new Tensor(new Float64Array(0), [2, 0]));
    expect(y.shape).toEqual([2, 0]);
  });

  it('rejects bad indices with op, value and size in the message', () => {
    const x = leaf([2, 5], 1);
    const idx = (v: number[][]) => tensor(v);
    expect(() => gather(x, 1, idx([[7], [0]]))).toThrow('gather: index 7 out of range for dim 1 of size 5');
    expect(() => gather(x, -1, idx([[-1], [0]]))).toThrow(
      'gather: index -1 out of range for dim -1 of size 5',
    );
    expect(() => gather(x, 1, idx([[1.5], [0]]))).toThrow('gather: index must hold whole numbers, got 1.5');
    expect(() => gather(x, 1, [0, 1])).toThrow(
      'gather: index must have the same rank as input: index [2] and input [2, 5]',
    );
    expect(() => gather(x, 1, idx([[0], [0], [0]]))).toThrow(
      'gather: index [3, 1] is larger than input [2, 5] in dim 0 (only dim 1 may be)',
    );
    expect(() => gather(x, 2, idx([[0]]))).toThrow('gather: dim 2 out of range for shape [2, 5]');
  });
});

describe('scatterAdd', () => {
  it('adds src at the indexed positions (repeats accumulate); ∂/∂x = g, ∂/∂src = gather, padded', () => {
    const arb = gatherArb.chain((c) =>
      fc.tuple(fc.constant(c), fc.tuple(...c.indexShape.map((s) => fc.integer({ min: s, max: s + 1 })))),
    );
    fc.assert(
      fc.property(arb, seedArb, ([{ shape, dim, d, indexShape, ix }, srcShape], seed) => {
        const x = leaf(shape, seed);
        const src = leaf(srcShape, seed + 1);
        const index = new Tensor(Float64Array.from(ix), indexShape);
        const y = scatterAdd(x, dim, index, src);
        const g = leaf(shape, seed + 2, false);
        const expectedY = Float64Array.from(x.data);
        const expectedSrcGrad = new Float64Array(src.size);
        for (let p = 0; p < ix.length; p++) {
          const j = unravel(p, indexShape);
          const s = ravel(j, srcShape);
          if (shape.length > 0) j[d] = ix[p]!;
          const o = ravel(j, shape);
          expectedY[o]! += src.data[s]!;
          expectedSrcGrad[s] = g.data[o]!;
        }
        expectClose(y, expectedY, shape);
        y.backward(g);
        expectClose(x.grad, g.data, shape);
        expectClose(src.grad, expectedSrcGrad, srcShape);
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is scatterAdd again', () => {
    fc.assert(
      fc.property(gatherArb, seedArb, ({ shape, dim, indexShape, ix }, seed) => {
        const index = new Tensor(Float64Array.from(ix), indexShape);
        checkDoubleBackward(([x, src]) => x!.scatterAdd(dim, index, src!), [shape, indexShape], seed);
      }),
      RUNS,
    );
  });

  it('rejects an index larger than src, with the shapes in the message', () => {
    const x = leaf([2, 5], 1);
    expect(() => scatterAdd(x, 1, tensor([[0, 1]]), leaf([1, 1], 2))).toThrow(
      'scatterAdd: index [1, 2] is larger than src [1, 1] in dim 1',
    );
    expect(() => scatterAdd(x, 1, tensor([[5]]), leaf([1, 1], 2))).toThrow(
      'scatterAdd: index 5 out of range for dim 1 of size 5',
    );
    expect(() => scatterAdd(x, 0, tensor([[0]]), leaf([1], 2))).toThrow(
      'scatterAdd: index must have the same rank as src: index [1, 1] and src [1]',
    );
  });
});

// ---- indexSelect / indexAdd -----------------------------------------------------------------

/** x's shape (rank ≥ 1), a dim (maybe negative) and a 1-D index with repeats allowed. */
const selectArb = arbShape({ minRank: 1, maxRank: 4 }).chain((shape) =>
  fc.integer({ min: -shape.length, max: shape.length - 1 }).chain((dim) => {
    const d = dim < 0 ? dim + shape.length : dim;
    return fc
      .array(fc.integer({ min: 0, max: shape[d]! - 1 }), { minLength: 0, maxLength: 5 })
      .map((ix) => ({ shape, dim, d, ix, outShape: shape.map((s, i) => (i === d ? ix.length : s)) }));
  }),
);

describe('indexSelect', () => {
  it('takes whole slices in index order (repeats, empty index), backward index-adds', () => {
    fc.assert(
      fc.property(selectArb, seedArb, ({ shape, dim, d, ix, outShape }, seed) => {
        const x = leaf(shape, seed);
        const y = x.indexSelect(dim, tensor(ix));
        const g = leaf(outShape, seed + 1, false);
        const expectedY = new Float64Array(y.size);
        const expectedGrad = new Float64Array(x.size);
        for (let p = 0; p < y.size; p++) {
          const j = unravel(p, outShape);
          j[d] = ix[j[d]!]!;
          const o = ravel(j, shape);
          expectedY[p] = x.data[o]!;
          expectedGrad[o]! += g.data[p]!;
        }
        expectClose(y, expectedY, outShape);
        y.backward(g);
        expectClose(x.grad, expectedGrad, shape);
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is indexSelect again (indexAdd’s src gradient)', () => {
    fc.assert(
      fc.property(selectArb, seedArb, ({ shape, dim, ix }, seed) => {
        if (ix.length === 0) return;
        checkDoubleBackward(([x]) => indexSelect(x!, dim, ix), [shape], seed);
      }),
      RUNS,
    );
  });

  it('a rank-0 input takes one index (0-d or 1-D) and gives a scalar, as PyTorch', () => {
    const s = tensor(5, { requiresGrad: true });
    const y = s.indexSelect(0, tensor(0));
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(5);
    y.backward();
    expect(s.grad!.item()).toBe(1);
    expect(indexSelect(s, -1, [0]).shape).toEqual([]);
    expect(() => indexSelect(s, 0, [0, 0])).toThrow(
      'indexSelect: a rank-0 input takes exactly one index, got 2',
    );
  });

  it('rejects bad indices with op, value and size in the message', () => {
    const x = leaf([2, 3], 1);
    expect(() => x.indexSelect(1, [3])).toThrow('indexSelect: index 3 out of range for dim 1 of size 3');
    expect(() => x.indexSelect(0, [0.25])).toThrow('indexSelect: index must hold whole numbers, got 0.25');
    expect(() => x.indexSelect(1, tensor([[0]]))).toThrow('indexSelect: index must be 1-D, got shape [1, 1]');
  });
});

describe('indexAdd', () => {
  it('adds src slices at the indexed positions; ∂/∂x = g, ∂/∂src = indexSelect(g)', () => {
    fc.assert(
      fc.property(selectArb, seedArb, ({ shape, dim, d, ix, outShape }, seed) => {
        const x = leaf(shape, seed);
        const src = leaf(outShape, seed + 1);
        const y = indexAdd(x, dim, ix, src);
        const g = leaf(shape, seed + 2, false);
        const expectedY = Float64Array.from(x.data);
        const expectedSrcGrad = new Float64Array(src.size);
        for (let p = 0; p < src.size; p++) {
          const j = unravel(p, outShape);
          j[d] = ix[j[d]!]!;
          const o = ravel(j, shape);
          expectedY[o]! += src.data[p]!;
          expectedSrcGrad[p] = g.data[o]!;
        }
        expectClose(y, expectedY, shape);
        y.backward(g);
        expectClose(x.grad, g.data, shape);
        expectClose(src.grad, expectedSrcGrad, outShape);
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is indexAdd again', () => {
    fc.assert(
      fc.property(selectArb, seedArb, ({ shape, dim, ix, outShape }, seed) => {
        checkDoubleBackward(([x, src]) => x!.indexAdd(dim, ix, src!), [shape, outShape], seed);
      }),
      RUNS,
    );
  });

  it('rejects a src that does not fit', () => {
    expect(() => indexAdd(leaf([2, 3], 1), 1, [0, 2], leaf([2, 3], 2))).toThrow(
      'indexAdd: src shape [2, 3] does not fit input [2, 3] and 2 indices along dim 1',
    );
  });
});

// ---- where ------------------------------------------------------------------------------------

describe('where', () => {
  /** cond values: 0 (false), nonzero including negatives and fractions (true). */
  const condValue = fc.constantFrom(0, 0, 1, -0.5, 3);

  it('broadcasts cond, a and b; ∂/∂a = g where cond, ∂/∂b = g elsewhere (unbroadcast)', () => {
    const arb = arbBroadcastShapes(3).chain((shapes) =>
      fc.tuple(
        fc.constant(shapes),
        fc.array(condValue, { minLength: sizeOfShape(shapes[0]!), maxLength: sizeOfShape(shapes[0]!) }),
      ),
    );
    fc.assert(
      fc.property(arb, seedArb, ([[cs, as, bs], cv], seed) => {
        const cond = new Tensor(Float64Array.from(cv), cs!);
        const a = leaf(as!, seed);
        const b = leaf(bs!, seed + 1);
        const y = where(cond, a, b);
        const outShape = y.shape;
        const g = leaf(outShape, seed + 2, false);
        const expectedY = new Float64Array(y.size);
        const ga = new Float64Array(a.size);
        const gb = new Float64Array(b.size);
        for (let p = 0; p < y.size; p++) {
          const idx = unravel(p, outShape);
          const c = cond.data[broadcastOffset(idx, cs!)]! !== 0;
          const ia = broadcastOffset(idx, as!);
          const ib = broadcastOffset(idx, bs!);
          expectedY[p] = c ? a.data[ia]! : b.data[ib]!;
          if (c) ga[ia]! += g.data[p]!;
          else gb[ib]! += g.data[p]!;
        }
        expectClose(y, expectedY, outShape);
        y.backward(g);
        expectClose(a.grad, ga, as!);
        expectClose(b.grad, gb, bs!);
        // Double backward: where is linear in (a, b) for a fixed cond.
        checkDoubleBackward(([u, v]) => where(cond, u!, v!), [as!, bs!], seed + 3);
      }),
      RUNS,
    );
  });

  it('accepts numbers for a, b and cond; dtypes promote as in add', () => {
    const c = tensor([1, 0, 2]);
    const a = tensor([1, 2, 3], { requiresGrad: true });
    expect(where(c, a, -1).toArray()).toEqual([1, -1, 3]);
    expect(where(c, 7, a).toArray()).toEqual([7, 2, 7]);
    expect(where(c, 7, 8).dtype).toBe('float32');
    expect(where(1, a, 0).toArray()).toEqual([1, 2, 3]);
    expect(where(c, a, tensor([0], { dtype: 'float64' })).dtype).toBe('float64');
    const y = where(c, a, 0);
    y.backward(tensor([5, 6, 7]));
    expect(a.grad!.toArray()).toEqual([5, 0, 7]);
  });

  it('rejects shapes that cannot broadcast, naming all three', () => {
    expect(() => where(tensor([1, 0]), leaf([3], 1), leaf([1], 2))).toThrow(
      'where: shapes cannot be broadcast: cond [2], a [3], b [1]',
    );
  });
});

// ---- maximum / minimum ------------------------------------------------------------------------

describe.each([
  ['maximum', maximum, (u: number, v: number) => u > v],
  ['minimum', minimum, (u: number, v: number) => u < v],
] as const)('%s', (name, op, wins) => {
  it('matches the reference with broadcasting; ties split the gradient evenly (PyTorch)', () => {
    // Values from a small set so ties are common.
    const small = fc.constantFrom(-1, 0, 0.5, 2);
    const arb = arbBroadcastShapes(2).chain((shapes) =>
      fc.tuple(
        fc.constant(shapes),
        fc.array(small, { minLength: sizeOfShape(shapes[0]!), maxLength: sizeOfShape(shapes[0]!) }),
        fc.array(small, { minLength: sizeOfShape(shapes[1]!), maxLength: sizeOfShape(shapes[1]!) }),
      ),
    );
    fc.assert(
      fc.property(arb, seedArb, ([[as, bs], av, bv], seed) => {
        const a = new Tensor(Float64Array.from(av), as!, true);
        const b = new Tensor(Float64Array.from(bv), bs!, true);
        const y = op(a, b);
        const g = leaf(y.shape, seed, false);
        const expectedY = new Float64Array(y.size);
        const ga = new Float64Array(a.size);
        const gb = new Float64Array(b.size);
        for (let p = 0; p < y.size; p++) {
          const idx = unravel(p, y.shape);
          const ia = broadcastOffset(idx, as!);
          const ib = broadcastOffset(idx, bs!);
          const u = a.data[ia]!;
          const v = b.data[ib]!;
          expectedY[p] = wins(u, v) || u === v ? u : v;
          const share = u === v ? 0.5 : wins(u, v) ? 1 : 0;
          ga[ia]! += g.data[p]! * share;
          gb[ib]! += g.data[p]! * (1 - share);
        }
        expectClose(y, expectedY, y.shape);
        y.backward(g);
        expectClose(a.grad, ga, as!);
        expectClose(b.grad, gb, bs!);
      }),
      RUNS,
    );
  });

  it('accepts a number on either side and propagates NaN', () => {
    const x = tensor([-1, 3, Number.NaN]);
    const expected = name === 'maximum' ? [1, 3, Number.NaN] : [-1, 1, Number.NaN];
    expect(op(x, 1).toArray()).toEqual(expected);
    expect(op(1, x).toArray()).toEqual(expected);
    expect(() => op(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      `${name}: shapes cannot be broadcast: [2] and [3]`,
    );
  });
});
