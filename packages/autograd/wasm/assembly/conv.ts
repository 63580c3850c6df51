// AssemblyScript source of the float32 conv2d kernels (compiled by build.mjs with the other files).
//
// Same contracts as conv2dForward, conv2dInputGrad and conv2dWeightGrad in src/kernels/conv.ts
// (im2col + one gemm per sample and group; the file header there has the formulas), on byte
// addresses in this module's memory, for the whole batch in one call: the caller
// (src/kernels/wasm/convWasm.ts) copies the images and weights in once, and the column matrix of
// each sample is built, multiplied and consumed here, so it never crosses into JavaScript.
//
//   forward       out_s = W · im2col(x_s) + b          (b preloaded into out, sgemm accumulates)
//   input grad    gradX_s = col2im(Wᵀ · gradOut_s)
//   weight grad   gradW = Σ_s gradOut_s · im2col(x_s)ᵀ   (sgemm's accumulate flag sums over s)
//
// Perf: with stride 1 along rows, im2col copies rows of a zero-padded copy of the image, four
// pixels at a time (unroll); otherwise it copies each valid span and writes padding as zeros.
// col2im likewise adds rows into a zero-padded image with stride 1 (fold), else each valid span.
// The products are sgemm.ts's packed 4×8 kernel. With stride 1 and at most 8 output channels per
// group, the forward and the weight gradient skip the column matrix: convDirect.ts reads a
// zero-padded copy of each image in place (see isDirect below for the measurements).
import { correlate, dotTaps } from './convDirect';
import { sgemm } from './sgemm';

/** The sizes of one conv2d, laid out as 16 consecutive i32 (ConvGeometry in src/kernels/conv.ts). */
@unmanaged
class ConvGeometry {
  n: i32;
  c: i32;
  h: i32;
  w: i32;
  outC: i32;
  groups: i32;
  kh: i32;
  kw: i32;
  sh: i32;
  sw: i32;
  ph: i32;
  pw: i32;
  dh: i32;
  dw: i32;
  oh: i32;
  ow: i32;
}

/** A 1×1, stride-1, unpadded kernel: the image is its own column matrix. */
function isPointwise(g: ConvGeometry): bool {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;
}

/** ⌈a / b⌉ for b > 0; any value ≤ 0 when a ≤ 0 (callers clamp it). */
function ceilDiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}

/**
 * out = x ⋆ W (+ bias) for all n samples; bias = 0 means none. col holds c·kh·kw·oh·ow floats,
 * scratch sgemm's scratchBytes().
 */
export function conv2dForward(
  geometry: usize,
  x: usize,
  weight: usize,
  bias: usize,
  out: usize,
  col: usize,
  scratch: usize,
): void {
  const g = changetype<ConvGeometry>(geometry);
  if (isDirect(g)) {
    directForward(g, x, weight, bias, out, col);
    return;
  }
  const og = g.outC / g.groups;
  const k = (g.c / g.groups) * g.kh * g.kw;
  const l = g.oh * g.ow;
  const inBytes = (<usize>(g.c * g.h * g.w)) << 2;
  const outBytes = (<usize>(g.outC * l)) << 2;
  const pointwise = isPointwise(g);
  for (let s: i32 = 0; s < g.n; s++) {
    const xs = x + <usize>s * inBytes;
    const os = out + <usize>s * outBytes;
    if (!pointwise) unroll(xs, g, col);
    const src = pointwise ? xs : col;
    if (bias !== 0) {
      for (let oc: i32 = 0; oc < g.outC; oc++)
        fillF32(os + ((<usize>(oc * l)) << 2), load<f32>(bias + ((<usize>oc) << 2)), l);
    }
    for (let gi: i32 = 0; gi < g.groups; gi++) {
      sgemm(
        0,
        0,
        og,
        l,
        k,
        weight + ((<usize>(gi * og * k)) << 2),
        src + ((<usize>(gi * k * l)) << 2),
        os + ((<usize>(gi * og * l)) << 2),
        bias !== 0 ? 1 : 0,
        scratch,
      );
    }
  }
}

