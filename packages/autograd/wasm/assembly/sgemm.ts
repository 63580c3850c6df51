// AssemblyScript source of the float32 gemm kernel (compiled by build.mjs; see README.md here).
//
// Same contract as `gemmReference` in src/kernels/gemm.ts, on pointers into this module's memory:
//   C[m×n] = op(A)[m×k] · op(B)[k×n]   (+ C when `accumulate`)
// op(A) = A (stored [m, k]) or Aᵀ (A stored [k, m]) as `transA` says; likewise B. All pointers are
// byte addresses; the caller (src/kernels/wasm/gemmWasm.ts) copies A, B (and C) in and C out.
//
// The scheme is the Goto/BLIS one of gemmBlocked (Goto & van de Geijn, ACM TOMS 2008), with the
// micro-kernel on 128-bit SIMD lanes (f32x4):
//
//   for jc in steps of NC over n:                 a column block of B and C
//     for pc in steps of KC over k:               a depth slice
//       pack B[pc:pc+KC, jc:jc+NC] into column panels NR = 8 wide         (stays in L2)
//       for ic in steps of MC over m:
//         pack A[ic:ic+MC, pc:pc+KC] into row panels MR = 4 high          (stays in L2)
//         for each NR panel of B (in L1), for each MR panel of A:
//           micro-kernel: C[4×8] += Apanel · Bpanel in 8 f32x4 accumulators
//
// Perf: the 4×8 tile holds 8 vector accumulators + 2 vectors of B + 1 splat of A = 11 of the 16
// SIMD registers (V8 on x64), so nothing spills; each depth step is 2 vector loads, 4 splat loads,
// 8 multiply-adds (`madd`, lib/madd.ts: fused multiply-add instructions in the relaxed-SIMD
// build, ~1.35× the speed of the plain build's separate multiplies and adds here). Packing
// reads A and B through (row stride, column stride), so transposes cost only the pack. Partial
// tiles at the bottom/right edges run the same kernel into a scratch tile, then copy the valid part.

import { madd } from './lib/madd';

/** Micro-tile height (rows of A per panel) and width (columns of B per panel, 2 vectors). */
const MR: i32 = 4;
const NR: i32 = 8;
/** Depth of one slice: a packed KC×NR panel of B is 8 KiB, kept in L1 across a column of tiles. */
const KC: i32 = 256;
/** Rows of A per packed block: MC×KC floats = 64 KiB, in L2 (measured ~3 % faster than 128 at N = 1024). */
const MC: i32 = 64;
/** Columns of B per packed block: KC×NC floats = 1 MiB, in L2. */
const NC: i32 = 1024;

/** Bytes of scratch that `sgemm` needs at `scratch`: packed A, packed B and one edge tile. */
export function scratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/**
 * C = op(A)·op(B) (+ C when accumulate ≠ 0). a, b, c, scratch are byte addresses; C is [m, n]
 * row-major and dense; scratch holds scratchBytes() bytes, 16-byte aligned.
 */
export function sgemm(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  b: usize,
  c: usize,
  accumulate: i32,
  scratch: usize,
): void {
  // Dense operands: the leading dimension of each stored matrix is its row length.
  const lda = transA !== 0 ? m : k;
  const ldb = transB !== 0 ? k : n;
  sgemmStrided(transA, transB, m, n, k, a, lda, b, ldb, c, n, accumulate, scratch);
}

/**
 * sgemm on sub-matrices: lda, ldb, ldc (in elements) are the row lengths of the stored A, B and C
 * (A stored [m, lda] or, when transA, [k, lda]; likewise B), so a block of rows of C and the
 * matching rows of op(A) can be computed alone. The worker threads (src/kernels/wasm/threads.ts)
 * each take such a block, with their own scratch.
 */
export function sgemmStrided(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  accumulate: i32,
  scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (accumulate === 0) {
      for (let i: i32 = 0; i < m; i++) memory.fill(c + ((<usize>i * <usize>ldc) << 2), 0, (<usize>n) << 2);
    }
    return;
  }
  // op(A)[i, p] = a[i·rsA + p·csA];  op(B)[p, j] = b[p·rsB + j·csB]   (in elements)
  const rsA: i32 = transA !== 0 ? 1 : lda;
  const csA: i32 = transA !== 0 ? lda : 1;
  const rsB: i32 = transB !== 0 ? 1 : ldb;
  const csB: i32 = transB !== 0 ? ldb : 1;
  const pa: usize = scratch;
  const pb: usize = pa + <usize>(MC * KC * 4);
  const tile: usize = pb + <usize>(KC * NC * 4);
  const ldcBytes: usize = (<usize>ldc) << 2;

  for (let jc: i32 = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc: i32 = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b + ((<usize>pc * rsB + <usize>jc * csB) << 2), rsB, csB, kc, nc, pb);
      // The first depth slice overwrites C unless accumulating; later slices add to it.
      const add = accumulate !== 0 || pc > 0;
      for (let ic: i32 = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a + ((<usize>ic * rsA + <usize>pc * csA) << 2), rsA, csA, mc, kc, pa);
        for (let jr: i32 = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = pb + <usize>(jr * kc * 4);
          for (let ir: i32 = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const aPanel = pa + <usize>(ir * kc * 4);
            const cTile = c + <usize>(ic + ir) * ldcBytes + ((<usize>(jc + jr)) << 2);
            if (mr === MR && nr === NR) {
              kernel4x8(kc, aPanel, bPanel, cTile, ldcBytes, add);
            } else {
              kernel4x8(kc, aPanel, bPanel, tile, NR * 4, false);
              copyEdge(tile, cTile, ldcBytes, mr, nr, add);
            }
          }
        }
      }
    }
  }
}

