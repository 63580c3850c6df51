/**
 * Casting between float32 and float64.
 *   forward:  y = x in the new dtype (float64 → float32 rounds to nearest)
 *   backward: ∂L/∂x = ∂L/∂y cast back to x's dtype
 */
import { record } from '../engine.js';
import { DTypeError } from '../errors.js';
import { type DType, Tensor } from '../tensor.js';

export function toDType(x: Tensor, dtype: DType): Tensor {
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new DTypeError('to', `unknown dtype '${String(dtype)}' (use 'float32' or 'float64')`);
  if (x.dtype === dtype) return x;
  const out = Tensor.empty(x.shape, dtype);
  out.data.set(x.data);
  return record('to', [x], out, (g) => [toDType(g, x.dtype)]);
}