/** gradX = I(gradOut, W), overwriting gradX [n, c, h, w]; col and scratch as conv2dForward. */
export function conv2dInputGrad(
  geometry: usize,
  gradOut: usize,
  weight: usize,
  gradX: usize,
  col: usize,
  scratch: usize,
): void {
  const g = changetype<ConvGeometry>(geometry);
  const og = g.outC / g.groups;
  const k = (g.c / g.groups) * g.kh * g.kw;
  const l = g.oh * g.ow;
  const inBytes = (<usize>(g.c * g.h * g.w)) << 2;
  const outBytes = (<usize>(g.outC * l)) << 2;
  const pointwise = isPointwise(g);
  if (!pointwise) memory.fill(gradX, 0, <usize>g.n * inBytes);
  for (let s: i32 = 0; s < g.n; s++) {
    const xs = gradX + <usize>s * inBytes;
    const dst = pointwise ? xs : col;
    for (let gi: i32 = 0; gi < g.groups; gi++) {
      sgemm(
        1,
        0,
        k,
        l,
        og,
        weight + ((<usize>(gi * og * k)) << 2),
        gradOut + <usize>s * outBytes + ((<usize>(gi * og * l)) << 2),
        dst + ((<usize>(gi * k * l)) << 2),
        0,
        scratch,
      );
    }
    if (!pointwise) fold(col, g, xs);
  }
}

/** gradW = G(x, gradOut), overwriting gradW [outC, c/groups, kh, kw]; col and scratch as above. */
export function conv2dWeightGrad(
  geometry: usize,
  x: usize,
  gradOut: usize,
  gradW: usize,
  col: usize,
  scratch: usize,
): void {
  conv2dWeightGradChannels(
    geometry,
    x,
    gradOut,
    gradW,
    col,
    scratch,
    0,
    changetype<ConvGeometry>(geometry).outC,
  );
}

/**
 * The rows [o0, o1) of conv2dWeightGrad's gradW (output channels o0 ≤ o < o1), each computed exactly
 * as conv2dWeightGrad computes it (same products, same order), so worker threads can each take a
 * block of channels with their own col and scratch (src/kernels/wasm/threads.ts); the other rows of
 * gradW are left as they are.
 */
export function conv2dWeightGradChannels(
  geometry: usize,
  x: usize,
  gradOut: usize,
  gradW: usize,
  col: usize,
  scratch: usize,
  o0: i32,
  o1: i32,
): void {
  const g = changetype<ConvGeometry>(geometry);
  if (o1 <= o0) return;
  if (isDirect(g)) {
    directWeightGrad(g, x, gradOut, gradW, col, o0, o1);
    return;
  }
  const og = g.outC / g.groups;
  const k = (g.c / g.groups) * g.kh * g.kw;
  const l = g.oh * g.ow;
  const inBytes = (<usize>(g.c * g.h * g.w)) << 2;
  const outBytes = (<usize>(g.outC * l)) << 2;
  const pointwise = isPointwise(g);
  if (g.n === 0) memory.fill(gradW + ((<usize>(o0 * k)) << 2), 0, (<usize>((o1 - o0) * k)) << 2);
  for (let s: i32 = 0; s < g.n; s++) {
    const xs = x + <usize>s * inBytes;
    if (!pointwise) unroll(xs, g, col);
    const src = pointwise ? xs : col;
    for (let gi: i32 = 0; gi < g.groups; gi++) {
      // This group's channels that fall in [o0, o1).
      const lo = max(o0, gi * og);
      const hi = min(o1, (gi + 1) * og);
      if (lo >= hi) continue;
      sgemm(
        0,
        1,
        hi - lo,
        k,
        l,
        gradOut + <usize>s * outBytes + ((<usize>(lo * l)) << 2),
        src + ((<usize>(gi * k * l)) << 2),
        gradW + ((<usize>(lo * k)) << 2),
        s > 0 ? 1 : 0,
        scratch,
      );
    }
  }
}

// ---- stride 1, few output channels: direct loops (convDirect.ts), no column matrix -----------

