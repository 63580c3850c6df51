/**
 * The `reduction` option every loss shares, with PyTorch's meaning:
 *   'none' → the per-element (or per-sample) losses, 'sum' → their sum, 'mean' → sum / denominator
 * (the element count, or a weighted count for weighted classification losses).
 */
import type { Tensor } from '@tsgrad/autograd';

export type Reduction = 'mean' | 'sum' | 'none';

/** Applies `reduction` (default 'mean') to per-element losses; `denominator` defaults to their count. */
export function applyReduction(
  op: string,
  loss: Tensor,
  reduction: Reduction = 'mean',
  denominator = loss.size,
): Tensor {
  switch (reduction) {
    case 'none':
      return loss;
    case 'sum':
      return loss.sum();
    case 'mean':
      // An empty or fully ignored batch gives 0/0 = NaN, as in PyTorch.
      return loss.sum().div(denominator);
    default:
      throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}
