/**
 * The network the playground trains: a multilayer perceptron whose every hidden block is
 *   h ← dropout(act(norm(W·h + b)))
 * with the normalization, activation, initialization and dropout rate taken from the config.
 */
import { elu, gelu, leakyRelu, relu, sigmoid, silu, type Tensor, tanh } from '@tsgrad/autograd';
import { BatchNorm1d, functional as F, init, LayerNorm, Linear, Module } from '@tsgrad/nn';
import type { Activation, Config, InitScheme } from './config.js';

const ACTIVATION_FNS: Record<Activation, (x: Tensor) => Tensor> = {
  relu,
  leakyRelu: (x) => leakyRelu(x, 0.01),
  tanh,
  sigmoid,
  gelu,
  elu: (x) => elu(x),
  silu,
};

/** The gain table's name for an activation (GELU, ELU and SiLU behave close enough to ReLU). */
function nonlinearity(a: Activation): init.Nonlinearity {
  if (a === 'tanh' || a === 'sigmoid' || a === 'leakyRelu') return a;
  return 'relu';
}

/**
 * Re-initializes a Linear layer. 'pytorch' keeps its default (Kaiming uniform with a = √5);
 * the others set the weight by the named scheme and the bias to 0. 'tooSmall' (σ = 0.01) and
 * 'tooLarge' (σ = 1) are there to make vanishing and exploding signals visible in deep nets.
 */
export function initLinear(layer: Linear, scheme: InitScheme, activation: Activation): void {
  if (scheme === 'pytorch') return;
  const w = layer.weight;
  const nl = nonlinearity(activation);
  if (scheme === 'xavierUniform') init.xavierUniform(w);
  else if (scheme === 'xavierNormal') init.xavierNormal(w);
  else if (scheme === 'kaimingUniform') init.kaimingUniform(w, { nonlinearity: nl, a: 0.01 });
  else if (scheme === 'kaimingNormal') init.kaimingNormal(w, { nonlinearity: nl, a: 0.01 });
  else init.normal(w, 0, scheme === 'tooSmall' ? 0.01 : 1);
  if (layer.bias !== null) init.zeros(layer.bias);
}

export class MLP extends Module {
  readonly hidden: Linear[] = [];
  readonly norms: Array<BatchNorm1d | LayerNorm> = [];
  readonly output: Linear;
  /** Drop probability of the dropout after each hidden block; the page may change it mid-run. */
  dropout = 0;
  private readonly act: (x: Tensor) => Tensor;

  constructor(inputs: number, classes: number, config: Config) {
    super();
    this.act = ACTIVATION_FNS[config.activation];
    let fan = inputs;
    for (let i = 0; i < config.depth; i++) {
      const layer = new Linear(fan, config.width);
      initLinear(layer, config.init, config.activation);
      this.hidden.push(layer);
      if (config.norm === 'batch') this.norms.push(new BatchNorm1d(config.width));
      else if (config.norm === 'layer') this.norms.push(new LayerNorm(config.width));
      fan = config.width;
    }
    this.output = new Linear(fan, classes);
    initLinear(this.output, config.init, 'sigmoid'); // the output has no activation: gain 1
    this.dropout = config.dropout;
  }

  /** x [n, 2] → logits [n, classes]. */
  forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.hidden.length; i++) {
      h = this.hidden[i]!.forward(h);
      const norm = this.norms[i];
      if (norm !== undefined) h = norm.forward(h);
      h = F.dropout(this.act(h), this.dropout, this.training);
    }
    return this.output.forward(h);
  }

  /** The linear layers from input to output: the ones whose gradient norms the page plots. */
  linears(): Linear[] {
    return [...this.hidden, this.output];
  }
}