/**
 * Stride 1, not pointwise, and at most 8 output channels per group: the forward and the weight
 * gradient run on convDirect.ts. Measured (Node 20, n = 32, 3×3 and 5×5 kernels, padding "same"):
 * with 8 output channels the direct loops take 0.55–0.9× the time of im2col + sgemm (0.5× for the
 * weight gradient of a one-channel image, where sgemm's 8-wide panels are mostly padding); with 16
 * or 32 they take 1.0–1.7× (sgemm reuses each packed panel of columns for every 4 channels), and
 * so does a direct input gradient, which is therefore not used.
 */
function isDirect(g: ConvGeometry): bool {
  return g.sh === 1 && g.sw === 1 && !isPointwise(g) && g.outC / g.groups <= 8;
}

/**
 * Scratch bytes the passes need at `col` for this geometry (the most any of the three needs): one
 * sample's column matrix, with stride 1 along rows followed by 16 bytes of overshoot and the padded
 * image of unroll/fold; for the direct loops a padded sample and its gradient, the tap offsets
 * and the 4-lane sums.
 */
export function convScratchBytes(geometry: usize): i32 {
  const g = changetype<ConvGeometry>(geometry);
  const images = g.c * padRows(g.h, g.ph) * padCols(g.w, g.pw);
  const colBytes = g.c * g.kh * g.kw * g.oh * g.ow * 4;
  const columns = colBytes + (g.sw === 1 ? 32 + 4 * images : 0);
  if (!isDirect(g)) return columns;
  const taps = (g.c / g.groups) * g.kh * g.kw;
  const gradients = g.outC * g.oh * ((g.ow + 3) & ~3);
  return max(columns, 4 * (images + gradients + taps) + 16 * g.outC * taps + 64);
}

/** Rows and columns of a padded plane: the image, its padding, one spare row and 3 spare columns. */
function padRows(h: i32, ph: i32): i32 {
  return h + 2 * ph + 1;
}
function padCols(w: i32, pw: i32): i32 {
  return w + 2 * pw + 3;
}

/** Copies c planes of h×w floats at src into planes of rows × cols at dst, at row top, column left. */
function copyPlanes(
  src: usize,
  c: i32,
  h: i32,
  w: i32,
  dst: usize,
  rows: i32,
  cols: i32,
  top: i32,
  left: i32,
): void {
  for (let ci: i32 = 0; ci < c; ci++) {
    const from = src + ((<usize>(ci * h * w)) << 2);
    const to = dst + ((<usize>((ci * rows + top) * cols + left)) << 2);
    for (let iy: i32 = 0; iy < h; iy++)
      copyF32(to + ((<usize>(iy * cols)) << 2), from + ((<usize>(iy * w)) << 2), w);
  }
}

/** off[t] for taps t = (ci, ki, kj) over `channels` planes of rows × cols: the element offset of the tap. */
function writeTapOffsets(off: usize, channels: i32, g: ConvGeometry, rows: i32, cols: i32): void {
  let t: usize = off;
  for (let ci: i32 = 0; ci < channels; ci++) {
    for (let ki: i32 = 0; ki < g.kh; ki++) {
      for (let kj: i32 = 0; kj < g.kw; kj++) {
        store<i32>(t, (ci * rows + ki * g.dh) * cols + kj * g.dw);
        t += 4;
      }
    }
  }
}

/** out_s = Σ_t W[·, t] · xp_s[off(t) + ·] (+ b): correlate over each sample's padded image. */
function directForward(g: ConvGeometry, x: usize, weight: usize, bias: usize, out: usize, work: usize): void {
  const cg = g.c / g.groups;
  const og = g.outC / g.groups;
  const taps = cg * g.kh * g.kw;
  const l = g.oh * g.ow;
  const rows = padRows(g.h, g.ph);
  const cols = padCols(g.w, g.pw);
  const xp = work;
  const off = xp + align16((<usize>(g.c * rows * cols)) << 2);
  memory.fill(xp, 0, (<usize>(g.c * rows * cols)) << 2);
  writeTapOffsets(off, cg, g, rows, cols);
  for (let s: i32 = 0; s < g.n; s++) {
    copyPlanes(x + ((<usize>(s * g.c * g.h * g.w)) << 2), g.c, g.h, g.w, xp, rows, cols, g.ph, g.pw);
    const os = out + ((<usize>(s * g.outC * l)) << 2);
    if (bias !== 0) {
      for (let oc: i32 = 0; oc < g.outC; oc++) {
        fillF32(os + ((<usize>(oc * l)) << 2), load<f32>(bias + ((<usize>oc) << 2)), l);
      }
    }
    for (let gi: i32 = 0; gi < g.groups; gi++) {
      correlate(
        xp + ((<usize>(gi * cg * rows * cols)) << 2),
        cols,
        off,
        taps,
        weight + ((<usize>(gi * og * taps)) << 2),
        og,
        os + ((<usize>(gi * og * l)) << 2),
        g.oh,
        g.ow,
        bias !== 0 ? 1 : 0,
      );
    }
  }
}

