/**
 * Reductions: sum, mean, max, min, var, std, logSumExp, argmax, argmin.
 * `dim` may be one dim, a list of dims, or omitted/null for all dims; negative dims count
 * from the end. With `keepDim` the reduced dims stay as size 1 (handy for broadcasting back).
 * An empty list reduces no dim (x itself, as NumPy and JAX; PyTorch 1.13's sum/mean/amax/var
 * read `dim=[]` as every dim, a legacy special case, and its logsumexp fails on it).
 */
import { record } from '../engine.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { argExtremeAlongDim, extremeToShape, sumToShape } from '../kernels/reduce.js';
import { formatShape, normalizeDim, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { where } from './indexing.js';

export type Dims = number | readonly number[] | null | undefined;

export interface VarianceOptions {
  /** Divide by n − 1 (Bessel's correction) instead of n. Default true, as PyTorch 1.13. */
  unbiased?: boolean;
  keepDim?: boolean;
}

/** The reduced dims as a sorted, de-duplicated list of non-negative indices. */
export function resolveDims(op: string, dim: Dims, shape: Shape): number[] {
  if (dim === null || dim === undefined) return shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const out = new Set<number>();
  for (const d of list) {
    const nd = normalizeDim(op, d, shape.length, shape);
    if (out.has(nd)) throw new ArgumentError(op, `dim ${d} appears more than once in [${list.join(', ')}]`);
    out.add(nd);
  }
  // A scalar reduces over its (implicit) single element.
  return [...out].filter((d) => d < shape.length).sort((a, b) => a - b);
}

/** Shape after reducing `dims`: size 1 there with keepDim, removed without. */
export function reducedShape(shape: Shape, dims: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!dims.includes(i)) out.push(shape[i]!);
    else if (keepDim) out.push(1);
  }
  return out;
}

/**
 * Sum over dims.
 *   forward:  y = Σᵢ xᵢ over the reduced dims
 *   backward: ∂L/∂x = ∂L/∂y broadcast back over the reduced dims
 */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  const dims = resolveDims('sum', dim, x.shape);
  const kept = reducedShape(x.shape, dims, true);
  const out = Tensor.empty(kept, x.dtype);
  sumToShape(x.data, x.shape, out.data, kept);
  const y = keepDim ? out : out.reshape(reducedShape(x.shape, dims, false));
  return record('sum', [x], y, (g) => [g.reshape(kept).expand(x.shape)]);
}

/** Number of elements that each output element of a reduction over `dims` combines. */
function reducedCount(shape: Shape, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= shape[d]!;
  return n;
}

/**
 * Mean over dims, composed: y = sum(x) / n, with n the number of elements reduced.
 *   backward (from sum and div): ∂L/∂x = ∂L/∂y / n, broadcast back over the reduced dims
 */
export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  const dims = resolveDims('mean', dim, x.shape);
  return sum(x, dims, keepDim).div(reducedCount(x.shape, dims));
}

/**
 * Largest element: of the whole tensor (dim omitted or null) or along one dim (values only;
 * argmax gives the indices).
 *   forward:  y = max x
 *   backward, whole tensor: ∂L/∂xᵢ = ∂L/∂y / k for each of the k elements equal to y (ties
 *             share the gradient evenly, as PyTorch), 0 elsewhere
 *   backward, along dim:    ∂L/∂x = ∂L/∂y at the index argmax returns (the first occurrence;
 *             the first NaN if any), 0 elsewhere
 * NaN propagates: a slice containing NaN has max NaN.
 */
export function max(x: Tensor, dim?: number | null, keepDim = false): Tensor {
  return extreme('max', x, dim, keepDim);
}

/** Smallest element; the mirror of `max` (same tie and NaN rules). */
export function min(x: Tensor, dim?: number | null, keepDim = false): Tensor {
  return extreme('min', x, dim, keepDim);
}

function extreme(op: 'max' | 'min', x: Tensor, dim: number | null | undefined, keepDim: boolean): Tensor {
  if (x.size === 0)
    throw new ShapeError(op, `cannot reduce an empty tensor of shape ${formatShape(x.shape)}`, [x.shape]);
  // The gradient goes where `mask` says: 1/k at each of k ties (whole tensor) or a one-hot
  // along dim. The mask is a constant, so the backward g·mask is linear in g and differentiable.
  const mask = Tensor.empty(x.shape, x.dtype);
  let kept: number[];
  let squeezed: number[];
  let values: Tensor;
  if (dim === null || dim === undefined) {
    kept = x.shape.map(() => 1);
    squeezed = [];
    values = Tensor.empty(kept, x.dtype);
    extremeToShape(x.data, x.shape, values.data, kept, op);
    const v = values.data[0]!;
    const extremeIsNaN = Number.isNaN(v);
    let ties = 0;
    for (let i = 0; i < x.size; i++) {
      const xi = x.data[i]!;
      if (extremeIsNaN ? Number.isNaN(xi) : xi === v) {
        mask.data[i] = 1;
        ties++;
      }
    }
    for (let i = 0; i < x.size; i++) mask.data[i] = mask.data[i]! / ties;
  } else {
    const { outer, n, inner, d } = splitAt(op, x, dim);
    kept = x.shape.map((s, i) => (i === d ? 1 : s));
    squeezed = x.shape.filter((_, i) => i !== d);
    values = Tensor.empty(kept, x.dtype);
    const indices = new Float64Array(outer * inner);
    argExtremeAlongDim(x.data, outer, n, inner, values.data, indices, op);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) mask.data[(o * n + indices[o * inner + i]!) * inner + i] = 1;
    }
  }
  const y = keepDim ? values : values.reshape(squeezed);
  return record(op, [x], y, (g) => [g.reshape(kept).mul(mask)]);
}

