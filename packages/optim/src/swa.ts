/**
 * Weight averaging: stochastic weight averaging (SWA) and exponential moving averages (EMA) of
 * a model's weights, the SWA learning-rate schedule, and recomputing BatchNorm statistics for
 * the averaged weights.
 *
 *   const swaModel = new AveragedModel(model);                 // or { multiAvgFn: getEmaMultiAvgFn(0.999) }
 *   const swaSched = new SWALR(opt, { swaLr: 0.05 });
 *   for (epoch …) { train(); if (epoch >= swaStart) { swaModel.updateParameters(model); swaSched.step(); } }
 *   updateBn(loader, swaModel);                                  // BatchNorm stats for the averaged weights
 *
 * Follows torch.optim.swa_utils (PyTorch 1.13, with 2.x's multiAvgFn and getEmaAvgFn).
 * Ref: Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima and Better
 * Generalization", Algorithm 1.
 */
import { ArgumentError, noGrad, Tensor, zeros } from '@tsgrad/autograd';
import { BatchNorm1d, BatchNorm2d, buffer, isBuffer, Module } from '@tsgrad/nn';
import { type AnyOptimizer, check, LRScheduler, perGroup } from './schedulers/lrScheduler.js';

/** Returns the new average of one tensor: (average so far, current value, values averaged so far). */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: number) => Tensor;
/** Updates the averages of all tensors in place (no new tensors). */
export type MultiAvgFn = (averaged: Tensor[], current: Tensor[], numAveraged: number) => void;

export interface AveragedModelOptions {
  /** Per-tensor average; default the equal (SWA) average. */
  avgFn?: AvgFn;
  /** In-place average of all tensors at once; takes precedence over avgFn. */
  multiAvgFn?: MultiAvgFn;
  /** Average the buffers (BatchNorm statistics) too, instead of copying them. Default false. */
  useBuffers?: boolean;
}

/**
 * The equal average of the weights seen so far, in place, without allocating:
 *   θ̄ ← θ̄ + (θ − θ̄) / (n + 1)          (n: number averaged so far)
 */
export const swaMultiAvgFn: MultiAvgFn = (averaged, current, n) => {
  for (let k = 0; k < averaged.length; k++) {
    const a = averaged[k]!.data;
    const c = current[k]!.data;
    for (let i = 0; i < a.length; i++) a[i] = a[i]! + (c[i]! - a[i]!) / (n + 1);
  }
};

/** EMA of the weights as an AvgFn (tensor ops): θ̄ ← decay·θ̄ + (1 − decay)·θ. */
export function getEmaAvgFn(decay = 0.999): AvgFn {
  checkDecay(decay);
  return (averaged, current) => averaged.mul(decay).add(current.mul(1 - decay));
}

/** The same EMA in place, without allocating: θ̄ ← decay·θ̄ + (1 − decay)·θ. */
export function getEmaMultiAvgFn(decay = 0.999): MultiAvgFn {
  checkDecay(decay);
  return (averaged, current) => {
    for (let k = 0; k < averaged.length; k++) {
      const a = averaged[k]!.data;
      const c = current[k]!.data;
      for (let i = 0; i < a.length; i++) a[i] = decay * a[i]! + (1 - decay) * c[i]!;
    }
  };
}

function checkDecay(decay: number): void {
  if (!(decay >= 0 && decay <= 1)) throw new RangeError(`getEmaAvgFn: decay must be in [0, 1], got ${decay}`);
}

/**
 * A copy of `model` whose weights are the running average of the weights it is given by
 * `updateParameters(model)`. The first update copies; later ones average (avgFn/multiAvgFn).
 * Without useBuffers the buffers are copied from the model at every update (PyTorch ≥ 2.0;
 * 1.13 left them as they were at construction); run `updateBn` to recompute BatchNorm
 * statistics for the averaged weights. `nAveraged` counts the updates (a buffer, so it is saved).
 */
export class AveragedModel<M extends Module = Module> extends Module {
  readonly module: M;
  nAveraged: Tensor = buffer(zeros([], { dtype: 'float64' }));
  private readonly avgFn: AvgFn | null;
  private readonly multiAvgFn: MultiAvgFn | null;
  readonly useBuffers: boolean;

  constructor(model: M, options: AveragedModelOptions = {}) {
    super();
    if (!(model instanceof Module))
      throw new ArgumentError('AveragedModel', `expects a Module to average, got ${String(model)}`);
    this.module = deepCopy(model, new Map());
    this.avgFn = options.avgFn ?? null;
    this.multiAvgFn = options.multiAvgFn ?? null;
    this.useBuffers = options.useBuffers ?? false;
  }

  forward(...inputs: Tensor[]): Tensor {
    return this.module.forward(...inputs);
  }

  /** Folds `model`'s current weights into the average. */
  updateParameters(model: M): void {
    const pick = (m: Module) => (this.useBuffers ? [...m.parameters(), ...m.buffers()] : m.parameters());
    const mine = pick(this.module);
    const theirs = pick(model);
    if (mine.length !== theirs.length || mine.some((t, i) => t.size !== theirs[i]!.size)) {
      throw new RangeError(
        'AveragedModel: updateParameters: the model does not have the averaged model’s tensors',
      );
    }
    const n = this.nAveraged.data[0]!;
    if (n === 0) {
      for (const [i, t] of mine.entries()) t.data.set(theirs[i]!.data);
    } else if (this.multiAvgFn !== null) {
      this.multiAvgFn(mine, theirs, n);
    } else if (this.avgFn !== null) {
      const avgFn = this.avgFn;
      noGrad(() => {
        for (const [i, t] of mine.entries()) t.data.set(avgFn(t, theirs[i]!, n).data);
      });
    } else {
      swaMultiAvgFn(mine, theirs, n);
    }
    if (!this.useBuffers) {
      const theirBuffers = model.buffers();
      for (const [i, b] of this.module.buffers().entries()) b.data.set(theirBuffers[i]!.data);
    }
    this.nAveraged.data[0] = n + 1;
  }
}

