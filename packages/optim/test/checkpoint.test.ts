import {
  ArgumentError,
  defaultGenerator,
  Generator,
  manualSeed,
  randn,
  type Tensor,
  tensor,
} from '@tsgrad/autograd';
import { DataLoader, TensorDataset } from '@tsgrad/data';
import {
  Dropout,
  functional as F,
  Linear,
  loadSafetensors,
  ReLU,
  readSafetensorsMetadata,
  Sequential,
  saveSafetensors,
} from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import { Adam, loadCheckpoint, ReduceLROnPlateau, SGD, StepLR, saveCheckpoint } from '../src/index.js';

/** A small classification problem: 64 points in 4-D, 3 classes from a fixed linear rule. */
function makeData(): TensorDataset {
  const g = new Generator(7);
  const x = randn([64, 4], { generator: g });
  const labels: number[] = [];
  for (let i = 0; i < 64; i++) {
    const r = x.data.subarray(i * 4, i * 4 + 4);
    labels.push(r[0]! + r[1]! > 0.5 ? 2 : r[2]! - r[3]! > 0 ? 1 : 0);
  }
  return new TensorDataset(x, tensor(labels));
}

interface Run {
  model: Sequential;
  optimizer: Adam;
  scheduler: StepLR;
  loader: DataLoader<Tensor[], Tensor[]>;
}

/** Model (with dropout: it draws from the global RNG), Adam, StepLR, a shuffled loader. */
function setup(seed: number): Run {
  manualSeed(seed);
  const model = new Sequential(new Linear(4, 16), new ReLU(), new Dropout(0.25), new Linear(16, 3));
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const scheduler = new StepLR(optimizer, { stepSize: 5, gamma: 0.7 });
  const loader: DataLoader<Tensor[], Tensor[]> = new DataLoader(makeData(), {
    batchSize: 8,
    shuffle: true,
    seed: 123,
  });
  return { model, optimizer, scheduler, loader };
}

const EPOCHS = 3; // 8 batches each: 24 steps

/**
 * Trains from (epoch, batch) to the end, or until `stopAfter` steps have run, when it returns
 * a checkpoint of everything, with the loader position in `extra`.
 */
function train(run: Run, from: { epoch: number; batch: number }, losses: number[], stopAfter = Infinity) {
  let steps = 0;
  for (let epoch = from.epoch; epoch < EPOCHS; epoch++) {
    let batch = 0;
    for (const [xb, yb] of run.loader.iterEpoch(epoch)) {
      if (epoch === from.epoch && batch < from.batch) {
        batch++;
        continue; // already trained on before the interruption
      }
      run.optimizer.zeroGrad();
      const loss = F.crossEntropy(run.model.forward(xb!), yb!);
      loss.backward();
      run.optimizer.step();
      run.scheduler.step();
      losses.push(loss.item());
      batch++;
      if (++steps === stopAfter) {
        const next = batch === run.loader.length ? { epoch: epoch + 1, batch: 0 } : { epoch, batch };
        return saveCheckpoint({ ...run, generator: defaultGenerator, extra: next });
      }
    }
  }
  return null;
}

