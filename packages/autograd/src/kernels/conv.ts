/**
 * 2-D convolution kernels: im2col/col2im, and the three conv2d passes built on gemm.
 *
 * Layout: input x [n, c, h, w], weight [outC, c/groups, kh, kw], output [n, outC, oh, ow], all
 * contiguous row-major. For one sample, im2col unrolls every receptive field into a column:
 *   col[(ci·kh + ki)·kw + kj, oy·ow + ox] = x[ci, oy·sh − ph + ki·dh, ox·sw − pw + kj·dw]   (0 off the image)
 * so the cross-correlation of group g is one matrix product (Chellapilla et al. 2006,
 * "High Performance Convolutional Neural Networks for Document Processing"):
 *   out_g [og, oh·ow] = W_g [og, cg·kh·kw] · col_g [cg·kh·kw, oh·ow]      og = outC/groups, cg = c/groups
 * W_g and col_g are contiguous row blocks of the weight and of col, so groups need no copies.
 * Measured on bench/conv.ts shapes: a direct 7-loop convolution (no col buffer) was 2–4× slower
 * than im2col + gemm even with one input channel, and one gemm over all samples at once (col
 * [k, n·oh·ow]) was no faster than one per sample, so the kernels keep the simple per-sample form.
 * im2col costs as much as the gemm when the gemm runs on WebAssembly, so conv2dForward can keep
 * every sample's columns (n blocks of colSize) for conv2dWeightGrad to reuse, as PyTorch's CPU
 * convolution saves its `finput` columns for the backward.
 * On the 'wasm' backend, float32 passes run whole in WebAssembly instead (kernels/wasm/convWasm.ts:
 * the same im2col + gemm per sample, one call per batch, the columns never copied out, or with
 * stride 1 and few output channels a direct loop with no columns), 2–3× faster on the benchmark
 * CNN's layers; there the weight gradient unrolls x again.
 */
import type { Float } from './elementwise.js';
import { gemm } from './gemm.js';
import { conv2dForwardWasm, conv2dInputGradWasm, conv2dWeightGradWasm } from './wasm/convWasm.js';
import { useWasmKernels } from './wasm/module.js';

/** Sizes of one conv2d: batch, channels, image, kernel, stride, padding, dilation, output. */
export interface ConvGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly outC: number;
  readonly groups: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  readonly oh: number;
  readonly ow: number;
}

/** Rows × columns of the col buffer that the conv2d kernels below need (c·kh·kw × oh·ow). */
export function colSize(g: ConvGeometry): number {
  return g.c * g.kh * g.kw * g.oh * g.ow;
}

/**
 * A 1×1 kernel with stride 1 and no padding reads each pixel once, in order: its col matrix is
 * the image itself, so im2col/col2im are skipped.
 */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;
}

/**
 * For kernel column kj: the range [lo, hi) of output columns ox whose input column
 * ix = ox·sw + dx lies inside [0, w). Outside it the col entries are padding.
 */
function validColumns(dx: number, sw: number, w: number, ow: number): [number, number] {
  const lo = dx >= 0 ? 0 : Math.min(ow, Math.ceil(-dx / sw));
  const hi = Math.max(lo, Math.min(ow, Math.ceil((w - dx) / sw)));
  return [lo, hi];
}

/**
 * Writes col [c·kh·kw, oh·ow] at col[colOffset…] for the sample at x[xOffset…] (formula in the
 * file header).
 * Perf: the valid column range of each kernel column is computed once, so the inner copy loop
 * has no bounds test; rows of padding are zero-filled without reading x; the copy walks one
 * source and one destination index (stride 1 is the common case, ~10 % faster than ox·sw).
 */
