/**
 * LRScheduler: the base of the learning-rate schedules. A schedule is a pure function
 * `lrAt(epoch, group)` in closed form; `step()` advances `lastEpoch` and writes
 * `lrAt(lastEpoch, i)` into each parameter group's `lr`.
 *
 * As in PyTorch 1.13, constructing a scheduler performs one step (epoch −1 → 0), so the
 * optimizer's lr becomes `lrAt(0)` at once (e.g. LinearLR's start factor applies before the
 * first optimizer step), and each group's starting lr is kept as `group.initialLr`
 * (PyTorch's `initial_lr`; the first scheduler attached sets it). Call `optimizer.step()`
 * then `scheduler.step()` once per epoch (or per batch for CyclicLR and OneCycleLR).
 *
 * Differences from PyTorch: PyTorch's `step()` uses a recursive ("chainable") form that
 * multiplies the current lr, so two schedulers on one optimizer compose; here each scheduler
 * writes its closed form, so the last one to step wins (use SequentialLR to chain in time).
 * The values agree to rounding error when one scheduler drives the optimizer.
 */
import { describeValue } from '@tsgrad/autograd';
import type { Optimizer, OptimizerOptions, ParamGroup } from '../optimizer.js';

// biome-ignore lint/suspicious/noExplicitAny: schedulers accept optimizers of every option type
export type AnyOptimizer = Optimizer<OptimizerOptions, any>;

/** A group as schedulers see it: lr, and momentum or betas for schedules that cycle momentum. */
export type SchedulableGroup = ParamGroup<OptimizerOptions> & { momentum?: number; betas?: [number, number] };

export interface LRSchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** Each group's starting lr (`initialLr`); lrAt scales or anneals from these. */
  baseLrs: number[];
  /** The epoch (or batch) the current lr belongs to; −1 before construction's step. */
  lastEpoch: number;
  protected lastLr: number[] = [];

  /**
   * `lastEpoch` ≠ −1 resumes a schedule; the groups must then have `initialLr` already.
   * Subclasses set their fields and then call `this.initialStep()` last in their constructor.
   */
  protected constructor(name: string, optimizer: AnyOptimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    for (const [i, group] of optimizer.paramGroups.entries()) {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new RangeError(
          `${name}: lastEpoch is ${lastEpoch} but param group ${i} has no initialLr to resume from`,
        );
      }
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rate of group `group` at `epoch`, in closed form. */
  abstract lrAt(epoch: number, group?: number): number;

  /** PyTorch's constructor step: epoch −1 → 0 (or lastEpoch → lastEpoch + 1 when resuming). */
  protected initialStep(): void {
    this.step();
  }

  /** Advances one epoch (or jumps to `epoch`) and sets every group's lr from lrAt. */
  step(epoch?: number): void {
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    this.apply(this.lastEpoch);
    this.lastLr = this.groups().map((g) => g.lr);
  }

  /** Writes the schedule's values at `epoch` into the groups; CyclicLR/OneCycleLR add momentum. */
  protected apply(epoch: number): void {
    for (const [i, group] of this.groups().entries()) group.lr = this.lrAt(epoch, i);
  }

  protected groups(): SchedulableGroup[] {
    return this.optimizer.paramGroups as SchedulableGroup[];
  }

  /** The lr of each group as this scheduler last set it. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): LRSchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  /** Restores the position in the schedule (the groups' lr come back with the optimizer's state dict). */
  loadStateDict(state: LRSchedulerState): void {
    const n = this.optimizer.paramGroups.length;
    const numbers = (v: unknown) => Array.isArray(v) && v.length === n && v.every((x) => Number.isFinite(x));
    if (
      typeof state !== 'object' ||
      state === null ||
      !Number.isInteger(state.lastEpoch) ||
      state.lastEpoch < -1
    ) {
      throw new RangeError(
        `loadStateDict: lastEpoch must be an integer >= -1, got ${describeValue(state?.lastEpoch)}`,
      );
    }
    if (!numbers(state.baseLrs) || !numbers(state.lastLr)) {
      throw new RangeError(
        `loadStateDict: baseLrs and lastLr must hold ${n} finite numbers (one per param group)`,
      );
    }
    this.lastEpoch = state.lastEpoch;
    this.baseLrs = [...state.baseLrs];
    this.lastLr = [...state.lastLr];
  }
}

/** One value per param group: a single value is repeated, a list must have one per group. */
export function perGroup<T>(name: string, optimizer: AnyOptimizer, value: T | readonly T[]): T[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return new Array<T>(n).fill(value as T);
  if (value.length !== n)
    throw new RangeError(`${name}: expected ${n} values, one per param group, got ${value.length}`);
  return [...value];
}

/** Throws `<scheduler>: <name> must be <rule>, got <value>` unless ok. */
export function check(ok: boolean, scheduler: string, name: string, rule: string, value: unknown): void {
  if (!ok) throw new RangeError(`${scheduler}: ${name} must be ${rule}, got ${describeValue(value)}`);
}

export interface LambdaLROptions {
  /** epoch ↦ factor, one for all groups or one per group. */
  lrLambda: ((epoch: number) => number) | Array<(epoch: number) => number>;
  lastEpoch?: number;
}

/**
 * LambdaLR: lr = base_lr · λ(epoch), for any factor function λ (e.g. warmup then decay).
 */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: Array<(epoch: number) => number>;

  constructor(optimizer: AnyOptimizer, options: LambdaLROptions) {
    super('LambdaLR', optimizer, options.lastEpoch);
    this.lambdas = perGroup('LambdaLR', optimizer, options.lrLambda);
    this.initialStep();
  }

  lrAt(epoch: number, group = 0): number {
    return this.baseLrs[group]! * this.lambdas[group]!(epoch);
  }
}
