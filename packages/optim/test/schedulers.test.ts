import { Tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  ConstantLR,
  CosineAnnealingLR,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  type Optimizer,
  type OptimizerOptions,
  PolynomialLR,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index.js';
import { loadGolden } from './golden.js';

/**
 * PyTorch's step() uses a recursive form (lr ← lr·ratio) and we use the closed form, so
 * after t steps the two differ by about t ulps: ~1e-14 relative over 40 steps. ATOL covers
 * lrs that anneal to (nearly) zero, where relative error means nothing.
 */
const RTOL = 1e-12;
const ATOL = 1e-15;

interface Spec {
  scheduler: string;
  optimizer?: 'SGD' | 'Adam';
  options: Record<string, unknown>;
  metrics?: number[];
}
interface Case extends Spec {
  lrs: number[][];
  momenta: number[][];
  lastLr: Array<number[] | null>;
}
const golden = loadGolden<{ steps: number; cases: Case[] }>('schedulers');

const LAMBDAS: Record<string, (e: number) => number> = {
  warmupDecay: (e) => Math.min(1, (e + 1) / 5) * 0.95 ** e,
  inverse: (e) => 1 / (e + 1),
  geometric: (e) => 0.9 ** e,
};

type AnyOpt = Optimizer<OptimizerOptions>;

function makeOptimizer(kind: 'SGD' | 'Adam' = 'SGD'): AnyOpt {
  const groups = [
    { params: [new Tensor(new Float64Array(2), [2], true)], lr: 0.1 },
    { params: [new Tensor(new Float64Array(3), [3], true)], lr: 0.05 },
  ];
  return kind === 'Adam' ? new Adam(groups, { lr: 0.1 }) : new SGD(groups, { lr: 0.1, momentum: 0.9 });
}

// biome-ignore lint/suspicious/noExplicitAny: options come from JSON; each scheduler checks its own
type SchedulerCtor = new (optimizer: AnyOpt, options: any) => LRScheduler;
const SCHEDULERS: Record<string, SchedulerCtor> = {
  StepLR,
  MultiStepLR,
  ExponentialLR,
  PolynomialLR,
  CosineAnnealingLR,
  LinearLR,
  ConstantLR,
  LambdaLR,
  CyclicLR,
  OneCycleLR,
};

function build(opt: AnyOpt, spec: Spec): LRScheduler | ReduceLROnPlateau {
  const o = spec.options;
  if (spec.scheduler === 'ReduceLROnPlateau') return new ReduceLROnPlateau(opt, o);
  if (spec.scheduler === 'SequentialLR') {
    const schedulers = (o.schedulers as Spec[]).map((s) => build(opt, s) as LRScheduler);
    return new SequentialLR(opt, { schedulers, milestones: o.milestones as number[] });
  }
  if (spec.scheduler === 'LambdaLR') {
    const names = o.lrLambda as string | string[];
    const lrLambda = Array.isArray(names) ? names.map((n) => LAMBDAS[n]!) : LAMBDAS[names]!;
    return new LambdaLR(opt, { lrLambda });
  }
  return new SCHEDULERS[spec.scheduler]!(opt, o);
}

function momentumOf(opt: AnyOpt): number[] {
  return opt.paramGroups.map((g) => {
    const group = g as typeof g & { momentum?: number; betas?: number[] };
    return group.betas !== undefined ? group.betas[0]! : group.momentum!;
  });
}

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= ATOL + RTOL * Math.abs(want[i]!))) {
      expect.fail(`${what}[${i}]: got ${got[i]}, PyTorch ${want[i]}`);
    }
  }
}

describe('LR schedulers match PyTorch 1.13 step for step (40 steps, 2 param groups)', () => {
  for (const c of golden.cases) {
    it(`${c.scheduler} ${JSON.stringify(c.options)}${c.optimizer ? ` on ${c.optimizer}` : ''}`, () => {
      const opt = makeOptimizer(c.optimizer);
      const sched = build(opt, c);
      const check = (t: number) => {
        expectClose(
          opt.paramGroups.map((g) => g.lr),
          c.lrs[t]!,
          `lr after ${t} steps`,
        );
        expectClose(momentumOf(opt), c.momenta[t]!, `momentum after ${t} steps`);
        if (c.lastLr[t] !== null) expectClose(sched.getLastLr(), c.lastLr[t]!, `getLastLr after ${t} steps`);
      };
      check(0); // construction already set the lr
      for (let t = 0; t < golden.steps; t++) {
        opt.step();
        if (sched instanceof ReduceLROnPlateau) sched.step(c.metrics![t]!);
        else sched.step();
        check(t + 1);
      }
    });
  }

  it('lrAt is the closed form step() applies, and pure', () => {
    for (const c of golden.cases) {
      if (c.scheduler === 'ReduceLROnPlateau') continue;
      const sched = build(makeOptimizer(c.optimizer), c) as LRScheduler;
      for (let t = 0; t <= golden.steps; t++) {
        expectClose([sched.lrAt(t, 0), sched.lrAt(t, 1)], c.lrs[t]!, `${c.scheduler} lrAt(${t})`);
      }
      expect(sched.lastEpoch).toBe(0); // lrAt did not move the schedule
    }
  });
});
