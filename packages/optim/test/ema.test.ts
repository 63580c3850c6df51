import { Tensor } from '@tsgrad/autograd';
import { BatchNorm1d, Linear, Sequential } from '@tsgrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  CyclicLR,
  EarlyStopping,
  EMA,
  ExponentialLR,
  ewma,
  LinearLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index.js';

describe('EMA of a stream', () => {
  it('follows vₜ = β·vₜ₋₁ + (1 − β)·xₜ, bias-corrected by 1 − βᵗ', () => {
    const raw = new EMA({ decay: 0.5, biasCorrection: false });
    expect(Number.isNaN(raw.value)).toBe(true);
    expect([raw.update(4), raw.update(8), raw.update(0)]).toEqual([2, 5, 2.5]);
    expect(ewma([4, 8, 0], { decay: 0.5 })).toEqual([2 / 0.5, 5 / 0.75, 2.5 / 0.875]);
  });

  it('with bias correction a constant stream is exactly that constant', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (c, decay) => {
          for (const v of ewma([c, c, c, c, c], { decay })) expect(v).toBeCloseTo(c, 9);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reset starts over; decay outside [0, 1) is a RangeError', () => {
    const e = new EMA();
    e.update(3);
    e.reset();
    expect(e.count).toBe(0);
    expect(e.update(1)).toBeCloseTo(1, 15);
    expect(() => new EMA({ decay: 1 })).toThrow(/EMA: decay must be in \[0, 1\), got 1/);
  });
});

describe('EarlyStopping', () => {
  it('stops after patience epochs without an improvement larger than minDelta (mode min)', () => {
    const s = new EarlyStopping({ patience: 2, minDelta: 0.1 });
    const losses = [1.0, 0.8, 0.75, 0.72, 0.5];
    const stops = losses.map((l) => s.step(l));
    // 0.75 and 0.72 are within minDelta of 0.8 → wait 1, 2 → stop at the 4th epoch; it stays stopped
    expect(stops).toEqual([false, false, false, true, true]);
    expect(s.best).toBe(0.5);
    expect(s.wait).toBe(0);
  });

  it('mode max, patience 0 stops at the first non-improvement', () => {
    const s = new EarlyStopping({ mode: 'max' });
    expect([0.5, 0.6, 0.6].map((a) => s.step(a))).toEqual([false, false, true]);
  });

  it('restoreBestWeights puts back the parameters and buffers of the best epoch', () => {
    const model = new Sequential(
      new Linear(2, 2, { dtype: 'float64' }),
      new BatchNorm1d(2, { dtype: 'float64' }),
    );
    const s = new EarlyStopping({ patience: 1, restoreBestWeights: true });
    const values = (v: number) => {
      for (const t of [...model.parameters(), ...model.buffers()]) t.data.fill(v);
    };
    values(1);
    expect(s.step(0.5, model)).toBe(false); // best so far: snapshot of all-ones
    values(2);
    expect(s.step(0.7, model)).toBe(true); // worse, patience 1 → stop and restore
    for (const t of [...model.parameters(), ...model.buffers()])
      expect(Array.from(t.data)).toEqual([...t.data].map(() => 1));
    expect(() => new EarlyStopping({ restoreBestWeights: true }).step(1)).toThrow(
      /EarlyStopping: restoreBestWeights needs the model/,
    );
    expect(() => new EarlyStopping({ patience: -1 })).toThrow(
      /EarlyStopping: patience must be an integer >= 0, got -1/,
    );
  });
});

describe('scheduler state dicts and errors', () => {
  const opt = () => new SGD([new Tensor(new Float64Array(1), [1], true)], { lr: 0.1, momentum: 0.9 });

  it('a scheduler resumed from its state dict continues identically', () => {
    const o1 = opt();
    const a = new SequentialLR(o1, {
      schedulers: [
        new LinearLR(o1, { startFactor: 0.1, totalIters: 3 }),
        new ExponentialLR(o1, { gamma: 0.8 }),
      ],
      milestones: [3],
    });
    for (let t = 0; t < 5; t++) a.step();
    const saved = { opt: o1.stateDict(), sched: a.stateDict() };
    const straight: number[] = [];
    for (let t = 0; t < 5; t++) {
      a.step();
      straight.push(a.getLastLr()[0]!);
    }
    const o2 = opt();
    const b = new SequentialLR(o2, {
      schedulers: [
        new LinearLR(o2, { startFactor: 0.1, totalIters: 3 }),
        new ExponentialLR(o2, { gamma: 0.8 }),
      ],
      milestones: [3],
    });
    o2.loadStateDict(saved.opt);
    b.loadStateDict(saved.sched);
    const resumed: number[] = [];
    for (let t = 0; t < 5; t++) {
      b.step();
      resumed.push(b.getLastLr()[0]!);
    }
    expect(resumed).toEqual(straight);
  });

  it('ReduceLROnPlateau state round trip', () => {
    const p = new ReduceLROnPlateau(opt(), { patience: 1 });
    p.step(1);
    p.step(2);
    const q = new ReduceLROnPlateau(opt(), { patience: 1 });
    q.loadStateDict(p.stateDict());
    expect(q.stateDict()).toEqual({ lastEpoch: 2, best: 1, numBadEpochs: 1, cooldownCounter: 0 });
  });

  it('invalid scheduler options throw RangeErrors naming the scheduler', () => {
    expect(() => new StepLR(opt(), { stepSize: 0 })).toThrow(
      /StepLR: stepSize must be a positive integer, got 0/,
    );
    expect(() => new LinearLR(opt(), { startFactor: 2 })).toThrow(
      /LinearLR: startFactor must be in \[0, 1\], got 2/,
    );
    expect(() => new ReduceLROnPlateau(opt(), { factor: 1 })).toThrow(
      /ReduceLROnPlateau: factor must be < 1, got 1/,
    );
    const adam = new Adam([new Tensor(new Float64Array(1), [1], true)]);
    expect(() => new CyclicLR(adam, { baseLr: 0.01, maxLr: 0.1 })).toThrow(
      /CyclicLR: cycleMomentum needs an optimizer with a momentum option, got Adam/,
    );
    const one = new OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 3 });
    for (let t = 0; t < 3; t++) one.step();
    expect(() => one.step()).toThrow(/OneCycleLR: tried to step 5 times; totalSteps is 3/);
    expect(
      () => new SequentialLR(opt(), { schedulers: [new StepLR(opt(), { stepSize: 1 })], milestones: [] }),
    ).toThrow(/SequentialLR: scheduler 0 belongs to a different optimizer/);
    const o = opt();
    expect(() => new StepLR(o, { stepSize: 2, lastEpoch: 5 })).toThrow(
      /StepLR: lastEpoch is 5 but param group 0 has no initialLr/,
    );
  });
});
