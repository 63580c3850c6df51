/**
 * Module: the base class of every layer and model.
 *
 * A module finds its parameters, buffers and submodules by walking its own fields (like
 * tinygrad's `get_state_dict`), so a model is written as plain fields and nothing else:
 *
 *   class MLP extends Module {
 *     fc1 = new Linear(784, 256);
 *     fc2 = new Linear(256, 10);
 *     forward(x: Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 *   }
 *
 * The walk looks at every own enumerable field, in declaration order:
 *   - a `Module` is a submodule, named by its field (`fc1`);
 *   - a `Tensor` is a **parameter**, unless it was marked with `buffer(t)`: then it is a
 *     **buffer** — saved in the state dict but not trained (`runningMean`, `numBatchesTracked`);
 *   - an array is walked element by element, named by index (`layers.0.weight`);
 *   - anything else (numbers, strings, functions, null) is ignored.
 * A tensor field with `requiresGrad` false is a frozen parameter, as in PyTorch: still listed
 * by `parameters()`, just not updated. `parameter(t)` sets `requiresGrad` and reads as intent.
 */
import { ArgumentError, formatShape, Tensor } from '@tsgrad/autograd';

const buffers = new WeakSet<Tensor>();

/** Marks `t` as a trainable parameter (sets `requiresGrad`); returns it. */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t;
}

/** Marks `t` as a buffer: state that is saved and loaded but is not a parameter; returns it. */
export function buffer(t: Tensor): Tensor {
  buffers.add(t);
  return t;
}

/** True when `t` was marked with `buffer(t)`. */
export function isBuffer(t: Tensor): boolean {
  return buffers.has(t);
}

/** Named tensors, in the order the fields were declared (`fc1.weight` …). */
export type StateDict = Map<string, Tensor>;

export interface LoadStateDictOptions {
  /** Every key of the module must be present and no other key may be (default true). */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** Training mode (dropout active, batch statistics in BatchNorm); set by `train()`/`eval()`. */
  training = true;

  /** The layer's computation. Subclasses narrow the signature (`forward(x: Tensor): Tensor`). */
  abstract forward(...inputs: Tensor[]): Tensor;