/** x viewed as [outer, n, inner] around dim d (a scalar is [1, 1, 1]). */
function splitAt(op: string, x: Tensor, dim: number): { outer: number; n: number; inner: number; d: number } {
  const d = normalizeDim(op, dim, x.ndim, x.shape);
  if (x.ndim === 0) return { outer: 1, n: 1, inner: 1, d };
  const n = x.shape[d]!;
  if (n === 0)
    throw new ShapeError(op, `cannot reduce over dim ${dim} of size 0 in shape ${formatShape(x.shape)}`, [
      x.shape,
    ]);
  return { outer: sizeOf(x.shape.slice(0, d)), n, inner: sizeOf(x.shape.slice(d + 1)), d };
}

/**
 * Variance over dims, composed from mean, sub, mul and sum (two passes, so no cancellation):
 *   y = Σ (x − x̄)² / (n − 1)   (unbiased, the default as in PyTorch 1.13)   or  / n
 *   backward (from the composition): ∂L/∂x = ∂L/∂y · 2(x − x̄) / (n − 1)   (or / n)
 * n − 1 = 0 (one element, unbiased) gives 0/0 = NaN, as PyTorch.
 */
export function variance(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  return varianceOf('var', x, dim, options);
}

function varianceOf(op: string, x: Tensor, dim: Dims, options: VarianceOptions): Tensor {
  const { unbiased = true, keepDim = false } = options;
  const dims = resolveDims(op, dim, x.shape);
  const n = reducedCount(x.shape, dims);
  const centered = x.sub(mean(x, dims, true));
  return sum(centered.mul(centered), dims, keepDim).div(unbiased ? n - 1 : n);
}

/**
 * Standard deviation over dims: y = √v with v = var(x) (same options as `variance`).
 *   backward: ∂L/∂v = ∂L/∂y / (2y), then through var: ∂L/∂x = ∂L/∂y · (x − x̄) / ((n − 1) · y)
 * Where y = 0 (all elements equal) PyTorch defines the gradient as 0 rather than 0/0; so do we.
 */
export function std(x: Tensor, dim?: Dims, options: VarianceOptions = {}): Tensor {
  const v = varianceOf('std', x, dim, options);
  const y = Tensor.empty(v.shape, v.dtype);
  for (let i = 0; i < y.size; i++) y.data[i] = Math.sqrt(v.data[i]!);
  return record('std', [v], y, (g) => [where(y.eq(0), 0, g.div(y.mul(2)))]);
}

/**
 * log Σ eˣ over dims, shifted by the max m so no exponent is positive (no overflow):
 *   y = m + log Σ e^(x − m)          (m is a constant; |m| = ∞ is replaced by 0, as PyTorch)
 *   backward (from exp, sum, log): ∂L/∂x = ∂L/∂y · e^(x − y) = ∂L/∂y · softmax(x)
 */
export function logSumExp(x: Tensor, dim: number | readonly number[], keepDim = false): Tensor {
  const dims = resolveDims('logSumExp', dim, x.shape);
  const kept = reducedShape(x.shape, dims, true);
  const shift = Tensor.empty(kept, x.dtype);
  if (x.size > 0) extremeToShape(x.data, x.shape, shift.data, kept, 'max');
  for (let i = 0; i < shift.size; i++) {
    if (shift.data[i] === Infinity || shift.data[i] === -Infinity) shift.data[i] = 0;
  }
  const y = sum(x.sub(shift).exp(), dims, true).log().add(shift);
  return keepDim ? y : y.reshape(reducedShape(x.shape, dims, false));
}

/**
 * Index of the largest element (first occurrence; the first NaN if any) along dim, or in the
 * flattened tensor when dim is omitted or null. A float tensor of whole numbers; no gradient.
 */
export function argmax(x: Tensor, dim?: number | null, keepDim = false): Tensor {
  return argExtreme('argmax', 'max', x, dim, keepDim);
}

/** Index of the smallest element; the mirror of `argmax`. */
export function argmin(x: Tensor, dim?: number | null, keepDim = false): Tensor {
  return argExtreme('argmin', 'min', x, dim, keepDim);
}

function argExtreme(
  op: string,
  mode: 'max' | 'min',
  x: Tensor,
  dim: number | null | undefined,
  keepDim: boolean,
): Tensor {
  if (x.size === 0)
    throw new ShapeError(op, `cannot reduce an empty tensor of shape ${formatShape(x.shape)}`, [x.shape]);
  const whole = dim === null || dim === undefined;
  const { outer, n, inner, d } = whole ? { outer: 1, n: x.size, inner: 1, d: -1 } : splitAt(op, x, dim);
  const shape = whole
    ? keepDim
      ? x.shape.map(() => 1)
      : []
    : x.shape.flatMap((s, i) => (i !== d ? [s] : keepDim ? [1] : []));
  const indices = Tensor.empty(shape, x.dtype);
  const values = x.dtype === 'float64' ? new Float64Array(outer * inner) : new Float32Array(outer * inner);
  argExtremeAlongDim(x.data, outer, n, inner, values, indices.data, mode);
  return indices;
}
