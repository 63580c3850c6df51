/**
 * Indexing and selection: gather, scatterAdd, indexSelect, indexAdd, where, maximum, minimum.
 *
 * Indices are whole numbers held in a float tensor, a `number[]` or an `Int32Array`. They are
 * checked (integral, in range) once, here, and kept as an Int32Array for the backward closures.
 * The ops come in adjoint pairs, each the other's gradient: gather ↔ scatterAdd and
 * indexSelect ↔ indexAdd. So every backward is itself differentiable (double backward works).
 */
import { record } from '../engine.js';
import { ArgumentError, ShapeError } from '../errors.js';
import * as kernels from '../kernels/index.js';
import { broadcastShapes, formatShape, normalizeDim, type Shape, shapesEqual, sizeOf } from '../shape.js';
import { type IndexLike, Tensor, type TensorLike } from '../tensor.js';
import { binaryForward, operands, resultDType, toTensor, unbroadcast } from './arithmetic.js';
import { narrowBackward } from './movement.js';

/** A validated index: whole numbers in range, with the shape they came in. */
interface Index {
  readonly data: Int32Array;
  readonly shape: Shape;
}

/** The index's shape without reading its values (`number[]` and `Int32Array` are 1-D). */
function indexShape(index: IndexLike): Shape {
  return index instanceof Tensor ? index.shape : [index.length];
}

/**
 * Reads an index and checks every value is a whole number in 0..size−1 (as PyTorch, negative
 * indices are rejected). `dim` is the dim as the user wrote it, for the message.
 */
function toIndex(op: string, index: IndexLike, dim: number, size: number): Index {
  const values = index instanceof Tensor ? index.data : index;
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) throw new ArgumentError(op, `index must hold whole numbers, got ${v}`);
    if (v < 0 || v >= size)
      throw new ArgumentError(op, `index ${v} out of range for dim ${dim} of size ${size}`);
    data[i] = v;
  }
  return { data, shape: indexShape(index) };
}

/** Size of dim d of x; a rank-0 tensor has one (implicit) element along dim 0. */
function dimSize(x: Tensor, d: number): number {
  return x.ndim === 0 ? 1 : x.shape[d]!;
}

/**
 * Checks PyTorch's gather/scatter rule: same rank, index.shape[d] ≤ shape[d] for every d except
 * `skip` (the resolved dim, or −1 to check all; `dim` is the user's spelling of it).
 */
function checkIndexFits(
  op: string,
  index: Shape,
  what: string,
  shape: Shape,
  dim: number,
  skip: number,
): void {
  if (index.length !== shape.length) {
    throw new ShapeError(
      op,
      `index must have the same rank as ${what}: index ${formatShape(index)} and ${what} ${formatShape(shape)}`,
      [index, shape],
    );
  }
  for (let d = 0; d < index.length; d++) {
    if (d !== skip && index[d]! > shape[d]!) {
      throw new ShapeError(
        op,
        `index ${formatShape(index)} is larger than ${what} ${formatShape(shape)} in dim ${d}${skip >= 0 ? ` (only dim ${dim} may be)` : ''}`,
        [index, shape],
      );
    }
  }
}

/**
 * Picks one element along `dim` for every position of the index (out has the index's shape).
 *   forward:  y[i₀, …, iᵣ₋₁] = x[i₀, …, index[i₀, …, iᵣ₋₁], …, iᵣ₋₁]   (index replaces coordinate dim)
 *   backward: ∂L/∂x = scatterAdd(zeros like x, dim, index, ∂L/∂y)   (repeated indices add up)
 * index: same rank as x, index.shape[d] ≤ x.shape[d] for d ≠ dim.
 */
export function gather(x: Tensor, dim: number, index: IndexLike): Tensor {
  const d = normalizeDim('gather', dim, x.ndim, x.shape);
  checkIndexFits('gather', indexShape(index), 'input', x.shape, dim, d);
  return gatherChecked(x, d, toIndex('gather', index, dim, dimSize(x, d)));
}

function gatherChecked(x: Tensor, d: number, index: Index): Tensor {
  const y = Tensor.empty(index.shape, x.dtype);
  kernels.gather(x.data, x.shape, d, index.data, index.shape, y.data);
  return record('gather', [x], y, (g) => [scatterAddChecked(Tensor.empty(x.shape, g.dtype), d, index, g)]);
}

