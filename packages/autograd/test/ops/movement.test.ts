/**
 * Movement ops against a float64 scalar reference. Every copying movement op is an index map:
 * output element p is input element src(p). The reference computes src(p) with plain
 * multi-index arithmetic; from it follow the forward (y[p] = x[src(p)]) and the backward
 * (∂L/∂x[src(p)] += ∂L/∂y[p]). Double backward is checked through linearity: the gradient of
 * ⟨h, ∂L/∂x⟩ with respect to ∂L/∂y is the op applied to h.
 */
import {
  cat,
  flatten,
  narrow,
  permute,
  type Shape,
  squeeze,
  stack,
  Tensor,
  tensor,
  transpose,
  unsqueeze,
} from '@tsgrad/autograd';
import { arbShape } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, ravel, sizeOfShape, unravel } from './indexReference.js';

const RUNS = { numRuns: 40 };

// ---- reference helpers ----------------------------------------------------------------------

/** Deterministic float64 values in [−2, 2) from a seed (mulberry32). */

/** Output position → [which input, flat offset in it]. */
type SourceMap = (p: number) => [number, number];

/** Forward and backward of `f` against the index map `src`. */
function checkIndexMap(
  f: (xs: Tensor[]) => Tensor,
  shapes: Shape[],
  outShape: Shape,
  src: SourceMap,
  seed: number,
) {
  const xs = shapes.map((s, i) => leaf(s, seed + i));
  const y = f(xs);
  expect(y.shape).toEqual(outShape);
  for (let p = 0; p < y.size; p++) {
    const [i, o] = src(p);
    expect(y.data[p]).toBe(xs[i]!.data[o]);
  }
  const g = leaf(outShape, seed + 101, false);
  const expected = shapes.map((s) => new Float64Array(sizeOfShape(s)));
  for (let p = 0; p < y.size; p++) {
    const [i, o] = src(p);
    expected[i]![o]! += g.data[p]!;
  }
  y.backward(g);
  xs.forEach((x, i) => {
    expect(x.grad?.shape).toEqual([...shapes[i]!]);
    expect(Array.from(x.grad!.data)).toEqual(Array.from(expected[i]!));
  });
}

/** For a linear f: ∂⟨h, ∂L/∂x⟩/∂(∂L/∂y) = f(h), so gradients of gradients are the forward again. */
function checkDoubleBackward(f: (xs: Tensor[]) => Tensor, shapes: Shape[], seed: number) {
  const xs = shapes.map((s, i) => leaf(s, seed + i));
  const y = f(xs);
  const g = leaf(y.shape, seed + 50);
  y.backward(g, { createGraph: true });
  const hs = shapes.map((s, i) => leaf(s, seed + 70 + i, false));
  const inner = xs.map((x, i) => x.grad!.mul(hs[i]!).sum()).reduce((a, b) => a.add(b));
  inner.backward();
  expect(Array.from(g.grad!.data)).toEqual(Array.from(f(hs).data));
}

const seedArb = fc.integer({ min: 1, max: 1_000_000 });
/** A shape and a dim in −r..r−1 (rank ≥ 1). */
const shapeAndDim = arbShape({ minRank: 1, maxRank: 4 }).chain((shape) =>
  fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 })),
);
const pos = (d: number, rank: number) => (d < 0 ? d + rank : d);

// ---- permute / transpose ----------------------------------------------------------------------

describe('permute', () => {
  const arb = arbShape({ minRank: 0, maxRank: 4 }).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.shuffledSubarray(
        shape.map((_, i) => i),
        { minLength: shape.length, maxLength: shape.length },
      ),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    ),
  );

  it('matches the reference index map, with negative dims, forward and backward', () => {
    fc.assert(
      fc.property(arb, seedArb, ([shape, dims, negate], seed) => {
        const given = dims.map((d, i) => (negate[i] ? d - shape.length : d));
        const outShape = dims.map((d) => shape[d]!);
        checkIndexMap(
          ([x]) => permute(x!, given),
          [shape],
          outShape,
          (p) => {
            const idx = unravel(p, outShape);
            const j = new Array<number>(shape.length);
            dims.forEach((d, k) => {
              j[d] = idx[k]!;
            });
            return [0, ravel(j, shape)];
          },
          seed,
        );
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is permute again', () => {
    fc.assert(
      fc.property(arb, seedArb, ([shape, dims], seed) => {
        checkDoubleBackward(([x]) => permute(x!, dims), [shape], seed);
      }),
      RUNS,
    );
  });

  it('x.permute(...dims) is the method form', () => {
    const x = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    expect(x.permute(2, 0, 1).toArray()).toEqual([
      [[1], [4]],
      [[2], [5]],
      [[3], [6]],
    ]);
  });

  it('rejects wrong dims with op, dims and shape in the message', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => permute(x, [0])).toThrow('permute: expected 2 dims for shape [2, 3], got [0]');
    expect(() => permute(x, [0, -2])).toThrow('permute: dims [0, -2] repeat a dim of shape [2, 3]');
    expect(() => permute(x, [0, 2])).toThrow('permute: dim 2 out of range for shape [2, 3]');
  });
});

