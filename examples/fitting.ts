/**
 * Underfitting, a good fit and overfitting: polynomials of growing degree fitted by gradient
 * descent to 16 noisy samples of a sine. Training error keeps falling as the capacity grows;
 * validation error falls, then rises again once the model fits the noise.
 *
 * Features are Chebyshev polynomials T₀…T_d of x ∈ [−1, 1] (T_{k+1} = 2x·T_k − T_{k−1}): the
 * same functions as 1, x, …, x^d, but far better conditioned, so Adam can reach the fit.
 *
 *   pnpm example:fitting
 */
import { manualSeed, Tensor } from '@tsgrad/autograd';
import { datasets } from '@tsgrad/data';
import { functional as F, Linear } from '@tsgrad/nn';
import { Adam } from '@tsgrad/optim';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';

export interface FittingOptions extends CommonOptions {
  degrees: number[];
  steps: number;
}

const DEFAULTS: FittingOptions = { degrees: [1, 3, 5, 9, 15], steps: 4000 };

/** x [n, 1] in [−1, 1] → [T₁(x), …, T_d(x)] [n, d] (T₀ = 1 is the layer's bias). */
export function chebyshev(x: Tensor, degree: number): Tensor {
  const n = x.shape[0]!;
  const out = Tensor.empty([n, degree]);
  for (let i = 0; i < n; i++) {
    const v = x.data[i]!;
    let previous = 1;
    let current = v;
    for (let k = 1; k <= degree; k++) {
      out.data[i * degree + k - 1] = current;
      [previous, current] = [current, 2 * v * current - previous];
    }
  }
  return out;
}

export function main(opts: Partial<FittingOptions> = {}) {
  const o = { ...DEFAULTS, ...opts };
  const steps = o.quick ? 1500 : o.steps;
  const seed = o.seed ?? 0;
  // sin(πx) on [−1, 1] with noise σ = 0.2: 16 points to train on, 200 to validate on.
  const sample = (n: number, s: number) =>
    datasets.sine(n, { noise: 0.2, range: [-1, 1], frequency: Math.PI, seed: s });
  const train = sample(16, seed);
  const valid = sample(200, seed + 1);
  const grid = { x: Tensor.empty([101, 1]) };
  for (let i = 0; i <= 100; i++) grid.x.data[i] = -1 + i / 50;

  const rows: Array<{ degree: number; train: number; valid: number; curve: number[] }> = [];
  for (const degree of o.degrees) {
    manualSeed(seed);
    const model = new Linear(degree, 1);
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const features = chebyshev(train.x, degree);
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      F.mseLoss(model.forward(features), train.y).backward();
      optimizer.step();
    }
    const mse = (d: { x: Tensor; y: Tensor }) => F.mseLoss(model.forward(chebyshev(d.x, degree)), d.y).item();
    const curve = Array.from(model.forward(chebyshev(grid.x, degree)).detach().data);
    rows.push({ degree, train: mse(train), valid: mse(valid), curve });
  }

  const best = rows.reduce((a, b) => (b.valid < a.valid ? b : a));
  const verdict = (r: (typeof rows)[number]) =>
    r === best ? 'best fit' : r.degree < best.degree ? 'underfits' : 'overfits';
  log(
    o,
    formatTable(
      ['degree', 'train MSE', 'validation MSE', ''],
      rows.map((r) => [r.degree, r.train, r.valid, verdict(r)]),
    ),
  );
  const gridX = Array.from(grid.x.data);
  const plotPath = saveFigure(outPath(o, 'fitting.svg'), [
    {
      title: 'fits to 16 noisy samples of sin(πx)',
      yRange: [-2, 2],
      series: [
        { name: 'train data', x: train.x.data, y: train.y.data, dots: true },
        ...rows.map((r) => ({ name: `degree ${r.degree}`, x: gridX, y: r.curve })),
      ],
    },
    {
      title: 'error vs capacity',
      xLabel: 'polynomial degree',
      logY: true,
      series: [
        { name: 'train', x: o.degrees, y: rows.map((r) => r.train) },
        { name: 'validation', x: o.degrees, y: rows.map((r) => r.valid) },
      ],
    },
  ]);
  log(o, `plot: ${plotPath}`);
  return {
    rows: rows.map(({ degree, train, valid }) => ({ degree, train, valid })),
    best: best.degree,
    plotPath,
  };
}

if (isMain(import.meta.url)) main(parseOptions(DEFAULTS));
