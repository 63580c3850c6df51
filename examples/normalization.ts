/**
 * Normalization: the same 3-hidden-layer MLP without normalization, with batch normalization
 * and with layer normalization, each at a small and a large learning rate. Normalizing the
 * pre-activations keeps their scale fixed whatever the weights do, so a large lr that makes the
 * plain network diverge or stall trains the normalized ones fast.
 *   BatchNorm: statistics per feature over the batch (eval uses running averages)
 *   LayerNorm: statistics per sample over the features (the same in training and eval)
 * Ref: Ioffe & Szegedy 2015, Algorithm 1; Ba, Kiros & Hinton 2016, "Layer Normalization", §3.
 *
 *   pnpm example:normalization
 */
import { manualSeed } from '@tsgrad/autograd';
import { BatchNorm1d, Identity, LayerNorm, Linear, ReLU, Sequential } from '@tsgrad/nn';
import { SGD } from '@tsgrad/optim';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';
import { digits, evaluate, fit } from './lib/train.js';

export type Norm = 'none' | 'batch' | 'layer';

/** 784 → width → width → width → 10, with `norm` after each hidden linear layer. */
export function mlp(norm: Norm, width = 64): Sequential {
  const normLayer = () =>
    norm === 'batch' ? new BatchNorm1d(width) : norm === 'layer' ? new LayerNorm(width) : new Identity();
  const layers = [];
  for (let l = 0; l < 3; l++) layers.push(new Linear(l === 0 ? 784 : width, width), normLayer(), new ReLU());
  return new Sequential(...layers, new Linear(width, 10));
}

export function main(opts: Partial<CommonOptions & { epochs: number; lrs: number[] }> = {}) {
  const o = { epochs: 5, lrs: [0.01, 1], ...opts };
  const epochs = o.quick ? 2 : o.epochs;
  const { train, test } = digits(o.quick ? 320 : 2000, o.quick ? 250 : 1000, true);
  const results: Array<{ norm: Norm; lr: number; losses: number[]; trainLoss: number; accuracy: number }> =
    [];
  for (const lr of o.lrs) {
    for (const norm of ['none', 'batch', 'layer'] as const) {
      manualSeed(o.seed ?? 0);
      const model = mlp(norm);
      const losses = fit(model, new SGD(model.parameters(), { lr }), train, {
        epochs,
        batchSize: 32,
        seed: o.seed ?? 0,
      });
      const accuracy = losses.every(Number.isFinite) ? evaluate(model, test).accuracy : Number.NaN;
      results.push({ norm, lr, losses, trainLoss: losses.at(-1)!, accuracy });
    }
  }
  const show = (v: number) => (Number.isFinite(v) ? v : 'diverged');
  log(
    o,
    `MLP 784-64-64-64-10, plain SGD, ${epochs} epochs on ${train.x.shape[0]} digits`,
    formatTable(
      ['normalization', 'lr', 'final train loss', 'test accuracy'],
      results.map((r) => [r.norm, r.lr, show(r.trainLoss), show(r.accuracy)]),
    ),
  );
  const plotPath = saveFigure(
    outPath(o, 'normalization.svg'),
    o.lrs.map((lr) => ({
      title: `training loss, lr ${lr}`,
      xLabel: 'epoch',
      logY: true,
      series: results
        .filter((r) => r.lr === lr)
        .map((r) => ({ name: r.norm, x: r.losses.map((_, e) => e + 1), y: r.losses })),
    })),
  );
  log(o, `plot: ${plotPath}`);
  return { results, plotPath };
}

if (isMain(import.meta.url))
  main(parseOptions({ epochs: 5, lrs: [0.01, 1] } as CommonOptions & { epochs: number; lrs: number[] }));
