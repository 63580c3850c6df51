/**
 * EarlyStopping: stop training when a validation metric has stopped improving, and optionally
 * put back the weights of the best epoch (TensorFlow.js throws NotImplemented for that; here
 * it works). Keras's rules:
 *   improved  ⇔  metric < best − minDelta   (mode 'min')   or   metric > best + minDelta  ('max')
 *   otherwise wait ← wait + 1, and training should stop once wait ≥ patience.
 *
 *   const stopper = new EarlyStopping({ patience: 5, restoreBestWeights: true });
 *   for (let epoch = 0; ; epoch++) { train(); if (stopper.step(validate(), model)) break; }
 */
import { Tensor } from '@tsgrad/autograd';
import type { Module, StateDict } from '@tsgrad/nn';

export interface EarlyStoppingOptions {
  /** Epochs without improvement to allow before stopping. Default 0 (as Keras). */
  patience?: number;
  /** The smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** 'min' for a loss, 'max' for an accuracy. Default 'min'. */
  mode?: 'min' | 'max';
  /** Snapshot the model at each improvement and load that snapshot back on stopping. Default false. */
  restoreBestWeights?: boolean;
}

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** The epoch (0-based count of step calls) of the best metric; −1 before any. */
  bestEpoch = -1;
  /** Epochs since the last improvement. */
  wait = 0;
  /** Number of step calls so far. */
  epoch = 0;
  /** Set once wait reaches patience. */
  shouldStop = false;
  private bestWeights: StateDict | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.mode = options.mode ?? 'min';
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) {
      throw new RangeError(`EarlyStopping: patience must be an integer >= 0, got ${this.patience}`);
    }
    if (this.mode !== 'min' && this.mode !== 'max') {
      throw new RangeError(`EarlyStopping: mode must be 'min' or 'max', got ${String(this.mode)}`);
    }
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Is `metric` an improvement on the best so far by more than minDelta? */
  isImprovement(metric: number): boolean {
    return this.mode === 'min' ? metric < this.best - this.minDelta : metric > this.best + this.minDelta;
  }

  /**
   * Records one epoch's metric; returns true when training should stop. With
   * restoreBestWeights, pass the model every time: it is snapshotted when the metric improves
   * and restored when this returns true.
   */
  step(metric: number, model?: Module): boolean {
    if (this.restoreBestWeights && model === undefined) {
      throw new RangeError('EarlyStopping: restoreBestWeights needs the model: step(metric, model)');
    }
    if (this.isImprovement(metric)) {
      this.best = metric;
      this.bestEpoch = this.epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = snapshot(model!);
    } else {
      this.wait += 1;
      if (this.wait >= this.patience) this.shouldStop = true;
    }
    this.epoch += 1;
    if (this.shouldStop && this.restoreBestWeights) this.restore(model!);
    return this.shouldStop;
  }

  /** Loads the best epoch's weights (parameters and buffers) into `model`, in place. */
  restore(model: Module): void {
    if (this.bestWeights === null)
      throw new RangeError('EarlyStopping: restore: no epoch has been recorded yet');
    model.loadStateDict(this.bestWeights);
  }
}

/** A copy of the model's parameters and buffers (stateDict shares their storage). */
function snapshot(model: Module): StateDict {
  const copy: StateDict = new Map();
  for (const [name, t] of model.stateDict()) copy.set(name, new Tensor(t.data.slice(), t.shape));
  return copy;
}