describe('checkpoint: interrupt and resume', () => {
  for (const k of [5, 8, 13]) {
    it(`a run interrupted at step ${k} and resumed gives a bit-identical loss curve`, () => {
      const full: number[] = [];
      train(setup(0), { epoch: 0, batch: 0 }, full);
      expect(full).toHaveLength(24);

      const resumed: number[] = [];
      const bytes = train(setup(0), { epoch: 0, batch: 0 }, resumed, k);
      expect(bytes).toBeInstanceOf(Uint8Array);
      // A fresh process: different seed, fresh weights, RNG advanced by other work.
      const run = setup(999);
      randn([10]);
      const { extra } = loadCheckpoint(bytes!, { ...run, generator: defaultGenerator });
      train(run, extra as { epoch: number; batch: number }, resumed);

      expect(resumed).toHaveLength(24);
      expect(resumed).toEqual(full); // toEqual on numbers is exact: bit-identical losses
      expect(run.scheduler.getLastLr()).toEqual([run.optimizer.paramGroups[0]!.lr]);
    });
  }

  it('leaving out the RNG state changes the resumed curve (dropout masks differ), so the test above can fail', () => {
    const full: number[] = [];
    train(setup(0), { epoch: 0, batch: 0 }, full);
    const resumed: number[] = [];
    const bytes = train(setup(0), { epoch: 0, batch: 0 }, resumed, 8);
    const run = setup(999);
    const { extra } = loadCheckpoint(bytes!, run); // no generator
    train(run, extra as { epoch: number; batch: number }, resumed);
    expect(resumed.slice(0, 8)).toEqual(full.slice(0, 8));
    expect(resumed.slice(8)).not.toEqual(full.slice(8));
  });

  it('the file is plain safetensors: model tensors, optimizer buffers, JSON metadata', () => {
    const run = setup(0);
    const bytes = train(run, { epoch: 0, batch: 0 }, [], 3)!;
    const tensors = loadSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(
      expect.arrayContaining([
        'model.0.weight',
        'model.3.bias',
        'optimizer.0.expAvg',
        'optimizer.3.expAvgSq',
      ]),
    );
    expect(tensors.get('optimizer.0.expAvg')!.dtype).toBe('float32');
    const meta = JSON.parse(readSafetensorsMetadata(bytes)['tsgrad.checkpoint']!);
    expect(meta.format).toBe(1);
    expect(meta.optimizer.state['0'].step).toBe(3);
    expect(meta.scheduler.lastEpoch).toBe(3);
    expect(meta.extra).toEqual({ epoch: 0, batch: 3 });
  });

  it('non-finite numbers in state (ReduceLROnPlateau best = Infinity) survive the JSON', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    const plateau = new ReduceLROnPlateau(opt, { mode: 'min' });
    expect(plateau.best).toBe(Number.POSITIVE_INFINITY);
    const bytes = saveCheckpoint({ optimizer: opt, scheduler: plateau });
    const other = new ReduceLROnPlateau(new SGD([tensor([0, 0], { requiresGrad: true })], { lr: 0.1 }), {
      mode: 'min',
    });
    other.best = 3;
    loadCheckpoint(bytes, { scheduler: other });
    expect(other.best).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('checkpoint: errors', () => {
  it('refuses a file without checkpoint metadata, a missing part, a wrong format, a shape mismatch', () => {
    const run = setup(0);
    const plain = saveSafetensors(new Map([['w', tensor([1])]]));
    expect(() => loadCheckpoint(plain, run)).toThrow(/loadCheckpoint: no 'tsgrad.checkpoint' metadata/);
    const onlyModel = saveCheckpoint({ model: run.model });
    expect(() => loadCheckpoint(onlyModel, { optimizer: run.optimizer })).toThrow(/has no optimizer/);
    expect(() => loadCheckpoint(onlyModel, { generator: new Generator() })).toThrow(/has no generator state/);
    const future = saveSafetensors(new Map(), { 'tsgrad.checkpoint': '{"format": 2}' });
    expect(() => loadCheckpoint(future, {})).toThrow(/unsupported checkpoint format 2/);
    const notJson = saveSafetensors(new Map(), { 'tsgrad.checkpoint': '{format' });
    expect(() => loadCheckpoint(notJson, {})).toThrow(ArgumentError);
    const bigger = new Sequential(new Linear(4, 17), new ReLU(), new Dropout(0.25), new Linear(17, 3));
    expect(() => loadCheckpoint(onlyModel, { model: bigger })).toThrow(
      /0\.weight: shape \[16, 4\] in the state dict, \[17, 4\] in the module/,
    );
  });

  it('refuses state that cannot be saved as data (a function)', () => {
    const fake = { stateDict: () => ({ f: () => 1 }), loadStateDict: () => undefined };
    expect(() => saveCheckpoint({ scheduler: fake })).toThrow(
      /saveCheckpoint: state dicts must hold plain data/,
    );
  });
});
