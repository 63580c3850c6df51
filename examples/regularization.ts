/**
 * Regularization: one over-parameterized MLP, a small training set of digits, and eleven ways
 * to narrow the gap between training and validation accuracy:
 *   L1 / L2 penalties (λ·Σ|w|, λ·Σw²), dropout (Srivastava et al. 2014), early stopping on the
 *   validation accuracy, label smoothing (Szegedy et al. 2016 §7), Gaussian input noise, data
 *   augmentation (random rotations/shifts/zooms), an ensemble of independently trained copies,
 *   SWA (weights averaged over the second half of training; Izmailov et al. 2018), and
 *   multitask learning (a second head on the shared trunk reconstructs a 7×7 thumbnail).
 * Early stopping picks its epoch on the validation set, so its validation accuracy is optimistic.
 *
 *   pnpm example:regularization
 */
import { avgPool2d, manualSeed, type Tensor } from '@tsgrad/autograd';
import { transforms } from '@tsgrad/data';
import { Dropout, functional as F, Flatten, Linear, Module, ReLU, Sequential } from '@tsgrad/nn';
import { Adam, AveragedModel, EarlyStopping } from '@tsgrad/optim';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';
import { type Classifier, digits, evaluate, type FitOptions, fit, type Split } from './lib/train.js';

export interface RegularizationOptions extends CommonOptions {
  epochs: number;
  trainSize: number;
  width: number;
}
const DEFAULTS: RegularizationOptions = { epochs: 20, trainSize: 500, width: 128 };

function trunk(width: number, p = 0): Module & { forward(x: Tensor): Tensor } {
  const drop = () => (p > 0 ? [new Dropout(p)] : []);
  return new Sequential(
    new Flatten(),
    new Linear(784, width),
    new ReLU(),
    ...drop(),
    new Linear(width, width),
    new ReLU(),
    ...drop(),
  );
}

/** Trunk + classifier head; a second head reconstructs a 7×7 thumbnail of the input. */
class Multitask extends Module {
  trunk: Module & { forward(x: Tensor): Tensor };
  classify: Linear;
  reconstruct: Linear;
  /** What the last forward saw and made (a plain object, so the module walk skips it). */
  last: { x: Tensor | null; features: Tensor | null } = { x: null, features: null };
  constructor(width: number) {
    super();
    this.trunk = trunk(width);
    this.classify = new Linear(width, 10);
    this.reconstruct = new Linear(width, 49);
  }
  forward(x: Tensor): Tensor {
    this.last = { x, features: this.trunk.forward(x) };
    return this.classify.forward(this.last.features!);
  }
  auxiliaryLoss(): Tensor {
    const thumbnail = avgPool2d(this.last.x!, 4).reshape([-1, 49]);
    return F.mseLoss(this.reconstruct.forward(this.last.features!), thumbnail);
  }
}

