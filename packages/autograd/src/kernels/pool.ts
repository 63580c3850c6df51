/**
 * 2-D pooling kernels on [planes, h, w] images (planes = n·c; every plane is pooled alone).
 * Output [planes, oh, ow]. Window (oy, ox) starts at input row oy·sh − ph and column ox·sw − pw.
 */
import type { Float } from './elementwise.js';
import { useWasmKernels } from './wasm/module.js';
import { maxPool2dInteriorWasm, maxPool2dScatterWasm } from './wasm/poolWasm.js';

/**
 * Below these many outputs max pooling and its scatter stay in TypeScript even on the 'wasm'
 * backend: the copies into WebAssembly memory would cost more than the module saves. Measured on
 * 2×2 windows of stride 2 (Node 20): the forward is even at 64 outputs and 2.5× faster from 256;
 * the scatter is 2× slower at 64 outputs, even at 256, 1.2–2× faster above.
 */
const MAX_POOL_WASM_MIN = 64;
const SCATTER_WASM_MIN = 256;

/** True when float32 arrays of this many outputs run on poolWasm.ts. */
function onWasm(outputs: number, min: number, ...arrays: Float[]): boolean {
  return outputs >= min && arrays.every((a) => a instanceof Float32Array) && useWasmKernels();
}

/** Sizes of one pooling: planes, image, window, stride, padding, dilation, output. */
export interface PoolGeometry {
  readonly planes: number;
  readonly h: number;
  readonly w: number;
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

/**
 * out[p, oy, ox] = max over the window; indices[…] = iy·w + ix of that maximum inside its plane.
 * As PyTorch (CPU): padding is never the maximum, the first of equal values wins, NaN wins.
 * A window with no pixel inside the image (possible with dilation) gives −∞ and index −1.
 * Perf: when every window lies inside the image (no padding, no dilation, floor mode: the usual
 * case) `maxPool2dInterior` runs, with no clipping at all; otherwise the in-image part of each
 * window is clipped once (first row/column as a ceiling division), so the inner loop has no
 * bounds test. Measured on [64, 8, 28, 28], 2×2 windows, uniform random values (CPU time, best
 * of 15, loaded machine): 3.6 ms clipped, 2.4 ms interior. The comparisons' branch mispredictions
 * are most of that: on sorted values the same loop takes 0.6 ms. So on the 'wasm' backend, float32
 * interior pooling runs on `maxPool2dInteriorWasm` (branch-free lane masks, four 2×2 windows per
 * step; same values and indices): 0.5–0.65 ms against 3.6–4.5 ms here on that shape, same run.
 */
export function maxPool2d(x: Float, out: Float, indices: Int32Array, g: PoolGeometry): void {
  const { h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  const inside = (oh - 1) * sh + (kh - 1) * dh < h && (ow - 1) * sw + (kw - 1) * dw < w;
  if (!(ph === 0 && pw === 0 && inside)) maxPool2dClipped(x, out, indices, g);
  else if (onWasm(out.length, MAX_POOL_WASM_MIN, x, out)) {
    maxPool2dInteriorWasm(x as Float32Array, out as Float32Array, indices, g);
  } else maxPool2dInterior(x, out, indices, g);
}

/**
 * maxPool2d when no window needs clipping. The running maximum starts at the window's first
 * pixel; `v > best || Number.isNaN(v)` is the same rule as the clipped loop (later NaN wins, ties keep
 * the first). 2×2 windows, the common case, are unrolled.
 */
function maxPool2dInterior(x: Float, out: Float, indices: Int32Array, g: PoolGeometry): void {
  const { planes, h, w, kh, kw, sh, sw, dh, dw, oh, ow } = g;
  const pair = kh === 2 && kw === 2 && dh === 1 && dw === 1;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const rowStart = oy * sh * w;
      for (let ox = 0; ox < ow; ox++) {
        const first = rowStart + ox * sw;
        let best = x[plane + first]!;
        let bestIndex = first;
        if (pair) {
          const i01 = first + 1;
          const i10 = first + w;
          const i11 = i10 + 1;
          const v01 = x[plane + i01]!;
          const v10 = x[plane + i10]!;
          const v11 = x[plane + i11]!;
          if (v01 > best || Number.isNaN(v01)) {
            best = v01;
            bestIndex = i01;
          }
          if (v10 > best || Number.isNaN(v10)) {
            best = v10;
            bestIndex = i10;
          }
          if (v11 > best || Number.isNaN(v11)) {
            best = v11;
            bestIndex = i11;
          }
        } else {
          for (let ki = 0; ki < kh; ki++) {
            const row = first + ki * dh * w;
            for (let kj = ki === 0 ? 1 : 0; kj < kw; kj++) {
              const index = row + kj * dw;
              const v = x[plane + index]!;
              if (v > best || Number.isNaN(v)) {
                best = v;
                bestIndex = index;
              }
            }
          }
        }
        out[o] = best;
        indices[o] = bestIndex;
        o++;
      }
    }
  }
}

