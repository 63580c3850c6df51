/**
 * General matrix multiply on contiguous row-major matrices:
 *   C[m×n] = op(A)[m×k] · op(B)[k×n]   (+ C when `accumulate`)
 * op(A) = A when !transA (A stored [m, k]) and Aᵀ when transA (A stored [k, m]); likewise B.
 * Offsets select one matrix of a batch inside a larger array.
 *
 * Two implementations with one signature: `gemmReference`, the readable triple loop, and
 * `gemmBlocked`, the fast one. `gemm`, which ops call, sends float32 work to `gemmWasm`
 * (WebAssembly SIMD, kernels/wasm/) when available. The tests hold all three equal.
 */
import type { Float } from './elementwise.js';
import { gemmWasm } from './wasm/gemmWasm.js';
import { useWasmKernels } from './wasm/module.js';

/**
 * Reference gemm: the plain triple loop in i-k-j order (the inner loop runs along contiguous
 * rows of B and C when B is not transposed). Perf: 0.5–1 GFLOPS; the readable baseline that
 * the fast variants are tested against.
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

// ---- gemmBlocked: packed panels + a register-blocked micro-kernel ------------------------------
//
// The classic Goto/BLIS scheme (Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 2008), in scalar JS:
//
//   for jc in steps of NC over n:                 a column block of B and C
//     for pc in steps of KC over k:               a depth slice
//       pack B[pc:pc+KC, jc:jc+NC] into column panels NR wide         (stays in L2)
//       for ic in steps of MC over m:
//         pack A[ic:ic+MC, pc:pc+KC] into row panels MR high          (stays in L2)
//         for each MR-high panel of A, for each NR-wide panel of B:
//           micro-kernel: C[MR×NR] += Apanel · Bpanel, the MR·NR sums held in locals
//
// Packing reads A and B through (row stride, column stride), so the transpose flags cost nothing
// beyond the pack itself (no transposed copy of a whole matrix), and the micro-kernel always walks
// two small contiguous panels.
//
// V8-specific choices, each measured on Node 20 (TurboFan, V8 11.3), reading its machine code
// (node --print-opt-code --print-opt-code-filter=microKernel) and timing A/B in one process:
//  - The packed panels live in a plain JS array of doubles (PACKED_DOUBLE_ELEMENTS), not a
//    Float64Array. A typed-array load costs five instructions in the loop (index, sign extension,
//    bounds check, data pointer = base + external pointer, load); a double-array load costs three
//    (index, 32-bit bounds check, load with the offset folded into the address). The 3×3 loop went
//    from 67 to 54 instructions per step (18 flops) and the gemm got 7–31 % faster. The array is
//    created packed and only ever holds numbers (packing never reads past its source), so its
//    elements kind never changes. What is left, about 6 instructions per multiply-add (no FMA from
//    JS, a bounds check per load, the loop's stack check, which also makes V8 reload the array's
//    map, elements and length every step), bounds this scheme near 5 GFLOPS on this host.
//  - A 3×3 tile, not the 4×4 of BLAS textbooks. Doubles live in 15 usable SSE registers (xmm15 is
//    V8's scratch), and TurboFan emits a step as all loads, then all multiplies, then all adds
//    (whatever the source order), so MR·NR products are live beside MR·NR sums: 3×3 spills four
//    sums (a store and a folded load each); 4×4 makes 36 stack accesses a step (95 instructions
//    for 16 multiply-adds). Against 3×3 with the same (generic) packing, whole gemm: 2×4 −2 %,
//    4×2 −2 %, 2×3 (no spill, 40 instructions for 6 multiply-adds) −6 %, 3×2 −7 %; the
//    specialised 3-wide packing below is another 3 %. Micro-kernel alone: 2×3, 2×4, 4×2 ±2 %,
//    3×4 −9 %, 2×5 −7 %, 4×4 −8 to −14 %, 3×3 with the depth loop unrolled twice −12 %.
//  - Also tried and dropped (interleaved A/B in one process): loading each value of B just before
//    its three multiply-adds (TurboFan emits the very same loop: six loads, nine multiplies, nine
//    adds, four sums spilled); the panels in a module-level Float64Array read through masked indices,
//    hoping TurboFan would prove them in bounds (the bounds checks stay, and a hole check and
//    overflow checks join them: −1 %); the loop over a row of tiles moved into the kernel to spare
//    a call per tile (−3 to +3 % by shape, no gain); two depth steps per iteration with the
//    products added in pairs (−4 %).
//  - Also tried (session 7): the panels in a module-level constant Float64Array, which TurboFan
//    embeds in the code with its data pointer and length (bounds checks against an immediate, no
//    map check, no reloads per step): +4–10 % on every shape in a fresh process, but −15 to −21 %
//    (interleaved A/B on MLP and square shapes) in any process where an ArrayBuffer has been
//    detached, as every WebAssembly.Memory.grow does (our Wasm kernels, tfjs-wasm and jax-js in the
//    benchmark; one grow is enough): V8 then drops its "no detached buffers" assumption for good and
//    checks each typed-array access for detachment. A JS double array cannot be detached, so it
//    is immune, and the micro-kernel's loop reads no typed array.
//  - Both packed blocks share one array: one map check and one elements/length load per step.
//  - Index sums are `| 0`, so TurboFan drops their overflow checks; the micro-kernel steps two
//    running indices instead of computing ao + p·MR (10–18 % faster in isolation). Masking the
//    start index (`ao & 0x3fffffff`, to spare the sign extension) brought the overflow checks back.
//  - Blocks are cut into near-equal parts (k = 784 → 4 slices of 196, not 256, 256, 256, 16; n =
//    1024 → 2 column blocks, not 510, 510, 4), so no thin last slice pays a whole pass over C
//    (+3 %). KC = 384 or 512, NC = 255 and MC = 60 all measured within ±3 % of the sizes below.
//  - Packing reads along whichever direction of the source is contiguous (see packPanels).
//  - The A panel (KC×MR) is the one held in L1 across a row of tiles, so C is written along rows.

/** Micro-tile height and width (packPanels assumes both are 3): 9 sums + 6 operands. */
const MR = 3;
const NR = 3;
/** Most depth per slice: the packed KC×MR panel of A (6 KiB) stays in L1 across a row of tiles. */
const KC = 256;
/** Most rows of A per packed block, a multiple of MR (MC×KC doubles = 240 KiB, in L2). */
const MC = 120;
/** Most columns of B per packed block, a multiple of NR (KC×NC doubles ≈ 1 MiB, in L2). */
const NC = 510;
/**
 * Up to this many multiply-adds (m·n·k) the plain loops of `gemmSmall` beat packing; measured on
 * this machine: gemmSmall wins up to about 5³, the packed path from 6³ on. Single rows and single
 * columns (m = 1 or n = 1, vector-matrix products) also skip packing: there every element of the
 * matrix is used once, so a pack would copy as much as it computes.
 */
