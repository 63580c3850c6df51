/**
 * Exponentially weighted moving average of a stream of numbers, e.g. to smooth a loss curve.
 *   vₜ = β·vₜ₋₁ + (1 − β)·xₜ,   v₀ = 0
 *   with bias correction: v̂ₜ = vₜ / (1 − βᵗ)
 * vₜ averages roughly the last 1/(1 − β) values. Starting from 0 biases the first values
 * towards 0; dividing by 1 − βᵗ (the total weight given to the xs so far) removes that bias,
 * as Adam does for its moments (Kingma & Ba 2015, "Adam", section 3).
 */

export interface EMAOptions {
  /** β in [0, 1). Default 0.9. */
  decay?: number;
  /** Divide by 1 − βᵗ. Default true. */
  biasCorrection?: boolean;
}

export class EMA {
  readonly decay: number;
  readonly biasCorrection: boolean;
  /** How many values have been seen. */
  count = 0;
  private avg = 0;

  constructor(options: EMAOptions = {}) {
    this.decay = options.decay ?? 0.9;
    this.biasCorrection = options.biasCorrection ?? true;
    if (!(this.decay >= 0 && this.decay < 1))
      throw new RangeError(`EMA: decay must be in [0, 1), got ${this.decay}`);
  }

  /** Adds x to the average and returns the new value. */
  update(x: number): number {
    this.avg = this.decay * this.avg + (1 - this.decay) * x;
    this.count++;
    return this.value;
  }

  /** The current average (bias-corrected if asked); NaN before the first value. */
  get value(): number {
    if (this.count === 0) return Number.NaN;
    return this.biasCorrection ? this.avg / (1 - this.decay ** this.count) : this.avg;
  }

  reset(): void {
    this.avg = 0;
    this.count = 0;
  }
}

/** The running EMA after each value of `values` (same options as EMA). */
export function ewma(values: Iterable<number>, options: EMAOptions = {}): number[] {
  const ema = new EMA(options);
  const out: number[] = [];
  for (const x of values) out.push(ema.update(x));
  return out;
}
