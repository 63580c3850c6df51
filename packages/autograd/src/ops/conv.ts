/**
 * Convolution and pooling on images [n, c, h, w]: conv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d.
 * Each also takes one unbatched image [c, h, w] (as PyTorch), run as a batch of one.
 *
 * Output size of a window of size k, stride s, padding p, dilation d over a dim of size i:
 *   o = ⌊(i + 2·p − d·(k − 1) − 1) / s⌋ + 1
 *
 * Every op here is linear in each argument, so each backward is another op of this file, with
 * a backward of its own: gradients of gradients work to any order. For conv2d write
 * B(x, W) = x ⋆ W (bilinear) and I, G for its two adjoints, defined by
 *   ⟨B(x, W), g⟩ = ⟨x, I(g, W)⟩ = ⟨W, G(x, g)⟩        (⟨·,·⟩: sum of elementwise products)
 * so ∂L/∂x = I(∂L/∂y, W) and ∂L/∂W = G(x, ∂L/∂y); differentiating the identity once more gives
 * the backward of I and G in terms of B, I and G.
 */
import { isGradEnabled, record } from '../engine.js';
import { DTypeError, ShapeError } from '../errors.js';
import * as convKernels from '../kernels/conv.js';
import { type ConvGeometry, colSize, isPointwise } from '../kernels/conv.js';
import type { Float } from '../kernels/elementwise.js';
import type { AvgPoolMode, PoolGeometry } from '../kernels/pool.js';
import * as poolKernels from '../kernels/pool.js';
import { useWasmKernels } from '../kernels/wasm/module.js';
import { formatShape, type Shape } from '../shape.js';
import { type DType, Tensor } from '../tensor.js';

/** One number for both spatial dims, or [height, width]. */
export type IntPair = number | readonly [number, number];

/** conv2d's padding: zeros on each side, or 'valid' (none) or 'same' (see `Conv2dOptions`). */
export type Conv2dPadding = IntPair | 'valid' | 'same';

export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: IntPair;
  /**
   * Zeros added on each side (default 0); or 'valid', no padding; or 'same', the padding that keeps
   * the output as large as the input (stride 1 only, as PyTorch): dilation·(kernel − 1) zeros per
   * dim, half before and half after, the odd one after (bottom, right).
   */
  padding?: Conv2dPadding;
  /** Spacing between kernel taps (default 1; 2 gives a 3×3 kernel a 5×5 reach). */
  dilation?: IntPair;
  /** Split channels into this many independent convolutions (default 1). */
  groups?: number;
}

function show(value: unknown): string {
  return Array.isArray(value) ? formatShape(value as number[]) : String(value);
}

/** A number or [h, w] pair of integers ≥ min, as [h, w]; a RangeError names op and value. */
function pair(op: string, name: string, value: IntPair, min: number): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : [Number.NaN, 0];
  const good = (v: unknown) => Number.isInteger(v) && (v as number) >= min;
  const lengthOk = typeof value === 'number' || (value as readonly number[]).length === 2;
  if (!lengthOk || !good(a) || !good(b)) {
    const rule = min === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new RangeError(`${op}: ${name} must be ${rule} or a pair of them, got ${show(value)}`);
  }
  return [a, b];
}

