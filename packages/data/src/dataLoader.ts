/**
 * DataLoader: batches of a dataset, in a seeded order that changes every epoch.
 *
 *   for (const [xb, yb] of new DataLoader(ds, { batchSize: 64, shuffle: true, seed: 0 })) { … }
 *
 * Each pass over the loader is one epoch; epoch k of seed s always yields the same batches.
 * Batches of a TensorDataset (or of Subsets of one, as randomSplit makes) are built by copying
 * whole rows with `TypedArray.set`, never through per-sample tensors or JS arrays.
 */
import { ArgumentError, defaultGenerator, formatShape, ShapeError, Tensor } from '@tsgrad/autograd';
import { type Dataset, tensorRows } from './dataset.js';
import { RandomSampler, type Sampler, SequentialSampler } from './sampler.js';

/** What the default collate makes of a sample type: tensors and numbers gain a batch dim. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : never;

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** A fresh seeded order each epoch (default false: dataset order). Not with `sampler`. */
  shuffle?: boolean;
  /** Drop the last batch if it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Seed of the shuffle; by default drawn once from the global generator (see manualSeed). */
  seed?: number;
  /** Makes a batch from a list of samples (default: defaultCollate). */
  collate?: (samples: T[]) => B;
  /** Chooses the indices of each epoch; overrides shuffle/seed. */
  sampler?: Sampler;
}

export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly dropLast: boolean;
  readonly sampler: Sampler;
  /** The epoch the next `for … of` will run; each pass increments it. */
  epoch = 0;
  private readonly collate: ((samples: T[]) => B) | null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    if (options.sampler && options.shuffle) {
      throw new ArgumentError('DataLoader', 'sampler and shuffle are exclusive; shuffle in the sampler');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = options.dropLast ?? false;
    this.collate = options.collate ?? null;
    if (options.sampler) this.sampler = options.sampler;
    else if (options.shuffle) {
      const seed = options.seed ?? defaultGenerator.nextUint32();
      this.sampler = new RandomSampler(dataset.length, { seed });
    } else this.sampler = new SequentialSampler(dataset.length);
  }

  /** Number of batches per epoch: ⌊n / batchSize⌋ with dropLast, else ⌈n / batchSize⌉. */
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Sets the epoch the next pass runs (e.g. to resume training from a checkpoint). */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new RangeError(`DataLoader.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    }
    this.epoch = epoch;
  }

  [Symbol.iterator](): Iterator<B> {
    return this.iterEpoch(this.epoch++);
  }

  /** The batches of epoch `epoch`, without touching the loader's epoch counter. */
  *iterEpoch(epoch: number): Generator<B, void, undefined> {
    const order = this.sampler.indices(epoch);
    const n = this.dataset.length;
    for (let i = 0; i < order.length; i++) {
      const k = order[i]!;
      if (!(k >= 0 && k < n)) {
        throw new RangeError(`DataLoader: sampler gave index ${k} for a dataset of length ${n}`);
      }
    }
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      yield this.batch(order.subarray(start, Math.min(start + this.batchSize, order.length)));
    }
  }

  private batch(indices: Int32Array): B {
    if (this.collate === null) {
      const located = tensorRows(this.dataset, indices);
      if (located) return gatherRows(located.source.tensors, located.rows) as B;
    }
    const samples = new Array<T>(indices.length);
    for (let i = 0; i < indices.length; i++) samples[i] = this.dataset.get(indices[i]!);
    return this.collate ? this.collate(samples) : (defaultCollate(samples) as B);
  }
}

/**
 * Rows `rows` of each tensor, stacked: tensor [n, …] → batch [rows.length, …].
 * Perf: one `set` of a `subarray` per row (a memcpy); single-value rows (labels) copy directly.
 */
export function gatherRows(tensors: readonly Tensor[], rows: Int32Array): Tensor[] {
  return tensors.map((t) => {
    const rowSize = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
    const out = Tensor.empty([rows.length, ...t.shape.slice(1)], t.dtype);
    const src = t.data;
    const dst = out.data;
    if (rowSize === 1) {
      for (let i = 0; i < rows.length; i++) dst[i] = src[rows[i]!]!;
    } else {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]! * rowSize;
        dst.set(src.subarray(r, r + rowSize), i * rowSize);
      }
    }
    return out;
  });
}

/**
 * PyTorch's default_collate for our sample types: tensors of one shape stack to [b, …];
 * numbers become a float32 tensor [b]; arrays (tuples) are collated position by position.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new ArgumentError('collate', 'cannot collate an empty batch');
  const first = samples[0];
  if (first instanceof Tensor) return stackTensors(samples as readonly unknown[]) as Collated<T>;
  if (typeof first === 'number') {
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i];
      if (typeof v !== 'number') throw new ArgumentError('collate', `sample ${i} is not a number`);
      out[i] = v;
    }
    return new Tensor(out, [samples.length]) as Collated<T>;
  }
  if (Array.isArray(first)) {
    const width = first.length;
    const columns: unknown[] = [];
    for (let j = 0; j < width; j++) {
      const column = samples.map((s, i) => {
        if (!Array.isArray(s) || s.length !== width) {
          throw new ArgumentError('collate', `sample ${i} is not an array of ${width} entries like sample 0`);
        }
        return s[j] as unknown;
      });
      columns.push(defaultCollate(column));
    }
    return columns as Collated<T>;
  }
  throw new ArgumentError(
    'collate',
    `default collate handles tensors, numbers and arrays of them, got ${typeof first}; pass a collate function`,
  );
}

function stackTensors(samples: readonly unknown[]): Tensor {
  const first = samples[0] as Tensor;
  const rowSize = first.size;
  const out = Tensor.empty([samples.length, ...first.shape], first.dtype);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!(s instanceof Tensor)) throw new ArgumentError('collate', `sample ${i} is not a tensor`);
    if (s.ndim !== first.ndim || s.shape.some((d, j) => d !== first.shape[j])) {
      throw new ShapeError(
        'collate',
        `samples differ in shape: ${formatShape(first.shape)} (sample 0) and ${formatShape(s.shape)} (sample ${i})`,
        [first.shape, s.shape],
      );
    }
    out.data.set(s.data, i * rowSize);
  }
  return out;
}