const SMALL_WORK = 5 * 5 * 5;

// Scratch reused across calls, allocated on first use (about 15 ms for its 161,280 doubles); it
// never needs to grow past (MC + NC)·KC. Packed A at [0, aSize), packed B after it.
// Single-threaded JS, so sharing it is safe.
let packed: number[] = [];
/** One micro-tile, used only for partial tiles at the right and bottom edges of C. */
const edgeTile = new Float64Array(MR * NR);

/** A JS array of `size` doubles; Array.from makes it PACKED_DOUBLE_ELEMENTS (`new Array(n)` is holey). */
function newPackBuffer(size: number): number[] {
  return Array.from({ length: size }, () => 0.5);
}

/**
 * Fast gemm, same contract as `gemmReference`.
 * Perf: packed A/B panels in a JS double array, 3×3 register-blocked micro-kernel, near-equal
 * KC/MC/NC cache blocks, transposes absorbed by packing, scratch reused (no allocation after the
 * first call). Measured on Node 20, one core of the 2-core Sapphire Rapids host, float32, as the
 * wall time of ~20 ms windows alternating 15–30 times with the previous (Float64Array) version in
 * one process. The host gives this core about half its speed in a typical window and varies
 * ±50 % from minute to minute, so the best window is quoted and the per-round ratio decides A/B.
 * Best windows: 4.8–4.9 GFLOPS at N = 256, 4.3–4.9 at 512, 3.6–5.0 at 1024 for the four transpose
 * combinations (the previous version 4.2–4.4, 3.0–4.3, 3.3–4.2), 4.0–5.0 on the large products of
 * the MLP benchmarks (256×1024×784 NT, 1024×1024×256 TN, …) and 3.0–3.6 on those with a side of 10
 * (packing 10× the data it multiplies); per round 7–31 % faster than before, geometric mean
 * +18 % over all 28 shapes, +27 % in float64. The micro-kernel alone peaks at 5.3. Tiny products
 * and single rows or columns go to `gemmSmall`. Benchmark: bench/ (W1) or a loop over
 * gemmBlocked as above.
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
  if (k === 0 || m === 1 || n === 1 || m * n * k <= SMALL_WORK) {
    gemmSmall(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
    return;
  }
  // op(A)[i, p] = a[aOffset + i·rsA + p·csA];  op(B)[p, j] = b[bOffset + p·rsB + j·csB].
  const rsA = transA ? 1 : k;
  const csA = transA ? m : 1;
  const rsB = transB ? 1 : n;
  const csB = transB ? k : 1;
  // Near-equal blocks of at most KC, MC, NC (MC, NC rounded up to whole panels).
  const kcStep = Math.ceil(k / Math.ceil(k / KC));
  const mcStep = roundUp(Math.ceil(m / Math.ceil(m / MC)), MR);
  const ncStep = roundUp(Math.ceil(n / Math.ceil(n / NC)), NR);
  const aSize = mcStep * kcStep;
  const bSize = ncStep * kcStep;
  if (packed.length < aSize + bSize) packed = newPackBuffer(Math.max(aSize + bSize, (MC + NC) * KC));
  const pk = packed;

  for (let jc = 0; jc < n; jc += ncStep) {
    const nc = Math.min(ncStep, n - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = Math.min(kcStep, k - pc);
      packPanels(b, bOffset + pc * rsB + jc * csB, csB, rsB, nc, kc, pk, aSize);
      // The first depth slice overwrites C unless accumulating; later slices add to it.
      const add = accumulate || pc > 0;
      for (let ic = 0; ic < m; ic += mcStep) {
        const mc = Math.min(mcStep, m - ic);
        packPanels(a, aOffset + ic * rsA + pc * csA, rsA, csA, mc, kc, pk, 0);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = Math.min(MR, mc - ir);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = Math.min(NR, nc - jr);
            const co = cOffset + (ic + ir) * n + jc + jr;
            microKernel(kc, pk, ir * kc, aSize + jr * kc, c, co, n, mr, nr, add);
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
 * Packs `count` rows of a block (row i, depth p at src[off + i·si + p·sp]) into panels of three
 * rows: panel i0 holds rows i0..i0+2 at dst[at + i0·kc + p·3 + r], zero-padded past `count`. Packs
 * A's mc×kc block (si, sp = row, column stride of op(A)) and B's kc×nc block read by columns (si,
 * sp = column, row stride of op(B)), as MR = NR = 3.
 */
