/**
 * The playground's training loop, in Node (no browser): it learns, every control does what
 * its label says, and config changes rebuild only what they must.
 */
import { describe, expect, it } from 'vitest';
import { type Config, DATASETS, DEFAULT_CONFIG, GRID_SIZE, OPTIMIZERS } from '../src/config.js';
import { Trainer } from '../src/trainer.js';

const config = (overrides: Partial<Config> = {}): Config => ({ ...DEFAULT_CONFIG, ...overrides });

function train(t: Trainer, epochs: number): void {
  for (let e = 0; e < epochs; e++) t.trainEpoch();
}

describe('Trainer', () => {
  it('learns moons with the default settings', () => {
    const t = new Trainer(config());
    const before = t.snapshot();
    expect(before.epoch).toBe(0);
    expect(before.train.accuracy).toBeLessThan(0.8);
    train(t, 30);
    const after = t.snapshot();
    expect(after.epoch).toBe(30);
    expect(after.step).toBe(30 * Math.floor(200 / 32)); // dropLast: 6 full batches per epoch
    expect(after.progress).toBe(30);
    expect(after.train.loss).toBeLessThan(0.3 * before.train.loss);
    expect(after.train.accuracy).toBeGreaterThan(0.95);
    expect(after.val.accuracy).toBeGreaterThan(0.9);
  });

  it('repeats itself for the same seed', () => {
    const run = () => {
      const t = new Trainer(config({ dropout: 0.2, inputNoise: 0.05 }));
      train(t, 3);
      return t.snapshot();
    };
    expect(run()).toEqual(run());
  });

  it.each(OPTIMIZERS)('optimizer %s lowers the training loss', (optimizer) => {
    const lr = optimizer === 'adam' || optimizer === 'adamw' || optimizer === 'rmsprop' ? 0.01 : 0.1;
    const t = new Trainer(config({ optimizer, lr }));
    const before = t.snapshot().train.loss;
    train(t, 15);
    expect(t.snapshot().train.loss).toBeLessThan(0.8 * before);
  });

  it.each(DATASETS)('dataset %s: classes, bounds around every point, a normalized grid', (dataset) => {
    const t = new Trainer(config({ dataset, trainSize: 100 }));
    const d = t.data();
    expect(d.classes).toBe(dataset === 'blobs' ? 3 : 2);
    expect(d.train.y.length).toBe(100);
    const [x0, x1, y0, y1] = d.bounds;
    expect(x1 - x0).toBeCloseTo(y1 - y0, 6); // square
    for (const set of [d.train, d.val]) {
      for (let i = 0; i < set.y.length; i++) {
        expect(set.x[2 * i]!).toBeGreaterThan(x0);
        expect(set.x[2 * i]!).toBeLessThan(x1);
        expect(set.x[2 * i + 1]!).toBeGreaterThan(y0);
        expect(set.x[2 * i + 1]!).toBeLessThan(y1);
      }
    }
    const probs = t.grid(GRID_SIZE, d.bounds);
    expect(probs.length).toBe(GRID_SIZE * GRID_SIZE * d.classes);
    for (let i = 0; i < GRID_SIZE * GRID_SIZE; i += 97) {
      let s = 0;
      for (let c = 0; c < d.classes; c++) s += probs[i * d.classes + c]!;
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('schedules set the lr each epoch', () => {
    const lrAfter = (schedule: Config['schedule'], epochs: number) => {
      const t = new Trainer(config({ schedule, scheduleEpochs: 20, lr: 0.1, trainSize: 40, batchSize: 40 }));
      train(t, epochs);
      return t.snapshot().lr;
    };
    expect(lrAfter('constant', 20)).toBeCloseTo(0.1, 12);
    expect(lrAfter('step', 5)).toBeCloseTo(0.05, 12); // halved every T/4 = 5 epochs
    expect(lrAfter('exponential', 20)).toBeCloseTo(0.001, 9); // ÷100 over T
    expect(lrAfter('cosine', 20)).toBeCloseTo(0.001, 9); // down to lr/100 at T
    expect(lrAfter('warmup', 0)).toBeCloseTo(0.01, 12); // starts at lr/10
    expect(lrAfter('warmup', 20)).toBeCloseTo(0.1, 12);
    expect(lrAfter('cyclic', 10)).toBeCloseTo(0.1, 9); // the top of the triangle at T/2
  });

  it('update: data and architecture reset, optimizer settings keep the weights, the rest is live', () => {
    const t = new Trainer(config());
    train(t, 2);
    const w = Float32Array.from(t.model.linears()[0]!.weight.data);
    expect(t.update(config({ lr: 0.001 }))).toBe('optimizer');
    expect(t.epoch).toBe(2);
    expect(t.model.linears()[0]!.weight.data).toEqual(w);
    expect(t.optimizer.paramGroups[0]!.lr).toBe(0.001);
    expect(t.update(config({ lr: 0.001, dropout: 0.3, l2: 1e-3 }))).toBe('live');
    expect(t.model.dropout).toBe(0.3);
    expect(t.update(config({ lr: 0.001, dropout: 0.3, l2: 1e-3, batchSize: 8 }))).toBe('live');
    t.trainEpoch();
    expect(t.step).toBe(2 * 6 + 200 / 8);
    expect(t.update(config({ dataset: 'circles' }))).toBe('reset');
    expect(t.epoch).toBe(0);
    expect(t.step).toBe(0);
  });

  it('regularizers, normalization and clipping all train', () => {
    for (const overrides of [
      { norm: 'batch', dropout: 0.2 },
      { norm: 'layer', l1: 1e-3, l2: 1e-3 },
      { labelSmoothing: 0.1, inputNoise: 0.1, clipNorm: 0.5 },
      { init: 'kaimingNormal', activation: 'tanh', optimizer: 'nesterov', lr: 0.1 },
      { init: 'xavierUniform', activation: 'gelu', depth: 0 },
    ] as const) {
      const t = new Trainer(config(overrides));
      const before = t.snapshot().train.loss;
      train(t, 15);
      const after = t.snapshot().train.loss;
      expect(Number.isFinite(after), JSON.stringify(overrides)).toBe(true);
      expect(after, JSON.stringify(overrides)).toBeLessThan(before);
    }
  });

  it('gradient norms show vanishing (too small init) and exploding (too large) gradients', () => {
    const norms = (init: Config['init'], activation: Config['activation']) => {
      const t = new Trainer(config({ depth: 6, activation, init, optimizer: 'sgd' }));
      t.trainStep();
      return t.snapshot().gradNorms;
    };
    // N(0, 0.01²) weights shrink the signal ~100× per layer on the way in and the gradient on
    // the way back, so every weight gradient is a product of ~7 tiny factors.
    const small = norms('tooSmall', 'tanh');
    expect(small.length).toBe(7);
    for (const g of small) expect(g).toBeLessThan(1e-6);
    for (const g of norms('xavierNormal', 'tanh')) expect(g).toBeGreaterThan(1e-2);
    // N(0, 1) with ReLU and width 16 grows the signal ~√8× per layer.
    for (const g of norms('tooLarge', 'relu')) expect(g).toBeGreaterThan(10);
    for (const g of norms('kaimingNormal', 'relu')) expect(g).toBeLessThan(10);
  });

  it('SWA averages from swaStart on, anneals to swaLr, and shows the averaged model', () => {
    for (const norm of ['none', 'batch'] as const) {
      const t = new Trainer(config({ norm, swa: true, swaStart: 5, swaLr: 0.002, trainSize: 100 }));
      train(t, 4);
      expect(t.snapshot().swa).toBeNull();
      expect(t.showsSwa()).toBe(false);
      train(t, 20);
      const s = t.snapshot();
      expect(t.showsSwa()).toBe(true);
      expect(s.swa).not.toBeNull();
      expect(s.swa!.accuracy).toBeGreaterThan(0.8);
      expect(s.lr).toBeCloseTo(0.002, 9); // SWALR holds swaLr after its 10 annealing epochs
      const probs = t.grid(8, t.data().bounds);
      expect(probs.every(Number.isFinite)).toBe(true);
    }
  });
});
