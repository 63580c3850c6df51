/**
 * Comparisons with broadcasting: 1 where the relation holds, 0 where it does not, in the
 * promoted float dtype. They are piecewise constant, so they record no node (as PyTorch's
 * boolean results carry no gradient). Use them as masks: `g.mul(x.gt(0))`.
 */
import type { BinaryOp } from '../kernels/elementwise.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { binaryForward, operands } from './arithmetic.js';

function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(op, a, b);
  return binaryForward(op, x, y);
}

/** a = b */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare('eq', a, b);
}
/** a ≠ b */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return compare('ne', a, b);
}
/** a > b */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare('gt', a, b);
}
/** a ≥ b */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare('ge', a, b);
}
/** a < b */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare('lt', a, b);
}
/** a ≤ b */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare('le', a, b);
}
