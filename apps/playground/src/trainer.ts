/**
 * The training loop behind the page, with no DOM: it makes the data, the network, the
 * optimizer and the schedule from a Config, runs one minibatch step at a time, and measures
 * what the page draws. The Web Worker (worker.ts) drives it; tests drive it directly.
 *
 * One step:  x̃ = x + σ·z (input noise) → logits → loss = CE(logits, y; label smoothing)
 *            + λ₁·Σ|W| + λ₂·ΣW² (weights only) → backward → record ‖∂L/∂W‖ per layer
 *            → clip the global norm → optimizer step.
 * One epoch: a seeded shuffle of the training set in batches; at its end the schedule steps,
 *            or, once SWA has started, the weights are folded into the SWA average and SWALR steps.
 */
import { manualSeed, noGrad, type Tensor, tensor } from '@tsgrad/autograd';
import { DataLoader, datasets, TensorDataset, type Transform, transforms } from '@tsgrad/data';
import { functional as F } from '@tsgrad/nn';
import {
  Adam,
  AdamW,
  type AnyOptimizer,
  AveragedModel,
  CosineAnnealingLR,
  CyclicLR,
  clipGradNorm,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  RMSprop,
  SGD,
  StepLR,
  SWALR,
  updateBn,
} from '@tsgrad/optim';
import { type Config, OPTIMIZER_KEYS, RESET_KEYS, VALIDATION_SIZE } from './config.js';
import { MLP } from './model.js';

/** Points as flat [x₀, y₀, x₁, y₁, …] with labels, ready to post to the page. */
export interface PointSet {
  x: Float32Array;
  y: Float32Array;
}

export interface DataSnapshot {
  train: PointSet;
  val: PointSet;
  classes: number;
  /** The square of the plane the page shows: [xMin, xMax, yMin, yMax]. */
  bounds: [number, number, number, number];
}

export interface Metrics {
  loss: number;
  accuracy: number;
}

export interface Snapshot {
  epoch: number;
  /** Epochs done, with the fraction of the current one: the x axis of the curves. */
  progress: number;
  step: number;
  lr: number;
  train: Metrics;
  val: Metrics;
  /** The SWA-averaged model on the validation set, once averaging has begun. */
  swa: Metrics | null;
  /** ‖∂L/∂W‖₂ of each linear layer (input → output), averaged over the steps since the last snapshot. */
  gradNorms: number[];
}

/** Where the data comes from; blobs get fixed centers so train and validation share them. */
function makeDataset(config: Config, n: number, seed: number): datasets.Labeled {
  const options = { noise: config.noise, seed };
  switch (config.dataset) {
    case 'moons':
      return datasets.moons(n, options);
    case 'circles':
      return datasets.circles(n, options);
    case 'spirals':
      return datasets.spirals(n, { ...options, turns: 1.25 });
    case 'xor':
      return datasets.xor(n, options);
    case 'blobs':
      return datasets.blobs(n, {
        ...options,
        centers: [
          [-1, -0.6],
          [1, -0.6],
          [0, 1.1],
        ],
      });
  }
}

function classCount(y: Tensor): number {
  let max = 0;
  for (const v of y.data) if (v > max) max = v;
  return max + 1;
}

/** A square around all the points with a 15% margin. */
function boundsOf(...xs: Tensor[]): [number, number, number, number] {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const x of xs) {
    for (let i = 0; i < x.data.length; i += 2) {
      x0 = Math.min(x0, x.data[i]!);
      x1 = Math.max(x1, x.data[i]!);
      y0 = Math.min(y0, x.data[i + 1]!);
      y1 = Math.max(y1, x.data[i + 1]!);
    }
  }
  const half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.15 + 1e-3;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return [cx - half, cx + half, cy - half, cy + half];
}

function makeOptimizer(config: Config, params: Tensor[]): AnyOptimizer {
  const { lr, momentum } = config;
  const betas: [number, number] = [config.beta1, config.beta2];
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(params, { lr });
    case 'momentum':
      return new SGD(params, { lr, momentum });
    case 'nesterov':
      return new SGD(params, { lr, momentum, nesterov: true });
    case 'rmsprop':
      return new RMSprop(params, { lr, alpha: config.alpha });
    case 'adam':
      return new Adam(params, { lr, betas });
    case 'adamw':
      return new AdamW(params, { lr, betas, weightDecay: config.weightDecay });
  }
}

