import { arange, tensor, zeros } from '@tsgrad/autograd';
import { ConcatDataset, randomSplit, Subset, splitCounts, TensorDataset } from '@tsgrad/data';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('TensorDataset', () => {
  it('sample i is the i-th row of each tensor, copied', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ds = new TensorDataset(x, tensor([7, 8, 9]));
    expect(ds.length).toBe(3);
    const [row, label] = ds.get(1);
    expect(row!.shape).toEqual([2]);
    expect(Array.from(row!.data)).toEqual([3, 4]);
    expect(label!.shape).toEqual([]);
    expect(label!.item()).toBe(8);
    row!.data[0] = 99;
    expect(x.data[2]).toBe(3);
  });

  it('rejects tensors with different first dimensions, scalars, and bad indices', () => {
    expect(() => new TensorDataset(zeros([3, 2]), zeros([4]))).toThrow(
      /TensorDataset: tensors must have the same first dimension: \[3, 2\], \[4\]/,
    );
    expect(() => new TensorDataset(tensor(1))).toThrow(/need a first dimension/);
    expect(() => new TensorDataset()).toThrow(/at least one tensor/);
    const ds = new TensorDataset(zeros([3]));
    expect(() => ds.get(3)).toThrow(/TensorDataset.get: index must be an integer in \[0, 3\), got 3/);
    expect(() => ds.get(-1)).toThrow(RangeError);
  });
});

describe('Subset and ConcatDataset', () => {
  it('Subset maps indices; ConcatDataset chains datasets', () => {
    const a = new TensorDataset(arange(5));
    const sub = new Subset(a, [4, 0, 4]);
    expect([0, 1, 2].map((i) => sub.get(i)[0]!.item())).toEqual([4, 0, 4]);
    expect(() => new Subset(a, [5])).toThrow(/Subset: index must be an integer in \[0, 5\), got 5/);
    const cat = new ConcatDataset([a, sub, new TensorDataset(arange(0))]);
    expect(cat.length).toBe(8);
    expect(Array.from({ length: 8 }, (_, i) => cat.get(i)[0]!.item())).toEqual([0, 1, 2, 3, 4, 4, 0, 4]);
    expect(() => cat.get(8)).toThrow(/ConcatDataset.get: index must be an integer in \[0, 8\)/);
  });
});

describe('randomSplit', () => {
  it('splits by counts or fractions into disjoint subsets covering the dataset (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.integer(),
        (n, weights, asFractions, seed) => {
          const total = weights.reduce((a, b) => a + b, 0);
          const fractions = weights.map((w) => w / total);
          let lengths = fractions;
          if (!asFractions) {
            lengths = splitCounts(n, fractions);
          }
          const ds = new TensorDataset(arange(n));
          const parts = randomSplit(ds, lengths, { seed });
          const all = parts.flatMap((p) => Array.from(p.indices));
          expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          parts.forEach((p, k) => {
            expect(Math.abs(p.length - n * fractions[k]!)).toBeLessThanOrEqual(1);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('hands the remainder of fractions to the first subsets, as PyTorch', () => {
    expect(splitCounts(5, [0.5, 0.5])).toEqual([3, 2]);
    expect(splitCounts(10, [0.33, 0.33, 0.34])).toEqual([4, 3, 3]);
    expect(splitCounts(10, [7, 3])).toEqual([7, 3]);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const ds = new TensorDataset(arange(100));
    const [a] = randomSplit(ds, [0.8, 0.2], { seed: 5 });
    const [b] = randomSplit(ds, [80, 20], { seed: 5 });
    const [c] = randomSplit(ds, [80, 20], { seed: 6 });
    expect(Array.from(a!.indices)).toEqual(Array.from(b!.indices));
    expect(Array.from(a!.indices)).not.toEqual(Array.from(c!.indices));
  });

  it('rejects lengths that are neither counts nor fractions of the dataset', () => {
    const ds = new TensorDataset(arange(10));
    expect(() => randomSplit(ds, [6, 3])).toThrow(
      /randomSplit: lengths must be counts summing to the dataset length 10 or fractions summing to 1, got \[6, 3\]/,
    );
    expect(() => randomSplit(ds, [0.5, 0.6])).toThrow(RangeError);
    expect(() => randomSplit(ds, [-1, 11])).toThrow(/non-negative/);
    expect(() => randomSplit(ds, [])).toThrow(/lengths is empty/);
  });
});
