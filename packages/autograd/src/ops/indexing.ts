/**
 * Indexing and selection: gather, indexSelect, where, maximum, minimum.
 */
import type { IndexLike, Tensor, TensorLike } from '../tensor.js';

const todo = (name: string): never => {
  throw new Error(`${name}: not implemented yet`);
};

export function gather(_x: Tensor, _dim: number, _index: IndexLike): Tensor {
  return todo('gather');
}
export function indexSelect(_x: Tensor, _dim: number, _index: IndexLike): Tensor {
  return todo('indexSelect');
}
export function where(_cond: Tensor, _a: TensorLike, _b: TensorLike): Tensor {
  return todo('where');
}
export function maximum(_a: TensorLike, _b: TensorLike): Tensor {
  return todo('maximum');
}
export function minimum(_a: TensorLike, _b: TensorLike): Tensor {
  return todo('minimum');
}
