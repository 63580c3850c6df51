/**
 * Optimizer: the base every optimizer extends. It owns what they share: parameter groups with
 * per-group options, per-parameter state created lazily on the first step, `zeroGrad`, and
 * state dicts that let a run resume bit-exactly. A subclass writes only its update rule,
 * `update(p, g, state, group)`: a plain loop over one parameter's typed arrays.
 *
 *   const opt = new SGD([{ params: [w], lr: 0.1 }, { params: [b] }], { lr: 0.01, momentum: 0.9 });
 *   opt.zeroGrad(); loss.backward(); opt.step();
 *
 * Follows torch.optim.Optimizer (PyTorch 1.13): a group's options default to the optimizer's;
 * parameters without a gradient are skipped; a parameter may belong to one group only.
 */
import { ArgumentError, describeValue, Tensor, type TypedArray } from '@tsgrad/autograd';

/** The option every optimizer has; each optimizer extends it with its own. */
export interface OptimizerOptions {
  lr: number;
}

/** A group of parameters and the options they are optimized with. */
export type ParamGroup<O extends OptimizerOptions> = O & {
  params: Tensor[];
  /** Set by the first LR scheduler attached (PyTorch's `initial_lr`); schedules start from it. */
  initialLr?: number;
};

/** What the constructor and `addParamGroup` accept: params, and options overriding the defaults. */
export type ParamGroupInput<O extends OptimizerOptions> = Partial<O> & { params: Iterable<Tensor> };

/** A flat list of parameters (one group), or a list of groups. */
export type Params<O extends OptimizerOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One value of a parameter's state: a step count, a buffer shaped like the parameter, or none yet. */
export type StateValue = number | TypedArray | null;
/** A parameter's state, e.g. Adam's `{ step, expAvg, expAvgSq, maxExpAvgSq }`. */
export type ParamState = Record<string, StateValue>;

/**
 * A snapshot of an optimizer, PyTorch's layout: parameters are named by their position across
 * all groups (0, 1, … in group order). Typed arrays are copies, so later steps do not change it.
 */
export interface OptimizerStateDict<O extends OptimizerOptions = OptimizerOptions> {
  state: Record<number, ParamState>;
  paramGroups: Array<Omit<ParamGroup<O>, 'params'> & { params: number[] }>;
}

export abstract class Optimizer<O extends OptimizerOptions, S extends ParamState = ParamState> {
  /** The name used in error messages (`SGD`, `Adam`, …). */
  readonly name: string;
  /** Options for groups that do not set their own. */
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on the parameter's first step. */
  readonly state = new Map<Tensor, S>();

  protected constructor(name: string, params: Params<O>, defaults: O) {
    this.name = name;
    this.validate(defaults);
    this.defaults = Object.freeze({ ...defaults });
    const list = [...params] as Array<Tensor | ParamGroupInput<O>>;
    if (list.length === 0) throw new ArgumentError(name, 'got an empty parameter list');
    const groups =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : list;
    for (const group of groups) {
      if (group instanceof Tensor) {
        throw new ArgumentError(name, 'params must be all tensors or all groups ({ params, ...options })');
      }
      this.addParamGroup(group);
    }
  }

  /** Throws a RangeError naming the optimizer and the value for an invalid option. */
  protected abstract validate(options: O): void;

  /** The state of a parameter before its first step (buffers shaped like `param`). */
  protected abstract initState(param: Tensor, group: ParamGroup<O>): S;

  /** Updates one parameter in place: `p` is `param.data`, `g` is `param.grad.data`. */
  protected abstract update(p: TypedArray, g: TypedArray, state: S, group: ParamGroup<O>): void;

