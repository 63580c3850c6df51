/**
 * Activations: relu, leakyRelu, elu, gelu, silu, softplus, sigmoid, tanh.
 */
import type { Tensor } from '../tensor.js';

const todo = (name: string): never => {
  throw new Error(`${name}: not implemented yet`);
};

export function relu(_x: Tensor): Tensor {
  return todo('relu');
}
export function leakyRelu(_x: Tensor, _negativeSlope = 0.01): Tensor {
  return todo('leakyRelu');
}
export function elu(_x: Tensor, _alpha = 1): Tensor {
  return todo('elu');
}
export function gelu(_x: Tensor, _approximate: 'none' | 'tanh' = 'none'): Tensor {
  return todo('gelu');
}
export function silu(_x: Tensor): Tensor {
  return todo('silu');
}
export function softplus(_x: Tensor, _beta = 1, _threshold = 20): Tensor {
  return todo('softplus');
}
export function sigmoid(_x: Tensor): Tensor {
  return todo('sigmoid');
}
export function tanh(_x: Tensor): Tensor {
  return todo('tanh');
}
