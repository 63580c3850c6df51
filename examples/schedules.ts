/**
 * Learning-rate schedules: each one's lr over a run (closed forms, stepped once per batch
 * here), then the same small network trained on digits under each, from the same start.
 * Typical lesson: a constant lr stalls at a noisy plateau; decaying it late (step, cosine,
 * one-cycle) lets the loss settle lower.
 * Ref: Loshchilov & Hutter 2017 (SGDR, cosine); Smith 2017 (cyclical); Smith & Topin 2019
 * (one-cycle); Goyal et al. 2017 §2.2 (linear warmup).
 *
 *   pnpm example:schedules
 */
import { manualSeed, zeros } from '@tsgrad/autograd';
import { Linear, ReLU, Sequential } from '@tsgrad/nn';
import {
  type AnyOptimizer,
  CosineAnnealingLR,
  CyclicLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  PolynomialLR,
  SequentialLR,
  SGD,
  StepLR,
} from '@tsgrad/optim';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';
import { digits, evaluate, fit } from './lib/train.js';

type Scheduler = { step(): void };

/** Every schedule, over T batches, peaking at lr (SGD with momentum 0.9). */
export function schedules(T: number, lr: number): Record<string, (opt: AnyOptimizer) => Scheduler> {
  return {
    constant: (opt) => new LambdaLR(opt, { lrLambda: () => 1 }),
    StepLR: (opt) => new StepLR(opt, { stepSize: Math.ceil(T / 3), gamma: 0.3 }),
    MultiStepLR: (opt) =>
      new MultiStepLR(opt, { milestones: [Math.round(0.5 * T), Math.round(0.75 * T)], gamma: 0.1 }),
    ExponentialLR: (opt) => new ExponentialLR(opt, { gamma: 0.01 ** (1 / T) }),
    PolynomialLR: (opt) => new PolynomialLR(opt, { totalIters: T, power: 2 }),
    CosineAnnealingLR: (opt) => new CosineAnnealingLR(opt, { tMax: T }),
    'warmup + cosine': (opt) =>
      new SequentialLR(opt, {
        schedulers: [
          new LinearLR(opt, { startFactor: 0.05, totalIters: Math.round(0.1 * T) }),
          new CosineAnnealingLR(opt, { tMax: T - Math.round(0.1 * T) }),
        ],
        milestones: [Math.round(0.1 * T)],
      }),
    CyclicLR: (opt) =>
      new CyclicLR(opt, { baseLr: lr / 10, maxLr: lr, stepSizeUp: Math.ceil(T / 6), cycleMomentum: false }),
    OneCycleLR: (opt) => new OneCycleLR(opt, { maxLr: lr, totalSteps: T + 1 }),
  };
}

export function main(opts: Partial<CommonOptions & { epochs: number; lr: number }> = {}) {
  const o = { epochs: 6, lr: 0.1, ...opts };
  const epochs = o.quick ? 2 : o.epochs;
  const batchSize = 32;
  const { train, test } = digits(o.quick ? 320 : 2000, o.quick ? 250 : 1000, true);
  const T = epochs * Math.ceil(train.x.shape[0]! / batchSize);

  const lrCurves = [];
  const results = [];
  for (const [name, make] of Object.entries(schedules(T, o.lr))) {
    // The lr curve alone, on a throwaway optimizer.
    const probe = new SGD([zeros([1], { requiresGrad: true })], { lr: o.lr, momentum: 0.9 });
    const sched = make(probe);
    const lrs: number[] = [];
    for (let t = 0; t < T; t++, sched.step()) lrs.push(probe.paramGroups[0]!.lr);
    lrCurves.push({ name, y: lrs });
    // The effect on a run.
    manualSeed(o.seed ?? 0);
    const model = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
    const optimizer = new SGD(model.parameters(), { lr: o.lr, momentum: 0.9 });
    const scheduler = make(optimizer);
    const losses = fit(model, optimizer, train, {
      epochs,
      batchSize,
      seed: o.seed ?? 0,
      onStep: () => scheduler.step(),
    });
    results.push({ name, trainLoss: losses.at(-1)!, testAccuracy: evaluate(model, test).accuracy, losses });
  }
  log(
    o,
    `MLP 784-64-10, SGD momentum 0.9, peak lr ${o.lr}, ${epochs} epochs on ${train.x.shape[0]} digits`,
    formatTable(
      ['schedule', 'final train loss', 'test accuracy'],
      results.map((r) => [r.name, r.trainLoss, r.testAccuracy]),
    ),
  );
  const plotPath = saveFigure(
    outPath(o, 'schedules.svg'),
    [
      ...lrCurves.map((c) => ({
        title: c.name,
        xLabel: 'batch',
        yLabel: 'lr',
        yRange: [0, o.lr * 1.05] as [number, number],
        series: [c],
      })),
      {
        title: 'training loss per epoch',
        xLabel: 'epoch',
        logY: true,
        series: results.map((r) => ({ name: r.name, x: r.losses.map((_, e) => e + 1), y: r.losses })),
      },
    ],
    4,
  );
  log(o, `plot: ${plotPath}`);
  return { results, lrCurves, T, plotPath };
}

if (isMain(import.meta.url))
  main(parseOptions({ epochs: 6, lr: 0.1 } as CommonOptions & { epochs: number; lr: number }));
