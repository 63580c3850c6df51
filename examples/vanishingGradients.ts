/**
 * Vanishing gradients: in a deep sigmoid network the early layers learn far more slowly than
 * the late ones, because backpropagation multiplies by σ'(z) ≤ ¼ and by the weights at every
 * layer. Shown as the per-layer gradient norm ‖∂L/∂Wₗ‖ during training (the classic figure of
 * Nielsen's "Neural Networks and Deep Learning", ch. 5), for 2, 3 and 4 hidden layers, then for
 * 4 hidden layers with the usual remedies: ReLU, He initialization, batch normalization,
 * residual connections, and gradient clipping (which bounds the step for exploding gradients
 * but, scaling every layer alike, does nothing for the ratio between them).
 * Ref: Glorot & Bengio 2010 §4; Ioffe & Szegedy 2015; He et al. 2016 (ResNets).
 *
 *   pnpm example:vanishingGradients
 */
import { manualSeed, type Tensor } from '@tsgrad/autograd';
import { BatchNorm1d, init, Linear, Module } from '@tsgrad/nn';
import { clipGradNorm, SGD } from '@tsgrad/optim';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';
import { digits, evaluate, fit, norm } from './lib/train.js';

export interface Variant {
  name: string;
  hidden: number;
  activation: 'sigmoid' | 'relu';
  he?: boolean;
  batchNorm?: boolean;
  residual?: boolean;
  clip?: number;
}

export const VARIANTS: Variant[] = [
  { name: 'sigmoid, 2 hidden', hidden: 2, activation: 'sigmoid' },
  { name: 'sigmoid, 3 hidden', hidden: 3, activation: 'sigmoid' },
  { name: 'sigmoid, 4 hidden', hidden: 4, activation: 'sigmoid' },
  { name: 'ReLU', hidden: 4, activation: 'relu' },
  { name: 'ReLU + He init', hidden: 4, activation: 'relu', he: true },
  { name: 'sigmoid + BatchNorm', hidden: 4, activation: 'sigmoid', batchNorm: true },
  { name: 'sigmoid + residual', hidden: 4, activation: 'sigmoid', residual: true },
  { name: 'sigmoid + clipGradNorm(0.5)', hidden: 4, activation: 'sigmoid', clip: 0.5 },
];

/** 784 → width (× hidden) → 10, with the variant's activation and remedies. */
class DeepNet extends Module {
  hidden: Linear[] = [];
  norms: BatchNorm1d[] = [];
  out: Linear;
  constructor(
    readonly v: Variant,
    width: number,
  ) {
    super();
    for (let l = 0; l < v.hidden; l++) {
      const layer = new Linear(l === 0 ? 784 : width, width);
      if (v.he) init.kaimingNormal(layer.weight, { nonlinearity: 'relu' });
      this.hidden.push(layer);
      if (v.batchNorm) this.norms.push(new BatchNorm1d(width));
    }
    this.out = new Linear(width, 10);
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (let l = 0; l < this.hidden.length; l++) {
      let z = this.hidden[l]!.forward(h);
      if (this.v.batchNorm) z = this.norms[l]!.forward(z);
      const a = this.v.activation === 'relu' ? z.relu() : z.sigmoid();
      h = this.v.residual && l > 0 ? h.add(a) : a; // y = x + f(x) where the widths match
    }
    return this.out.forward(h);
  }
}

export function main(opts: Partial<CommonOptions & { epochs: number; width: number }> = {}) {
  const o = { epochs: 5, width: 30, ...opts };
  const epochs = o.quick ? 2 : o.epochs;
  const { train, test } = digits(o.quick ? 320 : 2000, o.quick ? 200 : 1000, true);
  const results = [];
  const curves = [];
  for (const v of VARIANTS) {
    manualSeed(o.seed ?? 0);
    const model = new DeepNet(v, o.width);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    // ‖∂L/∂Wₗ‖ of each hidden layer, averaged over the batches of each epoch.
    const perEpoch: number[][] = [];
    let sums = new Array<number>(v.hidden).fill(0);
    let batches = 0;
    const recordNorms = () => {
      for (let l = 0; l < v.hidden; l++) sums[l]! += norm(model.hidden[l]!.weight.grad!);
      batches += 1;
      if (v.clip !== undefined) clipGradNorm(model.parameters(), v.clip);
    };
    fit(model, optimizer, train, {
      epochs,
      batchSize: 32,
      seed: o.seed ?? 0,
      beforeStep: recordNorms,
      onEpoch: () => {
        perEpoch.push(sums.map((s) => s / batches));
        sums = sums.map(() => 0);
        batches = 0;
        return false;
      },
    });
    const first = perEpoch[0]!;
    results.push({
      name: v.name,
      norms: first,
      ratio: first[0]! / first.at(-1)!,
      accuracy: evaluate(model, test).accuracy,
    });
    if (v.hidden === 4 && v.activation === 'sigmoid' && !v.batchNorm && !v.residual && v.clip === undefined)
      curves.push(
        ...first.map((_, l) => ({
          name: `hidden layer ${l + 1}`,
          x: perEpoch.map((_, e) => e + 1),
          y: perEpoch.map((n) => n[l]!),
        })),
      );
  }
  const header = ['network', '‖∂L/∂W₁‖', '‖∂L/∂W₂‖', '‖∂L/∂W₃‖', '‖∂L/∂W₄‖', 'first/last', 'test acc'];
  const rows = results.map((r) => [
    r.name,
    ...[0, 1, 2, 3].map((l) => (l < r.norms.length ? r.norms[l]! : '')),
    r.ratio,
    r.accuracy,
  ]);
  log(
    o,
    `gradient norm per hidden layer (mean over epoch 1), then test accuracy after ${epochs} epochs`,
    formatTable(header, rows),
  );
  const plotPath = saveFigure(outPath(o, 'vanishingGradients.svg'), [
    { title: 'sigmoid, 4 hidden layers: ‖∂L/∂Wₗ‖', xLabel: 'epoch', logY: true, series: curves },
    {
      title: 'first/last layer gradient ratio (epoch 1)',
      logY: true,
      xLabel: 'variant (table order)',
      series: [
        { name: 'ratio', x: results.map((_, i) => i + 1), y: results.map((r) => r.ratio), dots: true },
      ],
    },
  ]);
  log(o, `plot: ${plotPath}`);
  return { results, plotPath };
}

if (isMain(import.meta.url))
  main(parseOptions({ epochs: 5, width: 30 } as CommonOptions & { epochs: number; width: number }));