/**
 * gradW[oc, t] = Σ_s Σ_{oy,ox} gradOut_s[oc, oy, ox] · xp_s[off(t) + oy·wp + ox] for o0 ≤ oc < o1:
 * dotTaps per sample into 4-lane sums, whose lanes are added at the end. (dotTaps sums each
 * channel on its own, so a block of channels gets the same sums as the whole.)
 */
function directWeightGrad(
  g: ConvGeometry,
  x: usize,
  gradOut: usize,
  gradW: usize,
  work: usize,
  o0: i32,
  o1: i32,
): void {
  const cg = g.c / g.groups;
  const og = g.outC / g.groups;
  const taps = cg * g.kh * g.kw;
  const rows = padRows(g.h, g.ph);
  const cols = padCols(g.w, g.pw);
  const gw = (g.ow + 3) & ~3;
  const plane = g.oh * gw;
  const xp = work;
  const gp = xp + align16((<usize>(g.c * rows * cols)) << 2);
  const off = gp + align16((<usize>(g.outC * plane)) << 2);
  const acc = off + align16((<usize>taps) << 2);
  memory.fill(xp, 0, (<usize>(g.c * rows * cols)) << 2);
  memory.fill(gp, 0, (<usize>(g.outC * plane)) << 2);
  memory.fill(acc, 0, (<usize>(g.outC * taps)) << 4);
  writeTapOffsets(off, cg, g, rows, cols);
  for (let s: i32 = 0; s < g.n; s++) {
    copyPlanes(x + ((<usize>(s * g.c * g.h * g.w)) << 2), g.c, g.h, g.w, xp, rows, cols, g.ph, g.pw);
    copyPlanes(
      gradOut + ((<usize>((s * g.outC + o0) * g.oh * g.ow)) << 2),
      o1 - o0,
      g.oh,
      g.ow,
      gp + ((<usize>(o0 * plane)) << 2),
      g.oh,
      gw,
      0,
      0,
    );
    for (let gi: i32 = 0; gi < g.groups; gi++) {
      const lo = max(o0, gi * og);
      const hi = min(o1, (gi + 1) * og);
      if (lo >= hi) continue;
      dotTaps(
        gp + ((<usize>(lo * plane)) << 2),
        gw,
        hi - lo,
        g.oh,
        g.ow,
        xp + ((<usize>(gi * cg * rows * cols)) << 2),
        cols,
        off,
        taps,
        acc + ((<usize>(lo * taps)) << 4),
      );
    }
  }
  for (let i: i32 = o0 * taps; i < o1 * taps; i++) {
    const v = v128.load(acc + ((<usize>i) << 4));
    const sum =
      f32x4.extract_lane(v, 0) +
      f32x4.extract_lane(v, 1) +
      (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    store<f32>(gradW + ((<usize>i) << 2), sum);
  }
}

function align16(bytes: usize): usize {
  return (bytes + 15) & ~(<usize>15);
}

/**
 * im2col of one sample into col. With stride 1 along rows, the image is first copied into
 * zero-padded planes after the columns (16 bytes past them, for the last row's overshoot), so
 * every column row is one plain copy of ow pixels, four at a time, with no padding to test.
 * Measured on the benchmark CNN's second layer ([64, 8, 14, 14], 3×3, padding 1), whole pass,
 * 40 alternations: forward 2.49 → 2.17 ms, weight gradient 2.75 → 2.34 ms (best times).
 */
function unroll(x: usize, g: ConvGeometry, col: usize): void {
  if (g.sw !== 1) {
    im2col(x, g, col);
    return;
  }
  const rows = padRows(g.h, g.ph);
  const cols = padCols(g.w, g.pw);
  const colBytes = (<usize>(g.c * g.kh * g.kw * g.oh * g.ow)) << 2;
  const xp = col + align16(colBytes + 16);
  // Zeroed in full for each sample: a ninth of the columns' size for a 3×3 kernel.
  memory.fill(xp, 0, (<usize>(g.c * rows * cols)) << 2);
  copyPlanes(x, g.c, g.h, g.w, xp, rows, cols, g.ph, g.pw);
  const ow = g.ow;
  const vectors = (ow + 3) >> 2;
  const rowStep = (<usize>(g.sh * cols)) << 2;
  let dst = col;
  for (let ci: i32 = 0; ci < g.c; ci++) {
    for (let ki: i32 = 0; ki < g.kh; ki++) {
      for (let kj: i32 = 0; kj < g.kw; kj++) {
        let src = xp + ((<usize>((ci * rows + ki * g.dh) * cols + kj * g.dw)) << 2);
        // Each row's last vector may run up to 3 floats into the next row, which overwrites them.
        for (let oy: i32 = 0; oy < g.oh; oy++) {
          for (let v: i32 = 0; v < vectors; v++) {
            const o = (<usize>v) << 4;
            v128.store(dst + o, v128.load(src + o));
          }
          src += rowStep;
          dst += (<usize>ow) << 2;
        }
      }
    }
  }
}

/**
 * col2im of one sample's columns into x (which holds zeros). With stride 1 along rows, the rows
 * are added into zero-padded planes after the columns (as unroll's), four pixels at a time, the
 * last vector of a row masked to its pixels, and the image is copied out of the padding; the adds
 * happen in col2im's order, so the sums are the same (bit for bit). Measured on the benchmark CNN's
 * second layer, whole input-gradient pass, best of 40 alternations: 3.39 → 3.15 ms (loaded host).
 */
function fold(col: usize, g: ConvGeometry, x: usize): void {
  if (g.sw !== 1) {
    col2im(col, g, x);
    return;
  }
  const rows = padRows(g.h, g.ph);
  const cols = padCols(g.w, g.pw);
  const colBytes = (<usize>(g.c * g.kh * g.kw * g.oh * g.ow)) << 2;
  const xp = col + align16(colBytes + 16);
  memory.fill(xp, 0, (<usize>(g.c * rows * cols)) << 2);
  const ow = g.ow;
  const full = ow & ~3;
  // All-ones in the lanes of the last vector that lie in the row.
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(ow - full));
  const rowStep = (<usize>(g.sh * cols)) << 2;
  let src = col;
  for (let ci: i32 = 0; ci < g.c; ci++) {
    for (let ki: i32 = 0; ki < g.kh; ki++) {
      for (let kj: i32 = 0; kj < g.kw; kj++) {
        let dst = xp + ((<usize>((ci * rows + ki * g.dh) * cols + kj * g.dw)) << 2);
        for (let oy: i32 = 0; oy < g.oh; oy++) {
          for (let v: i32 = 0; v < full; v += 4) {
            const o = (<usize>v) << 2;
            v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
          }
          if (full < ow) {
            const o = (<usize>full) << 2;
            v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.and(v128.load(src + o), mask)));
          }
          src += (<usize>ow) << 2;
          dst += rowStep;
        }
      }
    }
  }
  for (let ci: i32 = 0; ci < g.c; ci++) {
    const from = xp + ((<usize>((ci * rows + g.ph) * cols + g.pw)) << 2);
    const to = x + ((<usize>(ci * g.h * g.w)) << 2);
    for (let iy: i32 = 0; iy < g.h; iy++)
      copyF32(to + ((<usize>(iy * g.w)) << 2), from + ((<usize>(iy * cols)) << 2), g.w);
  }
}

