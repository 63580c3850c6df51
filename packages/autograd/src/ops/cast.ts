/**
 * Casting between float32 and float64.
 *   forward:  y = x in the new dtype (float64 → float32 rounds to nearest)
 *   backward: ∂L/∂x = ∂L/∂y cast back to x's dtype
 */
import { record } from '../engine.js';
import { type DType, Tensor } from '../tensor.js';

export function toDType(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = Tensor.empty(x.shape, dtype);
  out.data.set(x.data);
  return record('to', [x], out, (g) => [toDType(g, x.dtype)]);
}