  /**
   * One optimization step over every parameter that has a gradient. `closure`, if given, is
   * called first (it should re-evaluate the model and return the loss) and its result returned.
   */
  step<T>(closure?: () => T): T | undefined {
    const loss = closure === undefined ? undefined : closure();
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null) continue; // as PyTorch: no gradient, no step, no state
        if (grad.size !== param.size) {
          throw new ArgumentError(
            this.name,
            `grad has ${grad.size} elements but the parameter has ${param.size}`,
          );
        }
        let state = this.state.get(param);
        if (state === undefined) {
          state = this.initState(param, group);
          this.state.set(param, state);
        }
        this.update(param.data, grad.data, state, group);
        // As PyTorch: a graph recorded before this step that still needs the old values errors
        // in backward instead of silently using the new ones (see autograd's ops/inPlace.ts).
        param.versionCounter.version++;
      }
    }
    return loss;
  }

  /**
   * Clears the gradients. PyTorch 1.13's default, followed here, is `setToNone: false`: each
   * `.grad` is filled with zeros in place (a gradient that carries a graph, from
   * `createGraph`, is replaced by a fresh zero tensor instead, PyTorch's `detach_()`).
   * `setToNone: true` sets `.grad = null`, so the next `step` skips parameters that get none.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? false;
    for (const group of this.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null) continue;
        if (setToNone) param.grad = null;
        else if (grad.node !== null) param.grad = Tensor.empty(grad.shape, grad.dtype);
        else grad.data.fill(0);
      }
    }
  }

  /** Adds a group (e.g. layers unfrozen while fine-tuning); unset options take the defaults. */
  addParamGroup(input: ParamGroupInput<O>): void {
    const params = [...input.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(this.name, 'params must be tensors');
      if (!p.isLeaf) {
        throw new ArgumentError(this.name, `can only optimize leaf tensors; got one made by '${p.node!.op}'`);
      }
    }
    if (new Set(params).size !== params.length) {
      throw new ArgumentError(this.name, 'a parameter group contains the same tensor twice');
    }
    for (const other of this.paramGroups) {
      if (params.some((p) => other.params.includes(p))) {
        throw new ArgumentError(this.name, 'some parameters appear in more than one parameter group');
      }
    }
    const group = { ...cloneOptions(this.defaults), ...cloneOptions(input), params } as ParamGroup<O>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** A copy of the options of every group and of every parameter's state (see OptimizerStateDict). */
  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, ParamState> = {};
    const paramGroups: OptimizerStateDict<O>['paramGroups'] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const { params, ...options } = group;
      const indices: number[] = [];
      for (const param of params) {
        const s = this.state.get(param);
        if (s !== undefined) state[index] = copyState(s, null);
        indices.push(index++);
      }
      paramGroups.push({ ...cloneOptions(options), params: indices });
    }
    return { state, paramGroups };
  }

  /**
   * Restores a snapshot from `stateDict()` of an optimizer with the same group sizes: group
   * options and parameter state are copied in (buffers cast to each parameter's dtype).
   */
  loadStateDict(stateDict: OptimizerStateDict<O>): void {
    const bad: (what: string) => never = (what) => {
      throw new ArgumentError(this.name, `loadStateDict: ${what}`);
    };
    if (typeof stateDict !== 'object' || stateDict === null)
      bad(`expected a state dict, got ${String(stateDict)}`);
    if (!Array.isArray(stateDict.paramGroups)) bad('paramGroups is not an array');
    if (typeof stateDict.state !== 'object' || stateDict.state === null) bad('state is not an object');
    const saved = stateDict.paramGroups;
    for (const [i, g] of saved.entries()) {
      if (typeof g !== 'object' || g === null || !Array.isArray(g.params))
        bad(`group ${i} has no params list`);
    }
    if (saved.length !== this.paramGroups.length) {
      throw new ArgumentError(
        this.name,
        `loadStateDict: state dict has ${saved.length} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    for (let i = 0; i < saved.length; i++) {
      const [have, want] = [saved[i]!.params.length, this.paramGroups[i]!.params.length];
      if (have !== want) {
        throw new ArgumentError(
          this.name,
          `loadStateDict: group ${i} has ${have} parameters in the state dict, ${want} here`,
        );
      }
    }
    // Everything is checked before anything changes: the merged options must pass the
    // optimizer's own validation, and each state must look like the one a step would create.
    const groups = this.paramGroups.map(
      (group, i) => ({ ...group, ...cloneOptions(saved[i]!), params: group.params }) as ParamGroup<O>,
    );
    for (const group of groups) this.validate(group);
    const byIndex: Array<[Tensor, ParamGroup<O>]> = [];
    for (const group of groups) for (const p of group.params) byIndex.push([p, group]);
    const loaded = new Map<Tensor, S>();
    for (const [key, s] of Object.entries(stateDict.state)) {
      const entry = /^\d+$/.test(key) ? byIndex[Number(key)] : undefined;
      if (entry === undefined) bad(`no parameter ${key}`);
      const [param, group] = entry;
      checkParamState(bad, key, s, this.initState(param, group), param.size);
      loaded.set(param, copyState(s, param.data) as S);
    }
    this.state.clear();
    for (const [param, s] of loaded) this.state.set(param, s);
    for (let i = 0; i < saved.length; i++) Object.assign(this.paramGroups[i]!, groups[i]!);
  }
}

/** A zero buffer shaped and typed like `data` (lazily created optimizer state). */
export function zerosLikeData(data: TypedArray): TypedArray {
  return data instanceof Float64Array ? new Float64Array(data.length) : new Float32Array(data.length);
}

/**
 * A loaded parameter state must have the keys of a fresh one (`like`): numbers where it has
 * numbers, buffers of the parameter's size where it has buffers (or null, for lazy ones).
 */
function checkParamState(
  bad: (what: string) => never,
  key: string,
  s: unknown,
  like: ParamState,
  size: number,
): void {
  if (typeof s !== 'object' || s === null) bad(`state ${key} is not an object`);
  const record = s as Record<string, unknown>;
  for (const name of Object.keys(record))
    if (!(name in like)) bad(`state ${key} has an unknown entry '${name}'`);
  for (const [name, fresh] of Object.entries(like)) {
    const v = record[name];
    if (typeof fresh === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v))
        bad(`state ${key}.${name} must be a finite number, got ${describeValue(v)}`);
    } else if (v instanceof Float32Array || v instanceof Float64Array) {
      if (v.length !== size) bad(`state ${key}.${name} has ${v.length} elements, the parameter has ${size}`);
    } else if (!(v === null && fresh === null)) {
      bad(
        `state ${key}.${name} must be ${fresh === null ? 'null or ' : ''}a Float32Array/Float64Array, got ${describeValue(v)}`,
      );
    }
  }
}

/** Copies an options object one level deep (so `betas` arrays are not shared); drops `params`. */
function cloneOptions<T extends object>(options: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (k === 'params') continue;
    out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out as T;
}

/** Copies a state, with its buffers as new arrays of `like`'s type (or their own type when null). */
function copyState(state: ParamState, like: TypedArray | null): ParamState {
  const out: ParamState = {};
  for (const [k, v] of Object.entries(state)) {
    if (v === null || typeof v === 'number') out[k] = v;
    else if (like === null) out[k] = v.slice();
    else out[k] = like instanceof Float64Array ? Float64Array.from(v) : Float32Array.from(v);
  }
  return out;
}

// ---- validation helpers shared by the optimizers ---------------------------------------------

/** `<optimizer>: <name> must be >= 0, got <value>` unless value ≥ 0 (NaN fails too). */
export function checkNonNegative(optimizer: string, name: string, value: number): void {
  if (!(value >= 0)) throw new RangeError(`${optimizer}: ${name} must be >= 0, got ${value}`);
}

/** `<optimizer>: <name> must be in [0, 1), got <value>` unless 0 ≤ value < 1. */
export function checkUnitInterval(optimizer: string, name: string, value: number): void {
  if (!(value >= 0 && value < 1))
    throw new RangeError(`${optimizer}: ${name} must be in [0, 1), got ${value}`);
}

/** Adam-style `betas`: a pair, each in [0, 1). */
export function checkBetas(optimizer: string, betas: readonly [number, number]): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new RangeError(`${optimizer}: betas must be a pair [beta1, beta2], got ${describeValue(betas)}`);
  }
  checkUnitInterval(optimizer, 'betas[0]', betas[0]);
  checkUnitInterval(optimizer, 'betas[1]', betas[1]);
}
