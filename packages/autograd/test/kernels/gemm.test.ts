/**
 * gemmBlocked (packed, register-blocked, cache-blocked) must equal gemmReference (the plain
 * triple loop) on every size, transpose combination, offset, dtype and accumulate flag.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Float } from '../../src/kernels/elementwise.js';
import { gemmBlocked, gemmReference } from '../../src/kernels/gemm.js';

type DT = 'float32' | 'float64';

/**
 * Unit roundoff u of each dtype. Both kernels compute each entry as a sum of k products in some
 * order, so each is within γ ≈ (k + 1)·u · (Σₚ |aᵢₚ·bₚⱼ| + |c₀|) of the exact value (Higham,
 * "Accuracy and Stability of Numerical Algorithms", §3.1); they may differ by twice that.
 */
const UNIT_ROUNDOFF: Record<DT, number> = { float32: 2 ** -24, float64: 2 ** -53 };

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  dtype: DT;
  accumulate: boolean;
  /** Unused elements before each matrix, to exercise the offsets. */
  pad: number;
}

function randomArray(len: number, dtype: DT, seed: number): Float {
  const out = dtype === 'float64' ? new Float64Array(len) : new Float32Array(len);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Runs both kernels on the same inputs; checks every entry of C and that nothing else moved. */
function check(cs: Case, seed = 1): void {
  const { transA, transB, m, n, k, dtype, accumulate, pad } = cs;
  const a = randomArray(pad + m * k + pad, dtype, seed);
  const b = randomArray(pad + k * n + pad, dtype, seed + 1);
  const c0 = randomArray(pad + m * n + pad, dtype, seed + 2);
  const cRef = c0.slice();
  const cFast = c0.slice();
  gemmReference(transA, transB, m, n, k, a, pad, b, pad, cRef, pad, accumulate);
  gemmBlocked(transA, transB, m, n, k, a, pad, b, pad, cFast, pad, accumulate);
  const u = UNIT_ROUNDOFF[dtype];
  const label = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} m=${m} n=${n} k=${k} ${dtype} acc=${accumulate} pad=${pad}`;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let mass = accumulate ? Math.abs(c0[pad + i * n + j]!) : 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[pad + p * m + i]! : a[pad + i * k + p]!;
        const bpj = transB ? b[pad + j * k + p]! : b[pad + p * n + j]!;
        mass += Math.abs(aip * bpj);
      }
      const tol = 2 * (k + 1) * u * mass;
      const diff = Math.abs(cFast[pad + i * n + j]! - cRef[pad + i * n + j]!);
      if (!(diff <= tol)) {
        expect.fail(
          `${label}: C[${i}, ${j}] blocked ${cFast[pad + i * n + j]} vs reference ${cRef[pad + i * n + j]}`,
        );
      }
    }
  }
  for (let i = 0; i < pad; i++) {
    expect(cFast[i], `${label}: element before C changed`).toBe(c0[i]);
    expect(cFast[pad + m * n + i], `${label}: element after C changed`).toBe(c0[pad + m * n + i]);
  }
}

const FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

describe('gemmBlocked equals gemmReference', () => {
  it('random sizes 1..70, every transpose combination, dtype, accumulate flag and offset', () => {
    const arbCase = fc.record({
      transA: fc.boolean(),
      transB: fc.boolean(),
      m: fc.integer({ min: 1, max: 70 }),
      n: fc.integer({ min: 1, max: 70 }),
      k: fc.integer({ min: 1, max: 70 }),
      dtype: fc.constantFrom<DT>('float32', 'float64'),
      accumulate: fc.boolean(),
      pad: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 1, max: 1e6 }), (cs, seed) => check(cs, seed)),
      { numRuns: 60 },
    );
  });

  // Sizes at and around the micro-tile (3), the small-product threshold (5³), single rows and
  // columns, MC (120), KC (256) and NC (510), so that edge tiles, several depth slices and several
  // row/column blocks all occur.
  const straddling: Array<[number, number, number]> = [
    [1, 1, 1],
    [3, 3, 3],
    [5, 5, 5],
    [6, 5, 5],
    [4, 7, 17],
    [1, 300, 40],
    [300, 1, 40],
    [119, 8, 33],
    [121, 7, 255],
    [11, 9, 257],
    [2, 509, 3],
    [5, 511, 258],
    [241, 4, 513],
    [120, 510, 256], // the largest blocks: they fill the pack buffer, (MC + NC)·KC doubles, exactly
  ];
  for (const [m, n, k] of straddling) {
    it(`m=${m} n=${n} k=${k}: all transpose combinations, float32 and float64`, () => {
      for (const [transA, transB] of FLAGS) {
        for (const dtype of ['float32', 'float64'] as const) {
          check({ transA, transB, m, n, k, dtype, accumulate: (m + n) % 2 === 0, pad: 3 });
        }
      }
    });
  }

  // Blocks are cut into near-equal parts: m = 122 → row blocks of 63 and 59 (63 is a whole number
  // of 3-row panels, 122 is not), n = 512 → column blocks of 258 and 254, k = 300 → two slices of
  // 150; every block boundary then falls inside a micro-tile's reach of the matrix edge.
  it('uneven blocks in every dimension at once, all transpose combinations', () => {
    for (const [transA, transB] of FLAGS)
      check({ transA, transB, m: 122, n: 512, k: 300, dtype: 'float64', accumulate: transA, pad: 2 });
  });

  it('NaN and infinities in A or B reach C as in the reference (the pack buffer holds any double)', () => {
    const a = randomArray(7 * 9, 'float32', 3);
    const b = randomArray(9 * 8, 'float32', 4);
    a[10] = Number.NaN; // row 1 of A
    b[5 * 8 + 6] = Number.POSITIVE_INFINITY; // column 6 of B, depth 5
    const ref = new Float32Array(7 * 8);
    const fast = new Float32Array(7 * 8);
    gemmReference(false, false, 7, 8, 9, a, 0, b, 0, ref, 0, false);
    gemmBlocked(false, false, 7, 8, 9, a, 0, b, 0, fast, 0, false);
    for (let i = 0; i < ref.length; i++) {
      if (Number.isFinite(ref[i]!)) expect(Math.abs(fast[i]! - ref[i]!)).toBeLessThan(1e-5);
      else expect(fast[i]).toBe(ref[i]); // NaN is NaN, ±∞ keeps its sign
    }
  });

  it('accumulate adds to C across several depth slices', () => {
    for (const [transA, transB] of FLAGS)
      check({ transA, transB, m: 20, n: 21, k: 600, dtype: 'float64', accumulate: true, pad: 1 });
  });

  it('k = 0 gives zeros, or leaves C as it was when accumulating', () => {
    for (const accumulate of [false, true]) {
      const c = new Float64Array([1, 2, 3, 4, 5, 6]);
      gemmBlocked(false, false, 2, 3, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 0, accumulate);
      expect([...c]).toEqual(accumulate ? [1, 2, 3, 4, 5, 6] : [0, 0, 0, 0, 0, 0]);
    }
  });

  it('a small known product', () => {
    // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    const c = new Float32Array(4);
    gemmBlocked(
      false,
      false,
      2,
      2,
      2,
      new Float32Array([1, 2, 3, 4]),
      0,
      new Float32Array([5, 6, 7, 8]),
      0,
      c,
      0,
      false,
    );
    expect([...c]).toEqual([19, 22, 43, 50]);
  });

  it('mixed float32 / float64 operands (ops promote, the kernel must not care)', () => {
    const a = randomArray(40 * 30, 'float32', 7);
    const b = randomArray(40 * 50, 'float64', 8);
    const ref = new Float64Array(40 * 50);
    const fast = new Float64Array(40 * 50);
    gemmReference(true, false, 30, 50, 40, a, 0, b, 0, ref, 0, false);
    gemmBlocked(true, false, 30, 50, 40, a, 0, b, 0, fast, 0, false);
    // float64 sums of 40 products of size ≤ 1: both within 41·2⁻⁵³·40 ≈ 2e-13 of exact.
    for (let i = 0; i < ref.length; i++) expect(Math.abs(fast[i]! - ref[i]!)).toBeLessThan(1e-12);
  });
});
