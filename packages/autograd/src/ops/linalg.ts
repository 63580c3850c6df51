/**
 * Matrix products.
 */
import type { Tensor } from '../tensor.js';

export function matmul(_a: Tensor, _b: Tensor): Tensor {
  throw new Error('matmul: not implemented yet');
}
