/**
 * General matrix multiply on contiguous row-major matrices:
 *   C[m×n] = op(A)[m×k] · op(B)[k×n]   (+ C when `accumulate`)
 * op(A) = A when !transA (A stored [m, k]) and Aᵀ when transA (A stored [k, m]); likewise B.
 * Offsets select one matrix of a batch inside a larger array.
 *
 * Two implementations with one signature: `gemmReference`, the readable triple loop, and
 * `gemmBlocked`, the fast one that ops call (as `gemm`). The tests hold them equal.
 */
import type { Float } from './elementwise.js';

/**
 * Reference gemm: the plain triple loop in i-k-j order (the inner loop runs along contiguous
 * rows of B and C when B is not transposed). Perf: ~1 GFLOPS; the readable baseline that the
 * fast variants are tested against.
 */
export function gemmReference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float,
  aOffset: number,
  b: Float,
  bOffset: number,
  c: Float,
  cOffset: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a[aOffset + p * m + i]! : a[aOffset + i * k + p]!;
      if (aip === 0) continue;
      const cRow = cOffset + i * n;
      if (transB) for (let j = 0; j < n; j++) c[cRow + j] = c[cRow + j]! + aip * b[bOffset + j * k + p]!;
      else for (let j = 0; j < n; j++) c[cRow + j] = c[cRow + j]! + aip * b[bOffset + p * n + j]!;
    }
  }
}

// ---- gemmBlocked: packed panels + a 4×4 register-blocked micro-kernel ---------------------------
//
// The classic Goto/BLIS scheme (Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 2008), in scalar JS:
//
//   for jc in steps of NC over n:                 a column block of B and C
//     for pc in steps of KC over k:               a depth slice
//       pack B[pc:pc+KC, jc:jc+NC] into column panels of NR           (stays in L2)
//       for ic in steps of MC over m:
//         pack A[ic:ic+MC, pc:pc+KC] into row panels of MR            (stays in L1/L2)
//         for each NR-wide panel of B, for each MR-high panel of A:
//           micro-kernel: C[MR×NR] += Apanel · Bpanel, 16 sums held in locals
//
// Packing reads A and B through (row stride, column stride), so the transpose flags cost nothing
// beyond the pack itself (no transposed copy of a whole matrix). Packed panels are always
// Float64Array, so the micro-kernel sees one array type whatever the dtype (monomorphic loads)
// and float32 inputs are summed in double precision within each KC slice.

/** Micro-tile height and width: 16 accumulators, plus 8 operands per step, fit the registers. */
const MR = 4;
const NR = 4;
/** Depth of one slice: a packed MR×KC panel of A (8 KiB) and KC×NR panel of B sit in L1. */
const KC = 256;
/** Rows of A per packed block (MC×KC doubles = 128 KiB, in L2). */
const MC = 64;
/** Columns of B per packed block (KC×NC doubles = 1 MiB, in L2). */
const NC = 512;
/**
 * Below this many multiply-adds (m·n·k) packing costs more than it saves, and the plain loops of
 * `gemmSmall` are faster (measured: packing breaks even near 16³–24³ on this machine).
 */
const SMALL_WORK = 16 * 16 * 16;

// Scratch reused across calls; they only grow. Single-threaded JS, so sharing them is safe.
let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(KC * NC);
/** One micro-tile, used only for partial tiles at the right and bottom edges of C. */
const edgeTile = new Float64Array(MR * NR);

/**
 * Fast gemm, same contract as `gemmReference`.
 * Perf: packed A/B panels, 4×4 register-blocked micro-kernel, KC/MC/NC cache blocking, transposes
 * absorbed by packing, scratch reused; ~4.5–5 GFLOPS single-threaded at N ≥ 256 on every transpose
 * combination, float32 and float64 (measured with Node 20 on the 2-core Xeon this project is
 * developed on; `gemmReference` reaches ~1). Falls back to `gemmSmall` below SMALL_WORK.
 */
export function gemmBlocked(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float,
  aOffset: number,
  b: Float,
  bOffset: number,
  c: Float,
  cOffset: number,
  accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0 || m * n * k <= SMALL_WORK) {
    gemmSmall(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
    return;
  }
  // op(A)[i, p] = a[aOffset + i·rsA + p·csA];  op(B)[p, j] = b[bOffset + p·rsB + j·csB].
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  const kcMax = Math.min(KC, k);
  const mcMax = roundUp(Math.min(MC, m), MR);
  const ncMax = roundUp(Math.min(NC, n), NR);
  if (packedA.length < mcMax * kcMax) packedA = new Float64Array(mcMax * kcMax);
  if (packedB.length < ncMax * kcMax) packedB = new Float64Array(ncMax * kcMax);
  const pa = packedA;
  const pb = packedB;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, bOffset + pc * rsB + jc * csB, rsB, csB, kc, nc, pb);
      // The first depth slice overwrites C unless accumulating; later slices add to it.
      const add = accumulate || pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, aOffset + ic * rsA + pc * csA, rsA, csA, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(kc, pa, ir * kc, pb, jr * kc, c, cOffset + (ic + ir) * n + jc + jr, n, mr, nr, add);
          }
        }
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/**
 * Packs the mc×kc block op(A)[i, p] = a[off + i·rs + p·cs] into row panels of MR: panel r0 holds
 * rows r0..r0+MR−1 at dst[r0·kc + p·MR + r], zero-padded past mc.
 */