/**
 * x with src added at the positions the index names along `dim` (the adjoint of gather):
 *   forward:  y = x;  y[…, index[p], …] += src[p]  for every position p of the index
 *   backward: ∂L/∂x = ∂L/∂y,   ∂L/∂src = gather(∂L/∂y, dim, index)   (zeros where src is larger
 *             than the index)
 * index: same rank as x and src; index.shape[d] ≤ src.shape[d], and ≤ x.shape[d] for d ≠ dim.
 */
export function scatterAdd(x: Tensor, dim: number, index: IndexLike, src: Tensor): Tensor {
  const d = normalizeDim('scatterAdd', dim, x.ndim, x.shape);
  const shape = indexShape(index);
  checkIndexFits('scatterAdd', shape, 'input', x.shape, dim, d);
  checkIndexFits('scatterAdd', shape, 'src', src.shape, dim, -1);
  return scatterAddChecked(x, d, toIndex('scatterAdd', index, dim, dimSize(x, d)), src);
}

function scatterAddChecked(x: Tensor, d: number, index: Index, src: Tensor): Tensor {
  const y = Tensor.empty(x.shape, resultDType(x, src));
  y.data.set(x.data);
  kernels.scatterAdd(y.data, x.shape, d, index.data, index.shape, src.data, src.shape);
  return record('scatterAdd', [x, src], y, (g) => [
    x.requiresGrad ? g : null,
    src.requiresGrad ? padTo(gatherChecked(g, d, index), src.shape) : null,
  ]);
}

/** Zero-pads t at the end of each dim up to `shape` (a differentiable op: narrowBackward). */
function padTo(t: Tensor, shape: Shape): Tensor {
  let out = t;
  for (let d = 0; d < shape.length; d++) {
    if (out.shape[d] !== shape[d]) out = narrowBackward(out, d, 0, shape[d]!);
  }
  return out;
}

/**
 * Whole slices along `dim`, in the order (and with the repeats) of a 1-D index.
 *   forward:  y[…, j, …] = x[…, index[j], …]
 *   backward: ∂L/∂x = indexAdd(zeros like x, dim, index, ∂L/∂y)   (repeated indices add up)
 */
export function indexSelect(x: Tensor, dim: number, index: IndexLike): Tensor {
  const d = normalizeDim('indexSelect', dim, x.ndim, x.shape);
  const shape = indexShape(index);
  if (shape.length > 1) {
    throw new ShapeError('indexSelect', `index must be 1-D, got shape ${formatShape(shape)}`, [shape]);
  }
  const idx = toIndex('indexSelect', index, dim, dimSize(x, d));
  if (x.ndim === 0 && idx.data.length !== 1) {
    throw new ShapeError('indexSelect', `a rank-0 input takes exactly one index, got ${idx.data.length}`, [
      shape,
    ]);
  }
  return indexSelectChecked(x, d, idx);
}

/** x seen as [outer, size, inner] around dim d (a rank-0 tensor as [1, 1, 1]). */
function split(shape: Shape, d: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [sizeOf(shape.slice(0, d)), shape[d]!, sizeOf(shape.slice(d + 1))];
}

/** x's shape with dim d resized to k (a rank-0 shape stays rank 0). */
function resized(shape: Shape, d: number, k: number): number[] {
  return shape.map((s, i) => (i === d ? k : s));
}

function indexSelectChecked(x: Tensor, d: number, index: Index): Tensor {
  const k = index.data.length;
  const y = Tensor.empty(resized(x.shape, d, k), x.dtype);
  const [outer, size, inner] = split(x.shape, d);
  kernels.indexSelect(x.data, outer, size, inner, index.data, y.data);
  return record('indexSelect', [x], y, (g) => [indexAddChecked(Tensor.empty(x.shape, g.dtype), d, index, g)]);
}

/**
 * x with the slices of src added at the positions a 1-D index names along `dim`
 * (the adjoint of indexSelect):
 *   forward:  y = x;  y[…, index[j], …] += src[…, j, …]
 *   backward: ∂L/∂x = ∂L/∂y,   ∂L/∂src = indexSelect(∂L/∂y, dim, index)
 * src has x's shape with dim resized to the index's length.
 */
