/**
 * Dropout: during training, zero each element with probability p and scale the survivors by
 * 1/(1 − p) ("inverted" dropout), so E[y] = x and eval needs no rescaling:
 *   y = x·m/(1 − p),  m ~ Bernoulli(1 − p) elementwise        (training)
 *   y = x                                                       (eval)
 *   backward: ∂L/∂x = ∂L/∂y·m/(1 − p)   (a multiplication by the same constant mask)
 * `p` is the drop probability, as in PyTorch. Masks come from the global generator
 * (`manualSeed`) unless a `Generator` is passed.
 * Ref: Srivastava et al. 2014, "Dropout", §2 (we scale at train time instead of test time).
 */
import { defaultGenerator, type Generator, record, Tensor } from '@tsgrad/autograd';
import { Module } from './module.js';

export interface DropoutOptions {
  generator?: Generator;
}

function checkP(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be in [0, 1], got ${p}`);
}

/**
 * Functional dropout: identity unless `training`; p = 1 gives zeros.
 * Perf: one pass draws the mask and writes y = x·m/(1 − p); each keep/drop decision compares one
 * 32-bit draw with (1 − p)·2³² (half the draws of a 53-bit uniform). [64, 1568] float32, best of
 * 20 interleaved with a mask of 53-bit uniforms and then x.mul(mask): 2.4 → 1.6 ms.
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkP('dropout', p);
  if (!training || p === 0) return x;
  const g = options.generator ?? defaultGenerator;
  const mask = Tensor.empty(x.shape, x.dtype);
  const y = Tensor.empty(x.shape, x.dtype);
  const threshold = (1 - p) * 2 ** 32; // P(draw < threshold) = 1 − p
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const m = mask.data;
  const xs = x.data;
  const ys = y.data;
  for (let i = 0; i < m.length; i++) {
    const keep = g.nextUint32() < threshold ? scale : 0;
    m[i] = keep;
    ys[i] = xs[i]! * keep;
  }
  return record('dropout', [x], y, (gradOut) => [gradOut.mul(mask)]);
}

/** Dropout layer: input any shape → same shape. Active only in training mode. */
export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    checkP('Dropout', p);
    this.p = p;
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, { generator: this.generator ?? defaultGenerator });
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
