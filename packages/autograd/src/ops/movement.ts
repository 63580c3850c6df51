/**
 * Movement: reshape, flatten, transpose, permute, expand, squeeze, unsqueeze, narrow, cat, stack.
 * `reshape` shares storage (the layout is unchanged), and so do flatten, squeeze and unsqueeze,
 * which are reshapes; the others copy into a new contiguous tensor.
 *
 * Every backward here is another movement op: permute's is the inverse permutation, narrow's is
 * zero padding (`narrowBackward`, whose own backward is narrow again), cat's is one narrow per
 * input. So gradients of gradients need nothing extra.
 */
import { record } from '../engine.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { broadcastTo } from '../kernels/elementwise.js';
import { copySlab, permute as permuteKernel } from '../kernels/movement.js';
import { checkShape, formatShape, normalizeDim, type Shape, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { unbroadcast } from './arithmetic.js';

/**
 * New shape, same elements in the same order; one entry may be −1 (inferred).
 *   forward:  y = x viewed as `shape` (shares storage)
 *   backward: ∂L/∂x = ∂L/∂y reshaped to x's shape
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = inferShape('reshape', x, shape);
  const y = new Tensor(x.data, target, false, x.versionCounter);
  return record('reshape', [x], y, (g) => [g.reshape(x.shape)]);
}

function inferShape(op: string, x: Tensor, shape: Shape): number[] {
  const inferred = shape.indexOf(-1);
  if (inferred !== shape.lastIndexOf(-1))
    throw new ShapeError(op, `only one dim can be -1, got ${formatShape(shape)}`, [shape]);
  const known = checkShape(
    op,
    shape.filter((_, i) => i !== inferred),
  );
  const knownSize = sizeOf(known);
  const target = [...shape];
  if (inferred >= 0) {
    if (knownSize === 0 || x.size % knownSize !== 0) {
      throw new ShapeError(
        op,
        `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
        [x.shape, shape],
      );
    }
    target[inferred] = x.size / knownSize;
  } else if (knownSize !== x.size) {
    throw new ShapeError(
      op,
      `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}`,
      [x.shape, shape],
    );
  }
  return target;
}

/**
 * Broadcasts x to `shape` (new dims on the left; size-1 dims stretched; −1 keeps a dim).
 *   forward:  y[i…] = x[i… with broadcast dims at 0]   (copies)
 *   backward: ∂L/∂x = ∂L/∂y summed over the broadcast dims (unbroadcast)
 */
export function expand(x: Tensor, shape: Shape): Tensor {
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  const ok =
    lead >= 0 &&
    target.every(
      (d, i) =>
        Number.isInteger(d) && d >= 0 && (i < lead || x.shape[i - lead] === 1 || x.shape[i - lead] === d),
    );
  if (!ok)
    throw new ShapeError('expand', `cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}`, [
      x.shape,
      shape,
    ]);
  // Nothing to broadcast: still a new tensor (a reshape), so noGrad and the graph behave as usual.
  if (shapesEqual(target, x.shape)) return reshape(x, target);
  const y = Tensor.empty(target, x.dtype);
  broadcastTo(x.data, x.shape, y.data, target);
  return record('expand', [x], y, (g) => [unbroadcast(g, x.shape)]);
}

/**
 * Merges dims startDim..endDim (inclusive) into one; a rank-0 tensor becomes [1] (as PyTorch).
 *   forward:  y = reshape(x, […, x.shape[startDim] · … · x.shape[endDim], …])   (shares storage)
 *   backward: ∂L/∂x = ∂L/∂y reshaped to x's shape (reshape's node)
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const start = normalizeDim('flatten', startDim, x.ndim, x.shape);
  const end = normalizeDim('flatten', endDim, x.ndim, x.shape);
  if (x.ndim === 0) return reshape(x, [1]);
  if (start > end) {
    throw new ShapeError(
      'flatten',
      `startDim ${startDim} comes after endDim ${endDim} for shape ${formatShape(x.shape)}`,
      [x.shape],
    );
  }
  const merged = sizeOf(x.shape.slice(start, end + 1));
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/**
 * Swaps two dims (a permutation that exchanges dim0 and dim1).
 *   forward:  y[…i…j…] = x[…j…i…]       backward: ∂L/∂x = transpose(∂L/∂y, dim0, dim1)
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim('transpose', dim0, x.ndim, x.shape);
  const b = normalizeDim('transpose', dim1, x.ndim, x.shape);
  if (a === b) return reshape(x, x.shape);
  const dims = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permuteChecked('transpose', x, dims);
}

/**
 * Reorders dims: output dim k is input dim dims[k] (negative dims count from the end).
 *   forward:  y[i₀, …, iᵣ₋₁] = x[j] with j[dims[k]] = iₖ        (copies)
 *   backward: ∂L/∂x = permute(∂L/∂y, dims⁻¹), where dims⁻¹[dims[k]] = k
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const shown = `[${dims.join(', ')}]`;
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      'permute',
      `expected ${x.ndim} dims for shape ${formatShape(x.shape)}, got ${shown}`,
      [x.shape],
    );
  }
  const resolved = dims.map((d) => normalizeDim('permute', d, x.ndim, x.shape));
  if (new Set(resolved).size !== resolved.length) {
    throw new ShapeError('permute', `dims ${shown} repeat a dim of shape ${formatShape(x.shape)}`, [x.shape]);
  }
  return permuteChecked('permute', x, resolved);
}

/** permute with validated, non-negative dims; `op` names the node (permute or transpose). */
function permuteChecked(op: string, x: Tensor, dims: readonly number[]): Tensor {
  if (dims.every((d, i) => d === i)) return reshape(x, x.shape);
  const y = Tensor.empty(
    dims.map((d) => x.shape[d]!),
    x.dtype,
  );
  permuteKernel(x.data, x.shape, dims, y.data);
  const inverse = new Array<number>(dims.length);
  for (let k = 0; k < dims.length; k++) inverse[dims[k]!] = k;
  return record(op, [x], y, (g) => [permuteChecked(op, g, inverse)]);
}

/**
 * Removes size-1 dims: all of them, or only `dim` (PyTorch: squeezing a dim whose size is not 1
 * leaves the shape unchanged). A reshape, so it shares storage.
 */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim('squeeze', dim, x.ndim, x.shape);
  if (x.ndim === 0 || x.shape[d] !== 1) return reshape(x, x.shape);
  return reshape(
    x,
    x.shape.filter((_, i) => i !== d),
  );
}

