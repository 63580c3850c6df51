/**
 * Linear (fully connected) layer:  y = x·Wᵀ + b
 *   input [… , inFeatures] → output [… , outFeatures];  W: [outFeatures, inFeatures], b: [outFeatures]
 * Default init, as PyTorch: W ~ kaimingUniform(a = √5), which is U(±1/√inFeatures), and
 * b ~ U(±1/√inFeatures).
 */
import { linear as linearOp, type Tensor, zeros } from '@tsgrad/autograd';
import * as init from './init.js';
import { Module, parameter } from './module.js';

/**
 * F.linear: y = x·Wᵀ + b, with x: [… , in], W: [out, in], b: [out] (or null). The op, one fused
 * gemm with a transpose flag and its backward, is @tsgrad/autograd's `linear`.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return linearOp(x, weight, bias);
}

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [name, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const)
      if (!Number.isInteger(v) || v <= 0)
        throw new RangeError(`Linear: ${name} must be a positive integer, got ${v}`);
    const dtype = options.dtype ?? 'float32';
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = (options.bias ?? true) ? parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's default initialization (see the class comment). */
  resetParameters(): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      init.uniform(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