/** Predicts the mean of its members' probabilities; forward returns its log. */
class Ensemble extends Module {
  constructor(readonly members: Classifier[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    let p = this.members[0]!.forward(x).softmax(1);
    for (const m of this.members.slice(1)) p = p.add(m.forward(x).softmax(1));
    return p.div(this.members.length).log();
  }
}

export function main(opts: Partial<RegularizationOptions> = {}) {
  const o = { ...DEFAULTS, ...opts };
  const [epochs, n, width, batchSize] = o.quick ? [12, 96, 48, 16] : [o.epochs, o.trainSize, o.width, 32];
  const seed = o.seed ?? 0;
  const { train, test: valid } = digits(n, o.quick ? 200 : 1000);
  const ce = (logits: Tensor, y: Tensor) => F.crossEntropy(logits, y);

  /** Trains one classifier (plus the variant's extras); returns the model to evaluate and its loss curve. */
  const run = (name: string, s = seed): { model: Classifier; losses: number[] } => {
    manualSeed(s);
    const model: Classifier =
      name === 'multitask'
        ? new Multitask(width)
        : new Sequential(trunk(width, name === 'dropout' ? 0.5 : 0), new Linear(width, 10));
    const weights = model.parameters().filter((p) => p.ndim === 2);
    const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
    const options: FitOptions = { epochs, batchSize, seed: s, loss: ce };
    if (name === 'L1') options.loss = (z, y) => ce(z, y).add(F.l1Penalty(weights).mul(3e-4));
    if (name === 'L2') options.loss = (z, y) => ce(z, y).add(F.l2Penalty(weights).mul(1e-2));
    if (name === 'label smoothing') options.loss = (z, y) => F.crossEntropy(z, y, { labelSmoothing: 0.2 });
    if (name === 'multitask')
      options.loss = (z, y) => ce(z, y).add((model as Multitask).auxiliaryLoss().mul(5));
    if (name === 'input noise') options.transform = transforms.gaussianNoise(0.5, { seed: s });
    if (name === 'augmentation')
      options.transform = transforms.randomAffine({
        degrees: 15,
        translate: [0.1, 0.1],
        scale: [0.85, 1.15],
        seed: s,
      });
    if (name === 'early stopping') {
      const stopper = new EarlyStopping({ patience: 3, mode: 'max', restoreBestWeights: true });
      options.onEpoch = () => stopper.step(evaluate(model, valid).accuracy, model);
    }
    if (name === 'SWA') {
      const swa = new AveragedModel(model);
      let epoch = 0;
      options.onEpoch = () => {
        if (++epoch >= epochs / 2) swa.updateParameters(model);
        return false;
      };
      return { model: swa as Classifier, losses: fit(model, optimizer, train, options) };
    }
    return { model, losses: fit(model, optimizer, train, options) };
  };

  const names = [
    'none',
    'L1',
    'L2',
    'dropout',
    'early stopping',
    'label smoothing',
    'input noise',
    'augmentation',
    'ensemble',
    'SWA',
    'multitask',
  ];
  const rows = names.map((name) => {
    let trained: { model: Classifier; losses: number[] };
    if (name === 'ensemble') {
      const members = Array.from({ length: o.quick ? 2 : 5 }, (_, k) => run('none', seed + 1 + k));
      trained = { model: new Ensemble(members.map((m) => m.model)), losses: members[0]!.losses };
    } else trained = run(name);
    const trainAccuracy = evaluate(trained.model, train as Split).accuracy;
    const validAccuracy = evaluate(trained.model, valid).accuracy;
    return { name, trainAccuracy, validAccuracy, gap: trainAccuracy - validAccuracy, losses: trained.losses };
  });
  log(
    o,
    `MLP 784-${width}-${width}-10 on ${n} digits, Adam, ${epochs} epochs; validation on ${valid.x.shape[0]} held-out digits`,
    formatTable(
      ['regularizer', 'final train loss', 'train acc', 'validation acc', 'gap'],
      rows.map((r) => [r.name, r.losses.at(-1)!, r.trainAccuracy, r.validAccuracy, r.gap]),
    ),
  );
  const plotPath = saveFigure(outPath(o, 'regularization.svg'), [
    {
      title: 'train vs validation accuracy',
      xLabel: 'regularizer (table order)',
      series: [
        { name: 'train', x: rows.map((_, i) => i), y: rows.map((r) => r.trainAccuracy), dots: true },
        { name: 'validation', x: rows.map((_, i) => i), y: rows.map((r) => r.validAccuracy), dots: true },
      ],
    },
    {
      title: 'training loss',
      xLabel: 'epoch',
      logY: true,
      series: rows.map((r) => ({ name: r.name, y: r.losses })),
    },
  ]);
  log(o, `plot: ${plotPath}`);
  return { rows: rows.map(({ losses: _, ...r }) => r), plotPath };
}

if (isMain(import.meta.url)) main(parseOptions(DEFAULTS));
