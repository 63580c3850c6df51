/**
 * Activation functions as modules, for use in `Sequential` (each forwards to the op of the same
 * name in @tsgrad/autograd, where its forward and backward are written out):
 *   ReLU max(0, x)      LeakyReLU x if x > 0 else a·x      ELU x if x > 0 else α·(eˣ − 1)
 *   GELU x·Φ(x)         SiLU x·σ(x)       Sigmoid σ(x) = 1/(1 + e⁻ˣ)       Tanh
 *   Softplus (1/β)·log(1 + e^(β·x))       Softmax e^(xᵢ)/Σⱼ e^(xⱼ) along dim     LogSoftmax
 * Input any shape → same shape.
 */
import type { Tensor } from '@tsgrad/autograd';
import { Module } from './module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }
  protected override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }
  protected override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** GELU; `approximate: 'tanh'` uses 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.gelu(this.approximate);
  }
}

export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/** Softplus with sharpness β; reverts to x where β·x > threshold (for stability), as PyTorch. */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softplus(this.beta, this.threshold);
  }
}

export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.dim);
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
