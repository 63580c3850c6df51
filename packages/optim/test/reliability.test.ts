import { manualSeed, randn, tensor } from '@tsgrad/autograd';
import { DataLoader, TensorDataset } from '@tsgrad/data';
import { BatchNorm1d, Dropout, functional as F, Linear, ReLU, Sequential } from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import { AdamW, AveragedModel, clipGradNorm, OneCycleLR, SGD } from '../src/index.js';

/**
 * A full small training run where every source of randomness comes from the seed: init,
 * data, dropout masks, and the loader's shuffle seed (drawn from the global generator).
 * Returns every loss and the final weights.
 */
function trainRun(seed: number): { losses: number[]; weights: number[] } {
  manualSeed(seed);
  const x = randn([96, 6]);
  const labels = tensor(Array.from({ length: 96 }, (_, i) => (x.data[i * 6]! > 0 ? 1 : 0) + (i % 2)));
  const model = new Sequential(
    new Linear(6, 24),
    new BatchNorm1d(24),
    new ReLU(),
    new Dropout(0.3),
    new Linear(24, 3),
  );
  const optimizer = new AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.01 });
  const loader = new DataLoader(new TensorDataset(x, labels), { batchSize: 16, shuffle: true });
  const epochs = 4;
  const scheduler = new OneCycleLR(optimizer, { maxLr: 0.05, totalSteps: epochs * loader.length });
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(xb!), yb!, { labelSmoothing: 0.1 });
      loss.backward();
      clipGradNorm(model.parameters(), 1.0);
      optimizer.step();
      scheduler.step();
      losses.push(loss.item());
    }
  }
  const weights: number[] = [];
  for (const [, t] of model.stateDict()) weights.push(...t.data);
  return { losses, weights };
}

describe('determinism', () => {
  it('the same seed gives a bit-identical training run (every loss, every weight and buffer)', () => {
    const a = trainRun(42);
    const b = trainRun(42);
    expect(a.losses).toHaveLength(24);
    expect(a.losses.every(Number.isFinite)).toBe(true);
    // toEqual on numbers is exact (Object.is semantics for each element but ±0).
    expect(b.losses).toEqual(a.losses);
    expect(b.weights).toEqual(a.weights);
  });

  it('a different seed gives a different run (so the comparison above is not vacuous)', () => {
    expect(trainRun(43).losses).not.toEqual(trainRun(42).losses);
  });
});

describe('validation gaps closed by the reliability audit', () => {
  it('AveragedModel refuses something that is not a Module', () => {
    expect(() => new AveragedModel(null as never)).toThrow(
      /^AveragedModel: expects a Module to average, got null/,
    );
    expect(() => new AveragedModel({ forward: () => 1 } as never)).toThrow(
      /^AveragedModel: expects a Module/,
    );
  });

  it('SGD refuses a NaN dampening; Sequential refuses a layer that is not a Module', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => new SGD([w], { lr: 0.1, momentum: 0.5, dampening: Number.NaN })).toThrow(
      /^SGD: dampening must be a finite number, got NaN/,
    );
    expect(() => new Sequential(new ReLU(), 1 as never)).toThrow(
      /^Sequential: layer 1 is not a Module, got 1/,
    );
  });
});
