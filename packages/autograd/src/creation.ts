/**
 * Functions that make tensors: from values (`tensor`), filled (`zeros`, `ones`, `full`, `eye`),
 * ranges (`arange`, `linspace`) and random (`randn`, `rand`, `randint`), plus the `*Like` forms.
 * Every one takes `{ dtype, requiresGrad }`; random ones also take a `generator`.
 */
import { ArgumentError, DTypeError, ShapeError } from './errors.js';
import { defaultGenerator, type Generator } from './random.js';
import { checkShape, formatShape, type Shape } from './shape.js';
import { type DType, Tensor, type TypedArray } from './tensor.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export type NestedNumbers = number | readonly NestedNumbers[];

function allocate(op: string, shape: Shape, options: TensorOptions): Tensor {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new DTypeError(op, `unknown dtype '${String(dtype)}' (use 'float32' or 'float64')`);
  const checked = checkShape(op, shape);
  const n = checked.reduce((p, d) => p * d, 1);
  // Typed arrays cannot hold more than 2³¹ − 1 elements on every engine; say so instead of V8's bare RangeError.
  if (n > MAX_ELEMENTS) {
    throw new ShapeError(
      op,
      `shape ${formatShape(checked)} has ${n} elements, more than the ${MAX_ELEMENTS} a tensor can hold`,
      [checked],
    );
  }
  return Tensor.empty(checked, dtype);
}

/** The largest element count a tensor may have (the typed-array limit common to JavaScript engines). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * A tensor from a number, nested arrays, or a typed/plain array (copied).
 * `tensor([[1, 2], [3, 4]])` has shape [2, 2]; pass `shape` to lay a flat array out.
 */
export function tensor(
  values: NestedNumbers | TypedArray | ArrayLike<number>,
  options: TensorOptions & { shape?: Shape } = {},
): Tensor {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof values === 'number') {
    flat = [values];
    shape = [];
  } else if (ArrayBuffer.isView(values) || (!Array.isArray(values) && typeof values === 'object')) {
    flat = values as ArrayLike<number>;
    shape = [flat.length];
  } else {
    shape = inferShape(values as readonly NestedNumbers[]);
    const out: number[] = [];
    flattenInto(values as readonly NestedNumbers[], shape, 0, out);
    flat = out;
  }
  if (options.shape) {
    const wanted = checkShape('tensor', options.shape);
    const n = wanted.reduce((p, d) => p * d, 1);
    if (n !== flat.length) {
      throw new ShapeError('tensor', `${flat.length} values cannot fill shape ${formatShape(wanted)}`, [
        wanted,
      ]);
    }
    shape = wanted;
  }
  const t = allocate('tensor', shape, options);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number')
      throw new DTypeError('tensor', `values must be numbers, got ${typeof v} at flat index ${i}`);
    t.data[i] = v;
  }
  return finish(t, options);
}

function inferShape(values: readonly NestedNumbers[]): number[] {
  const shape: number[] = [];
  let level: NestedNumbers = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as readonly NestedNumbers[])[0] as NestedNumbers;
    if (level === undefined) break;
  }
  return shape;
}

function flattenInto(values: readonly NestedNumbers[], shape: number[], dim: number, out: number[]): void {
  if (values.length !== shape[dim]) {
    throw new ShapeError(
      'tensor',
      `ragged nested array: expected ${shape[dim]} entries at depth ${dim}, got ${values.length}`,
    );
  }
  for (const v of values) {
    if (Array.isArray(v)) {
      if (dim + 1 >= shape.length)
        throw new ShapeError('tensor', `ragged nested array: unexpected array at depth ${dim + 1}`);
      flattenInto(v, shape, dim + 1, out);
    } else {
      if (dim + 1 !== shape.length)
        throw new ShapeError(
          'tensor',
          `ragged nested array: expected an array at depth ${dim + 1}, got ${String(v)}`,
        );
      out.push(v as number);
    }
  }
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return finish(allocate('zeros', shape, options), options);
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  if (typeof value !== 'number') throw new DTypeError('full', `value must be a number, got ${typeof value}`);
  const t = allocate('full', shape, options);
  t.data.fill(value);
  return finish(t, options);
}

/** Identity matrix [n, m] (m defaults to n). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const t = allocate('eye', [n, m], options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return finish(t, options);
}

/**
 * Values start, start + step, … up to but excluding end (`arange(5)` is 0..4).
 * Length ⌈(end − start) / step⌉, as PyTorch.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new ArgumentError('arange', `step must be finite and non-zero, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new ArgumentError('arange', `start and end must be finite, got ${start} and ${end}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const t = allocate('arange', [n], options);
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return finish(t, options);
}

/** `steps` values evenly spaced from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ArgumentError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const t = allocate('linspace', [steps], options);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends so the last value is exactly `end` (as PyTorch's kernel does).
  const half = steps === 1 ? 1 : Math.floor(steps / 2); // one step: [start], as PyTorch
  for (let i = 0; i < steps; i++) t.data[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(t, options);
}

/** Samples of the standard normal N(0, 1). */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const t = allocate('randn', shape, options);
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < t.size; i++) t.data[i] = g.normal();
  return finish(t, options);
}

/** Samples of the uniform distribution on [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const t = allocate('rand', shape, options);
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < t.size; i++) t.data[i] = g.random();
  return finish(t, options);
}

/** Uniform integers in [low, high) (stored as floats). */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ArgumentError('randint', `need integers low < high, got low ${low}, high ${high}`);
  }
  const t = allocate('randint', shape, options);
  const g = options.generator ?? defaultGenerator;
  for (let i = 0; i < t.size; i++) t.data[i] = low + g.randint(high - low);
  return finish(t, options);
}

export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(x.shape, { dtype: x.dtype, ...options });
}
export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  return ones(x.shape, { dtype: x.dtype, ...options });
}
export function fullLike(x: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(x.shape, value, { dtype: x.dtype, ...options });
}
export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return randn(x.shape, { dtype: x.dtype, ...options });
}
export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return rand(x.shape, { dtype: x.dtype, ...options });
}
