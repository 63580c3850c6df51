/**
 * randomSplit: disjoint random Subsets that together cover a dataset.
 *
 *   const [train, val] = randomSplit(ds, [0.8, 0.2], { seed: 0 });   // fractions
 *   const [train, val] = randomSplit(ds, [8000, 2000], { seed: 0 }); // counts
 */
import { ArgumentError, defaultGenerator, Generator } from '@tsgrad/autograd';
import { type Dataset, Subset } from './dataset.js';

export interface SplitOptions {
  /** Seed of the permutation; the same seed always gives the same split. */
  seed?: number;
  /** A generator to draw the permutation from instead (default: the global one). */
  generator?: Generator;
}

/**
 * Splits `dataset` into Subsets of the given sizes after one seeded permutation.
 * `lengths` are either counts that sum to the dataset's length, or fractions that sum to 1;
 * fractions are floored and the remainder is handed out one by one from the first subset
 * (PyTorch's rule), so `[0.5, 0.5]` of 5 samples gives sizes 3 and 2.
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  options: SplitOptions = {},
): Subset<T>[] {
  const counts = splitCounts(dataset.length, lengths);
  const generator =
    options.seed !== undefined ? new Generator(options.seed) : (options.generator ?? defaultGenerator);
  const order = generator.permutation(dataset.length);
  const subsets: Subset<T>[] = [];
  let start = 0;
  for (const count of counts) {
    subsets.push(new Subset(dataset, order.subarray(start, start + count)));
    start += count;
  }
  return subsets;
}

/** The integer sizes of a split of n samples described by counts or fractions. */
export function splitCounts(n: number, lengths: readonly number[]): number[] {
  if (lengths.length === 0) throw new ArgumentError('randomSplit', 'lengths is empty');
  const shown = `[${lengths.join(', ')}]`;
  if (lengths.some((l) => !Number.isFinite(l) || l < 0)) {
    throw new RangeError(`randomSplit: lengths must be finite and non-negative, got ${shown}`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every(Number.isInteger) && total === n) return [...lengths];
  if (lengths.every((l) => l <= 1) && Math.abs(total - 1) < 1e-9) {
    const counts = lengths.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]! += 1;
    return counts;
  }
  throw new RangeError(
    `randomSplit: lengths must be counts summing to the dataset length ${n} or fractions summing to 1, got ${shown}`,
  );
}