describe('transpose', () => {
  it('swaps two dims (negative dims too), forward and backward', () => {
    const arb = shapeAndDim.chain(([shape, d0]) =>
      fc.tuple(
        fc.constant(shape),
        fc.constant(d0),
        fc.integer({ min: -shape.length, max: shape.length - 1 }),
      ),
    );
    fc.assert(
      fc.property(arb, seedArb, ([shape, d0, d1], seed) => {
        const a = pos(d0, shape.length);
        const b = pos(d1, shape.length);
        const outShape = shape.map((s, i) => (i === a ? shape[b]! : i === b ? shape[a]! : s));
        checkIndexMap(
          ([x]) => transpose(x!, d0, d1),
          [shape],
          outShape,
          (p) => {
            const idx = unravel(p, outShape);
            [idx[a], idx[b]] = [idx[b]!, idx[a]!];
            return [0, ravel(idx, shape)];
          },
          seed,
        );
      }),
      RUNS,
    );
  });

  it('rank 0 and rank 1 accept dims 0 and −1 (a new tensor with the same values)', () => {
    const s = tensor(3, { requiresGrad: true });
    const y = transpose(s, 0, -1);
    expect(y).not.toBe(s);
    expect(y.item()).toBe(3);
    const v = tensor([1, 2]);
    expect(v.transpose(0, -1).toArray()).toEqual([1, 2]);
    expect(() => v.transpose(0, 1)).toThrow('transpose: dim 1 out of range for shape [2]');
  });

  it('t() transposes a matrix and rejects rank 3', () => {
    expect(
      tensor([[1, 2, 3]])
        .t()
        .toArray(),
    ).toEqual([[1], [2], [3]]);
    expect(() => leaf([1, 2, 3], 1).t()).toThrow('t: expects a tensor of rank <= 2, got shape [1, 2, 3]');
  });
});

// ---- reshapes: flatten, squeeze, unsqueeze ----------------------------------------------------

describe('flatten', () => {
  it('merges startDim..endDim and keeps the element order', () => {
    const arb = shapeAndDim.chain(([shape, s]) =>
      fc.tuple(
        fc.constant(shape),
        fc.constant(s),
        fc.integer({ min: pos(s, shape.length), max: shape.length - 1 }),
      ),
    );
    fc.assert(
      fc.property(arb, fc.boolean(), seedArb, ([shape, s, e], negEnd, seed) => {
        const a = pos(s, shape.length);
        const end = negEnd ? e - shape.length : e;
        const outShape = [...shape.slice(0, a), sizeOfShape(shape.slice(a, e + 1)), ...shape.slice(e + 1)];
        checkIndexMap(
          ([x]) => flatten(x!, s, end),
          [shape],
          outShape,
          (p) => [0, p],
          seed,
        );
      }),
      RUNS,
    );
  });

  it('defaults flatten everything; a scalar becomes [1] (as PyTorch)', () => {
    expect(leaf([2, 3, 4], 1).flatten().shape).toEqual([24]);
    expect(tensor(5).flatten().shape).toEqual([1]);
    expect(leaf([2, 3, 4], 1).flatten(1).shape).toEqual([2, 12]);
  });

  it('rejects startDim after endDim and out-of-range dims', () => {
    const x = leaf([2, 3, 4], 1);
    expect(() => x.flatten(2, 1)).toThrow('flatten: startDim 2 comes after endDim 1 for shape [2, 3, 4]');
    expect(() => x.flatten(0, 3)).toThrow('flatten: dim 3 out of range for shape [2, 3, 4]');
  });
});