/**
 * col[(ci·kh + ki)·kw + kj, oy·ow + ox] = x[ci, oy·sh − ph + ki·dh, ox·sw − pw + kj·dw], 0 off the
 * image, for one sample at x. For each kernel column the output columns [lo, hi) whose input
 * column lies inside the image are found once, so the copy loops have no bounds test.
 */
function im2col(x: usize, g: ConvGeometry, col: usize): void {
  const h = g.h;
  const w = g.w;
  const oh = g.oh;
  const ow = g.ow;
  const sw = g.sw;
  let row = col;
  for (let ci: i32 = 0; ci < g.c; ci++) {
    const plane = x + ((<usize>(ci * h * w)) << 2);
    for (let ki: i32 = 0; ki < g.kh; ki++) {
      for (let kj: i32 = 0; kj < g.kw; kj++) {
        const dx = kj * g.dw - g.pw;
        const lo = dx >= 0 ? 0 : min(ow, ceilDiv(-dx, sw));
        const hi = max(lo, min(ow, ceilDiv(w - dx, sw)));
        for (let oy: i32 = 0; oy < oh; oy++) {
          const iy = oy * g.sh - g.ph + ki * g.dh;
          const dst = row + ((<usize>(oy * ow)) << 2);
          if (iy < 0 || iy >= h) {
            memory.fill(dst, 0, (<usize>ow) << 2);
            continue;
          }
          for (let ox: i32 = 0; ox < lo; ox++) store<f32>(dst + ((<usize>ox) << 2), 0);
          const src = plane + ((<usize>(iy * w + dx + lo * sw)) << 2);
          if (sw === 1) copyF32(dst + ((<usize>lo) << 2), src, hi - lo);
          else {
            for (let ox: i32 = lo; ox < hi; ox++) {
              store<f32>(dst + ((<usize>ox) << 2), load<f32>(src + ((<usize>((ox - lo) * sw)) << 2)));
            }
          }
          for (let ox: i32 = hi; ox < ow; ox++) store<f32>(dst + ((<usize>ox) << 2), 0);
        }
        row += (<usize>(oh * ow)) << 2;
      }
    }
  }
}