/** maxPool2d with each window clipped to the image (padding, dilation reaching out, ceil mode). */
function maxPool2dClipped(x: Float, out: Float, indices: Int32Array, g: PoolGeometry): void {
  const { planes, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      const kiLo = y0 >= 0 ? 0 : Math.ceil(-y0 / dh);
      const kiHi = Math.min(kh, Math.ceil((h - y0) / dh));
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        const kjLo = x0 >= 0 ? 0 : Math.ceil(-x0 / dw);
        const kjHi = Math.min(kw, Math.ceil((w - x0) / dw));
        let best = Number.NEGATIVE_INFINITY;
        let bestIndex = -1;
        for (let ki = kiLo; ki < kiHi; ki++) {
          const rowStart = (y0 + ki * dh) * w + x0;
          for (let kj = kjLo; kj < kjHi; kj++) {
            const index = rowStart + kj * dw;
            const v = x[plane + index]!;
            if (bestIndex < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bestIndex = index;
            }
          }
        }
        out[o] = best;
        indices[o] = bestIndex;
        o++;
      }
    }
  }
}

/**
 * gradX[p, indices[p, o]] += gradOut[p, o]: each output's gradient goes to its arg-max.
 * Overwrites gradX. Perf: one pass over gradOut after a fill; float32 arrays run on
 * `maxPool2dScatterWasm` on the 'wasm' backend (same loop, same sums; measured 0.37 ms against
 * 0.43 ms on [64, 8, 28, 28] → 14×14, and 2× faster on smaller images that stay in cache).
 */
export function maxPool2dScatter(gradOut: Float, indices: Int32Array, gradX: Float, g: PoolGeometry): void {
  if (onWasm(gradOut.length, SCATTER_WASM_MIN, gradOut, gradX)) {
    maxPool2dScatterWasm(gradOut as Float32Array, indices, gradX as Float32Array, g);
    return;
  }
  gradX.fill(0);
  const inPlane = g.h * g.w;
  const outPlane = g.oh * g.ow;
  for (let p = 0; p < g.planes; p++) {
    const base = p * inPlane;
    for (let o = p * outPlane; o < (p + 1) * outPlane; o++) {
      const index = indices[o]!;
      if (index >= 0) gradX[base + index] = gradX[base + index]! + gradOut[o]!;
    }
  }
}

/** out[p, o] = src[p, indices[p, o]]: the adjoint of maxPool2dScatter. Perf: one flat pass. */
export function maxPool2dGather(src: Float, indices: Int32Array, out: Float, g: PoolGeometry): void {
  const inPlane = g.h * g.w;
  const outPlane = g.oh * g.ow;
  for (let p = 0; p < g.planes; p++) {
    const base = p * inPlane;
    for (let o = p * outPlane; o < (p + 1) * outPlane; o++) {
      const index = indices[o]!;
      out[o] = index >= 0 ? src[base + index]! : 0;
    }
  }
}

/** Divisor options of average pooling, as PyTorch's avg_pool2d. */
export interface AvgPoolMode {
  /** Count padded positions in the divisor (within h + 2·ph, w + 2·pw). */
  readonly countIncludePad: boolean;
  /** Divide by this instead, when not null. */
  readonly divisorOverride: number | null;
}

