/**
 * Schedules that decay the learning rate from its starting value: in steps (StepLR,
 * MultiStepLR), geometrically (ExponentialLR), polynomially to zero (PolynomialLR), or along
 * a cosine (CosineAnnealingLR). Each is PyTorch 1.13's closed form; t is the epoch.
 */
import { type AnyOptimizer, check, LRScheduler } from './lrScheduler.js';

export interface StepLROptions {
  /** Decay every stepSize epochs. */
  stepSize: number;
  /** The factor per decay. Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/** StepLR: lr = base_lr · γ^⌊t / stepSize⌋ (constant for stepSize epochs, then × γ). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    super('StepLR', optimizer, options.lastEpoch);
    check(
      Number.isInteger(options.stepSize) && options.stepSize > 0,
      'StepLR',
      'stepSize',
      'a positive integer',
      options.stepSize,
    );
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group]! * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

export interface MultiStepLROptions {
  /** Epochs at which lr is multiplied by gamma (a repeated milestone multiplies twice). */
  milestones: readonly number[];
  /** Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/** MultiStepLR: lr = base_lr · γ^(number of milestones ≤ t), constant between milestones. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    super('MultiStepLR', optimizer, options.lastEpoch);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    let passed = 0;
    while (passed < this.milestones.length && this.milestones[passed]! <= epoch) passed++;
    return this.baseLrs[group]! * this.gamma ** passed;
  }
}

export interface ExponentialLROptions {
  /** The factor per epoch. */
  gamma: number;
  lastEpoch?: number;
}

/** ExponentialLR: lr = base_lr · γ^t. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    super('ExponentialLR', optimizer, options.lastEpoch);
    this.gamma = options.gamma;
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group]! * this.gamma ** epoch;
  }
}

export interface PolynomialLROptions {
  /** Epochs until lr reaches 0. Default 5. */
  totalIters?: number;
  /** Default 1 (linear decay). */
  power?: number;
  lastEpoch?: number;
}

/** PolynomialLR: lr = base_lr · (1 − min(t, T)/T)^power, reaching 0 at T = totalIters. */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: AnyOptimizer, options: PolynomialLROptions = {}) {
    super('PolynomialLR', optimizer, options.lastEpoch);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
    check(this.totalIters > 0, 'PolynomialLR', 'totalIters', '> 0', this.totalIters);
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group]! * (1 - Math.min(this.totalIters, epoch) / this.totalIters) ** this.power;
  }
}

export interface CosineAnnealingLROptions {
  /** Half-period T in epochs: lr falls from base_lr to etaMin over T epochs (then rises again). */
  tMax: number;
  /** The lowest lr. Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * CosineAnnealingLR: lr = η_min + (base_lr − η_min) · (1 + cos(π·t / T)) / 2.
 * PyTorch's `get_lr` is a recursive form with three special cases; this is its closed form
 * (PyTorch's `_get_closed_form_lr`), equal to it up to rounding. Past T it climbs back, as PyTorch.
 * Ref: Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts", eq. 5
 * (without the restarts).
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    super('CosineAnnealingLR', optimizer, options.lastEpoch);
    check(options.tMax > 0, 'CosineAnnealingLR', 'tMax', '> 0', options.tMax);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    const base = this.baseLrs[group]!;
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
