import { type AnyOptimizer, check, perGroup, type SchedulableGroup } from './lrScheduler.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** How much better counts as better. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on lr; one value or one per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than eps are skipped. Default 1e-8. */
  eps?: number;
}

export interface ReduceLROnPlateauState {
  lastEpoch: number;
  best: number;
  numBadEpochs: number;
  cooldownCounter: number;
}

/**
 * ReduceLROnPlateau: multiplies lr by `factor` once the metric passed to `step(metric)` has
 * not improved for more than `patience` epochs. There is no closed form: the schedule
 * depends on the metric. Same rules as PyTorch 1.13 (improvement test, cooldown, minLr, eps).
 */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  lastEpoch = 0;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const name = 'ReduceLROnPlateau';
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.minLrs = perGroup(name, optimizer, options.minLr ?? 0);
    this.eps = options.eps ?? 1e-8;
    check(this.factor < 1, name, 'factor', '< 1', this.factor);
    check(this.mode === 'min' || this.mode === 'max', name, 'mode', "'min' or 'max'", this.mode);
    check(
      this.thresholdMode === 'rel' || this.thresholdMode === 'abs',
      name,
      'thresholdMode',
      "'rel' or 'abs'",
      this.thresholdMode,
    );
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Is `a` better than `best` by more than the threshold? */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') {
      return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    }
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records one epoch's metric, reducing the lr if it has plateaued. */
  step(metric: number): void {
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      for (const [i, g] of (this.optimizer.paramGroups as SchedulableGroup[]).entries()) {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      }
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): ReduceLROnPlateauState {
    const { lastEpoch, best, numBadEpochs, cooldownCounter } = this;
    return { lastEpoch, best, numBadEpochs, cooldownCounter };
  }

  loadStateDict(state: ReduceLROnPlateauState): void {
    // Only the four known fields, checked: a state dict must not overwrite methods or options.
    const { lastEpoch, best, numBadEpochs, cooldownCounter } = state ?? ({} as ReduceLROnPlateauState);
    const counts = [lastEpoch, numBadEpochs, cooldownCounter];
    if (
      !counts.every((c) => Number.isInteger(c) && c >= 0) ||
      typeof best !== 'number' ||
      Number.isNaN(best)
    ) {
      throw new RangeError(
        `ReduceLROnPlateau.loadStateDict: expected non-negative integer counters and a number best, got ${JSON.stringify(state)}`,
      );
    }
    Object.assign(this, { lastEpoch, best, numBadEpochs, cooldownCounter });
  }
}
