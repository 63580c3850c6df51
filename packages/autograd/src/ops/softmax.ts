/**
 * softmax and logSoftmax along one dim.
 */
import type { Tensor } from '../tensor.js';

const todo = (name: string): never => {
  throw new Error(`${name}: not implemented yet`);
};

export function softmax(_x: Tensor, _dim: number): Tensor {
  return todo('softmax');
}
export function logSoftmax(_x: Tensor, _dim: number): Tensor {
  return todo('logSoftmax');
}
