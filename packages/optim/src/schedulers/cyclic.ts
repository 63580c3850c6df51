/**
 * Cyclical schedules, stepped once per batch: CyclicLR (lr bounces between two bounds) and
 * OneCycleLR (one warmup to a peak, then a long anneal far below the start). Both cycle the
 * momentum the opposite way (high lr, low momentum), as in Smith's papers.
 */
import { type AnyOptimizer, check, LRScheduler, perGroup, type SchedulableGroup } from './lrScheduler.js';

export type CyclicMode = 'triangular' | 'triangular2' | 'expRange';

export interface CyclicLROptions {
  /** Lower bound of each cycle (also the lr set at construction); one value or one per group. */
  baseLr: number | number[];
  /** Upper bound of each cycle (before scaling). */
  maxLr: number | number[];
  /** Iterations rising from baseLr to maxLr. Default 2000. */
  stepSizeUp?: number;
  /** Iterations falling back. Default stepSizeUp. */
  stepSizeDown?: number;
  /** triangular: constant height; triangular2: halved every cycle; expRange: × γ^iteration. */
  mode?: CyclicMode;
  /** expRange's factor per iteration. Default 1. */
  gamma?: number;
  /** A custom amplitude scale (overrides mode), of the cycle number or of the iteration. */
  scaleFn?: (x: number) => number;
  /** What scaleFn takes: 'cycle' (1, 2, …) or 'iterations'. Default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle the optimizer's momentum inversely to lr, between baseMomentum and maxMomentum. Default true. */
  cycleMomentum?: boolean;
  /** Default 0.8. */
  baseMomentum?: number | number[];
  /** Default 0.9. */
  maxMomentum?: number | number[];
  lastEpoch?: number;
}

/**
 * CyclicLR: a triangular wave between baseLr and maxLr, t counted in batches:
 *   cycle = ⌊1 + t/(up + down)⌋     x = 1 + t/(up + down) − cycle       (position in the cycle, 0…1)
 *   s = x/r for x ≤ r, else (x − 1)/(r − 1)       r = up/(up + down)   (0 → 1 → 0)
 *   lr = baseLr + (maxLr − baseLr) · s · scale(cycle or t)
 *   momentum = maxMomentum − (maxMomentum − baseMomentum) · s · scale(…)
 * Ref: Smith 2017, "Cyclical Learning Rates for Training Neural Networks", section 3.1.
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: CyclicMode;
  readonly gamma: number;
  readonly scaleMode: 'cycle' | 'iterations';
  readonly cycleMomentum: boolean;
  readonly baseMomentums: number[] = [];
  readonly maxMomentums: number[] = [];
  private readonly scaleFn: (x: number) => number;

  constructor(optimizer: AnyOptimizer, options: CyclicLROptions) {
    const lastEpoch = options.lastEpoch ?? -1;
    const baseLrs = perGroup('CyclicLR', optimizer, options.baseLr);
    // Before the base constructor records initialLr: the cycle starts at baseLr.
    if (lastEpoch === -1) for (const [i, g] of optimizer.paramGroups.entries()) g.lr = baseLrs[i]!;
    super('CyclicLR', optimizer, lastEpoch);
    const groups = this.groups();
    this.baseLrs = baseLrs;
    this.maxLrs = perGroup('CyclicLR', optimizer, options.maxLr);
    const up = options.stepSizeUp ?? 2000;
    const down = options.stepSizeDown ?? up;
    check(up > 0, 'CyclicLR', 'stepSizeUp', '> 0', up);
    check(down > 0, 'CyclicLR', 'stepSizeDown', '> 0', down);
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = options.mode ?? 'triangular';
    this.gamma = options.gamma ?? 1;
    if (options.scaleFn !== undefined) {
      this.scaleFn = options.scaleFn;
      this.scaleMode = options.scaleMode ?? 'cycle';
    } else if (this.mode === 'triangular') {
      this.scaleFn = () => 1;
      this.scaleMode = 'cycle';
    } else if (this.mode === 'triangular2') {
      this.scaleFn = (cycle) => 1 / 2 ** (cycle - 1);
      this.scaleMode = 'cycle';
    } else if (this.mode === 'expRange') {
      this.scaleFn = (t) => this.gamma ** t;
      this.scaleMode = 'iterations';
    } else {
      throw new RangeError(
        `CyclicLR: mode must be 'triangular', 'triangular2' or 'expRange', got ${String(this.mode)}`,
      );
    }
    this.cycleMomentum = options.cycleMomentum ?? true;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) {
        throw new RangeError(
          `CyclicLR: cycleMomentum needs an optimizer with a momentum option, got ${optimizer.name}; pass { cycleMomentum: false }`,
        );
      }
      const baseMomentums = perGroup('CyclicLR', optimizer, options.baseMomentum ?? 0.8);
      if (lastEpoch === -1) for (const [i, g] of groups.entries()) g.momentum = baseMomentums[i]!;
      this.baseMomentums = groups.map((g) => g.momentum!);
      this.maxMomentums = perGroup('CyclicLR', optimizer, options.maxMomentum ?? 0.9);
    }
    this.initialStep();
  }

  /** s·scale at iteration t: the fraction of the way from the low bound to the high one. */
  private height(t: number): number {
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1 + t / this.totalSize - cycle;
    const s = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    return s * this.scaleFn(this.scaleMode === 'cycle' ? cycle : t);
  }

  lrAt(epoch: number, group = 0): number {
    const base = this.baseLrs[group]!;
    return base + (this.maxLrs[group]! - base) * this.height(epoch);
  }

  momentumAt(epoch: number, group = 0): number {
    const max = this.maxMomentums[group]!;
    return max - (max - this.baseMomentums[group]!) * this.height(epoch);
  }

  protected override apply(epoch: number): void {
    super.apply(epoch);
    if (this.cycleMomentum)
      for (const [i, g] of this.groups().entries()) g.momentum = this.momentumAt(epoch, i);
  }
}