function packPanels(
  src: Float,
  off: number,
  si: number,
  sp: number,
  count: number,
  kc: number,
  dst: number[],
  at: number,
): void {
  const full = count - (count % 3);
  if (si === 1) {
    // Rows contiguous (non-transposed B, transposed A): read along them and scatter across panels;
    // going panel by panel here would walk down columns, a new cache line per element, all in one
    // L1 set when the row length is a power of two.
    for (let p = 0; p < kc; p++) {
      const s = off + p * sp;
      let d = at + p * 3;
      for (let i = 0; i < full; i += 3) {
        dst[d] = src[s + i]!;
        dst[d + 1] = src[s + i + 1]!;
        dst[d + 2] = src[s + i + 2]!;
        d += kc * 3;
      }
      if (full < count) for (let i = full; i < full + 3; i++) dst[d + i - full] = i < count ? src[s + i]! : 0;
    }
    return;
  }
  for (let i0 = 0; i0 < count; i0 += 3) {
    const base = at + i0 * kc;
    if (i0 < full) {
      const s0 = off + i0 * si;
      const s1 = s0 + si;
      const s2 = s1 + si;
      for (let p = 0; p < kc; p++) {
        const d = base + p * 3;
        const q = p * sp;
        dst[d] = src[s0 + q]!;
        dst[d + 1] = src[s1 + q]!;
        dst[d + 2] = src[s2 + q]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 3; r++) {
          dst[base + p * 3 + r] = i0 + r < count ? src[off + (i0 + r) * si + p * sp]! : 0;
        }
      }
    }
  }
}