/**
 * Packs the mc×kc block op(A)[i, p] = src[i·rs + p·cs] into row panels of MR: the panel at row r0
 * holds dst[r0·kc + p·MR + r] = op(A)[r0 + r, p], zero-padded past mc.
 */
function packA(src: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  for (let r0: i32 = 0; r0 < mc; r0 += MR) {
    let d = dst + <usize>(r0 * kc * 4);
    const rows = min(MR, mc - r0);
    const s = src + ((<usize>(r0 * rs)) << 2);
    if (rows === MR && rs === 1) {
      // Transposed A: the 4 rows of one column are contiguous, one vector.
      const step = (<usize>cs) << 2;
      let q = s;
      for (let p: i32 = 0; p < kc; p++) {
        v128.store(d, v128.load(q));
        q += step;
        d += 16;
      }
    } else if (rows === MR) {
      const r1 = (<usize>rs) << 2;
      const step = (<usize>cs) << 2;
      let q = s;
      for (let p: i32 = 0; p < kc; p++) {
        store<f32>(d, load<f32>(q));
        store<f32>(d, load<f32>(q + r1), 4);
        store<f32>(d, load<f32>(q + 2 * r1), 8);
        store<f32>(d, load<f32>(q + 3 * r1), 12);
        q += step;
        d += 16;
      }
    } else {
      for (let p: i32 = 0; p < kc; p++) {
        for (let r: i32 = 0; r < MR; r++) {
          const v: f32 = r < rows ? load<f32>(s + ((<usize>(r * rs + p * cs)) << 2)) : 0;
          store<f32>(d + ((<usize>r) << 2), v);
        }
        d += 16;
      }
    }
  }
}

/**
 * Packs the kc×nc block op(B)[p, j] = src[p·rs + j·cs] into column panels of NR: the panel at
 * column j0 holds dst[j0·kc + p·NR + j] = op(B)[p, j0 + j], zero-padded past nc.
 */
function packB(src: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j0: i32 = 0; j0 < nc; j0 += NR) {
    let d = dst + <usize>(j0 * kc * 4);
    const cols = min(NR, nc - j0);
    const s = src + ((<usize>(j0 * cs)) << 2);
    if (cols === NR && cs === 1) {
      // Untransposed B: the 8 columns of one row are contiguous, two vectors.
      const step = (<usize>rs) << 2;
      let q = s;
      for (let p: i32 = 0; p < kc; p++) {
        v128.store(d, v128.load(q));
        v128.store(d, v128.load(q, 16), 16);
        q += step;
        d += 32;
      }
    } else if (cols === NR) {
      // Transposed B: column j of op(B) is a contiguous row of B; gather one element per row.
      const c1 = (<usize>cs) << 2;
      let q = s;
      for (let p: i32 = 0; p < kc; p++) {
        store<f32>(d, load<f32>(q));
        store<f32>(d, load<f32>(q + c1), 4);
        store<f32>(d, load<f32>(q + 2 * c1), 8);
        store<f32>(d, load<f32>(q + 3 * c1), 12);
        store<f32>(d, load<f32>(q + 4 * c1), 16);
        store<f32>(d, load<f32>(q + 5 * c1), 20);
        store<f32>(d, load<f32>(q + 6 * c1), 24);
        store<f32>(d, load<f32>(q + 7 * c1), 28);
        q += 4;
        d += 32;
      }
    } else {
      for (let p: i32 = 0; p < kc; p++) {
        for (let j: i32 = 0; j < NR; j++) {
          const v: f32 = j < cols ? load<f32>(s + ((<usize>(p * rs + j * cs)) << 2)) : 0;
          store<f32>(d + ((<usize>j) << 2), v);
        }
        d += 32;
      }
    }
  }
}

/**
 * C[4×8 at c, row stride ldc bytes] (+)= Apanel[kc×4] · Bpanel[kc×8]. Accumulator cRJ holds row R,
 * columns 4J..4J+3. Each step splats one value of A per row and multiplies it into both vectors of B.
 */
function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p: i32 = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** Copies the top-left mr×nr of a dense 4×8 tile into C (adding to it when `add`). */
function copyEdge(tile: usize, c: usize, ldc: usize, mr: i32, nr: i32, add: bool): void {
  for (let r: i32 = 0; r < mr; r++) {
    const src = tile + <usize>(r * NR * 4);
    const dst = c + <usize>r * ldc;
    for (let j: i32 = 0; j < nr; j++) {
      const o = (<usize>j) << 2;
      const v = load<f32>(src + o);
      store<f32>(dst + o, add ? load<f32>(dst + o) + v : v);
    }
  }
}