function outputSize(i: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function checkDTypes(op: string, tensors: ReadonlyArray<Tensor | null>): void {
  const present = tensors.filter((t): t is Tensor => t !== null);
  if (present.some((t) => t.dtype !== present[0]!.dtype)) {
    throw new DTypeError(
      op,
      `input, weight and bias must share a dtype, got ${present.map((t) => t.dtype).join(', ')}`,
    );
  }
}

// One sample's im2col columns, reused across calls (they only grow); single-threaded, and every
// kernel finishes with its columns before it returns, so one buffer per dtype is enough.
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/** A scratch col buffer of at least `size` elements (contents undefined). */
function scratch(dtype: DType, size: number): Float {
  if (dtype === 'float64') {
    if (scratch64.length < size) scratch64 = new Float64Array(size);
    return scratch64;
  }
  if (scratch32.length < size) scratch32 = new Float32Array(size);
  return scratch32;
}

/** Validates conv2d's arguments (padding already numbers); returns its sizes. */
function convGeometry(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: Conv2dOptions & { padding?: IntPair },
): ConvGeometry {
  const op = 'conv2d';
  const shapes = `input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}`;
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw new ShapeError(
      op,
      `expects input [n, c, h, w] or [c, h, w] and weight [outC, c/groups, kh, kw]: ${shapes}`,
      [x.shape, weight.shape],
    );
  }
  const [sh, sw] = pair(op, 'stride', options.stride ?? 1, 1);
  const [ph, pw] = pair(op, 'padding', options.padding ?? 0, 0);
  const [dh, dw] = pair(op, 'dilation', options.dilation ?? 1, 1);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [outC, cg, kh, kw] = weight.shape as [number, number, number, number];
  if (cg * groups !== c) {
    throw new ShapeError(
      op,
      `input has ${c} channels but weight expects ${cg * groups} (groups ${groups}): ${shapes}`,
      [x.shape, weight.shape],
    );
  }
  if (outC % groups !== 0 || kh < 1 || kw < 1) {
    const what =
      kh < 1 || kw < 1 ? 'an empty kernel' : `${outC} output channels, not divisible by groups ${groups}`;
    throw new ShapeError(op, `weight has ${what}: ${shapes}`, [x.shape, weight.shape]);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outC)) {
    throw new ShapeError(op, `bias must have shape [${outC}], got ${formatShape(bias.shape)}: ${shapes}`, [
      x.shape,
      weight.shape,
      bias.shape,
    ]);
  }
  checkDTypes(op, [x, weight, bias]);
  const oh = outputSize(h, kh, sh, ph, dh);
  const ow = outputSize(w, kw, sw, pw, dw);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      op,
      `output size [${oh}, ${ow}] is below 1 (padded input smaller than the dilated kernel): ${shapes}, padding [${ph}, ${pw}], dilation [${dh}, ${dw}]`,
      [x.shape, weight.shape],
    );
  }
  return { n, c, h, w, outC, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

/**
 * 2-D cross-correlation (what deep learning calls convolution), as PyTorch's conv2d.
 *   x [n, c, h, w], weight [outC, c/groups, kh, kw], bias [outC] → y [n, outC, oh, ow]
 *   forward:  y[n, o, i, j] = b[o] + Σ_{ci, ki, kj} W[o, ci, ki, kj] · x[n, g·cg + ci, i·sh − ph + ki·dh, j·sw − pw + kj·dw]
 *             (g = the group of output channel o, cg = c/groups; x is 0 in the padding)
 *   backward: ∂L/∂x = I(∂L/∂y, W)   ∂L/∂W = G(x, ∂L/∂y)   ∂L/∂b[o] = Σ_{n,i,j} ∂L/∂y[n, o, i, j]
 * Saves x and W, and, when W needs a gradient, x's im2col columns (n·c·kh·kw·oh·ow values), so
 * the backward does not unroll x again (PyTorch's CPU convolution saves them too, as `finput`).
 * Kernels: im2col + gemm (kernels/conv.ts).
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  const b = bias ?? null;
  if (x.ndim === 3) return conv2d(x.unsqueeze(0), weight, b, options).squeeze(0);
  const { padding = 0 } = options;
  if (padding === 'valid') return conv2d(x, weight, b, { ...options, padding: 0 });
  if (padding === 'same') return convSame(x, weight, b, options);
  if (typeof padding === 'string') {
    throw new RangeError(
      `conv2d: padding must be a non-negative integer, a pair of them, 'valid' or 'same', got '${padding}'`,
    );
  }
  return convForward(x, weight, b, convGeometry(x, weight, b, { ...options, padding }));
}

/**
 * conv2d with padding 'same', stride 1: per dim, t = dilation·(kernel − 1) zeros in all, ⌊t/2⌋
 * before and ⌈t/2⌉ after, so output size = input size. When t is odd, pads ⌈t/2⌉ on both sides
 * (one output row or column too many, at the start) and narrows the first one away: the same
 * sums, and narrow's backward is exact.
 */
function convSame(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor {
  const op = 'conv2d';
  const [sh, sw] = pair(op, 'stride', options.stride ?? 1, 1);
  if (sh !== 1 || sw !== 1) {
    throw new RangeError(`${op}: padding 'same' needs stride 1 (as PyTorch), got stride [${sh}, ${sw}]`);
  }
  if (weight.ndim !== 4) {
    throw new ShapeError(op, `expects weight [outC, c/groups, kh, kw], got ${formatShape(weight.shape)}`, [
      weight.shape,
    ]);
  }
  const [dh, dw] = pair(op, 'dilation', options.dilation ?? 1, 1);
  const th = dh * (weight.shape[2]! - 1);
  const tw = dw * (weight.shape[3]! - 1);
  const padding: [number, number] = [Math.ceil(th / 2), Math.ceil(tw / 2)];
  let y = conv2d(x, weight, bias, { ...options, padding });
  if (th % 2 === 1) y = y.narrow(2, 1, x.shape[2]!);
  if (tw % 2 === 1) y = y.narrow(3, 1, x.shape[3]!);
  return y;
}

function convForward(x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const y = Tensor.empty([g.n, g.outC, g.oh, g.ow], x.dtype);
  // The WebAssembly passes unroll x inside the module each time (never into JS memory), so columns
  // are kept for the backward only on the TypeScript path.
  const onWasm = x.dtype === 'float32' && useWasmKernels();
  const keep = weight.requiresGrad && isGradEnabled() && !isPointwise(g) && !onWasm;
  const size = isPointwise(g) ? 0 : colSize(g);
  let cols: Float | null = null;
  if (keep) cols = x.dtype === 'float64' ? new Float64Array(g.n * size) : new Float32Array(g.n * size);
  const col = cols ?? scratch(x.dtype, size);
  convKernels.conv2dForward(x.data, weight.data, bias?.data ?? null, y.data, g, col, keep);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record('conv2d', inputs, y, (gradOut) => [
    x.requiresGrad ? convInputGrad(gradOut, weight, g) : null,
    weight.requiresGrad ? convWeightGrad(x, gradOut, g, cols) : null,
    ...(bias === null ? [] : [bias.requiresGrad ? gradOut.sum([0, 2, 3]) : null]),
  ]);
}

/**
 * I(g, W): conv2d's gradient with respect to its input (a transposed convolution), as an op.
 *   forward:  gradX = col2im(Wᵀ · gradOut) per sample and group         → [n, c, h, w]
 *   backward: for upstream u, ⟨u, I(g, W)⟩ = ⟨B(u, W), g⟩ = ⟨W, G(u, g)⟩, so
 *             ∂/∂g = B(u, W) = conv2d(u, W),   ∂/∂W = G(u, g)
 */
function convInputGrad(gradOut: Tensor, weight: Tensor, g: ConvGeometry): Tensor {
  const gradX = Tensor.empty([g.n, g.c, g.h, g.w], gradOut.dtype);
  const col = scratch(gradOut.dtype, isPointwise(g) ? 0 : colSize(g));
  convKernels.conv2dInputGrad(gradOut.data, weight.data, gradX.data, g, col);
  return record('conv2dInputGrad', [gradOut, weight], gradX, (u) => [
    gradOut.requiresGrad ? convForward(u, weight, null, g) : null,
    weight.requiresGrad ? convWeightGrad(u, gradOut, g) : null,
  ]);
}

/**
 * G(x, g): conv2d's gradient with respect to its weight, as an op.
 *   forward:  gradW_g = Σₙ gradOutₙ_g · im2col(xₙ)_gᵀ                     → [outC, c/groups, kh, kw]
 *   backward: for upstream v, ⟨v, G(x, g)⟩ = ⟨B(x, v), g⟩ = ⟨x, I(g, v)⟩, so
 *             ∂/∂x = I(g, v),   ∂/∂g = B(x, v) = conv2d(x, v)
 * `cols`: x's im2col columns when conv2d kept them, else null (unrolled here).
 */
function convWeightGrad(x: Tensor, gradOut: Tensor, g: ConvGeometry, cols: Float | null = null): Tensor {
  const gradW = Tensor.empty([g.outC, g.c / g.groups, g.kh, g.kw], x.dtype);
  const col = cols ?? scratch(x.dtype, isPointwise(g) ? 0 : colSize(g));
  convKernels.conv2dWeightGrad(x.data, gradOut.data, gradW.data, g, col, cols !== null);
  return record('conv2dWeightGrad', [x, gradOut], gradW, (v) => [
    x.requiresGrad ? convInputGrad(gradOut, v, g) : null,
    gradOut.requiresGrad ? convForward(x, v, null, g) : null,
  ]);
}

// ---- pooling ------------------------------------------------------------------------------

export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size, so windows tile the image). */
  stride?: IntPair;
  /** −∞ padding on each side, at most half the kernel (default 0). */
  padding?: IntPair;
  /** Spacing between window taps (default 1). */
  dilation?: IntPair;
  /** Round the output size up, adding a last partial window (default false). */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  stride?: IntPair;
  /** Zero padding on each side, at most half the kernel (default 0). */
  padding?: IntPair;
  ceilMode?: boolean;
  /** Divide by the full window size, padding included (default true, as PyTorch). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number;
}

/** Validates a pooling's arguments; returns its sizes. */
function poolGeometry(op: string, x: Tensor, kernelSize: IntPair, options: MaxPool2dOptions): PoolGeometry {
  if (x.ndim !== 4)
    throw new ShapeError(op, `expects input [n, c, h, w] or [c, h, w], got ${formatShape(x.shape)}`, [
      x.shape,
    ]);
  const [kh, kw] = pair(op, 'kernelSize', kernelSize, 1);
  const [sh, sw] = pair(op, 'stride', options.stride ?? [kh, kw], 1);
  const [ph, pw] = pair(op, 'padding', options.padding ?? 0, 0);
  const [dh, dw] = pair(op, 'dilation', options.dilation ?? 1, 1);
  if (2 * ph > kh || 2 * pw > kw) {
    throw new RangeError(
      `${op}: padding must be at most half the kernel size, got padding [${ph}, ${pw}] for kernel [${kh}, ${kw}]`,
    );
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const size = (i: number, k: number, s: number, p: number, d: number) => {
    if (!options.ceilMode) return outputSize(i, k, s, p, d);
    // ceilMode, as PyTorch: round up, but the last window must start inside the input or left padding.
    const o = Math.floor((i + 2 * p - d * (k - 1) - 1 + s - 1) / s) + 1;
    return (o - 1) * s >= i + p ? o - 1 : o;
  };
  const oh = size(h, kh, sh, ph, dh);
  const ow = size(w, kw, sw, pw, dw);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      op,
      `output size [${oh}, ${ow}] is below 1: input ${formatShape(x.shape)}, kernel [${kh}, ${kw}], stride [${sh}, ${sw}], padding [${ph}, ${pw}], dilation [${dh}, ${dw}]`,
      [x.shape],
    );
  }
  return { planes: n * c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

/**
 * Max pooling: the largest value of each window (padding never wins).
 *   forward:  y[n, c, i, j] = x[n, c, idx[n, c, i, j]],  idx = the window's arg-max (first of ties, as PyTorch)
 *   backward: ∂L/∂x = S(∂L/∂y): each ∂L/∂y goes to its arg-max, summed where windows share one
 * S is linear and its adjoint is the gather T(z) = z[idx]; each is the other's backward, so
 * gradients of gradients work (with idx fixed, as PyTorch; the second derivative is 0).
 */
export function maxPool2d(x: Tensor, kernelSize: IntPair, options: MaxPool2dOptions = {}): Tensor {
  if (x.ndim === 3) return maxPool2d(x.unsqueeze(0), kernelSize, options).squeeze(0);
  const g = poolGeometry('maxPool2d', x, kernelSize, options);
  const y = Tensor.empty([x.shape[0]!, x.shape[1]!, g.oh, g.ow], x.dtype);
  const indices = new Int32Array(y.size);
  poolKernels.maxPool2d(x.data, y.data, indices, g);
  return record('maxPool2d', [x], y, (gradOut) => [maxPoolScatter(gradOut, indices, x.shape, g)]);
}

/** S: ∂L/∂y scattered to the arg-max positions → [n, c, h, w]. Backward: T. */
function maxPoolScatter(gradOut: Tensor, indices: Int32Array, xShape: Shape, g: PoolGeometry): Tensor {
  const gradX = Tensor.empty(xShape, gradOut.dtype);
  poolKernels.maxPool2dScatter(gradOut.data, indices, gradX.data, g);
  return record('maxPool2dBackward', [gradOut], gradX, (u) => [
    maxPoolGather(u, indices, gradOut.shape, xShape, g),
  ]);
}

/** T: z[idx] → [n, c, oh, ow]. Backward: S. */
function maxPoolGather(
  z: Tensor,
  indices: Int32Array,
  yShape: Shape,
  xShape: Shape,
  g: PoolGeometry,
): Tensor {
  const out = Tensor.empty(yShape, z.dtype);
  poolKernels.maxPool2dGather(z.data, indices, out.data, g);
  return record('maxPool2dGather', [z], out, (v) => [maxPoolScatter(v, indices, xShape, g)]);
}

/**
 * Average pooling: the mean of each window, as PyTorch's avg_pool2d.
 *   forward:  y[n, c, i, j] = Σ_window x / divisor, divisor = the window size (countIncludePad,
 *             the default), the in-image part of it (countIncludePad false), or divisorOverride
 *   backward: ∂L/∂x = Aᵀ(∂L/∂y): each ∂L/∂y[…, i, j] / divisor spread over its window
 * A is linear, so Aᵀ's own backward is A: gradients of gradients work.
 */
export function avgPool2d(x: Tensor, kernelSize: IntPair, options: AvgPool2dOptions = {}): Tensor {
  if (x.ndim === 3) return avgPool2d(x.unsqueeze(0), kernelSize, options).squeeze(0);
  const op = 'avgPool2d';
  const g = poolGeometry(op, x, kernelSize, { ...options, dilation: 1 });
  const divisor = options.divisorOverride ?? null;
  if (divisor !== null && (!Number.isInteger(divisor) || divisor < 1)) {
    throw new RangeError(`${op}: divisorOverride must be a positive integer, got ${divisor}`);
  }
  const mode: AvgPoolMode = { countIncludePad: options.countIncludePad ?? true, divisorOverride: divisor };
  return avgPoolForward(x, g, mode);
}

function avgPoolForward(x: Tensor, g: PoolGeometry, mode: AvgPoolMode): Tensor {
  const y = Tensor.empty([x.shape[0]!, x.shape[1]!, g.oh, g.ow], x.dtype);
  poolKernels.avgPool2d(x.data, y.data, g, mode);
  return record('avgPool2d', [x], y, (gradOut) => [avgPoolBackward(gradOut, x.shape, g, mode)]);
}

/** Aᵀ, as an op whose backward is A. */
function avgPoolBackward(gradOut: Tensor, xShape: Shape, g: PoolGeometry, mode: AvgPoolMode): Tensor {
  const gradX = Tensor.empty(xShape, gradOut.dtype);
  poolKernels.avgPool2dBackward(gradOut.data, gradX.data, g, mode);
  return record('avgPool2dBackward', [gradOut], gradX, (u) => [avgPoolForward(u, g, mode)]);
}

/**
 * Adaptive average pooling to a fixed output size, whatever the input size (PyTorch's
 * adaptive_avg_pool2d). `[1, 1]` is global average pooling.
 *   forward:  y[n, c, i, j] = mean of x[n, c, ⌊i·h/oh⌋ … ⌈(i+1)·h/oh⌉ − 1, ⌊j·w/ow⌋ … ⌈(j+1)·w/ow⌉ − 1]
 *   backward: each ∂L/∂y spread evenly over its window (the adjoint, itself differentiable)
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: IntPair): Tensor {
  const op = 'adaptiveAvgPool2d';
  if (x.ndim === 3) return adaptiveAvgPool2d(x.unsqueeze(0), outputSize).squeeze(0);
  if (x.ndim !== 4)
    throw new ShapeError(op, `expects input [n, c, h, w] or [c, h, w], got ${formatShape(x.shape)}`, [
      x.shape,
    ]);
  const [oh, ow] = pair(op, 'outputSize', outputSize, 1);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (h < 1 || w < 1) {
    throw new ShapeError(op, `input has an empty image: ${formatShape(x.shape)}`, [x.shape]);
  }
  return adaptiveForward(x, n * c, h, w, oh, ow);
}

function adaptiveForward(x: Tensor, planes: number, h: number, w: number, oh: number, ow: number): Tensor {
  const y = Tensor.empty([x.shape[0]!, x.shape[1]!, oh, ow], x.dtype);
  poolKernels.adaptiveAvgPool2d(x.data, y.data, planes, h, w, oh, ow);
  return record('adaptiveAvgPool2d', [x], y, (gradOut) => [
    adaptiveBackward(gradOut, x.shape, planes, h, w, oh, ow),
  ]);
}

function adaptiveBackward(
  gradOut: Tensor,
  xShape: Shape,
  planes: number,
  h: number,
  w: number,
  oh: number,
  ow: number,
): Tensor {
  const gradX = Tensor.empty(xShape, gradOut.dtype);
  poolKernels.adaptiveAvgPool2dBackward(gradOut.data, gradX.data, planes, h, w, oh, ow);
  return record('adaptiveAvgPool2dBackward', [gradOut], gradX, (u) => [
    adaptiveForward(u, planes, h, w, oh, ow),
  ]);
}
