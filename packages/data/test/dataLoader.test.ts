import { arange, Tensor, tensor } from '@tsgrad/autograd';
import {
  ConcatDataset,
  DataLoader,
  type Dataset,
  defaultCollate,
  RandomSampler,
  type Sampler,
  SequentialSampler,
  Subset,
  SubsetRandomSampler,
  TensorDataset,
} from '@tsgrad/data';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** A TensorDataset whose sample i is x = [i, 100 + i], y = i, so a batch tells which rows it holds. */
function indexed(n: number): TensorDataset {
  const x = Tensor.empty([n, 2]);
  for (let i = 0; i < n; i++) {
    x.data[2 * i] = i;
    x.data[2 * i + 1] = 100 + i;
  }
  return new TensorDataset(x, arange(n));
}

function epochLabels(loader: DataLoader<Tensor[]>, epoch?: number): number[][] {
  const batches = epoch === undefined ? [...loader] : [...loader.iterEpoch(epoch)];
  return batches.map(([, y]) => Array.from(y!.data));
}

describe('DataLoader', () => {
  it('every sample appears exactly once per epoch, rows stay together (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 17 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (n, batchSize, shuffle, seed) => {
          const loader = new DataLoader(indexed(n), { batchSize, shuffle, seed });
          for (let epoch = 0; epoch < 2; epoch++) {
            const seen: number[] = [];
            for (const [x, y] of loader) {
              expect(x!.shape).toEqual([y!.shape[0], 2]);
              for (let k = 0; k < y!.size; k++) {
                expect(x!.data[2 * k]).toBe(y!.data[k]);
                expect(x!.data[2 * k + 1]).toBe(100 + y!.data[k]!);
                seen.push(y!.data[k]!);
              }
            }
            expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('without shuffle yields the dataset in order, the last batch partial', () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(epochLabels(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('dropLast drops the partial batch and length counts full batches', () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4, dropLast: true, shuffle: true, seed: 3 });
    expect(loader.length).toBe(2);
    const batches = epochLabels(loader);
    expect(batches.map((b) => b.length)).toEqual([4, 4]);
    expect(new Set(batches.flat()).size).toBe(8);
    // An exact multiple keeps every batch.
    expect(new DataLoader(indexed(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(new DataLoader(indexed(3), { batchSize: 4, dropLast: true }).length).toBe(0);
    expect([...new DataLoader(indexed(3), { batchSize: 4, dropLast: true })]).toEqual([]);
  });

  it('epoch k of seed s is always the same order, whatever ran before', () => {
    const a = new DataLoader(indexed(50), { batchSize: 8, shuffle: true, seed: 42 });
    const b = new DataLoader(indexed(50), { batchSize: 8, shuffle: true, seed: 42 });
    const a0 = epochLabels(a);
    const a1 = epochLabels(a);
    expect(epochLabels(b, 1)).toEqual(a1); // b jumps straight to epoch 1
    expect(epochLabels(b, 0)).toEqual(a0);
    b.setEpoch(1);
    expect(epochLabels(b)).toEqual(a1);
    expect(b.epoch).toBe(2);
  });

  it('orders differ across epochs and across seeds', () => {
    const loader = new DataLoader(indexed(50), { batchSize: 50, shuffle: true, seed: 7 });
    const orders = [0, 1, 2, 3].map((e) => epochLabels(loader, e)[0]!.join(','));
    expect(new Set(orders).size).toBe(4);
    const other = new DataLoader(indexed(50), { batchSize: 50, shuffle: true, seed: 8 });
    expect(epochLabels(other, 0)[0]!.join(',')).not.toBe(orders[0]);
  });

  it('batches from a Subset of a TensorDataset are copied in bulk with the right rows', () => {
    const sub = new Subset(indexed(20), [5, 3, 19, 0]);
    const [[x, y]] = [...new DataLoader(sub, { batchSize: 4 })] as Tensor[][];
    expect(Array.from(y!.data)).toEqual([5, 3, 19, 0]);
    expect(Array.from(x!.data)).toEqual([5, 105, 3, 103, 19, 119, 0, 100]);
  });

  it('a ConcatDataset goes through get() and the default collate', () => {
    const ds = new ConcatDataset([indexed(3), new Subset(indexed(10), [9])]);
    const batches = [...new DataLoader(ds, { batchSize: 3 })] as Tensor[][];
    expect(batches.map(([, y]) => Array.from(y!.data))).toEqual([[0, 1, 2], [9]]);
    expect(batches[1]![0]!.shape).toEqual([1, 2]);
  });

  it('keeps the dtype of float64 data', () => {
    const ds = new TensorDataset(tensor([[1], [2], [3]], { dtype: 'float64' }), tensor([0, 1, 0]));
    const [[x, y]] = [...new DataLoader(ds, { batchSize: 3 })] as Tensor[][];
    expect(x!.dtype).toBe('float64');
    expect(y!.dtype).toBe('float32');
  });

  it('uses a custom collate on the list of samples', () => {
    const ds: Dataset<number> = { length: 5, get: (i) => i * i };
    const loader = new DataLoader(ds, { batchSize: 2, collate: (s) => s.reduce((a, b) => a + b, 0) });
    expect([...loader]).toEqual([1, 13, 16]);
  });

  it('uses a sampler in place of shuffle', () => {
    const sampler: Sampler = { length: 3, indices: () => Int32Array.from([4, 4, 1]) };
    const loader = new DataLoader(indexed(5), { batchSize: 2, sampler });
    expect(loader.length).toBe(2);
    expect(epochLabels(loader)).toEqual([[4, 4], [1]]);
    expect(() => new DataLoader(indexed(5), { sampler, shuffle: true })).toThrow(
      /sampler and shuffle are exclusive/,
    );
    const bad: Sampler = { length: 1, indices: () => Int32Array.from([5]) };
    expect(() => [...new DataLoader(indexed(5), { sampler: bad })]).toThrow(
      /sampler gave index 5 for a dataset of length 5/,
    );
  });

  it('rejects a bad batchSize', () => {
    expect(() => new DataLoader(indexed(5), { batchSize: 0 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    expect(() => new DataLoader(indexed(5), { batchSize: 1.5 })).toThrow(RangeError);
  });
});

describe('samplers', () => {
  it('SequentialSampler counts up; RandomSampler permutes, seeded by (seed, epoch)', () => {
    expect(Array.from(new SequentialSampler(4).indices(3))).toEqual([0, 1, 2, 3]);
    const s = new RandomSampler(30, { seed: 1 });
    expect(Array.from(s.indices(0)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(Array.from(s.indices(2))).toEqual(Array.from(new RandomSampler(30, { seed: 1 }).indices(2)));
    expect(Array.from(s.indices(2))).not.toEqual(Array.from(s.indices(3)));
  });

  it('RandomSampler with replacement draws numSamples indices in range', () => {
    const s = new RandomSampler(5, { seed: 0, replacement: true, numSamples: 200 });
    const draws = s.indices(0);
    expect(draws.length).toBe(200);
    expect(draws.every((i) => i >= 0 && i < 5)).toBe(true);
    expect(new Set(draws).size).toBe(5); // 200 draws miss a class with probability < 5·0.8²⁰⁰
    expect(() => new RandomSampler(5, { numSamples: 3 })).toThrow(/pass replacement: true/);
  });

  it('SubsetRandomSampler permutes only the given indices', () => {
    const s = new SubsetRandomSampler([2, 4, 6], { seed: 0 });
    expect(Array.from(s.indices(0)).sort()).toEqual([2, 4, 6]);
  });
});

describe('defaultCollate', () => {
  it('stacks tensors, turns numbers into a tensor, and collates tuples by position', () => {
    const batch = defaultCollate([
      [tensor([1, 2]), 0],
      [tensor([3, 4]), 1],
    ]);
    expect(batch[0].shape).toEqual([2, 2]);
    expect(Array.from(batch[0].data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(batch[1].data)).toEqual([0, 1]);
  });

  it('names the samples whose shapes differ', () => {
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      /collate: samples differ in shape: \[2\] \(sample 0\) and \[3\] \(sample 1\)/,
    );
    expect(() => defaultCollate([{ a: 1 }])).toThrow(/pass a collate function/);
  });
});
