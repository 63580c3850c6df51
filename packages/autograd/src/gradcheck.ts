/**
 * Gradient checking by finite differences (to be written).
 */
import type { Tensor } from './tensor.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export function gradcheck(
  _fn: (...inputs: Tensor[]) => Tensor,
  _inputs: readonly Tensor[],
  _options: GradcheckOptions = {},
): true {
  throw new Error('gradcheck: not implemented yet');
}

export function gradgradcheck(
  _fn: (...inputs: Tensor[]) => Tensor,
  _inputs: readonly Tensor[],
  _options: GradcheckOptions = {},
): true {
  throw new Error('gradgradcheck: not implemented yet');
}