/** The per-epoch schedule; `scheduleEpochs` (T) sets its time scale. Null for a constant lr. */
function makeScheduler(config: Config, optimizer: AnyOptimizer): LRScheduler | null {
  const T = Math.max(1, Math.round(config.scheduleEpochs));
  switch (config.schedule) {
    case 'constant':
      return null;
    case 'step': // halve every T/4 epochs
      return new StepLR(optimizer, { stepSize: Math.max(1, Math.round(T / 4)), gamma: 0.5 });
    case 'exponential': // 100× smaller after T epochs
      return new ExponentialLR(optimizer, { gamma: 0.01 ** (1 / T) });
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { tMax: T, etaMin: config.lr / 100 });
    case 'warmup': // from lr/10 up to lr over T epochs
      return new LinearLR(optimizer, { startFactor: 0.1, endFactor: 1, totalIters: T });
    case 'cyclic': // triangle between lr/10 and lr, period T
      return new CyclicLR(optimizer, {
        baseLr: config.lr / 10,
        maxLr: config.lr,
        stepSizeUp: Math.max(1, Math.round(T / 2)),
        cycleMomentum: false,
      });
  }
}

export class Trainer {
  config: Config;
  model!: MLP;
  optimizer!: AnyOptimizer;
  epoch = 0;
  step = 0;
  private trainX!: Tensor;
  private trainY!: Tensor;
  private valX!: Tensor;
  private valY!: Tensor;
  private classes = 2;
  private loader!: DataLoader<Tensor[]>;
  /** The batches of the current epoch (null between epochs) and how many have been used. */
  private batches: Iterator<Tensor[]> | null = null;
  private batchInEpoch = 0;
  private scheduler: LRScheduler | null = null;
  private swaModel: AveragedModel<MLP> | null = null;
  private swaScheduler: SWALR | null = null;
  private swaBnStale = false;
  private noise: Transform | null = null;
  private gradNormSums: Float64Array = new Float64Array(0);
  private gradNormSteps = 0;

  constructor(config: Config) {
    this.config = { ...config };
    this.reset();
  }

  /** New data, new network, new optimizer: epoch 0. */
  reset(): void {
    const c = this.config;
    const train = makeDataset(c, c.trainSize, c.seed);
    const val = makeDataset(c, VALIDATION_SIZE, c.seed + 7919);
    this.trainX = train.x;
    this.trainY = train.y;
    this.valX = val.x;
    this.valY = val.y;
    this.classes = classCount(train.y);
    manualSeed(c.seed); // initialization and dropout masks repeat for the same seed
    this.model = new MLP(2, this.classes, c);
    this.gradNormSums = new Float64Array(this.model.linears().length);
    this.gradNormSteps = 0;
    this.epoch = 0;
    this.step = 0;
    this.rebuildLoader();
    this.rebuildOptimizer();
    this.applyLive();
  }

  /**
   * Takes a new config and does the least that makes it hold: 'reset' when the data or the
   * architecture changed, 'optimizer' when the optimizer or schedule did, else 'live'.
   */
  update(next: Config): 'reset' | 'optimizer' | 'live' {
    const prev = this.config;
    this.config = { ...next };
    if (RESET_KEYS.some((k) => prev[k] !== next[k])) {
      this.reset();
      return 'reset';
    }
    if (prev.batchSize !== next.batchSize) this.rebuildLoader();
    this.applyLive();
    if (OPTIMIZER_KEYS.some((k) => prev[k] !== next[k])) {
      this.rebuildOptimizer();
      return 'optimizer';
    }
    return 'live';
  }

  private rebuildLoader(): void {
    const n = this.trainX.shape[0]!;
    const batchSize = Math.max(1, Math.min(Math.round(this.config.batchSize), n));
    // dropLast keeps BatchNorm away from a batch of one, whose variance is undefined.
    this.loader = new DataLoader(new TensorDataset(this.trainX, this.trainY), {
      batchSize,
      shuffle: true,
      dropLast: true,
      seed: this.config.seed,
    });
    this.batches = null; // a new batch size starts a new pass
    this.batchInEpoch = 0;
  }

  private rebuildOptimizer(): void {
    this.optimizer = makeOptimizer(this.config, this.model.parameters());
    this.scheduler = makeScheduler(this.config, this.optimizer);
    this.swaModel = null;
    this.swaScheduler = null;
  }

  private applyLive(): void {
    this.model.dropout = this.config.dropout;
    this.noise = this.config.inputNoise > 0 ? transforms.gaussianNoise(this.config.inputNoise) : null;
  }

