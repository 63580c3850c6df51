/**
 * The training loop the examples share, written once and kept plain: batches from a
 * DataLoader, forward, loss, backward, step. And the digits, and how well a model does on them.
 */
import { noGrad, type Tensor } from '@tsgrad/autograd';
import { DataLoader, datasets, TensorDataset, type Transform } from '@tsgrad/data';
import { mnistDigits } from '@tsgrad/data/node';
import { functional as F, type Module } from '@tsgrad/nn';
import type { Optimizer, OptimizerOptions } from '@tsgrad/optim';

/** A model that maps a batch to logits. */
export type Classifier = Module & { forward(x: Tensor): Tensor };

// biome-ignore lint/suspicious/noExplicitAny: any optimizer, whatever its state type
export type AnyOptimizer = Optimizer<OptimizerOptions, any>;

export interface Split {
  x: Tensor;
  y: Tensor;
}

let cached: { train: datasets.ImageSet; test: datasets.ImageSet } | null = null;

/**
 * The real digits: the first `nTrain` of the fixed 8,000-digit training split and the first
 * `nTest` of the 2,000 held-out digits (both already in a seeded random order).
 * `flat` gives x [n, 784] for MLPs instead of [n, 1, 28, 28].
 */
export function digits(nTrain = 8000, nTest = 2000, flat = false): { train: Split; test: Split } {
  cached ??= datasets.trainTestSplit(mnistDigits());
  const take = (s: datasets.ImageSet, n: number): Split => {
    const x = s.images.narrow(0, 0, Math.min(n, s.images.shape[0]!));
    return { x: flat ? x.reshape([x.shape[0]!, 784]) : x, y: s.labels.narrow(0, 0, x.shape[0]!) };
  };
  return { train: take(cached.train, nTrain), test: take(cached.test, nTest) };
}

/** Mean loss and accuracy of `model` (in eval mode, without a graph) on x, y. */
export function evaluate(
  model: Classifier,
  data: Split,
  batchSize = 500,
): { loss: number; accuracy: number } {
  const wasTraining = model.training;
  model.eval();
  let loss = 0;
  let correct = 0;
  const n = data.x.shape[0]!;
  noGrad(() => {
    for (let i = 0; i < n; i += batchSize) {
      const m = Math.min(batchSize, n - i);
      const logits = model.forward(data.x.narrow(0, i, m));
      const y = data.y.narrow(0, i, m);
      loss += F.crossEntropy(logits, y).item() * m;
      correct += logits.argmax(1).eq(y).sum().item();
    }
  });
  model.train(wasTraining);
  return { loss: loss / n, accuracy: correct / n };
}

/** Accuracy of logits [n, C] against labels [n]. */
export function accuracyOf(logits: Tensor, labels: Tensor): number {
  return noGrad(() => logits.argmax(1).eq(labels).mean().item());
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  seed?: number;
  /** Applied to each training batch (augmentation, input noise). */
  transform?: Transform;
  /** The loss of a batch (default cross-entropy). */
  loss?: (logits: Tensor, y: Tensor, model: Classifier) => Tensor;
  /** Called after each epoch; return true to stop early. */
  onEpoch?: (epoch: number, trainLoss: number) => boolean | undefined;
  /** Called between backward and the optimizer step (to measure or clip gradients). */
  beforeStep?: () => void;
  /** Called after each optimizer step (per-batch schedules, SWA). */
  onStep?: () => void;
}

/** Trains `model` on `data` with `optimizer`; returns the mean training loss of each epoch. */
export function fit(model: Classifier, optimizer: AnyOptimizer, data: Split, options: FitOptions): number[] {
  const loader = new DataLoader(new TensorDataset(data.x, data.y), {
    batchSize: options.batchSize ?? 64,
    shuffle: true,
    seed: options.seed ?? 0,
  });
  const lossFn = options.loss ?? ((logits: Tensor, y: Tensor) => F.crossEntropy(logits, y));
  const history: number[] = [];
  model.train();
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    let sum = 0;
    let count = 0;
    for (const [xb, yb] of loader) {
      const x = options.transform ? options.transform(xb) : xb;
      optimizer.zeroGrad();
      const loss = lossFn(model.forward(x), yb, model);
      loss.backward();
      options.beforeStep?.();
      optimizer.step();
      options.onStep?.();
      sum += loss.item() * xb.shape[0]!;
      count += xb.shape[0]!;
    }
    history.push(sum / count);
    if (options.onEpoch?.(epoch, sum / count)) break;
  }
  return history;
}

/** ‖t‖₂ of a tensor's values (no graph). */
export function norm(t: Tensor): number {
  let acc = 0;
  for (let i = 0; i < t.size; i++) acc += t.data[i]! * t.data[i]!;
  return Math.sqrt(acc);
}

/** counts[true][predicted] over a labelled set. */
export function confusionMatrix(model: Classifier, data: Split, classes = 10): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const wasTraining = model.training;
  model.eval();
  const n = data.x.shape[0]!;
  noGrad(() => {
    for (let start = 0; start < n; start += 500) {
      const m = Math.min(500, n - start);
      const predicted = model.forward(data.x.narrow(0, start, m)).argmax(1).data;
      for (let i = 0; i < m; i++) counts[data.y.data[start + i]!]![predicted[i]!]! += 1;
    }
  });
  model.train(wasTraining);
  return counts;
}
