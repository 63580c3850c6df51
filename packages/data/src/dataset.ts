/**
 * Datasets: anything with a `length` and a `get(i)`, as PyTorch's map-style Dataset.
 *
 *   TensorDataset(x, y)     sample i is [x[i], y[i]]; the DataLoader copies its rows in bulk
 *   Subset(ds, indices)     sample i is ds[indices[i]] (what randomSplit returns)
 *   ConcatDataset([a, b])   a's samples, then b's
 */
import { ArgumentError, formatShape, ShapeError, Tensor } from '@tsgrad/autograd';

/** A map-style dataset: `length` samples, read by index 0 … length − 1. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** Throws unless `index` is an integer in [0, length). */
export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${op}: index must be an integer in [0, ${length}), got ${index}`);
  }
}

/**
 * Samples are rows of tensors that share their first dimension: sample i is
 * `[t₀[i], t₁[i], …]`, each row a copy of shape `tⱼ.shape.slice(1)`.
 * `new TensorDataset(images, labels)` with images [n, 1, 28, 28] and labels [n].
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ArgumentError('TensorDataset', 'needs at least one tensor');
    for (const t of tensors) {
      if (t.ndim === 0) {
        throw new ShapeError('TensorDataset', 'tensors need a first dimension; got a scalar', [t.shape]);
      }
    }
    const n = tensors[0]!.shape[0];
    if (tensors.some((t) => t.shape[0] !== n)) {
      const shapes = tensors.map((t) => formatShape(t.shape)).join(', ');
      throw new ShapeError(
        'TensorDataset',
        `tensors must have the same first dimension: ${shapes}`,
        tensors.map((t) => t.shape),
      );
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): Tensor[] {
    checkIndex('TensorDataset.get', index, this.length);
    return this.tensors.map((t) => {
      const rowShape = t.shape.slice(1);
      const rowSize = t.size / t.shape[0]!;
      return new Tensor(t.data.slice(index * rowSize, (index + 1) * rowSize), rowShape);
    });
  }
}

/** The samples of `dataset` at `indices`, in that order (indices may repeat). */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    const copy = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkIndex('Subset', indices[i]!, dataset.length);
      copy[i] = indices[i]!;
    }
    this.dataset = dataset;
    this.indices = copy;
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex('Subset.get', index, this.indices.length);
    return this.dataset.get(this.indices[index]!);
  }
}

/** The datasets one after another: sample i of the whole is sample i − offsetₖ of the k-th. */
export class ConcatDataset<T> implements Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** cumulativeSizes[k] = total length of datasets 0..k. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly Dataset<T>[]) {
    if (datasets.length === 0) throw new ArgumentError('ConcatDataset', 'needs at least one dataset');
    this.datasets = [...datasets];
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => {
      total += d.length;
      return total;
    });
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  get(index: number): T {
    checkIndex('ConcatDataset.get', index, this.length);
    // Binary search for the first dataset whose cumulative size exceeds index.
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid]! > index) hi = mid;
      else lo = mid + 1;
    }
    const offset = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.get(index - offset);
  }
}

/**
 * If every sample of `dataset` is a row of one TensorDataset (the dataset itself, or Subsets
 * of it, nested), returns that TensorDataset and the row of each of `indices`; else null.
 * The DataLoader uses this to copy whole rows with `TypedArray.set` instead of calling `get`.
 */
export function tensorRows(
  dataset: Dataset<unknown>,
  indices: Int32Array,
): { source: TensorDataset; rows: Int32Array } | null {
  let rows = indices;
  let current: Dataset<unknown> = dataset;
  while (current instanceof Subset) {
    const map: Int32Array = current.indices;
    const mapped = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) mapped[i] = map[rows[i]!]!;
    rows = mapped;
    current = current.dataset;
  }
  return current instanceof TensorDataset ? { source: current, rows } : null;
}
