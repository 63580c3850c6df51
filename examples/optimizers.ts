/**
 * Optimizers side by side: SGD, momentum, Nesterov, RMSprop and Adam
 *   1. on the Rosenbrock function f(x, y) = (1 − x)² + 100·(y − x²)², a curved narrow valley
 *      with its minimum at (1, 1): trajectories from (−1.5, 2);
 *   2. on digits: training-loss curves of one small MLP;
 *   3. a learning-rate sweep: final loss against lr, to see how sensitive each one is.
 * Ref: Polyak 1964 (momentum); Sutskever et al. 2013 (Nesterov); Tieleman & Hinton 2012
 * (RMSprop); Kingma & Ba 2015 (Adam).
 *
 *   pnpm example:optimizers
 */
import { manualSeed, type Tensor, tensor } from '@tsgrad/autograd';
import { Linear, ReLU, Sequential } from '@tsgrad/nn';
import { Adam, type AnyOptimizer, RMSprop, SGD } from '@tsgrad/optim';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';
import { digits, fit } from './lib/train.js';

/** Each optimizer, given its parameters and lr. */
export const OPTIMIZERS: Record<string, (params: Tensor[], lr: number) => AnyOptimizer> = {
  SGD: (p, lr) => new SGD(p, { lr }),
  momentum: (p, lr) => new SGD(p, { lr, momentum: 0.9 }),
  Nesterov: (p, lr) => new SGD(p, { lr, momentum: 0.9, nesterov: true }),
  RMSprop: (p, lr) => new RMSprop(p, { lr }),
  Adam: (p, lr) => new Adam(p, { lr }),
};

/** Learning rates that suit each on Rosenbrock and on digits. */
const ROSENBROCK_LR: Record<string, number> = {
  SGD: 1e-3,
  momentum: 1e-3,
  Nesterov: 1e-3,
  RMSprop: 1e-2,
  Adam: 0.05,
};
const DIGITS_LR: Record<string, number> = {
  SGD: 0.1,
  momentum: 0.05,
  Nesterov: 0.05,
  RMSprop: 1e-3,
  Adam: 1e-3,
};

export function rosenbrock(p: Tensor): Tensor {
  const [x, y] = [p.narrow(0, 0, 1), p.narrow(0, 1, 1)];
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)).sum();
}

export function main(opts: Partial<CommonOptions & { steps: number; epochs: number }> = {}) {
  const o = { steps: 2000, epochs: 5, ...opts };
  const steps = o.quick ? 300 : o.steps;
  const epochs = o.quick ? 2 : o.epochs;
  const rows = [];
  const trajectories = [];
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    const p = tensor([-1.5, 2], { dtype: 'float64', requiresGrad: true });
    const optimizer = make([p], ROSENBROCK_LR[name]!);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let t = 0; t < steps; t++) {
      xs.push(p.data[0]!);
      ys.push(p.data[1]!);
      optimizer.zeroGrad();
      rosenbrock(p).backward();
      optimizer.step();
    }
    trajectories.push({ name, x: xs, y: ys });
    rows.push({
      name,
      rosenbrock: rosenbrock(p).item(),
      distance: Math.hypot(p.data[0]! - 1, p.data[1]! - 1),
      digits: Number.NaN,
    });
  }

  const { train } = digits(o.quick ? 320 : 2000, 0, true);
  const model = () => {
    manualSeed(o.seed ?? 0);
    return new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
  };
  const curves = [];
  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    const m = model();
    const losses = fit(m, make(m.parameters(), DIGITS_LR[name]!), train, { epochs, seed: o.seed ?? 0 });
    curves.push({ name, x: losses.map((_, e) => e + 1), y: losses });
    rows.find((r) => r.name === name)!.digits = losses.at(-1)!;
  }

  const lrs = o.quick ? [1e-3, 1e-2, 1e-1] : [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1];
  const sweep = Object.entries(OPTIMIZERS).map(([name, make]) => ({
    name,
    x: lrs,
    y: lrs.map((lr) => {
      const m = model();
      return fit(m, make(m.parameters(), lr), train, { epochs: 1, seed: o.seed ?? 0 }).at(-1)!;
    }),
  }));

  log(
    o,
    formatTable(
      [
        'optimizer',
        `Rosenbrock f after ${steps} steps`,
        'distance to (1, 1)',
        `digits loss after ${epochs} epochs`,
        'best lr (sweep)',
      ],
      rows.map((r, i) => [r.name, r.rosenbrock, r.distance, r.digits, lrs[argmin(sweep[i]!.y)]!]),
    ),
  );
  const plotPath = saveFigure(outPath(o, 'optimizers.svg'), [
    {
      title: 'Rosenbrock trajectories from (−1.5, 2)',
      xRange: [-2, 2],
      yRange: [-1, 3],
      series: [...trajectories, { name: 'minimum', x: [1], y: [1], dots: true }],
    },
    { title: 'digits: training loss', xLabel: 'epoch', logY: true, series: curves },
    { title: 'lr sweep: loss after 1 epoch', xLabel: 'learning rate', logX: true, logY: true, series: sweep },
  ]);
  log(o, `plot: ${plotPath}`);
  return { rows, sweep, plotPath };
}

const argmin = (v: number[]): number =>
  v.reduce((best, x, i) => (x < v[best]! || Number.isNaN(v[best]!) ? i : best), 0);

if (isMain(import.meta.url))
  main(parseOptions({ steps: 2000, epochs: 5 } as CommonOptions & { steps: number; epochs: number }));
