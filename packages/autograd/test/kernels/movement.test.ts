/**
 * The movement and index kernels against scalar references, on sizes that reach their fast
 * paths: permute and copySlab copy runs of ≥ 64 elements with one `set` (shorter runs with a
 * loop), and where has a flat loop when no operand broadcasts. The op tests use small shapes,
 * so these paths are checked here. Inputs are float64 and outputs float32 in some runs, as
 * cat of mixed dtypes does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { where } from '../../src/kernels/index.js';
import { copySlab, permute } from '../../src/kernels/movement.js';

const RUNS = { numRuns: 30 };

function ramp(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i * 0.5 - 7);
}
function unravel(p: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = p % shape[d]!;
    p = Math.floor(p / shape[d]!);
  }
  return idx;
}
function ravel(idx: readonly number[], shape: readonly number[]): number {
  let p = 0;
  for (let d = 0; d < shape.length; d++) p = p * shape[d]! + idx[d]!;
  return p;
}

describe('permute kernel', () => {
  // Last dims up to 80 so that both the `set` path (inner ≥ 64) and the loop path run.
  const arb = fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })
    .chain((lead) => fc.tuple(fc.constant(lead), fc.integer({ min: 1, max: 80 }), fc.boolean(), fc.boolean()))
    .chain(([lead, last, keepLast, f32]) => {
      const shape = [...lead, last];
      const rest = shape.slice(0, -1).map((_, i) => i);
      return fc
        .shuffledSubarray(keepLast ? rest : shape.map((_, i) => i), {
          minLength: keepLast ? rest.length : shape.length,
          maxLength: keepLast ? rest.length : shape.length,
        })
        .map((perm) => ({ shape, dims: keepLast ? [...perm, shape.length - 1] : perm, f32 }));
    });

  it('matches the multi-index reference (contiguous-row and strided paths)', () => {
    fc.assert(
      fc.property(arb, ({ shape, dims, f32 }) => {
        const n = shape.reduce((p, d) => p * d, 1);
        const x = ramp(n);
        const out = f32 ? new Float32Array(n) : new Float64Array(n);
        permute(x, shape, dims, out);
        const outShape = dims.map((d) => shape[d]!);
        for (let p = 0; p < n; p++) {
          const idx = unravel(p, outShape);
          const j = new Array<number>(shape.length);
          dims.forEach((d, k) => {
            j[d] = idx[k]!;
          });
          const want = x[ravel(j, shape)]!;
          expect(out[p]).toBe(f32 ? Math.fround(want) : want);
        }
      }),
      RUNS,
    );
  });

  it('handles rank 0 and empty tensors', () => {
    const out = new Float64Array(1);
    permute(Float64Array.of(3), [], [], out);
    expect(out[0]).toBe(3);
    permute(new Float64Array(0), [2, 0], [1, 0], new Float64Array(0));
  });
});

describe('copySlab kernel', () => {
  it('copies [outer, length, inner] between offsets, leaving the rest of dst alone', () => {
    const arb = fc.record({
      outer: fc.integer({ min: 1, max: 3 }),
      srcSize: fc.integer({ min: 1, max: 6 }),
      dstSize: fc.integer({ min: 1, max: 6 }),
      inner: fc.integer({ min: 1, max: 40 }),
      seed: fc.nat(),
      f32: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ outer, srcSize, dstSize, inner, seed, f32 }) => {
        const length = seed % (Math.min(srcSize, dstSize) + 1);
        const srcStart = (seed >> 3) % (srcSize - length + 1);
        const dstStart = (seed >> 7) % (dstSize - length + 1);
        const src = ramp(outer * srcSize * inner);
        const dst = f32
          ? new Float32Array(outer * dstSize * inner).fill(99)
          : new Float64Array(outer * dstSize * inner).fill(99);
        copySlab(src, srcSize, srcStart, dst, dstSize, dstStart, outer, length, inner);
        for (let o = 0; o < outer; o++) {
          for (let k = 0; k < dstSize; k++) {
            for (let i = 0; i < inner; i++) {
              const got = dst[(o * dstSize + k) * inner + i];
              const inSlab = k >= dstStart && k < dstStart + length;
              const want = inSlab ? src[(o * srcSize + srcStart + k - dstStart) * inner + i]! : 99;
              expect(got).toBe(f32 ? Math.fround(want) : want);
            }
          }
        }
      }),
      RUNS,
    );
  });
});

describe('where kernel', () => {
  it('the flat path (no broadcasting) and the odometer path (b broadcast) match the reference', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 1, -2, Number.NaN), { minLength: 2, maxLength: 100 }),
        (cond) => {
          const n = cond.length;
          const c = Float64Array.from(cond);
          const a = ramp(n);
          const flat = new Float64Array(n);
          where(c, [n], a, [n], new Float64Array(n).fill(5), [n], flat, [n]);
          // b as one broadcast element: its length differs from the output's, so the odometer runs.
          const general = new Float64Array(n);
          where(c, [n, 1], a, [n, 1], Float64Array.of(5), [1], general, [n, 1]);
          for (let i = 0; i < n; i++) {
            const want = cond[i] !== 0 ? a[i] : 5; // NaN counts as true, as in PyTorch
            expect(flat[i]).toBe(want);
            expect(general[i]).toBe(want);
          }
        },
      ),
      RUNS,
    );
  });
});