  /** One minibatch: forward, loss, backward, clip, update. Returns the minibatch's loss. */
  trainStep(): number {
    this.batches ??= this.loader.iterEpoch(this.epoch);
    const [xb, yb] = this.batches.next().value as [Tensor, Tensor];
    const c = this.config;
    this.model.train();
    const logits = this.model.forward(this.noise ? this.noise(xb) : xb);
    let loss = F.crossEntropy(logits, yb, { labelSmoothing: c.labelSmoothing });
    const weights = this.model.linears().map((l) => l.weight);
    if (c.l1 > 0) loss = loss.add(F.l1Penalty(weights).mul(c.l1));
    if (c.l2 > 0) loss = loss.add(F.l2Penalty(weights).mul(c.l2));
    this.optimizer.zeroGrad();
    loss.backward();
    for (const [i, w] of weights.entries()) {
      let s = 0;
      for (const g of w.grad!.data) s += g * g;
      this.gradNormSums[i]! += Math.sqrt(s);
    }
    this.gradNormSteps++;
    if (c.clipNorm > 0) clipGradNorm(this.model.parameters(), c.clipNorm);
    this.optimizer.step();
    this.step++;
    if (++this.batchInEpoch === this.loader.length) this.endEpoch();
    return loss.item();
  }

  /** Runs the rest of the current epoch. */
  trainEpoch(): void {
    const epoch = this.epoch;
    while (this.epoch === epoch) this.trainStep();
  }

  private endEpoch(): void {
    this.epoch++;
    this.batches = null;
    this.batchInEpoch = 0;
    const c = this.config;
    if (c.swa && this.epoch >= c.swaStart) {
      this.swaModel ??= new AveragedModel(this.model);
      this.swaModel.updateParameters(this.model);
      this.swaBnStale = true;
      this.swaScheduler ??= new SWALR(this.optimizer, { swaLr: c.swaLr, annealEpochs: 10 });
      this.swaScheduler.step();
    } else {
      this.scheduler?.step();
    }
  }

  /** The model the page shows: the SWA average once it exists, else the one being trained. */
  private shown(): MLP | AveragedModel<MLP> {
    return this.swaModel ?? this.model;
  }

  private measure(model: MLP | AveragedModel<MLP>, x: Tensor, y: Tensor): Metrics {
    const wasTraining = model.training;
    model.eval();
    const metrics = noGrad(() => {
      const logits = model.forward(x);
      const loss = F.crossEntropy(logits, y).item();
      const predicted = logits.argmax(1).data;
      let correct = 0;
      for (let i = 0; i < predicted.length; i++) if (predicted[i] === y.data[i]) correct++;
      return { loss, accuracy: correct / predicted.length };
    });
    model.train(wasTraining);
    return metrics;
  }

  /** Recomputes the SWA model's BatchNorm statistics for its averaged weights, if needed. */
  private freshSwa(): AveragedModel<MLP> | null {
    if (this.swaModel !== null && this.swaBnStale && this.config.norm === 'batch') {
      updateBn([[this.trainX]], this.swaModel);
    }
    this.swaBnStale = false;
    return this.swaModel;
  }

  /**
   * Loss (plain cross-entropy: no smoothing, no penalty, eval mode) and accuracy on the
   * whole training and validation sets, and the gradient norms since the last snapshot.
   */
  snapshot(): Snapshot {
    const steps = Math.max(1, this.gradNormSteps);
    const gradNorms = Array.from(this.gradNormSums, (s) => s / steps);
    this.gradNormSums.fill(0);
    this.gradNormSteps = 0;
    const swa = this.freshSwa();
    return {
      epoch: this.epoch,
      progress: this.epoch + this.batchInEpoch / this.loader.length,
      step: this.step,
      lr: this.optimizer.paramGroups[0]!.lr,
      train: this.measure(this.model, this.trainX, this.trainY),
      val: this.measure(this.model, this.valX, this.valY),
      swa: swa === null ? null : this.measure(swa, this.valX, this.valY),
      gradNorms,
    };
  }

  data(): DataSnapshot {
    return {
      train: { x: Float32Array.from(this.trainX.data), y: Float32Array.from(this.trainY.data) },
      val: { x: Float32Array.from(this.valX.data), y: Float32Array.from(this.valY.data) },
      classes: this.classes,
      bounds: boundsOf(this.trainX, this.valX),
    };
  }

  /**
   * Class probabilities of the shown model at the centers of a size × size grid over bounds,
   * row-major from the top row (largest y): [size·size·classes].
   */
  grid(size: number, bounds: readonly [number, number, number, number]): Float32Array {
    const [x0, x1, y0, y1] = bounds;
    const points = new Float32Array(size * size * 2);
    for (let r = 0; r < size; r++) {
      for (let col = 0; col < size; col++) {
        const k = (r * size + col) * 2;
        points[k] = x0 + ((col + 0.5) / size) * (x1 - x0);
        points[k + 1] = y1 - ((r + 0.5) / size) * (y1 - y0);
      }
    }
    const model = this.freshSwa() ?? this.model;
    const wasTraining = model.training;
    model.eval();
    const probs = noGrad(() => model.forward(tensor(points).reshape([size * size, 2])).softmax(1));
    model.train(wasTraining);
    return Float32Array.from(probs.data);
  }

  /** Whether the model shown is the SWA average. */
  showsSwa(): boolean {
    return this.shown() !== this.model;
  }
}
