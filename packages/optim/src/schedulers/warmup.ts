/**
 * Warmup schedules: a reduced lr for the first epochs, then the full one. Usually the first
 * part of a SequentialLR. Each is PyTorch 1.13's closed form; t is the epoch.
 */
import { type AnyOptimizer, check, LRScheduler } from './lrScheduler.js';

export interface ConstantLROptions {
  /** The lr is base_lr · factor until totalIters. Default 1/3. */
  factor?: number;
  /** Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

/** ConstantLR: lr = base_lr · factor for t < totalIters, then base_lr. */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, options: ConstantLROptions = {}) {
    super('ConstantLR', optimizer, options.lastEpoch);
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    check(this.factor >= 0 && this.factor <= 1, 'ConstantLR', 'factor', 'in [0, 1]', this.factor);
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group]! * (epoch >= this.totalIters ? 1 : this.factor);
  }
}

export interface LinearLROptions {
  /** Default 1/3. */
  startFactor?: number;
  /** Default 1. */
  endFactor?: number;
  /** Epochs over which the factor moves from start to end. Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

/**
 * LinearLR: the factor moves linearly from startFactor to endFactor over totalIters epochs:
 *   lr = base_lr · (s + (e − s) · min(t, T) / T)
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    super('LinearLR', optimizer, options.lastEpoch);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    check(
      this.startFactor >= 0 && this.startFactor <= 1,
      'LinearLR',
      'startFactor',
      'in [0, 1]',
      this.startFactor,
    );
    check(this.endFactor >= 0 && this.endFactor <= 1, 'LinearLR', 'endFactor', 'in [0, 1]', this.endFactor);
    check(this.totalIters > 0, 'LinearLR', 'totalIters', '> 0', this.totalIters);
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    const { startFactor: s, endFactor: e, totalIters: T } = this;
    return this.baseLrs[group]! * (s + ((e - s) * Math.min(T, epoch)) / T);
  }
}
