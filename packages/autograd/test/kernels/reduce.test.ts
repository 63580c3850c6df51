/**
 * sumToShape (kernels/reduce.ts), which merges neighbouring dims that are reduced alike and sums
 * rows into four partial sums, equals a plain sum over every index on random shapes (size-1 and
 * size-0 dims included) and every choice of reduced dims.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import { sumToShape } from '../../src/kernels/reduce.js';
import { sumOuterInnerWasm, sumRowsWasm } from '../../src/kernels/wasm/reduceWasm.js';
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

describe('sumOuterInnerWasm', () => {
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  /** Σ over a and c of x viewed as [a, b, c], in float64, one term at a time. */
  function reference(
    x: Float32Array,
    a: number,
    b: number,
    c: number,
  ): { sum: Float64Array; mass: Float64Array } {
    const sum = new Float64Array(b);
    const mass = new Float64Array(b);
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++)
        for (let k = 0; k < c; k++) {
          sum[j] = sum[j]! + x[(i * b + j) * c + k]!;
          mass[j] = mass[j]! + Math.abs(x[(i * b + j) * c + k]!);
        }
    return { sum, mass };
  }

  it('adds the float64 sum over the outer and inner dims into out, rounded once (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 1000 }),
        (a, b, c, seed) => {
          const x = Float32Array.from(filled(a * b * c, seed));
          const out = Float32Array.from(filled(b, seed + 1));
          const before = out.slice();
          sumOuterInnerWasm(x, a, b, c, out);
          const { sum, mass } = reference(x, a, b, c);
          // float64 sums of float32 values (error ~1e-16·mass), one rounding to float32 for the
          // sum and one for the addition into out.
          for (let j = 0; j < b; j++) {
            const want = before[j]! + sum[j]!;
            const tol = 2 ** -23 * (Math.abs(before[j]!) + mass[j]!);
            expect(Math.abs(out[j]! - want), `a=${a} b=${b} c=${c} j=${j}`).toBeLessThanOrEqual(tol);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("sumToShape sends conv2d's bias gradient to it under 'wasm', and agrees with the loop under 'js'", () => {
    const shape = [8, 3, 13, 17]; // 5,304 elements: above the size from which the module runs
    const x = Float32Array.from(filled(8 * 3 * 13 * 17, 21));
    const run = (backend: 'wasm' | 'js') => {
      setKernelBackend(backend);
      const out = new Float32Array(3);
      sumToShape(x, shape, out, [1, 3, 1, 1]);
      return out;
    };
    const direct = new Float32Array(3);
    sumOuterInnerWasm(x, 8, 3, 13 * 17, direct);
    expect(run('wasm')).toEqual(direct);
    const { sum, mass } = reference(x, 8, 3, 13 * 17);
    const js = run('js');
    for (let j = 0; j < 3; j++) expect(Math.abs(js[j]! - sum[j]!)).toBeLessThanOrEqual(2 ** -20 * mass[j]!);
  });
});

describe('sumRowsWasm', () => {
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  it("equals sumToShape's TypeScript loop bit for bit: rows added into out in float32 (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 37 }), // vectors of 4 and a scalar tail
        fc.integer({ min: 1, max: 1000 }),
        (a, b, seed) => {
          const x = Float32Array.from(filled(a * b, seed));
          const start = Float32Array.from(filled(b, seed + 1));
          // out starts zeroed in sumToShape's contract; sumRowsWasm adds into whatever out holds
          const wasm = new Float32Array(b);
          sumRowsWasm(x, a, b, wasm);
          setKernelBackend('js');
          const js = new Float32Array(b);
          sumToShape(x, [a, b], js, [1, b]);
          if (a > 1 && b > 1) expect(wasm).toEqual(js); // (size-1 dims merge away into other loops)
          const added = start.slice();
          sumRowsWasm(x, a, b, added);
          // and that is the sum (float32 rounding per row)
          const want = sumReference(Float64Array.from(x), [a, b], [1, b]);
          for (let j = 0; j < b; j++) {
            let mass = Math.abs(start[j]!);
            for (let i = 0; i < a; i++) mass += Math.abs(x[i * b + j]!);
            expect(Math.abs(added[j]! - (start[j]! + want[j]!))).toBeLessThanOrEqual(a * 2 ** -24 * mass);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("sumToShape sends a linear layer's bias gradient ([batch, features] → [features]) to it under 'wasm'", () => {
    const x = Float32Array.from(filled(128 * 70, 5)); // 8,960 elements: above the module's threshold
    const run = (backend: 'wasm' | 'js', shape: number[], kept: number[]) => {
      setKernelBackend(backend);
      const out = new Float32Array(70);
      sumToShape(x, shape, out, kept);
      return out;
    };
    const direct = new Float32Array(70);
    sumRowsWasm(x, 128, 70, direct);
    expect(run('wasm', [128, 70], [1, 70])).toEqual(direct);
    // [2, 64, 70] → [1, 1, 70] merges to the same [128, 70] → [70]
    expect(run('wasm', [2, 64, 70], [1, 1, 70])).toEqual(direct);
    expect(run('js', [128, 70], [1, 70])).toEqual(direct);
  });
});