/**
 * C[MR×NR tile at c[co], row stride ldc] (+)= Apanel · Bpanel over kc steps, both panels inside
 * `pk` (at ao and bo). The 9 sums live in locals (registers); each step loads 3 values of A and 3
 * of B for 9 multiply-adds. Only the top-left mr×nr of the tile is written (edge tiles of C).
 */
function microKernel(
  kc: number,
  pk: number[],
  ao: number,
  bo: number,
  c: Float,
  co: number,
  ldc: number,
  mr: number,
  nr: number,
  add: boolean,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  // Two running indices rather than ao + p·MR: TurboFan then keeps them in registers with no
  // multiply per step (measured 10–18 % faster than indexing by p).
  let ia = ao | 0;
  let ib = bo | 0;
  const end = (ao + kc * MR) | 0;
  while (ia < end) {
    const a0 = pk[ia]!;
    const a1 = pk[(ia + 1) | 0]!;
    const a2 = pk[(ia + 2) | 0]!;
    const b0 = pk[ib]!;
    const b1 = pk[(ib + 1) | 0]!;
    const b2 = pk[(ib + 2) | 0]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    ia = (ia + MR) | 0;
    ib = (ib + NR) | 0;
  }
  if (mr === MR && nr === NR) {
    const c1 = co + ldc;
    const c2 = c1 + ldc;
    if (add) {
      c[co] += c00;
      c[co + 1] += c01;
      c[co + 2] += c02;
      c[c1] += c10;
      c[c1 + 1] += c11;
      c[c1 + 2] += c12;
      c[c2] += c20;
      c[c2 + 1] += c21;
      c[c2 + 2] += c22;
    } else {
      c[co] = c00;
      c[co + 1] = c01;
      c[co + 2] = c02;
      c[c1] = c10;
      c[c1 + 1] = c11;
      c[c1 + 2] = c12;
      c[c2] = c20;
      c[c2 + 1] = c21;
      c[c2 + 2] = c22;
    }
    return;
  }
  const t = edgeTile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c10;
  t[4] = c11;
  t[5] = c12;
  t[6] = c20;
  t[7] = c21;
  t[8] = c22;
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < nr; j++) {
      const ci = co + r * ldc + j;
      c[ci] = add ? c[ci]! + t[r * NR + j]! : t[r * NR + j]!;
    }
  }
}

/**
 * Tiny products and single rows (m = 1, a vector times a matrix), where packing would cost about
 * as much as the product itself. The inner loop runs along a contiguous row of B: an axpy into
 * the row of C when B is not transposed (i-k-j order), a dot product when it is.
 * Perf: no allocation, no packing; ~0.8 GFLOPS.
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
  // A [k, 1] column is laid out exactly as its transpose, so n = 1 takes the dot-product loop.
  const dots = transB || n === 1;
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * rsA;
    const cRow = cOffset + i * n;
    if (dots) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        const bRow = bOffset + j * k;
        for (let p = 0; p < k; p++) s += a[aRow + p * csA]! * b[bRow + p]!;
        c[cRow + j] += s;
      }
    } else {
      for (let p = 0; p < k; p++) {
        const aip = a[aRow + p * csA]!;
        const bRow = bOffset + p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j]!;
      }
    }
  }
}

/**
 * Below this many multiply-adds (m·n·k) the copies into WebAssembly memory cost more than the SIMD
 * kernel saves (measured: gemmBlocked wins at 4³, gemmWasm from 8³ on).
 */
const WASM_MIN_WORK = 8 * 8 * 8;

/**
 * The gemm that ops (and conv's im2col) call: float32 products of at least WASM_MIN_WORK
 * multiply-adds run on `gemmWasm` (WebAssembly SIMD, kernels/wasm/) when that backend is selected
 * and available (see setKernelBackend); everything else, and float64 always, on `gemmBlocked`.
 */
export function gemm(
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
  if (
    m * n * k >= WASM_MIN_WORK &&
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    c instanceof Float32Array &&
    useWasmKernels()
  ) {
    gemmWasm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  } else {
    gemmBlocked(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  }
}