  /**
   * This module's own entries — submodules and tensors, one level deep — named by field
   * (array elements by index). Containers such as `Sequential` override it to name by position.
   */
  protected entries(): Array<[string, Module | Tensor]> {
    const out: Array<[string, Module | Tensor]> = [];
    const visit = (name: string, value: unknown): void => {
      if (value instanceof Module || value instanceof Tensor) out.push([name, value]);
      else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) visit(`${name}.${i}`, value[i]);
    };
    for (const [name, value] of Object.entries(this)) visit(name, value);
    return out;
  }

  /** Direct submodules with their names. */
  namedChildren(): Array<[string, Module]> {
    return this.entries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /** Direct submodules. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every submodule below it (pre-order, each once), with dotted names. */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const seen = new Set<Module>();
    const walk = (name: string, m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, sub] of m.namedChildren()) walk(name === '' ? child : `${name}.${child}`, sub);
    };
    walk(prefix, this);
    return out;
  }

  /** This module and every submodule below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Tensors of this module and its submodules with dotted names, each tensor once: per module
   * (pre-order), its own parameters and then its own buffers — PyTorch's state-dict order.
   */
  private namedTensors(wantParameters: boolean, wantBuffers: boolean): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      const own = m.entries().filter((e): e is [string, Tensor] => e[1] instanceof Tensor);
      const ordered = [...own.filter(([, t]) => !isBuffer(t)), ...own.filter(([, t]) => isBuffer(t))];
      for (const [name, t] of ordered) {
        if (seen.has(t) || !(isBuffer(t) ? wantBuffers : wantParameters)) continue;
        seen.add(t);
        out.push([prefix === '' ? name : `${prefix}.${name}`, t]);
      }
    }
    return out;
  }

  /** Parameters with dotted names: `[['fc1.weight', w], ['fc1.bias', b], …]`. */
  namedParameters(): Array<[string, Tensor]> {
    return this.namedTensors(true, false);
  }

  /** Every parameter (shared ones once), for an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Buffers with dotted names: `[['bn.runningMean', …], …]`. */
  namedBuffers(): Array<[string, Tensor]> {
    return this.namedTensors(false, true);
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Sets training mode on this module and every submodule; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): dropout off, BatchNorm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's `.grad` (to null, so the next backward starts afresh). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Calls `fn` on every submodule (children first) and then on this module; returns this. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }

  /** Number of scalar parameters (only those with `requiresGrad` if `onlyTrainable`). */
  numParameters(onlyTrainable = false): number {
    let n = 0;
    for (const p of this.parameters()) if (!onlyTrainable || p.requiresGrad) n += p.size;
    return n;
  }

  /**
   * Parameters and buffers by dotted name, in PyTorch's order (module by module, parameters
   * before buffers). The tensors are detached views of the module's own storage (as PyTorch's
   * `state_dict`): copy them to keep a snapshot.
   */
  stateDict(): StateDict {
    const sd: StateDict = new Map();
    for (const [name, t] of this.namedTensors(true, true)) sd.set(name, t.detach());
    return sd;
  }

  /**
   * Copies values from `sd` into this module's parameters and buffers, in place (converting
   * dtype). A shape mismatch is always an error; with `strict` (default) so is a missing or
   * unexpected key. The error lists every offending key at once, with both shapes.
   */
  loadStateDict(
    sd: StateDict | Readonly<Record<string, Tensor>>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (typeof sd !== 'object' || sd === null)
      throw new ArgumentError('loadStateDict', `expected a Map or a record of tensors, got ${String(sd)}`);
    const source = sd instanceof Map ? sd : new Map(Object.entries(sd));
    for (const [name, value] of source) {
      if (!(value instanceof Tensor))
        throw new ArgumentError(
          'loadStateDict',
          `'${name}' is not a Tensor (got ${value === null ? 'null' : typeof value})`,
        );
    }
    const own = new Map(this.namedTensors(true, true));
    const missingKeys = [...own.keys()].filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !own.has(k));
    const mismatches: string[] = [];
    for (const [name, target] of own) {
      const value = source.get(name);
      if (value !== undefined && formatShape(value.shape) !== formatShape(target.shape)) {
        mismatches.push(
          `  ${name}: shape ${formatShape(value.shape)} in the state dict, ${formatShape(target.shape)} in the module`,
        );
      }
    }
    const problems = [...mismatches];
    if (strict) {
      for (const k of missingKeys) problems.push(`  missing key: ${k}`);
      for (const k of unexpectedKeys) problems.push(`  unexpected key: ${k}`);
    }
    if (problems.length > 0) {
      throw new ArgumentError(
        'loadStateDict',
        `${problems.length} problem(s) loading the state dict:\n${problems.join('\n')}`,
      );
    }
    for (const [name, target] of own) {
      const value = source.get(name);
      if (value === undefined) continue;
      target.data.set(value.data);
      target.versionCounter.version++; // an in-place write, as PyTorch's copy_ (see autograd's ops/inPlace.ts)
    }
    return { missingKeys, unexpectedKeys };
  }

  /** A short description: the class name and its submodules, indented. */
  toString(): string {
    const children = this.namedChildren();
    if (children.length === 0) return `${this.constructor.name}(${this.extraRepr()})`;
    const lines = children.map(([n, m]) => `  (${n}): ${m.toString().replaceAll('\n', '\n  ')}`);
    return `${this.constructor.name}(\n${lines.join('\n')}\n)`;
  }

  /** Hyperparameters shown by `toString()` (`in=784, out=256`). */
  protected extraRepr(): string {
    return '';
  }
}