/**
 * out[p, oy, ox] = the window's sum / divisor. Bounds and divisor follow PyTorch's rule
 * (aten/src/ATen/native/cpu/AvgPoolKernel.cpp), here and in the backward:
 *   y1 = min(y0 + kh, h + ph), size = (y1 − y0)·(x1 − x0)   then clip y0, y1 to [0, h]
 *   divisor = divisorOverride ?? (countIncludePad ? size : clipped size)
 * Perf: window bounds clipped once per output, so the summing loops have no bounds test.
 */
export function avgPool2d(x: Float, out: Float, g: PoolGeometry, mode: AvgPoolMode): void {
  const { planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      let y0 = oy * sh - ph;
      let y1 = Math.min(y0 + kh, h + ph);
      const spanY = y1 - y0;
      y0 = Math.max(y0, 0);
      y1 = Math.min(y1, h);
      for (let ox = 0; ox < ow; ox++) {
        let x0 = ox * sw - pw;
        let x1 = Math.min(x0 + kw, w + pw);
        const spanX = x1 - x0;
        x0 = Math.max(x0, 0);
        x1 = Math.min(x1, w);
        let sum = 0;
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + iy * w;
          for (let ix = x0; ix < x1; ix++) sum += x[row + ix]!;
        }
        const divisor =
          mode.divisorOverride ?? (mode.countIncludePad ? spanY * spanX : (y1 - y0) * (x1 - x0));
        out[o++] = y0 < y1 && x0 < x1 ? sum / divisor : 0;
      }
    }
  }
}

/**
 * The adjoint of avgPool2d: gradX[p, iy, ix] = Σ over windows containing it of gradOut / divisor.
 * Overwrites gradX. Perf: one pass over gradOut, each value spread over its clipped window.
 */
export function avgPool2dBackward(gradOut: Float, gradX: Float, g: PoolGeometry, mode: AvgPoolMode): void {
  const { planes, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  gradX.fill(0);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      let y0 = oy * sh - ph;
      let y1 = Math.min(y0 + kh, h + ph);
      const spanY = y1 - y0;
      y0 = Math.max(y0, 0);
      y1 = Math.min(y1, h);
      for (let ox = 0; ox < ow; ox++) {
        let x0 = ox * sw - pw;
        let x1 = Math.min(x0 + kw, w + pw);
        const spanX = x1 - x0;
        x0 = Math.max(x0, 0);
        x1 = Math.min(x1, w);
        const divisor =
          mode.divisorOverride ?? (mode.countIncludePad ? spanY * spanX : (y1 - y0) * (x1 - x0));
        const share = gradOut[o++]! / divisor;
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + iy * w;
          for (let ix = x0; ix < x1; ix++) gradX[row + ix] = gradX[row + ix]! + share;
        }
      }
    }
  }
}

/**
 * Adaptive average pooling to [oh, ow]: window i of a dim of size n spans
 * [⌊i·n/on⌋, ⌈(i+1)·n/on⌉) (PyTorch's start/end index rule), so windows may overlap or differ
 * in size. Perf: bounds once per output row/column; plain sums.
 */
export function adaptiveAvgPool2d(
  x: Float,
  out: Float,
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
): void {
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.floor((oy * h) / oh);
      const y1 = Math.ceil(((oy + 1) * h) / oh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.floor((ox * w) / ow);
        const x1 = Math.ceil(((ox + 1) * w) / ow);
        let sum = 0;
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + iy * w;
          for (let ix = x0; ix < x1; ix++) sum += x[row + ix]!;
        }
        out[o++] = sum / ((y1 - y0) * (x1 - x0));
      }
    }
  }
}

/** The adjoint of adaptiveAvgPool2d; overwrites gradX [planes, h, w]. Perf: as the forward. */
export function adaptiveAvgPool2dBackward(
  gradOut: Float,
  gradX: Float,
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
): void {
  gradX.fill(0);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.floor((oy * h) / oh);
      const y1 = Math.ceil(((oy + 1) * h) / oh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.floor((ox * w) / ow);
        const x1 = Math.ceil(((ox + 1) * w) / ow);
        const share = gradOut[o++]! / ((y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) {
          const row = plane + iy * w;
          for (let ix = x0; ix < x1; ix++) gradX[row + ix] = gradX[row + ix]! + share;
        }
      }
    }
  }
}