export function indexAdd(x: Tensor, dim: number, index: IndexLike, src: Tensor): Tensor {
  const d = normalizeDim('indexAdd', dim, x.ndim, x.shape);
  const shape = indexShape(index);
  if (shape.length > 1) {
    throw new ShapeError('indexAdd', `index must be 1-D, got shape ${formatShape(shape)}`, [shape]);
  }
  const idx = toIndex('indexAdd', index, dim, dimSize(x, d));
  const expected = resized(x.shape, d, idx.data.length);
  if (!shapesEqual(src.shape, expected) || (x.ndim === 0 && idx.data.length !== 1)) {
    throw new ShapeError(
      'indexAdd',
      `src shape ${formatShape(src.shape)} does not fit input ${formatShape(x.shape)} and ${idx.data.length} indices along dim ${dim}`,
      [src.shape, x.shape],
    );
  }
  return indexAddChecked(x, d, idx, src);
}

function indexAddChecked(x: Tensor, d: number, index: Index, src: Tensor): Tensor {
  const y = Tensor.empty(x.shape, resultDType(x, src));
  y.data.set(x.data);
  const [outer, size, inner] = split(x.shape, d);
  kernels.indexAdd(y.data, outer, size, inner, index.data, src.data);
  return record('indexAdd', [x, src], y, (g) => [
    x.requiresGrad ? g : null,
    src.requiresGrad ? indexSelectChecked(g, d, index) : null,
  ]);
}

/**
 * Chooses element-wise between a and b; cond, a and b broadcast together (cond ≠ 0 is true).
 *   forward:  y = cond ? a : b
 *   backward: ∂L/∂a = cond ? ∂L/∂y : 0,   ∂L/∂b = cond ? 0 : ∂L/∂y   (unbroadcast); cond gets none
 * Numbers are accepted for every argument; a and b promote as in add.
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('where', a, b);
  const c = toTensor('where', cond, x.dtype);
  let shape: number[];
  try {
    shape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
  } catch {
    throw new ShapeError(
      'where',
      `shapes cannot be broadcast: cond ${formatShape(c.shape)}, a ${formatShape(x.shape)}, b ${formatShape(y.shape)}`,
      [c.shape, x.shape, y.shape],
    );
  }
  const out = Tensor.empty(shape, resultDType(x, y));
  kernels.where(c.data, c.shape, x.data, x.shape, y.data, y.shape, out.data, shape);
  return record('where', [x, y], out, (g) => [
    x.requiresGrad ? unbroadcast(where(c, g, 0), x.shape) : null,
    y.requiresGrad ? unbroadcast(where(c, 0, g), y.shape) : null,
  ]);
}

/**
 * Element-wise maximum with broadcasting (NaN propagates).
 *   forward:  y = max(a, b)
 *   backward: ∂L/∂a = ∂L/∂y · ([a > b] + ½[a = b]),  ∂L/∂b = ∂L/∂y · ([b > a] + ½[a = b])
 * Ties split the gradient evenly, as PyTorch does (a subgradient; the masks are constants).
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('maximum', a, b);
  const out = binaryForward('maximum', x, y);
  return record('maximum', [x, y], out, (g) => {
    const tie = x.eq(y).mul(0.5);
    return [
      x.requiresGrad ? unbroadcast(g.mul(x.gt(y).add(tie)), x.shape) : null,
      y.requiresGrad ? unbroadcast(g.mul(y.gt(x).add(tie)), y.shape) : null,
    ];
  });
}

/**
 * Element-wise minimum with broadcasting (NaN propagates).
 *   forward:  y = min(a, b)
 *   backward: ∂L/∂a = ∂L/∂y · ([a < b] + ½[a = b]),  ∂L/∂b = ∂L/∂y · ([b < a] + ½[a = b])
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('minimum', a, b);
  const out = binaryForward('minimum', x, y);
  return record('minimum', [x, y], out, (g) => {
    const tie = x.eq(y).mul(0.5);
    return [
      x.requiresGrad ? unbroadcast(g.mul(x.lt(y).add(tie)), x.shape) : null,
      y.requiresGrad ? unbroadcast(g.mul(y.lt(x).add(tie)), y.shape) : null,
    ];
  });
}