/**
 * A deep copy of a module: submodules, parameters and buffers are copied (tensor data
 * included; shared tensors stay shared); functions and other objects are shared.
 */
function deepCopy<T>(value: T, memo: Map<object, unknown>): T {
  if (value === null || typeof value !== 'object') return value;
  if (memo.has(value)) return memo.get(value) as T;
  if (value instanceof Tensor) {
    const copy = new Tensor(value.data.slice(), value.shape, value.requiresGrad);
    if (isBuffer(value)) buffer(copy);
    memo.set(value, copy);
    return copy as T;
  }
  if (ArrayBuffer.isView(value)) return (value as unknown as Float64Array).slice() as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    memo.set(value, out);
    for (const v of value) out.push(deepCopy(v, memo));
    return out as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (!(value instanceof Module) && proto !== Object.prototype) return value;
  const out = Object.create(proto) as T & object;
  memo.set(value, out);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in d) d.value = deepCopy(d.value, memo);
    Object.defineProperty(out, key, d);
  }
  return out;
}

/**
 * Recomputes the BatchNorm running statistics of `model` with one pass over `loader`, as
 * PyTorch's update_bn: running stats reset (mean 0, var 1, numBatchesTracked 0), momentum set
 * to null so each is the cumulative average over the batches (runningMean = mean of the batch
 * means), forward in training mode under noGrad; then momentum and the mode are restored.
 * A batch may be a tensor or an array whose first element is the input (`[x, y]`).
 */
export function updateBn(loader: Iterable<Tensor | readonly Tensor[]>, model: Module): void {
  const bns = model
    .modules()
    .filter((m): m is BatchNorm1d | BatchNorm2d => m instanceof BatchNorm1d || m instanceof BatchNorm2d)
    .filter((m) => m.runningMean !== null);
  if (bns.length === 0) return;
  const momenta = bns.map((m) => m.momentum);
  const wasTraining = model.training;
  // momentum is readonly for users; updateBn switches it off for the pass, as PyTorch does.
  const setMomentum = (m: BatchNorm1d | BatchNorm2d, v: number | null) => {
    (m as { momentum: number | null }).momentum = v;
  };
  try {
    for (const m of bns) {
      m.resetRunningStats();
      setMomentum(m, null);
    }
    model.train();
    noGrad(() => {
      for (const batch of loader) model.forward(batch instanceof Tensor ? batch : batch[0]!);
    });
  } finally {
    for (const [i, m] of bns.entries()) setMomentum(m, momenta[i]!);
    model.train(wasTraining);
  }
}

export interface SWALROptions {
  /** The lr to anneal to and hold; one value or one per group. */
  swaLr: number | number[];
  /** Epochs of annealing. Default 10. */
  annealEpochs?: number;
  /** Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  lastEpoch?: number;
}

/**
 * SWALR: anneals each group's lr from where it is when SWALR starts stepping to swaLr over
 * annealEpochs, then holds it:
 *   lr(t) = swaLr·α + lr₀·(1 − α),   α = (1 − cos(π·s))/2 (cos) or s (linear),  s = min(1, t/annealEpochs)
 * PyTorch recovers lr₀ from the current lr at every step; here lr₀ is the group's lr at the
 * first step (or construction), which is the same while nothing else changes the lr.
 */
export class SWALR extends LRScheduler {
  readonly swaLrs: number[];
  readonly annealEpochs: number;
  private readonly anneal: (t: number) => number;
  private startLrs: number[];

  constructor(optimizer: AnyOptimizer, options: SWALROptions) {
    super('SWALR', optimizer, options.lastEpoch);
    this.swaLrs = perGroup('SWALR', optimizer, options.swaLr);
    this.annealEpochs = options.annealEpochs ?? 10;
    check(
      Number.isInteger(this.annealEpochs) && this.annealEpochs >= 0,
      'SWALR',
      'annealEpochs',
      'an integer >= 0',
      this.annealEpochs,
    );
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy === 'cos') this.anneal = (t) => (1 - Math.cos(Math.PI * t)) / 2;
    else if (strategy === 'linear') this.anneal = (t) => t;
    else throw new RangeError(`SWALR: annealStrategy must be 'cos' or 'linear', got ${String(strategy)}`);
    this.startLrs = this.groups().map((g) => g.lr);
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    const t = this.annealEpochs === 0 ? 1 : Math.max(0, Math.min(1, epoch / this.annealEpochs));
    const alpha = this.anneal(t);
    return this.swaLrs[group]! * alpha + this.startLrs[group]! * (1 - alpha);
  }

  override step(epoch?: number): void {
    // Another scheduler may have moved the lr since construction: anneal from where it is now.
    if (epoch === undefined && this.lastEpoch === 0) this.startLrs = this.groups().map((g) => g.lr);
    super.step(epoch);
  }
}
