/**
 * Movement: reshape, flatten, transpose, permute, expand, squeeze, unsqueeze, narrow, cat, stack.
 * `reshape` shares storage (the layout is unchanged); the others copy into a new contiguous tensor.
 */
import { record } from '../engine.js';
import { ShapeError } from '../errors.js';
import { broadcastTo } from '../kernels/elementwise.js';
import { checkShape, formatShape, type Shape, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { unbroadcast } from './arithmetic.js';

/**
 * New shape, same elements in the same order; one entry may be −1 (inferred).
 *   forward:  y = x viewed as `shape` (shares storage)
 *   backward: ∂L/∂x = ∂L/∂y reshaped to x's shape
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = inferShape('reshape', x, shape);
  const y = new Tensor(x.data, target);
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
  if (shapesEqual(target, x.shape)) return x;
  const y = Tensor.empty(target, x.dtype);
  broadcastTo(x.data, x.shape, y.data, target);
  return record('expand', [x], y, (g) => [unbroadcast(g, x.shape)]);
}

const todo = (name: string): never => {
  throw new Error(`${name}: not implemented yet`);
};

export function flatten(_x: Tensor, _startDim = 0, _endDim = -1): Tensor {
  return todo('flatten');
}
export function transpose(_x: Tensor, _dim0: number, _dim1: number): Tensor {
  return todo('transpose');
}
export function permute(_x: Tensor, _dims: readonly number[]): Tensor {
  return todo('permute');
}
export function squeeze(_x: Tensor, _dim?: number): Tensor {
  return todo('squeeze');
}
export function unsqueeze(_x: Tensor, _dim: number): Tensor {
  return todo('unsqueeze');
}
export function narrow(_x: Tensor, _dim: number, _start: number, _length: number): Tensor {
  return todo('narrow');
}
export function cat(_tensors: readonly Tensor[], _dim = 0): Tensor {
  return todo('cat');
}
export function stack(_tensors: readonly Tensor[], _dim = 0): Tensor {
  return todo('stack');
}