describe('squeeze and unsqueeze', () => {
  it('squeeze() drops every size-1 dim; squeeze(dim) only that one if it is 1', () => {
    fc.assert(
      fc.property(shapeAndDim, seedArb, ([shape, d], seed) => {
        const all = shape.filter((s) => s !== 1);
        checkIndexMap(
          ([x]) => squeeze(x!),
          [shape],
          all,
          (p) => [0, p],
          seed,
        );
        const a = pos(d, shape.length);
        const one = shape[a] === 1 ? shape.filter((_, i) => i !== a) : shape;
        checkIndexMap(
          ([x]) => squeeze(x!, d),
          [shape],
          one,
          (p) => [0, p],
          seed,
        );
      }),
      RUNS,
    );
  });

  it('squeezing a dim whose size is not 1 is a no-op (PyTorch)', () => {
    expect(leaf([2, 3], 1).squeeze(0).shape).toEqual([2, 3]);
    expect(tensor(4).squeeze(0).shape).toEqual([]);
    expect(tensor(4).squeeze().shape).toEqual([]);
    expect(leaf([1, 1], 1).squeeze().shape).toEqual([]);
    expect(() => leaf([2, 3], 1).squeeze(2)).toThrow('squeeze: dim 2 out of range for shape [2, 3]');
  });

  it('unsqueeze inserts a size-1 dim anywhere in −(r+1)..r', () => {
    const arb = arbShape({ minRank: 0, maxRank: 3 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length - 1, max: shape.length })),
    );
    fc.assert(
      fc.property(arb, seedArb, ([shape, d], seed) => {
        const a = d < 0 ? d + shape.length + 1 : d;
        const outShape = [...shape.slice(0, a), 1, ...shape.slice(a)];
        checkIndexMap(
          ([x]) => unsqueeze(x!, d),
          [shape],
          outShape,
          (p) => [0, p],
          seed,
        );
      }),
      RUNS,
    );
    expect(() => leaf([2], 1).unsqueeze(2)).toThrow('unsqueeze: dim 2 out of range for shape [2]');
    expect(() => leaf([2], 1).unsqueeze(-3)).toThrow('unsqueeze: dim -3 out of range for shape [2]');
  });
});

// ---- narrow ---------------------------------------------------------------------------------

describe('narrow', () => {
  const arb = shapeAndDim.chain(([shape, d]) => {
    const size = shape[pos(d, shape.length)]!;
    return fc
      .integer({ min: 0, max: size })
      .chain((start) =>
        fc.tuple(
          fc.constant(shape),
          fc.constant(d),
          fc.constant(start),
          fc.integer({ min: 0, max: size - start }),
          fc.boolean(),
        ),
      );
  });

  it('slices one dim (negative dim and start too), forward and backward (zero padding)', () => {
    fc.assert(
      fc.property(arb, seedArb, ([shape, d, start, length, negStart], seed) => {
        const a = pos(d, shape.length);
        const size = shape[a]!;
        const given = negStart && start < size ? start - size : start;
        const outShape = shape.map((s, i) => (i === a ? length : s));
        checkIndexMap(
          ([x]) => narrow(x!, d, given, length),
          [shape],
          outShape,
          (p) => {
            const idx = unravel(p, outShape);
            idx[a]! += start;
            return [0, ravel(idx, shape)];
          },
          seed,
        );
      }),
      RUNS,
    );
  });

  it('gradient of the gradient (narrowBackward’s backward) is narrow again', () => {
    fc.assert(
      fc.property(arb, seedArb, ([shape, d, start, length], seed) => {
        if (length === 0) return;
        checkDoubleBackward(([x]) => narrow(x!, d, start, length), [shape], seed);
      }),
      RUNS,
    );
  });

  it('a zero-length slice is allowed (as PyTorch); its gradient is all zeros', () => {
    const x = leaf([2, 3], 1);
    const y = x.narrow(1, 3, 0);
    expect(y.shape).toEqual([2, 0]);
    y.backward(leaf([2, 0], 2, false));
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects a rank-0 input, bad starts and lengths', () => {
    const x = leaf([2, 5], 1);
    expect(() => tensor(1).narrow(0, 0, 1)).toThrow('narrow: cannot narrow a rank-0 tensor');
    expect(() => x.narrow(1, 6, 0)).toThrow(
      'narrow: start 6 out of range for dim 1 of size 5 (shape [2, 5])',
    );
    expect(() => x.narrow(1, -6, 1)).toThrow('narrow: start -6 out of range for dim 1 of size 5');
    expect(() => x.narrow(-1, 3, 4)).toThrow(
      'narrow: start 3 + length 4 exceeds size 5 of dim -1 (shape [2, 5])',
    );
    expect(() => x.narrow(1, 0, -1)).toThrow('narrow: length must be a non-negative integer, got -1');
    expect(() => x.narrow(1, 0.5, 1)).toThrow('narrow: start 0.5 out of range');
    expect(() => x.narrow(2, 0, 1)).toThrow('narrow: dim 2 out of range for shape [2, 5]');
  });
});

// ---- cat / stack ----------------------------------------------------------------------------

/** Shapes that agree except in dim d (sizes 0..3 there), with d possibly negative. */
const catArb = shapeAndDim.chain(([shape, d]) =>
  fc.tuple(
    fc.constant(shape),
    fc.constant(d),
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
  ),
);

