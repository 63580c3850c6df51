/**
 * Tensor: a typed array, a shape, and the graph node that made it.
 *
 * Storage is contiguous and row-major: element [i, j] of a [m, n] tensor is `data[i * n + j]`.
 * `float32` (default) stores a Float32Array, `float64` a Float64Array. `reshape` may share
 * storage; every other layout change copies (no strided views), so kernels stay simple.
 *
 * The methods below only forward to the functions in `ops/`, where each op's forward and
 * backward are written side by side.
 */
import { type BackwardOptions, type Node, runBackward } from './engine.js';
import { ArgumentError, ShapeError } from './errors.js';
import { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from './ops/activation.js';
import { add, div, mul, neg, pow, sub } from './ops/arithmetic.js';
import { toDType } from './ops/cast.js';
import { eq, ge, gt, le, lt, ne } from './ops/comparison.js';
import { gather, indexAdd, indexSelect, maximum, minimum, scatterAdd } from './ops/indexing.js';
import { addInPlace, copyFrom, divInPlace, fill, mulInPlace, subInPlace, zero } from './ops/inPlace.js';
import { matmul } from './ops/linalg.js';
import { expand, flatten, narrow, permute, reshape, squeeze, transpose, unsqueeze } from './ops/movement.js';
import {
  argmax,
  argmin,
  logSumExp,
  max,
  mean,
  min,
  std,
  sum,
  type VarianceOptions,
  variance,
} from './ops/reduction.js';
import { logSoftmax, softmax } from './ops/softmax.js';
import { abs, clamp, cos, erf, exp, log, reciprocal, sign, sin, sqrt, square } from './ops/unary.js';
import { formatShape, type Shape, sizeOf } from './shape.js';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;
/** A tensor, or a plain number that ops treat as a scalar of the other operand's dtype. */
export type TensorLike = Tensor | number;
/** Integer indices: a tensor holding whole numbers, or a plain array of them. */
export type IndexLike = Tensor | readonly number[] | Int32Array;
/** Called with ∂L/∂t during backward; returning a tensor replaces that gradient. */
export type GradHook = (grad: Tensor) => Tensor | undefined;
/** Counts in-place writes to one storage; shared by every tensor viewing it (reshape, detach). */
export interface VersionCounter {
  version: number;
}

const NO_HOOKS: readonly GradHook[] = Object.freeze([]);

export class Tensor {
  /** The elements, row-major. Writing to it bypasses autograd. */
  readonly data: TypedArray;
  readonly shape: Shape;
  /** ∂L/∂this after `backward()`, for leaves that require grad (and tensors that `retainGrad()`). */
  grad: Tensor | null = null;
  /** The recorded op that produced this tensor; null for leaves (user-created tensors). */
  node: Node | null = null;
  /** Gradient hooks, run in order when this tensor's gradient has been summed (shared empty list until one is registered). */
  hooks: readonly GradHook[] = NO_HOOKS;
  /** Non-leaf tensors keep their `.grad` only when asked (PyTorch's `retain_grad`). */
  retainsGrad = false;
  /** Bumped by in-place ops and optimizer steps; backward refuses saved tensors that changed. */
  readonly versionCounter: VersionCounter;
  private requiresGradFlag: boolean;

  /** `versionCounter`: pass the source's when the new tensor shares its `data` (a view). */
  constructor(data: TypedArray, shape: Shape, requiresGrad = false, versionCounter?: VersionCounter) {
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(
        'Tensor',
        `data has ${data.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`,
      );
    }
    this.data = data;
    // A frozen shape (another tensor's) can be shared; anything else is copied and frozen.
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.requiresGradFlag = requiresGrad;
    this.versionCounter = versionCounter ?? { version: 0 };
  }

  /** A new tensor of the given shape; its contents are zero (typed arrays start zeroed). */
  static empty(shape: Shape, dtype: DType = 'float32'): Tensor {
    const n = sizeOf(shape);
    return new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), shape);
  }

  get dtype(): DType {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dims (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /** How many times this storage has been modified in place (see ops/inPlace.ts). */
  get version(): number {
    return this.versionCounter.version;
  }

  /** True for tensors the user created (no node); only their `.grad` is filled by backward. */
  get isLeaf(): boolean {
    return this.node === null;
  }

  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }

  /** Only leaves may be switched: an op's output requires grad because its inputs do. */
  set requiresGrad(value: boolean) {
    if (this.node !== null && !value) {
      throw new ArgumentError(
        'requiresGrad',
        `can only be changed on leaf tensors; this one was made by '${this.node.op}' (use detach())`,
      );
    }
    this.requiresGradFlag = value;
  }

  /** Used by the engine's `record`: makes this tensor the output of `node`. */
  attachNode(node: Node): void {
    this.node = node;
    this.requiresGradFlag = true;
  }

  // ---- autograd -------------------------------------------------------------------------

  /**
   * Backpropagates from this tensor. `gradOut` (∂L/∂this) defaults to 1 for a one-element
   * tensor. Gradients are added into `.grad` of the leaves; call `zeroGrad` between steps.
   */
  backward(gradOut?: Tensor, options: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new ArgumentError(
        'backward',
        'tensor does not require grad and has no graph (did every input have requiresGrad false, or run under noGrad?)',
      );
    }
    let seed = gradOut;
    if (seed === undefined) {
      if (this.size !== 1) {
        throw new ShapeError(
          'backward',
          `gradOut can be omitted only for one-element outputs; got shape ${formatShape(this.shape)}`,
          [this.shape],
        );
      }
      seed = Tensor.empty(this.shape, this.dtype);
      seed.data[0] = 1;
    } else if (seed.shape.length !== this.shape.length || seed.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(
        'backward',
        `gradOut shape ${formatShape(seed.shape)} differs from output shape ${formatShape(this.shape)}`,
        [seed.shape, this.shape],
      );
    }
    runBackward(this, seed, options);
  }

  /** Registers `hook(grad)`, called when this tensor's gradient is known; returns a remover. */
  registerHook(hook: GradHook): () => void {
    if (!this.requiresGrad) {
      throw new ArgumentError(
        'registerHook',
        'cannot register a hook on a tensor that does not require grad',
      );
    }
    this.hooks = [...this.hooks, hook];
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks = [...this.hooks.slice(0, i), ...this.hooks.slice(i + 1)];
    };
  }

  /** Keeps `.grad` on this non-leaf tensor after backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Same data, cut from the graph: no node, `requiresGrad` false. Shares storage. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false, this.versionCounter);
  }

  /** A copy of the data, recorded as an identity op (so gradients flow through it). */
  clone(): Tensor {
    return mul(this, 1);
  }

  // ---- reading values ---------------------------------------------------------------------

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(
        'item',
        `only one-element tensors convert to a number; got shape ${formatShape(this.shape)}`,
        [this.shape],
      );
    }
    return this.data[0]!;
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    return nest(this.data, this.shape, 0, 0);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- dtype ------------------------------------------------------------------------------

  to(dtype: DType): Tensor {
    return toDType(this, dtype);
  }
  double(): Tensor {
    return toDType(this, 'float64');
  }
  float(): Tensor {
    return toDType(this, 'float32');
  }

  // ---- arithmetic (ops/arithmetic.ts) -----------------------------------------------------
  add(other: TensorLike): Tensor {
    return add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return pow(this, exponent);
  }
  neg(): Tensor {
    return neg(this);
  }

  // ---- unary (ops/unary.ts) ---------------------------------------------------------------
  exp(): Tensor {
    return exp(this);
  }
  log(): Tensor {
    return log(this);
  }
  sqrt(): Tensor {
    return sqrt(this);
  }
  abs(): Tensor {
    return abs(this);
  }
  sin(): Tensor {
    return sin(this);
  }
  cos(): Tensor {
    return cos(this);
  }
  square(): Tensor {
    return square(this);
  }
  reciprocal(): Tensor {
    return reciprocal(this);
  }
  sign(): Tensor {
    return sign(this);
  }
  erf(): Tensor {
    return erf(this);
  }
  clamp(min: number | null, max?: number | null): Tensor {
    return clamp(this, min, max ?? null);
  }

  // ---- activations (ops/activation.ts) ----------------------------------------------------
  relu(): Tensor {
    return relu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return leakyRelu(this, negativeSlope);
  }
  elu(alpha = 1): Tensor {
    return elu(this, alpha);
  }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return gelu(this, approximate);
  }
  silu(): Tensor {
    return silu(this);
  }
  softplus(beta = 1, threshold = 20): Tensor {
    return softplus(this, beta, threshold);
  }
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  tanh(): Tensor {
    return tanh(this);
  }

  // ---- comparisons (ops/comparison.ts): 1 where true, 0 where false; not differentiable -----
  eq(other: TensorLike): Tensor {
    return eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ne(this, other);
  }
  gt(other: TensorLike): Tensor {
    return gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ge(this, other);
  }
  lt(other: TensorLike): Tensor {
    return lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return le(this, other);
  }
  maximum(other: TensorLike): Tensor {
    return maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return minimum(this, other);
  }

  // ---- reductions (ops/reduction.ts); dim may be a number, a list, or omitted (all) -------
  sum(dim?: number | readonly number[] | null, keepDim = false): Tensor {
    return sum(this, dim, keepDim);
  }
  mean(dim?: number | readonly number[] | null, keepDim = false): Tensor {
    return mean(this, dim, keepDim);
  }
  max(dim?: number | null, keepDim = false): Tensor {
    return max(this, dim, keepDim);
  }
  min(dim?: number | null, keepDim = false): Tensor {
    return min(this, dim, keepDim);
  }
  var(dim?: number | readonly number[] | null, options: VarianceOptions = {}): Tensor {
    return variance(this, dim, options);
  }
  std(dim?: number | readonly number[] | null, options: VarianceOptions = {}): Tensor {
    return std(this, dim, options);
  }
  logSumExp(dim: number | readonly number[], keepDim = false): Tensor {
    return logSumExp(this, dim, keepDim);
  }
  argmax(dim?: number | null, keepDim = false): Tensor {
    return argmax(this, dim, keepDim);
  }
  argmin(dim?: number | null, keepDim = false): Tensor {
    return argmin(this, dim, keepDim);
  }
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  }

  // ---- linear algebra (ops/linalg.ts) -----------------------------------------------------
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  // ---- movement (ops/movement.ts) ---------------------------------------------------------
  reshape(shape: Shape): Tensor {
    return reshape(this, shape);
  }
  /** Alias of reshape (storage is always contiguous here). */
  view(shape: Shape): Tensor {
    return reshape(this, shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }
  /** Transpose of a matrix (rank ≤ 2), as PyTorch's `t()`. */
  t(): Tensor {
    if (this.ndim > 2)
      throw new ShapeError('t', `expects a tensor of rank <= 2, got shape ${formatShape(this.shape)}`, [
        this.shape,
      ]);
    return this.ndim < 2 ? this : transpose(this, 0, 1);
  }
  permute(...dims: number[]): Tensor {
    return permute(this, dims);
  }
  expand(shape: Shape): Tensor {
    return expand(this, shape);
  }
  squeeze(dim?: number): Tensor {
    return squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return unsqueeze(this, dim);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return narrow(this, dim, start, length);
  }

  // ---- indexing (ops/indexing.ts) ---------------------------------------------------------
  indexSelect(dim: number, index: IndexLike): Tensor {
    return indexSelect(this, dim, index);
  }
  gather(dim: number, index: IndexLike): Tensor {
    return gather(this, dim, index);
  }
  /** This tensor with src added where index points along dim (out of place; see ops/indexing.ts). */
  scatterAdd(dim: number, index: IndexLike, src: Tensor): Tensor {
    return scatterAdd(this, dim, index, src);
  }
  /** This tensor with src's slices added at the indexed positions along dim (out of place). */
  indexAdd(dim: number, index: IndexLike, src: Tensor): Tensor {
    return indexAdd(this, dim, index, src);
  }

  // ---- in place (ops/inPlace.ts): write into this storage, bump `version`, return this ------
  addInPlace(other: TensorLike): this {
    addInPlace(this, other);
    return this;
  }
  subInPlace(other: TensorLike): this {
    subInPlace(this, other);
    return this;
  }
  mulInPlace(other: TensorLike): this {
    mulInPlace(this, other);
    return this;
  }
  divInPlace(other: TensorLike): this {
    divInPlace(this, other);
    return this;
  }
  fill(value: number): this {
    fill(this, value);
    return this;
  }
  zero(): this {
    zero(this);
    return this;
  }
  copyFrom(src: Tensor): this {
    copyFrom(this, src);
    return this;
  }
}

export type NestedArray = number | NestedArray[];

function nest(data: TypedArray, shape: Shape, dim: number, offset: number): NestedArray {
  if (dim === shape.length) return data[offset]!;
  const n = shape[dim]!;
  const step = sizeOf(shape.slice(dim + 1));
  const out: NestedArray[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = nest(data, shape, dim + 1, offset + i * step);
  return out;
}
