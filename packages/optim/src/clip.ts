/**
 * Gradient clipping, the usual remedy for exploding gradients: rescale (or cap) `.grad` in place
 * between `backward()` and `step()`.
 */
import type { Tensor, TypedArray } from '@tsgrad/autograd';

export interface ClipGradNormOptions {
  /** p of the p-norm: 2 (default), 1, Infinity (max |g|), or any p > 0. */
  normType?: number;
  /** Throw when the total norm is NaN or ±Infinity instead of scaling by it. Default false. */
  errorIfNonfinite?: boolean;
}

/** ‖g‖ₚ of one gradient: max |gᵢ| for p = ∞, else (Σ |gᵢ|ᵖ)^(1/p). */
function pNorm(g: ArrayLike<number>, p: number): number {
  let acc = 0;
  if (p === Infinity) {
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]!);
      if (a > acc || Number.isNaN(a)) acc = a; // NaN propagates, as torch.max
    }
    return acc;
  }
  if (p === 1) {
    for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]!);
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < g.length; i++) acc += g[i]! * g[i]!;
    return Math.sqrt(acc);
  }
  for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]!) ** p;
  return acc ** (1 / p);
}

/**
 * Scales all gradients together so that their joint p-norm is at most maxNorm, and returns
 * that norm as it was before clipping:
 *   N = ‖(‖g₁‖ₚ, …, ‖gₖ‖ₚ)‖ₚ          (the norm of all gradients as one vector)
 *   gᵢ ← gᵢ · min(1, maxNorm / (N + 1e-6))
 * As PyTorch (torch.nn.utils.clip_grad_norm_): the 1e-6 keeps the factor finite for N = 0,
 * parameters without a gradient are ignored, and a non-finite N scales every gradient to NaN
 * unless `errorIfNonfinite` is set. The direction of the update is kept, only its length cut.
 * Ref: Pascanu, Mikolov & Bengio 2013, "On the difficulty of training recurrent neural
 * networks", Algorithm 1.
 */
export function clipGradNorm(
  params: Iterable<Tensor>,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  const normType = options.normType ?? 2;
  if (!(maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new RangeError(`clipGradNorm: normType must be > 0, got ${normType}`);
  const grads: TypedArray[] = [];
  for (const p of params) if (p.grad !== null) grads.push(p.grad.data);
  if (grads.length === 0) return 0;
  const norms = new Float64Array(grads.length);
  for (let i = 0; i < grads.length; i++) norms[i] = pNorm(grads[i]!, normType);
  const total = grads.length === 1 ? norms[0]! : pNorm(norms, normType);
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(
      `clipGradNorm: the total norm of order ${normType} of the gradients is non-finite, got ${total}; ` +
        'pass { errorIfNonfinite: false } to clip anyway',
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1); // NaN stays NaN, as torch.clamp
  for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i]! * coef;
  return total;
}

/**
 * Clamps every gradient element into [−clipValue, clipValue] in place (NaN stays NaN), as
 * torch.nn.utils.clip_grad_value_. Unlike clipGradNorm this can change the update's direction.
 */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new RangeError(`clipGradValue: clipValue must be >= 0, got ${clipValue}`);
  for (const p of params) {
    if (p.grad === null) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
}