describe('cat', () => {
  it('joins along a dim (negative too, size 0 parts too), forward and backward (narrow per input)', () => {
    fc.assert(
      fc.property(catArb, seedArb, ([shape, d, sizes], seed) => {
        const a = pos(d, shape.length);
        const shapes = sizes.map((n) => shape.map((s, i) => (i === a ? n : s)));
        const total = sizes.reduce((p, n) => p + n, 0);
        const outShape = shape.map((s, i) => (i === a ? total : s));
        checkIndexMap(
          (xs) => cat(xs, d),
          shapes,
          outShape,
          (p) => {
            const idx = unravel(p, outShape);
            let which = 0;
            while (idx[a]! >= sizes[which]!) idx[a]! -= sizes[which++]!;
            return [which, ravel(idx, shapes[which]!)];
          },
          seed,
        );
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is cat again', () => {
    fc.assert(
      fc.property(catArb, seedArb, ([shape, d, sizes], seed) => {
        const a = pos(d, shape.length);
        const shapes = sizes.map((n) => shape.map((s, i) => (i === a ? n + 1 : s)));
        checkDoubleBackward((xs) => cat(xs, d), shapes, seed);
      }),
      RUNS,
    );
  });

  it('promotes float32 with float64 and sends each input a gradient of its own dtype', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { dtype: 'float64', requiresGrad: true });
    const y = cat([a, b]);
    expect(y.dtype).toBe('float64');
    y.backward(tensor([10, 20, 30], { dtype: 'float64' }));
    expect(a.grad!.dtype).toBe('float32');
    expect(a.grad!.toArray()).toEqual([10, 20]);
    expect(b.grad!.toArray()).toEqual([30]);
  });

  it('skips legacy empty 1-D tensors of shape [0], as PyTorch 1.13', () => {
    const e = new Tensor(new Float64Array(0), [0], true);
    const x = leaf([2, 3], 1);
    const y = cat([e, x, e], 1);
    expect(y.shape).toEqual([2, 3]);
    y.sum().backward();
    expect(e.grad!.shape).toEqual([0]);
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('leaves inputs that do not require grad alone', () => {
    const a = leaf([2], 1);
    const b = leaf([2], 2, false);
    cat([a, b]).sum().backward();
    expect(a.grad!.toArray()).toEqual([1, 1]);
    expect(b.grad).toBeNull();
  });

  it('rejects bad lists with op and shapes in the message', () => {
    expect(() => cat([leaf([2, 3], 1), leaf([4, 3], 2)], 1)).toThrow(
      'cat: tensors must have the same shape except in dim 1: [2, 3] and [4, 3]',
    );
    expect(() => cat([leaf([2, 3], 1), leaf([3], 2)])).toThrow(
      'cat: tensors must have the same rank: [2, 3] and [3]',
    );
    expect(() => cat([])).toThrow('cat: expects a non-empty list of tensors');
    expect(() => cat([leaf([2], 1), tensor(1)])).toThrow(
      'cat: zero-dimensional tensor (at position 1) cannot be concatenated',
    );
    expect(() => cat([leaf([2], 1)], 1)).toThrow('cat: dim 1 out of range for shape [2]');
  });
});

describe('stack', () => {
  const arb = arbShape({ minRank: 0, maxRank: 3 }).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.integer({ min: -shape.length - 1, max: shape.length }),
      fc.integer({ min: 1, max: 4 }),
    ),
  );

  it('joins along a new dim in −(r+1)..r (rank 0 inputs too), forward and backward', () => {
    fc.assert(
      fc.property(arb, seedArb, ([shape, d, n], seed) => {
        const a = d < 0 ? d + shape.length + 1 : d;
        const outShape = [...shape.slice(0, a), n, ...shape.slice(a)];
        checkIndexMap(
          (xs) => stack(xs, d),
          Array(n).fill(shape),
          outShape,
          (p) => {
            const idx = unravel(p, outShape);
            const [which] = idx.splice(a, 1);
            return [which!, ravel(idx, shape)];
          },
          seed,
        );
      }),
      RUNS,
    );
  });

  it('gradient of the gradient is stack again', () => {
    fc.assert(
      fc.property(arb, seedArb, ([shape, d, n], seed) => {
        checkDoubleBackward((xs) => stack(xs, d), Array(n).fill(shape), seed);
      }),
      RUNS,
    );
  });

  it('rejects different shapes and bad dims', () => {
    expect(() => stack([leaf([2, 3], 1), leaf([2, 4], 2)])).toThrow(
      'stack: tensors must have the same shape: [2, 3] at position 0 and [2, 4] at position 1',
    );
    expect(() => stack([])).toThrow('stack: expects a non-empty list of tensors');
    expect(() => stack([leaf([2], 1)], 2)).toThrow('stack: dim 2 out of range for shape [2]');
  });
});