export function im2col(x: Float, xOffset: number, g: ConvGeometry, col: Float, colOffset = 0): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  let row = colOffset;
  for (let ci = 0; ci < c; ci++) {
    const plane = xOffset + ci * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const dx = kj * dw - pw;
        const [lo, hi] = validColumns(dx, sw, w, ow);
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ki * dh;
          const out = row + oy * ow;
          if (iy < 0 || iy >= h) {
            col.fill(0, out, out + ow);
            continue;
          }
          let d = out;
          for (const end = out + lo; d < end; d++) col[d] = 0;
          let src = plane + iy * w + dx + lo * sw;
          if (sw === 1) for (const end = out + hi; d < end; d++, src++) col[d] = x[src]!;
          else for (const end = out + hi; d < end; d++, src += sw) col[d] = x[src]!;
          for (const end = out + ow; d < end; d++) col[d] = 0;
        }
        row += oh * ow;
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every col entry back into the pixel it was copied from,
 *   x[ci, iy, ix] += Σ col[r, o] over the (r, o) that im2col filled from it.
 * Accumulates into x[xOffset…] (the caller zeroes it). ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩.
 * Perf: the same hoisted valid ranges as im2col; padding entries are never touched.
 */
export function col2im(col: Float, g: ConvGeometry, x: Float, xOffset: number): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  let row = 0;
  for (let ci = 0; ci < c; ci++) {
    const plane = xOffset + ci * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const dx = kj * dw - pw;
        const [lo, hi] = validColumns(dx, sw, w, ow);
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ki * dh;
          if (iy < 0 || iy >= h) continue;
          const from = row + oy * ow;
          const dst = plane + iy * w + dx;
          for (let ox = lo; ox < hi; ox++) x[dst + ox * sw] = x[dst + ox * sw]! + col[from + ox]!;
        }
        row += oh * ow;
      }
    }
  }
}

/**
 * Below this many multiply-adds (n·outC·(c/groups)·kh·kw·oh·ow) a conv2d pass stays in
 * TypeScript even on the 'wasm' backend: the copies into WebAssembly memory would cost more
 * (measured on Node 20: about even at ~600, the module 2× faster from ~8,000).
 */
const CONV_WASM_MIN_WORK = 8 * 8 * 8;

/** True when a pass over these arrays runs on convWasm.ts: float32, 'wasm' backend, enough work. */
function onWasm(g: ConvGeometry, ...arrays: Float[]): boolean {
  const work = (g.n * g.outC * g.c * g.kh * g.kw * g.oh * g.ow) / g.groups;
  return work >= CONV_WASM_MIN_WORK && arrays.every((a) => a instanceof Float32Array) && useWasmKernels();
}

/**
 * The column buffers that conv2dForward was asked to keep but left unwritten because it ran on
 * WebAssembly (whose weight gradient unrolls x again); conv2dWeightGrad unrolls x for these too,
 * should the backend have changed to 'js' in between.
 */
const unwrittenCols = new WeakSet<Float>();

/**
 * out = x ⋆ weight (+ bias), per sample and group: im2col, then out_g = W_g · col_g.
 * `col` holds colSize(g) elements, reused by every sample, or with `keepCols` n·colSize(g),
 * where sample s's columns stay at s·colSize(g) for conv2dWeightGrad (unused for pointwise
 * kernels; left unwritten when the pass runs on WebAssembly); `bias` may be null.
 * Perf: one gemm per sample and group on the contiguous blocks (no packing); 1×1/stride-1
 * kernels skip im2col; the bias is added in a flat loop per output row.
 */
export function conv2dForward(
  x: Float,
  weight: Float,
  bias: Float | null,
  out: Float,
  g: ConvGeometry,
  col: Float,
  keepCols = false,
): void {
  if (onWasm(g, x, weight, out) && (bias === null || bias instanceof Float32Array)) {
    conv2dForwardWasm(x as Float32Array, weight as Float32Array, bias, out as Float32Array, g);
    if (keepCols) unwrittenCols.add(col);
    return;
  }
  if (keepCols) unwrittenCols.delete(col);
  const og = g.outC / g.groups;
  const k = (g.c / g.groups) * g.kh * g.kw;
  const l = g.oh * g.ow;
  const inSize = g.c * g.h * g.w;
  const pointwise = isPointwise(g);
  for (let s = 0; s < g.n; s++) {
    const colOffset = keepCols ? s * colSize(g) : 0;
    if (!pointwise) im2col(x, s * inSize, g, col, colOffset);
    const src = pointwise ? x : col;
    const srcOffset = pointwise ? s * inSize : colOffset;
    for (let gi = 0; gi < g.groups; gi++) {
      gemm(
        false,
        false,
        og,
        l,
        k,
        weight,
        gi * og * k,
        src,
        srcOffset + gi * k * l,
        out,
        (s * g.outC + gi * og) * l,
        false,
      );
    }
    if (bias === null) continue;
    for (let oc = 0; oc < g.outC; oc++) {
      const b = bias[oc]!;
      const start = (s * g.outC + oc) * l;
      for (let i = start; i < start + l; i++) out[i] = out[i]! + b;
    }
  }
}

