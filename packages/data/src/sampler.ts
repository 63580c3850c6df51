/**
 * Samplers: which dataset indices an epoch visits, in which order.
 *
 * A sampler is a pure function of the epoch number, so epoch k of a loader seeded with s
 * always visits the same order, on any machine, however many epochs were run before it.
 */
import { Generator } from '@tsgrad/autograd';

/** The indices of one epoch. `length` is how many indices every epoch yields. */
export interface Sampler {
  readonly length: number;
  indices(epoch: number): Int32Array;
}

/**
 * A 32-bit seed for stream `stream` of seed `seed`: a splitmix32-style hash of both, so
 * nearby (seed, stream) pairs give unrelated generators.
 */
export function deriveSeed(seed: number, stream: number): number {
  const low = Math.trunc(seed) >>> 0;
  const high = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
  let h = mix32(low ^ mix32(high + 0x632be5ab));
  h = mix32(h ^ mix32((Math.trunc(stream) >>> 0) + 0x9e3779b9));
  return h;
}

function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A generator for epoch `epoch` of seed `seed` (see deriveSeed). */
export function epochGenerator(seed: number, epoch: number): Generator {
  return new Generator(deriveSeed(seed, epoch));
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`${op}: n must be a non-negative integer, got ${n}`);
}

/** 0, 1, …, n − 1 every epoch. */
export class SequentialSampler implements Sampler {
  readonly length: number;

  constructor(n: number) {
    checkCount('SequentialSampler', n);
    this.length = n;
  }

  indices(_epoch: number): Int32Array {
    const out = new Int32Array(this.length);
    for (let i = 0; i < out.length; i++) out[i] = i;
    return out;
  }
}

export interface RandomSamplerOptions {
  seed?: number;
  /** Draw `numSamples` indices with replacement instead of a permutation (default false). */
  replacement?: boolean;
  /** Indices per epoch with replacement (default n). */
  numSamples?: number;
}

/**
 * A fresh random order every epoch: a Fisher–Yates permutation of 0..n−1 drawn from the
 * generator of (seed, epoch); or, with `replacement`, `numSamples` uniform draws.
 */
export class RandomSampler implements Sampler {
  readonly n: number;
  readonly seed: number;
  readonly replacement: boolean;
  readonly length: number;

  constructor(n: number, options: RandomSamplerOptions = {}) {
    checkCount('RandomSampler', n);
    this.n = n;
    this.seed = options.seed ?? 0;
    this.replacement = options.replacement ?? false;
    const numSamples = options.numSamples ?? n;
    if (!this.replacement && options.numSamples !== undefined && numSamples !== n) {
      throw new RangeError(
        `RandomSampler: numSamples (${numSamples}) differs from n (${n}); pass replacement: true to draw a different count`,
      );
    }
    checkCount('RandomSampler', numSamples);
    if (this.replacement && numSamples > 0 && n === 0) {
      throw new RangeError('RandomSampler: cannot draw with replacement from an empty dataset');
    }
    this.length = numSamples;
  }

  indices(epoch: number): Int32Array {
    const g = epochGenerator(this.seed, epoch);
    if (!this.replacement) return g.permutation(this.n);
    const out = new Int32Array(this.length);
    for (let i = 0; i < out.length; i++) out[i] = g.randint(this.n);
    return out;
  }
}

/** The given indices, in a fresh random order every epoch (seeded like RandomSampler). */
export class SubsetRandomSampler implements Sampler {
  readonly subset: Int32Array;
  readonly seed: number;

  constructor(indices: ArrayLike<number>, options: { seed?: number } = {}) {
    this.subset = Int32Array.from(indices);
    this.seed = options.seed ?? 0;
  }

  get length(): number {
    return this.subset.length;
  }

  indices(epoch: number): Int32Array {
    const order = epochGenerator(this.seed, epoch).permutation(this.subset.length);
    const out = new Int32Array(order.length);
    for (let i = 0; i < out.length; i++) out[i] = this.subset[order[i]!]!;
    return out;
  }
}