export interface OneCycleLROptions {
  /** The peak lr; one value or one per group. */
  maxLr: number | number[];
  /** Number of scheduler steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent warming up. Default 0.3. */
  pctStart?: number;
  /** Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's β₁) inversely, between baseMomentum and maxMomentum. Default true. */
  cycleMomentum?: boolean;
  /** Default 0.85. */
  baseMomentum?: number | number[];
  /** Default 0.95. */
  maxMomentum?: number | number[];
  /** The starting lr is maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** The final lr is the starting lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** fast.ai's form: warm up, come back down to the start symmetrically, then anneal. Default false. */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: 'initial' | 'max' | 'min';
  endLr: 'initial' | 'max' | 'min';
  startMomentum: 'base' | 'max';
  endMomentum: 'base' | 'max';
}

/**
 * OneCycleLR: lr rises from maxLr/divFactor to maxLr over pctStart of the steps, then anneals
 * (cosine or linear) to maxLr/(divFactor·finalDivFactor); momentum does the reverse. With
 * threePhase it first returns to the starting lr, then anneals to the final one.
 *   anneal_cos(a, b, p) = b + (a − b)/2 · (1 + cos(π·p))     anneal_linear(a, b, p) = a + (b − a)·p
 * Construction sets each group's initialLr to maxLr/divFactor (overriding earlier schedulers).
 * Ref: Smith & Topin 2019, "Super-Convergence: Very Fast Training of Neural Networks Using
 * Large Learning Rates", section 3.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly maxLrs: number[];
  readonly minLrs: number[];
  readonly cycleMomentum: boolean;
  /** True when the optimizer has betas (Adam-like): the cycled momentum is β₁. */
  readonly useBeta1: boolean;
  readonly baseMomentums: number[] = [];
  readonly maxMomentums: number[] = [];
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const lastEpoch = options.lastEpoch ?? -1;
    const name = 'OneCycleLR';
    const maxLrs = perGroup(name, optimizer, options.maxLr);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    // Before the base constructor reads initialLr: the schedule starts at maxLr / divFactor.
    if (lastEpoch === -1) {
      for (const [i, g] of optimizer.paramGroups.entries()) g.initialLr = maxLrs[i]! / divFactor;
    }
    super(name, optimizer, lastEpoch);
    this.maxLrs = maxLrs;
    this.minLrs = this.baseLrs.map((lr) => lr / finalDivFactor);
    if (options.totalSteps !== undefined) {
      check(
        Number.isInteger(options.totalSteps) && options.totalSteps > 0,
        name,
        'totalSteps',
        'a positive integer',
        options.totalSteps,
      );
      this.totalSteps = options.totalSteps;
    } else {
      const { epochs, stepsPerEpoch } = options;
      if (epochs === undefined || stepsPerEpoch === undefined) {
        throw new RangeError(`${name}: give either totalSteps or both epochs and stepsPerEpoch`);
      }
      check(Number.isInteger(epochs) && epochs > 0, name, 'epochs', 'a positive integer', epochs);
      check(
        Number.isInteger(stepsPerEpoch) && stepsPerEpoch > 0,
        name,
        'stepsPerEpoch',
        'a positive integer',
        stepsPerEpoch,
      );
      this.totalSteps = epochs * stepsPerEpoch;
    }
    const pct = options.pctStart ?? 0.3;
    check(pct >= 0 && pct <= 1, name, 'pctStart', 'in [0, 1]', pct);
    const T = this.totalSteps;
    this.phases = options.threePhase
      ? [
          {
            endStep: pct * T - 1,
            startLr: 'initial',
            endLr: 'max',
            startMomentum: 'max',
            endMomentum: 'base',
          },
          {
            endStep: 2 * pct * T - 2,
            startLr: 'max',
            endLr: 'initial',
            startMomentum: 'base',
            endMomentum: 'max',
          },
          { endStep: T - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          {
            endStep: pct * T - 1,
            startLr: 'initial',
            endLr: 'max',
            startMomentum: 'max',
            endMomentum: 'base',
          },
          { endStep: T - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
        ];
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy === 'cos') this.anneal = (a, b, p) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    else if (strategy === 'linear') this.anneal = (a, b, p) => (b - a) * p + a;
    else throw new RangeError(`${name}: annealStrategy must be 'cos' or 'linear', got ${String(strategy)}`);
    this.cycleMomentum = options.cycleMomentum ?? true;
    this.useBeta1 = 'betas' in optimizer.defaults;
    if (this.cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !this.useBeta1) {
        throw new RangeError(
          `${name}: cycleMomentum needs an optimizer with momentum or betas, got ${optimizer.name}; pass { cycleMomentum: false }`,
        );
      }
      this.maxMomentums = perGroup(name, optimizer, options.maxMomentum ?? 0.95);
      this.baseMomentums = perGroup(name, optimizer, options.baseMomentum ?? 0.85);
      if (lastEpoch === -1)
        for (const [i, g] of this.groups().entries()) this.setMomentum(g, this.maxMomentums[i]!);
    }
    this.initialStep();
  }

  /** The phase holding step t, its start step, and how far through it t is. */
  private locate(t: number): { phase: Phase; pct: number } {
    if (t > this.totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${t + 1} times; totalSteps is ${this.totalSteps}`);
    }
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i]!;
      if (t <= phase.endStep || i === this.phases.length - 1) {
        return { phase, pct: (t - start) / (phase.endStep - start) };
      }
      start = phase.endStep;
    }
    throw new Error('OneCycleLR: unreachable');
  }

  lrAt(epoch: number, group = 0): number {
    const { phase, pct } = this.locate(epoch);
    const lr = { initial: this.baseLrs[group]!, max: this.maxLrs[group]!, min: this.minLrs[group]! };
    return this.anneal(lr[phase.startLr], lr[phase.endLr], pct);
  }

  momentumAt(epoch: number, group = 0): number {
    const { phase, pct } = this.locate(epoch);
    const m = { base: this.baseMomentums[group]!, max: this.maxMomentums[group]! };
    return this.anneal(m[phase.startMomentum], m[phase.endMomentum], pct);
  }

  private setMomentum(g: SchedulableGroup, value: number): void {
    if (this.useBeta1) g.betas = [value, g.betas![1]];
    else g.momentum = value;
  }

  protected override apply(epoch: number): void {
    super.apply(epoch);
    if (this.cycleMomentum)
      for (const [i, g] of this.groups().entries()) this.setMomentum(g, this.momentumAt(epoch, i));
  }
}