/**
 * ∂L/∂x of conv2d (a transposed convolution): col_g = W_gᵀ · gradOut_g, then col2im.
 * Overwrites gradX [n, c, h, w]. Perf: as conv2dForward; the pointwise case writes the gemm
 * result straight into gradX.
 */
export function conv2dInputGrad(
  gradOut: Float,
  weight: Float,
  gradX: Float,
  g: ConvGeometry,
  col: Float,
): void {
  if (onWasm(g, gradOut, weight, gradX)) {
    conv2dInputGradWasm(gradOut as Float32Array, weight as Float32Array, gradX as Float32Array, g);
    return;
  }
  const og = g.outC / g.groups;
  const k = (g.c / g.groups) * g.kh * g.kw;
  const l = g.oh * g.ow;
  const inSize = g.c * g.h * g.w;
  const pointwise = isPointwise(g);
  if (!pointwise) gradX.fill(0, 0, g.n * inSize);
  for (let s = 0; s < g.n; s++) {
    const dst = pointwise ? gradX : col;
    const dstOffset = pointwise ? s * inSize : 0;
    for (let gi = 0; gi < g.groups; gi++) {
      gemm(
        true,
        false,
        k,
        l,
        og,
        weight,
        gi * og * k,
        gradOut,
        (s * g.outC + gi * og) * l,
        dst,
        dstOffset + gi * k * l,
        false,
      );
    }
    if (!pointwise) col2im(col, g, gradX, s * inSize);
  }
}

/**
 * ∂L/∂W of conv2d: gradW_g = Σ over samples of gradOut_g · col_gᵀ. Overwrites gradW.
 * `col` is scratch of colSize(g) elements, or with `colsReady` the n·colSize(g) columns that
 * conv2dForward kept for this x (then x is not read).
 * Perf: im2col once per sample (none when the columns are ready); the sum over samples is
 * gemm's `accumulate` flag.
 */
export function conv2dWeightGrad(
  x: Float,
  gradOut: Float,
  gradW: Float,
  g: ConvGeometry,
  col: Float,
  colsReady = false,
): void {
  if (onWasm(g, x, gradOut, gradW)) {
    conv2dWeightGradWasm(x as Float32Array, gradOut as Float32Array, gradW as Float32Array, g);
    return;
  }
  if (colsReady && unwrittenCols.has(col)) colsReady = false;
  const og = g.outC / g.groups;
  const k = (g.c / g.groups) * g.kh * g.kw;
  const l = g.oh * g.ow;
  const inSize = g.c * g.h * g.w;
  const pointwise = isPointwise(g);
  if (g.n === 0) gradW.fill(0);
  for (let s = 0; s < g.n; s++) {
    if (!pointwise && !colsReady) im2col(x, s * inSize, g, col);
    const src = pointwise ? x : col;
    const srcOffset = pointwise ? s * inSize : colsReady ? s * colSize(g) : 0;
    for (let gi = 0; gi < g.groups; gi++) {
      gemm(
        false,
        true,
        og,
        k,
        l,
        gradOut,
        (s * g.outC + gi * og) * l,
        src,
        srcOffset + gi * k * l,
        gradW,
        gi * og * k,
        s > 0,
      );
    }
  }
}
