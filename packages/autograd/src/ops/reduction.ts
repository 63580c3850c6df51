/**
 * Reductions: sum, mean, max, min, var, std, logSumExp, argmax, argmin.
 * `dim` may be one dim, a list of dims, or omitted/null for all dims; negative dims count
 * from the end. With `keepDim` the reduced dims stay as size 1 (handy for broadcasting back).
 */
import { record } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { sumToShape } from '../kernels/reduce.js';
import { normalizeDim, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

export type Dims = number | readonly number[] | null | undefined;

export interface VarianceOptions {
  /** Divide by n − 1 (Bessel's correction) instead of n. Default true, as PyTorch 1.13. */
  unbiased?: boolean;
  keepDim?: boolean;
}

/** The reduced dims as a sorted, de-duplicated list of non-negative indices. */
export function resolveDims(op: string, dim: Dims, shape: Shape): number[] {
  if (dim === null || dim === undefined) return shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const out = new Set<number>();
  for (const d of list) {
    const nd = normalizeDim(op, d, shape.length, shape);
    if (out.has(nd)) throw new ArgumentError(op, `dim ${d} appears more than once in [${list.join(', ')}]`);
    out.add(nd);
  }
  // A scalar reduces over its (implicit) single element.
  return [...out].filter((d) => d < shape.length).sort((a, b) => a - b);
}

/** Shape after reducing `dims`: size 1 there with keepDim, removed without. */
export function reducedShape(shape: Shape, dims: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!dims.includes(i)) out.push(shape[i]!);
    else if (keepDim) out.push(1);
  }
  return out;
}

/**
 * Sum over dims.
 *   forward:  y = Σᵢ xᵢ over the reduced dims
 *   backward: ∂L/∂x = ∂L/∂y broadcast back over the reduced dims
 */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  const dims = resolveDims('sum', dim, x.shape);
  const kept = reducedShape(x.shape, dims, true);
  const out = Tensor.empty(kept, x.dtype);
  sumToShape(x.data, x.shape, out.data, kept);
  const y = keepDim ? out : out.reshape(reducedShape(x.shape, dims, false));
  return record('sum', [x], y, (g) => [g.reshape(kept).expand(x.shape)]);
}

const todo = (name: string): never => {
  throw new Error(`${name}: not implemented yet`);
};

export function mean(_x: Tensor, _dim?: Dims, _keepDim = false): Tensor {
  return todo('mean');
}
export function max(_x: Tensor, _dim?: number | null, _keepDim = false): Tensor {
  return todo('max');
}
export function min(_x: Tensor, _dim?: number | null, _keepDim = false): Tensor {
  return todo('min');
}
export function variance(_x: Tensor, _dim?: Dims, _options: VarianceOptions = {}): Tensor {
  return todo('var');
}
export function std(_x: Tensor, _dim?: Dims, _options: VarianceOptions = {}): Tensor {
  return todo('std');
}
export function logSumExp(_x: Tensor, _dim: number | readonly number[], _keepDim = false): Tensor {
  return todo('logSumExp');
}
export function argmax(_x: Tensor, _dim?: number | null, _keepDim = false): Tensor {
  return todo('argmax');
}
export function argmin(_x: Tensor, _dim?: number | null, _keepDim = false): Tensor {
  return todo('argmin');
}
