/**
 * ops/comparison.ts: 1/0 masks with broadcasting, NaN semantics, no gradient.
 */
import { eq, ge, gt, le, lt, ne, type Tensor, tensor } from '@tsgrad/autograd';
import { arbBroadcastShapes, arbTensors } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ops: Array<
  [string, (a: Tensor | number, b: Tensor | number) => Tensor, (x: number, y: number) => boolean]
> = [
  ['eq', eq, (x, y) => x === y],
  ['ne', ne, (x, y) => x !== y],
  ['gt', gt, (x, y) => x > y],
  ['ge', ge, (x, y) => x >= y],
  ['lt', lt, (x, y) => x < y],
  ['le', le, (x, y) => x <= y],
];

describe('comparisons', () => {
  for (const [name, op, f] of ops) {
    it(`${name} matches the scalar relation element by element, with broadcasting`, () => {
      // Values on a coarse grid so that equal pairs actually occur.
      const grid = { min: -2, max: 2, dtype: 'float64' as const };
      fc.assert(
        fc.property(arbTensors(arbBroadcastShapes(2), grid), ([a, b]) => {
          const qa = a!.mul(2).add(0.5).data.map(Math.round);
          const qb = b!.mul(2).add(0.5).data.map(Math.round);
          const x = tensor(Array.from(qa), { dtype: 'float64' }).reshape(a!.shape);
          const y = tensor(Array.from(qb), { dtype: 'float64' }).reshape(b!.shape);
          const out = op(x, y);
          const both = x.add(y.mul(0)); // x broadcast to the common shape
          const yb = y.add(x.mul(0));
          expect(out.shape).toEqual(both.shape);
          for (let i = 0; i < out.size; i++) expect(out.data[i]).toBe(f(both.data[i]!, yb.data[i]!) ? 1 : 0);
        }),
        { numRuns: 30 },
      );
    });

    it(`${name} with a plain number on the left mirrors the number on the right`, () => {
      const x = tensor([1, 2, 3]);
      const left = op(2, x);
      for (let i = 0; i < 3; i++) expect(left.data[i]).toBe(f(2, x.data[i]!) ? 1 : 0);
    });
  }

  it('NaN compares unequal to everything, itself included (IEEE, as PyTorch)', () => {
    const x = tensor([Number.NaN, 1]);
    expect(eq(x, x).toArray()).toEqual([0, 1]);
    expect(ne(x, x).toArray()).toEqual([1, 0]);
    expect(gt(x, 0).toArray()).toEqual([0, 1]);
    expect(le(x, 5).toArray()).toEqual([0, 1]);
  });

  it('returns a plain tensor even when an input requires grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const m = gt(x, 1);
    expect(m.requiresGrad).toBe(false);
    expect(m.node).toBeNull();
    expect(m.dtype).toBe('float32');
    expect(gt(x, tensor([0], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('names the op when shapes cannot broadcast', () => {
    expect(() => lt(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /lt: shapes cannot be broadcast: \[2\] and \[3\]/,
    );
  });
});