/** Inserts a size-1 dim at `dim`, in −(r+1)..r for rank r. A reshape, so it shares storage. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1, x.shape);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/**
 * The slice start..start+length−1 of one dim (a negative start counts from the end).
 *   forward:  y[…, k, …] = x[…, start + k, …]                   (copies)
 *   backward: ∂L/∂x = ∂L/∂y placed at start in zeros of x's shape (narrowBackward)
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new ShapeError('narrow', 'cannot narrow a rank-0 tensor', [x.shape]);
  const d = normalizeDim('narrow', dim, x.ndim, x.shape);
  const size = x.shape[d]!;
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new ArgumentError(
      'narrow',
      `start ${start} out of range for dim ${dim} of size ${size} (shape ${formatShape(x.shape)})`,
    );
  }
  const from = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0) {
    throw new ArgumentError('narrow', `length must be a non-negative integer, got ${length}`);
  }
  if (from + length > size) {
    throw new ArgumentError(
      'narrow',
      `start ${start} + length ${length} exceeds size ${size} of dim ${dim} (shape ${formatShape(x.shape)})`,
    );
  }
  return narrowChecked(x, d, from, length);
}

/** x seen as [outer, x.shape[dim], inner]. */
function splitAt(shape: Shape, dim: number): { outer: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, dim)), inner: sizeOf(shape.slice(dim + 1)) };
}

function narrowChecked(x: Tensor, dim: number, start: number, length: number): Tensor {
  const size = x.shape[dim]!;
  const shape = x.shape.map((s, i) => (i === dim ? length : s));
  const y = Tensor.empty(shape, x.dtype);
  const { outer, inner } = splitAt(x.shape, dim);
  copySlab(x.data, size, start, y.data, length, 0, outer, length, inner);
  return record('narrow', [x], y, (g) => [narrowBackward(g, dim, start, size)]);
}

