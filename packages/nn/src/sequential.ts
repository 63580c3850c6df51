/**
 * Containers and wiring: Sequential, ModuleList, Residual, and the shape-only layers Identity
 * and Flatten. Sequential and ModuleList name their children by position (`0.weight`,
 * `1.bias`), exactly as PyTorch does, so their state dicts line up with PyTorch's.
 */
import { ArgumentError, type Tensor } from '@tsgrad/autograd';
import { Module } from './module.js';

/** A module whose forward maps one tensor to one tensor (what Sequential chains). */
export interface Layer {
  forward(x: Tensor): Tensor;
}

/** Applies its layers in order: y = fₙ(…f₂(f₁(x))). */
export class Sequential extends Module {
  readonly layers: Array<Module & Layer>;

  constructor(...layers: Array<Module & Layer>) {
    super();
    for (const [i, layer] of layers.entries()) {
      if (!(layer instanceof Module))
        throw new ArgumentError('Sequential', `layer ${i} is not a Module, got ${String(layer)}`);
    }
    this.layers = layers;
  }

  protected override entries(): Array<[string, Module | Tensor]> {
    return this.layers.map((m, i) => [String(i), m]);
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y);
    return y;
  }

  /** The i-th layer (negative counts from the end). */
  at(i: number): Module & Layer {
    const m = this.layers.at(i);
    if (m === undefined)
      throw new RangeError(`Sequential: index ${i} out of range for ${this.layers.length} layers`);
    return m;
  }

  get length(): number {
    return this.layers.length;
  }
}

/** A list of modules whose parameters are registered (named `0`, `1`, …); it has no forward. */
export class ModuleList extends Module {
  readonly items: Module[];

  constructor(modules: readonly Module[] = []) {
    super();
    this.items = [...modules];
  }

  protected override entries(): Array<[string, Module | Tensor]> {
    return this.items.map((m, i) => [String(i), m]);
  }

  forward(): Tensor {
    throw new Error('ModuleList: has no forward; iterate over it and call each module');
  }

  push(m: Module): this {
    this.items.push(m);
    return this;
  }

  at(i: number): Module {
    const m = this.items.at(i);
    if (m === undefined)
      throw new RangeError(`ModuleList: index ${i} out of range for ${this.items.length} modules`);
    return m;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.items[Symbol.iterator]();
  }
}

/**
 * Residual connection: y = x + f(x), where f is a module or a function (f must keep the shape).
 * Ref: He et al. 2016, "Deep Residual Learning", §3.2 eq. 1.
 */
export class Residual extends Module {
  readonly fn: (Module & Layer) | ((x: Tensor) => Tensor);

  constructor(fn: (Module & Layer) | ((x: Tensor) => Tensor)) {
    super();
    this.fn = fn;
  }

  forward(x: Tensor): Tensor {
    const fx = this.fn instanceof Module ? this.fn.forward(x) : this.fn(x);
    return x.add(fx);
  }
}

/** y = x. A placeholder where a layer is optional (e.g. a shortcut without projection). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dims startDim..endDim into one: [n, c, h, w] → [n, c·h·w] by default (startDim 1). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
