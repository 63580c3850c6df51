/**
 * sumToShape (kernels/reduce.ts), which merges neighbouring dims that are reduced alike and sums
 * rows into four partial sums, equals a plain sum over every index on random shapes (size-1 and
 * size-0 dims included) and every choice of reduced dims.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sumToShape } from '../../src/kernels/reduce.js';
import { filled } from './adjoint.js';

/** Σ x[i] into out[j] for every i of shape, one multi-index at a time (no merging, no odometer). */
function sumReference(x: Float64Array, shape: number[], keptShape: number[]): Float64Array {
  const out = new Float64Array(keptShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) {
    let rest = i;
    let j = 0;
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const index = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      if (keptShape[d] !== 1) j += index * stride;
      stride *= keptShape[d]!;
    }
    out[j] = out[j]! + x[i]!;
  }
  return out;
}

const arbCase = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { maxLength: 5 })
  .map((dims) => ({
    shape: dims.map(([size]) => size),
    keptShape: dims.map(([size, reduced]) => (reduced ? 1 : size)),
  }));

describe('sumToShape', () => {
  it('equals a sum over every multi-index, for random shapes and reduced dims (property)', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 1, max: 1000 }), ({ shape, keptShape }, seed) => {
        const x = filled(
          shape.reduce((a, b) => a * b, 1),
          seed,
        );
        const want = sumReference(x, shape, keptShape);
        const got = new Float64Array(want.length);
        sumToShape(x, shape, got, keptShape);
        // Same terms, another order (partial sums): float64 rounding only.
        for (let j = 0; j < want.length; j++) expect(got[j]).toBeCloseTo(want[j]!, 12);
      }),
      { numRuns: 300 },
    );
  });

  it("sums conv2d's bias gradient shape, [n, c, h, w] → [1, c, 1, 1], rows of odd length", () => {
    const shape = [3, 5, 7, 9];
    const keptShape = [1, 5, 1, 1];
    const x = filled(3 * 5 * 7 * 9, 3);
    const got = new Float64Array(5);
    sumToShape(x, shape, got, keptShape);
    const want = sumReference(x, shape, keptShape);
    for (let j = 0; j < 5; j++) expect(got[j]).toBeCloseTo(want[j]!, 12);
  });
});