/** The adjoint of im2col: adds every column entry back into its pixel of x (one sample). */
function col2im(col: usize, g: ConvGeometry, x: usize): void {
  const h = g.h;
  const w = g.w;
  const oh = g.oh;
  const ow = g.ow;
  const sw = g.sw;
  let row = col;
  for (let ci: i32 = 0; ci < g.c; ci++) {
    const plane = x + ((<usize>(ci * h * w)) << 2);
    for (let ki: i32 = 0; ki < g.kh; ki++) {
      for (let kj: i32 = 0; kj < g.kw; kj++) {
        const dx = kj * g.dw - g.pw;
        const lo = dx >= 0 ? 0 : min(ow, ceilDiv(-dx, sw));
        const hi = max(lo, min(ow, ceilDiv(w - dx, sw)));
        for (let oy: i32 = 0; oy < oh; oy++) {
          const iy = oy * g.sh - g.ph + ki * g.dh;
          if (iy < 0 || iy >= h) continue;
          const src = row + ((<usize>(oy * ow + lo)) << 2);
          const dst = plane + ((<usize>(iy * w + dx + lo * sw)) << 2);
          if (sw === 1) addF32(dst, src, hi - lo);
          else {
            for (let ox: i32 = 0; ox < hi - lo; ox++) {
              const d = dst + ((<usize>(ox * sw)) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(src + ((<usize>ox) << 2)));
            }
          }
        }
        row += (<usize>(oh * ow)) << 2;
      }
    }
  }
}

/** dst[i] = src[i] for i < count, four lanes at a time (unaligned). */
function copyF32(dst: usize, src: usize, count: i32): void {
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(dst + o, v128.load(src + o));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** dst[i] += src[i] for i < count, four lanes at a time (unaligned). */
function addF32(dst: usize, src: usize, count: i32): void {
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < count; i++) {
    const o = (<usize>i) << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** dst[i] = value for i < count. */
function fillF32(dst: usize, value: f32, count: i32): void {
  const v = f32x4.splat(value);
  let i: i32 = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + ((<usize>i) << 2), v);
  for (; i < count; i++) store<f32>(dst + ((<usize>i) << 2), value);
}