function packA(
  a: Float,
  off: number,
  rs: number,
  cs: number,
  mc: number,
  kc: number,
  dst: Float64Array,
): void {
  for (let r0 = 0; r0 < mc; r0 += MR) {
    const base = r0 * kc;
    if (r0 + MR <= mc) {
      const s0 = off + r0 * rs;
      const s1 = s0 + rs;
      const s2 = s1 + rs;
      const s3 = s2 + rs;
      for (let p = 0; p < kc; p++) {
        const d = base + p * MR;
        const q = p * cs;
        dst[d] = a[s0 + q]!;
        dst[d + 1] = a[s1 + q]!;
        dst[d + 2] = a[s2 + q]!;
        dst[d + 3] = a[s3 + q]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          dst[base + p * MR + r] = r0 + r < mc ? a[off + (r0 + r) * rs + p * cs]! : 0;
        }
      }
    }
  }
}

/**
 * Packs the kc×nc block op(B)[p, j] = b[off + p·rs + j·cs] into column panels of NR: panel j0
 * holds columns j0..j0+NR−1 at dst[j0·kc + p·NR + j], zero-padded past nc.
 */
function packB(
  b: Float,
  off: number,
  rs: number,
  cs: number,
  kc: number,
  nc: number,
  dst: Float64Array,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = j0 * kc;
    if (j0 + NR <= nc) {
      const s0 = off + j0 * cs;
      const s1 = s0 + cs;
      const s2 = s1 + cs;
      const s3 = s2 + cs;
      for (let p = 0; p < kc; p++) {
        const d = base + p * NR;
        const q = p * rs;
        dst[d] = b[s0 + q]!;
        dst[d + 1] = b[s1 + q]!;
        dst[d + 2] = b[s2 + q]!;
        dst[d + 3] = b[s3 + q]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          dst[base + p * NR + j] = j0 + j < nc ? b[off + p * rs + (j0 + j) * cs]! : 0;
        }
      }
    }
  }
}

/**
 * C[MR×NR tile at c[co], row stride ldc] (+)= Apanel · Bpanel over kc steps. The 16 sums live in
 * locals (registers); each step loads 4 values of A and 4 of B for 16 multiply-adds. Only the
 * top-left mr×nr of the tile is written (edge tiles of C).
 */
function microKernel(
  kc: number,
  pa: Float64Array,
  ao: number,
  pb: Float64Array,
  bo: number,
  c: Float,
  co: number,
  ldc: number,
  mr: number,
  nr: number,
  add: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0; // biome-ignore format: one tile row per line
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++) {
    const ia = ao + p * MR;
    const ib = bo + p * NR;
    const a0 = pa[ia]!;
    const a1 = pa[ia + 1]!;
    const a2 = pa[ia + 2]!;
    const a3 = pa[ia + 3]!;
    const b0 = pb[ib]!;
    c00 += a0 * b0;
    c10 += a1 * b0;
    c20 += a2 * b0;
    c30 += a3 * b0;
    const b1 = pb[ib + 1]!;
    c01 += a0 * b1;
    c11 += a1 * b1;
    c21 += a2 * b1;
    c31 += a3 * b1;
    const b2 = pb[ib + 2]!;
    c02 += a0 * b2;
    c12 += a1 * b2;
    c22 += a2 * b2;
    c32 += a3 * b2;
    const b3 = pb[ib + 3]!;
    c03 += a0 * b3;
    c13 += a1 * b3;
    c23 += a2 * b3;
    c33 += a3 * b3;
  }
  if (mr === MR && nr === NR) {
    const r1 = co + ldc;
    const r2 = r1 + ldc;
    const r3 = r2 + ldc;
    if (add) {
      c[co] += c00;
      c[co + 1] += c01;
      c[co + 2] += c02;
      c[co + 3] += c03; // biome-ignore format: tile
      c[r1] += c10;
      c[r1 + 1] += c11;
      c[r1 + 2] += c12;
      c[r1 + 3] += c13;
      c[r2] += c20;
      c[r2 + 1] += c21;
      c[r2 + 2] += c22;
      c[r2 + 3] += c23;
      c[r3] += c30;
      c[r3 + 1] += c31;
      c[r3 + 2] += c32;
      c[r3 + 3] += c33;
    } else {
      c[co] = c00;
      c[co + 1] = c01;
      c[co + 2] = c02;
      c[co + 3] = c03; // biome-ignore format: tile
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r1 + 2] = c12;
      c[r1 + 3] = c13;
      c[r2] = c20;
      c[r2 + 1] = c21;
      c[r2 + 2] = c22;
      c[r2 + 3] = c23;
      c[r3] = c30;
      c[r3 + 1] = c31;
      c[r3 + 2] = c32;
      c[r3 + 3] = c33;
    }
    return;
  }
  const t = edgeTile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03; // biome-ignore format: tile
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const ci = co + r * ldc + j;
      c[ci] = add ? c[ci]! + t[r * NR + j]! : t[r * NR + j]!;
    }
  }
}

/**
 * Small products, no packing: one dot product per C entry, with the two strides chosen by the
 * transpose flags. Perf: no allocation, one sum in a local per entry.
 */
function gemmSmall(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float,
  aOffset: number,
  b: Float,
  bOffset: number,
  c: Float,
  cOffset: number,
  accumulate: boolean,
): void {
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * rsA;
    const cRow = cOffset + i * n;
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c[cRow + j]! : 0;
      let ai = aRow;
      let bi = bOffset + j * csB;
      for (let p = 0; p < k; p++, ai += csA, bi += rsB) s += a[ai]! * b[bi]!;
      c[cRow + j] = s;
    }
  }
}

/** The gemm that ops (and conv's im2col) call. */
export const gemm = gemmBlocked;
