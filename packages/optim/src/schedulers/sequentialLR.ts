import { type AnyOptimizer, LRScheduler, type LRSchedulerState } from './lrScheduler.js';

export interface SequentialLROptions {
  /** Schedulers built on the same optimizer, run one after another. */
  schedulers: LRScheduler[];
  /** Epochs at which the next scheduler takes over (one fewer than schedulers), increasing. */
  milestones: readonly number[];
  lastEpoch?: number;
}

export interface SequentialLRState extends LRSchedulerState {
  schedulers: LRSchedulerState[];
}

/** Index of the scheduler in charge at epoch t: the number of milestones ≤ t. */
function bisectRight(milestones: readonly number[], t: number): number {
  let i = 0;
  while (i < milestones.length && milestones[i]! <= t) i++;
  return i;
}

/**
 * SequentialLR: runs schedulers one after another, switching at the milestones; each one
 * starts from its own epoch 0 when it takes over (e.g. LinearLR warmup for 5 epochs, then
 * CosineAnnealingLR). Closed form: lr(t) = Sₖ.lrAt(t − mₖ) with k = #{milestones ≤ t}, m₀ = 0.
 * As PyTorch 1.13, construction undoes the construction steps of the given schedulers (the
 * lr goes back to initialLr) and performs the first scheduler's initial step again.
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    const { schedulers, milestones } = options;
    if (schedulers.length === 0) throw new RangeError('SequentialLR: schedulers must not be empty');
    for (const [i, s] of schedulers.entries()) {
      if (s.optimizer !== optimizer) {
        throw new RangeError(
          `SequentialLR: scheduler ${i} belongs to a different optimizer than the one given`,
        );
      }
    }
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `SequentialLR: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`,
      );
    }
    super('SequentialLR', optimizer, options.lastEpoch);
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    for (const g of this.groups()) g.lr = g.initialLr!;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]!.step(); // the first scheduler's construction step, redone
    this.lastLr = schedulers[0]!.getLastLr();
  }

  lrAt(epoch: number, group = 0): number {
    const k = bisectRight(this.milestones, epoch);
    return this.schedulers[k]!.lrAt(k === 0 ? epoch : epoch - this.milestones[k - 1]!, group);
  }

  /** Steps the scheduler in charge; at a milestone the next one starts from its epoch 0. */
  override step(): void {
    this.lastEpoch += 1;
    const k = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[k]!;
    if (k > 0 && this.milestones[k - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  override stateDict(): SequentialLRState {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: SequentialLRState): void {
    if (!Array.isArray(state?.schedulers) || state.schedulers.length !== this.schedulers.length) {
      throw new RangeError(`SequentialLR.loadStateDict: expected ${this.schedulers.length} scheduler states`);
    }
    super.loadStateDict(state);
    for (const [i, s] of this.schedulers.entries()) s.loadStateDict(state.schedulers[i]!);
  }
}