/**
 * The gradient of narrow as an op of its own: g placed at `start` along `dim` in zeros of size
 * `size` there (zero padding). Linear in g, so
 *   forward:  y[…, start + k, …] = g[…, k, …], 0 elsewhere
 *   backward: ∂L/∂g = narrow(∂L/∂y, dim, start, g.shape[dim])
 * Preconditions (checked by its callers): 0 ≤ dim < rank, start + g.shape[dim] ≤ size.
 */
export function narrowBackward(g: Tensor, dim: number, start: number, size: number): Tensor {
  const length = g.shape[dim]!;
  const y = Tensor.empty(
    g.shape.map((s, i) => (i === dim ? size : s)),
    g.dtype,
  );
  const { outer, inner } = splitAt(g.shape, dim);
  copySlab(g.data, length, 0, y.data, size, start, outer, length, inner);
  return record('narrowBackward', [g], y, (gg) => [narrowChecked(gg, dim, start, length)]);
}

/**
 * Joins tensors along an existing dim; all other dims must match. As PyTorch 1.13, empty 1-D
 * tensors (shape [0]) are skipped whatever the others' shape. float32 with float64 gives float64.
 *   forward:  y = [x₀ | x₁ | …] along dim, xᵢ at offset oᵢ = Σⱼ₍ⱼ₌₀..ᵢ₋₁₎ xⱼ.shape[dim]
 *   backward: ∂L/∂xᵢ = narrow(∂L/∂y, dim, oᵢ, xᵢ.shape[dim])
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ArgumentError('cat', 'expects a non-empty list of tensors');
  tensors.forEach((t, i) => {
    if (t.ndim === 0) {
      throw new ShapeError('cat', `zero-dimensional tensor (at position ${i}) cannot be concatenated`, [
        t.shape,
      ]);
    }
  });
  const ref = tensors.find((t) => !(t.ndim === 1 && t.size === 0)) ?? tensors[0]!;
  const skipped = (t: Tensor) => ref.ndim !== 1 && t.ndim === 1 && t.size === 0;
  const d = normalizeDim('cat', dim, ref.ndim, ref.shape);
  let total = 0;
  let dtype = ref.dtype;
  for (const t of tensors) {
    if (skipped(t)) continue;
    if (t.ndim !== ref.ndim) {
      throw new ShapeError(
        'cat',
        `tensors must have the same rank: ${formatShape(ref.shape)} and ${formatShape(t.shape)}`,
        [ref.shape, t.shape],
      );
    }
    if (t.shape.some((s, i) => i !== d && s !== ref.shape[i])) {
      throw new ShapeError(
        'cat',
        `tensors must have the same shape except in dim ${dim}: ${formatShape(ref.shape)} and ${formatShape(t.shape)}`,
        [ref.shape, t.shape],
      );
    }
    total += t.shape[d]!;
    if (t.dtype === 'float64') dtype = 'float64';
  }
  const y = Tensor.empty(
    ref.shape.map((s, i) => (i === d ? total : s)),
    dtype,
  );
  const { outer, inner } = splitAt(ref.shape, d);
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    offsets.push(offset);
    if (skipped(t)) continue;
    const size = t.shape[d]!;
    copySlab(t.data, size, 0, y.data, total, offset, outer, size, inner);
    offset += size;
  }
  return record('cat', tensors, y, (g) =>
    tensors.map((t, i) => {
      if (!t.requiresGrad) return null;
      if (skipped(t)) return Tensor.empty([0], g.dtype);
      return narrowChecked(g, d, offsets[i]!, t.shape[d]!);
    }),
  );
}

/**
 * Joins same-shape tensors along a new dim (in −(r+1)..r): cat of their unsqueezes, so its
 * gradient is theirs (narrow, then reshape back).
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ArgumentError('stack', 'expects a non-empty list of tensors');
  const ref = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, ref.shape)) {
      throw new ShapeError(
        'stack',
        `tensors must have the same shape: ${formatShape(ref.shape)} at position 0 and ${formatShape(t.shape)} at position ${i}`,
        [ref.shape, t.shape],
      );
    }
  });
  const d = normalizeDim('stack', dim, ref.ndim + 1, ref.shape);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
