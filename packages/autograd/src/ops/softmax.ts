/**
 * softmax and logSoftmax along one dim, each one fused kernel (kernels/softmax.ts) so the
 * max-shift that keeps them finite for any input is done once, in place.
 */
import { record } from '../engine.js';
import * as kernels from '../kernels/softmax.js';
import { normalizeDim, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Softmax along dim: a probability distribution over that dim.
 *   forward:  yᵢ = e^(xᵢ) / Σⱼ e^(xⱼ)       (computed as e^(xᵢ − m) / Σⱼ e^(xⱼ − m), m = max x)
 *   backward: ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ), so
 *             ∂L/∂xⱼ = Σᵢ gᵢ yᵢ(δᵢⱼ − yⱼ) = yⱼ (gⱼ − Σᵢ gᵢ yᵢ),   i.e.  ∂L/∂x = y ⊙ (g − Σ g⊙y)
 *   (saves the output y; the sum runs along dim and broadcasts back)
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const { outer, n, inner, d } = layout('softmax', x, dim);
  const y = Tensor.empty(x.shape, x.dtype);
  kernels.softmax(x.data, outer, n, inner, y.data);
  return record('softmax', [x], y, (g) => {
    const gy = g.mul(y);
    return [gy.sub(y.mul(gy.sum(d, true)))];
  });
}

/**
 * log softmax along dim, without forming the softmax (so tiny probabilities keep their digits).
 *   forward:  yᵢ = xᵢ − log Σⱼ e^(xⱼ)       (computed as xᵢ − m − log Σⱼ e^(xⱼ − m))
 *   backward: ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ, so
 *             ∂L/∂xⱼ = gⱼ − softmax(x)ⱼ Σᵢ gᵢ,   with softmax(x) = e^y
 *   (saves the output y)
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const { outer, n, inner, d } = layout('logSoftmax', x, dim);
  const y = Tensor.empty(x.shape, x.dtype);
  kernels.logSoftmax(x.data, outer, n, inner, y.data);
  return record('logSoftmax', [x], y, (g) => [g.sub(y.exp().mul(g.sum(d, true)))]);
}

/** x viewed as [outer, n, inner] around dim (a scalar is one row of one element). */
function layout(op: string, x: Tensor, dim: number): { outer: number; n: number; inner: number; d: number } {
  const d = normalizeDim(op, dim, x.ndim, x.shape);
  if (x.ndim === 0) return { outer: 1, n: 1, inner: 1, d };
  return { outer: sizeOf(x.shape.slice(0, d)), n: x.shape[d]!, inner: sizeOf(x.shape.slice(d + 1)), d };
}
