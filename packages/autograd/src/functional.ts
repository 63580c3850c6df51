/**
 * Function transforms: derivatives as functions, without touching anyone's `.grad`.
 *
 *   gradients(ys, xs, …)   ∂(Σ vₒ·yₒ)/∂xs — the primitive (PyTorch's torch.autograd.grad)
 *   grad(f)                x ↦ ∇f(x)               for f with a one-element output
 *   valueAndGrad(f)        x ↦ [f(x), ∇f(x)]
 *   vjp(f, x, v)           vᵀ·J       one backward pass
 *   jvp(f, x, t)           J·t        two backward passes (the "double-vjp trick", below)
 *   hvp(f, x, v)           H·v        backward through the backward (double backward)
 *   jacobian(f, x)         J          one backward pass per output element
 *   hessian(f, x)          H          one double backward per input element
 *
 * Each transform runs the engine's `runBackward` with an explicit list of inputs, so the
 * gradients are returned instead of being added into `.grad`. Inputs that do not require grad
 * are replaced by fresh leaves that do (sharing their storage). Inputs that already require grad
 * are used as they are, and the results are then built with `createGraph`, so transforms nest:
 * `grad(grad(f))` is the second derivative. Transforms record what they need even when called
 * inside `noGrad` (there, inputs count as fresh leaves and the results carry no graph).
 */
import { enableGrad, isGradEnabled, runBackward } from './engine.js';
import { ArgumentError, ShapeError } from './errors.js';
import { formatShape, shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';

/** A function of tensors returning one tensor: what the transforms differentiate. */
export type TensorFn = (...inputs: Tensor[]) => Tensor;

export interface GradientsOptions {
  /** ∂L/∂yₒ for each output (default: 1 for one-element outputs; required otherwise). */
  gradOutputs?: readonly Tensor[];
  /** Record the backward pass so the result can be differentiated again. */
  createGraph?: boolean;
  /** Keep the graph of `outputs` for another backward (default: createGraph). */
  retainGraph?: boolean;
}

/**
 * Gradients of Σₒ ⟨gradOutputs[o], outputs[o]⟩ with respect to each of `inputs`, returned (not
 * accumulated into `.grad`). An input that the outputs do not depend on gets zeros.
 * PyTorch: `torch.autograd.grad(outputs, inputs, grad_outputs, create_graph, allow_unused=True)`
 * with the unused gradients materialized as zeros.
 */
export function gradients(
  outputs: readonly Tensor[],
  inputs: readonly Tensor[],
  options: GradientsOptions = {},
): Tensor[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const { gradOutputs } = options;
  if (gradOutputs !== undefined && gradOutputs.length !== outputs.length) {
    throw new ArgumentError(
      'gradients',
      `got ${gradOutputs.length} gradOutputs for ${outputs.length} outputs (one per output)`,
    );
  }
  const live = outputs
    .map((y, o) => ({ y, v: seedFor(y, gradOutputs?.[o]) }))
    .filter(({ y }) => y.requiresGrad);
  const total = new Map<Tensor, Tensor>();
  live.forEach(({ y, v }, n) => {
    // Outputs may share parts of the graph: keep it until the last one has gone through.
    const last = n === live.length - 1;
    const found = runBackward(y, v, { createGraph, retainGraph: retainGraph || !last }, inputs);
    for (const [x, g] of found) {
      const sum = total.get(x);
      total.set(x, sum === undefined ? g : sum.add(g));
    }
  });
  return inputs.map((x) => total.get(x) ?? Tensor.empty(x.shape, x.dtype));
}

/** The upstream gradient for output `y`: the given one (checked) or 1 for a one-element y. */
function seedFor(y: Tensor, v: Tensor | undefined): Tensor {
  if (v !== undefined) {
    if (!shapesEqual(v.shape, y.shape)) {
      throw new ShapeError(
        'gradients',
        `gradOutput shape ${formatShape(v.shape)} differs from output shape ${formatShape(y.shape)}`,
        [v.shape, y.shape],
      );
    }
    return v;
  }
  if (y.size !== 1) {
    throw new ShapeError(
      'gradients',
      `gradOutputs can be omitted only for one-element outputs; got shape ${formatShape(y.shape)}`,
      [y.shape],
    );
  }
  const one = Tensor.empty(y.shape, y.dtype);
  one.data[0] = 1;
  return one;
}

/**
 * The tensors the transforms differentiate with respect to: inputs already in a graph are
 * kept (so an outer transform or backward sees through), the others become fresh leaves.
 * `nested` is true when some input was already in a graph: the results must then be built
 * with createGraph so that the outer level can differentiate them.
 */
function prepare(inputs: readonly Tensor[]): { xs: Tensor[]; nested: boolean } {
  let nested = false;
  const xs = inputs.map((x) => {
    if (!(x instanceof Tensor))
      throw new ArgumentError('functional', `inputs must be Tensors, got ${typeof x}`);
    if (x.requiresGrad && isGradEnabled()) {
      nested = true;
      return x;
    }
    return new Tensor(x.data, x.shape, true, x.versionCounter);
  });
  return { xs, nested };
}

function scalarOutput(op: string, y: Tensor): Tensor {
  if (!(y instanceof Tensor) || y.size !== 1) {
    const shape = y instanceof Tensor ? formatShape(y.shape) : typeof y;
    throw new ShapeError(
      op,
      `f must return a one-element tensor, got ${shape} (use vjp or jacobian for other outputs)`,
    );
  }
  return y;
}

export interface GradOptions {
  /** Which arguments to differentiate: one index (default 0) or a list of them. */
  argnums?: number | readonly number[];
  /** Record the gradient's own graph (default: only when an argument already requires grad). */
  createGraph?: boolean;
}

/**
 * `grad(f)` is the function x ↦ ∂f/∂x, for f returning a one-element tensor (a loss).
 *   const f = (x: Tensor) => x.pow(3).sum();     grad(f)(x) = 3x²
 *   grad(f, { argnums: [0, 1] })(a, b)  → [∂f/∂a, ∂f/∂b]
 * The arguments' `.grad` is left alone. Ref: JAX's `jax.grad`.
 */
export function grad(
  f: TensorFn,
  options?: GradOptions & { argnums?: number },
): (...args: Tensor[]) => Tensor;
export function grad(
  f: TensorFn,
  options: GradOptions & { argnums: readonly number[] },
): (...args: Tensor[]) => Tensor[];
export function grad(f: TensorFn, options: GradOptions = {}): (...args: Tensor[]) => Tensor | Tensor[] {
  const value = valueAndGrad(f, options as GradOptions & { argnums: readonly number[] });
  return (...args) => value(...args)[1];
}

/**
 * Like `grad`, but returns `[f(x), ∂f/∂x]` from a single forward pass (the usual training step).
 */
export function valueAndGrad(
  f: TensorFn,
  options?: GradOptions & { argnums?: number },
): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(
  f: TensorFn,
  options: GradOptions & { argnums: readonly number[] },
): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(
  f: TensorFn,
  options: GradOptions = {},
): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  const argnums = options.argnums ?? 0;
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  return (...args) => {
    for (const i of list) {
      if (!Number.isInteger(i) || i < 0 || i >= args.length) {
        throw new ArgumentError('grad', `argnums entry ${i} out of range for ${args.length} arguments`);
      }
    }
    const { xs, nested } = prepare(list.map((i) => args[i]!));
    const full = [...args];
    list.forEach((i, n) => {
      full[i] = xs[n]!;
    });
    const createGraph = options.createGraph ?? nested;
    return enableGrad(() => {
      const y = scalarOutput('grad', f(...full));
      const gs = gradients([y], xs, { createGraph, retainGraph: true });
      const value = createGraph ? y : y.detach();
      return [value, typeof argnums === 'number' ? gs[0]! : gs];
    });
  };
}

/** One tensor or a list of them, kept in the form the caller used. */
type OneOrMany = Tensor | readonly Tensor[];
type Same<T extends OneOrMany> = T extends Tensor ? Tensor : Tensor[];

function asList(op: string, name: string, value: OneOrMany): Tensor[] {
  const list = value instanceof Tensor ? [value] : [...value];
  for (const t of list) if (!(t instanceof Tensor)) throw new ArgumentError(op, `${name} must be Tensors`);
  return list;
}

function sameForm<T extends OneOrMany>(like: T, list: Tensor[]): Same<T> {
  return (like instanceof Tensor ? list[0]! : list) as Same<T>;
}

function checkShapes(op: string, what: string, given: readonly Tensor[], like: readonly Tensor[]): void {
  if (given.length !== like.length) {
    throw new ArgumentError(op, `got ${given.length} ${what} for ${like.length} inputs`);
  }
  given.forEach((t, i) => {
    if (!shapesEqual(t.shape, like[i]!.shape)) {
      throw new ShapeError(
        op,
        `${what} ${i} has shape ${formatShape(t.shape)} but its input has shape ${formatShape(like[i]!.shape)}`,
        [t.shape, like[i]!.shape],
      );
    }
  });
}

/**
 * Vector-Jacobian product: `[f(x), vᵀ·∂f/∂x]`, one backward pass.
 * `v` has the output's shape (omit it for a one-element output). Ref: PyTorch's
 * `torch.autograd.functional.vjp`.
 */
export function vjp<T extends OneOrMany>(f: TensorFn, inputs: T, v?: Tensor): [Tensor, Same<T>] {
  const { xs, nested } = prepare(asList('vjp', 'inputs', inputs));
  return enableGrad(() => {
    const y = f(...xs);
    const gs = gradients([y], xs, {
      gradOutputs: v ? [v] : undefined,
      createGraph: nested,
      retainGraph: true,
    });
    return [nested ? y : y.detach(), sameForm(inputs, gs)];
  });
}

/**
 * Jacobian-vector product: `[f(x), ∂f/∂x · t]`, by the double-vjp trick. The vjp
 * u ↦ uᵀJ is linear in u, so its own vjp with t is (∂(uᵀJ·t)/∂u) = J·t: two backward passes,
 * the first recorded (createGraph) with a dummy u of zeros. Ref: J. Townsend, "A new trick
 * for calculating Jacobian vector products" (2017).
 */
export function jvp<T extends OneOrMany>(f: TensorFn, inputs: T, tangents: T): [Tensor, Tensor] {
  const { xs, nested } = prepare(asList('jvp', 'inputs', inputs));
  const ts = asList('jvp', 'tangents', tangents);
  checkShapes('jvp', 'tangent', ts, xs);
  return enableGrad(() => {
    const y = f(...xs);
    const u = new Tensor(new (y.dtype === 'float64' ? Float64Array : Float32Array)(y.size), y.shape, true);
    const uJ = gradients([y], xs, { gradOutputs: [u], createGraph: true });
    const [jt] = gradients(uJ, [u], { gradOutputs: ts, createGraph: nested, retainGraph: true });
    return [nested ? y : y.detach(), jt!];
  });
}

/**
 * Hessian-vector product of a scalar f: `[f(x), ∇²f(x)·v]`, by differentiating ⟨∇f, v⟩
 * (double backward; the Hessian itself is never formed). Ref: Pearlmutter 1994, "Fast exact
 * multiplication by the Hessian".
 */
export function hvp<T extends OneOrMany>(f: TensorFn, inputs: T, v: T): [Tensor, Same<T>] {
  const { xs, nested } = prepare(asList('hvp', 'inputs', inputs));
  const vs = asList('hvp', 'v', v);
  checkShapes('hvp', 'v', vs, xs);
  return enableGrad(() => {
    const y = scalarOutput('hvp', f(...xs));
    const g = gradients([y], xs, { createGraph: true });
    const hv = gradients(g, xs, { gradOutputs: vs, createGraph: nested, retainGraph: true });
    return [nested ? y : y.detach(), sameForm(inputs, hv)];
  });
}

/**
 * Rows of ∂y/∂x for each x in `xs`, as tensors of shape [...y.shape, ...x.shape]: one backward
 * pass per element of y, each seeded with a unit vector. The results are plain tensors (no graph).
 */
function jacobianRows(y: Tensor, xs: readonly Tensor[]): Tensor[] {
  const out = xs.map((x) => Tensor.empty([...y.shape, ...x.shape], x.dtype));
  if (!y.requiresGrad) return out;
  for (let k = 0; k < y.size; k++) {
    const unit = Tensor.empty(y.shape, y.dtype);
    unit.data[k] = 1;
    const gs = gradients([y], xs, { gradOutputs: [unit], retainGraph: true });
    gs.forEach((g, i) => {
      out[i]!.data.set(g.data, k * xs[i]!.size);
    });
  }
  return out;
}

/**
 * The Jacobian ∂f/∂x, shape [...output.shape, ...input.shape] (a list of them for a list of
 * inputs): J[i…, j…] = ∂f(x)[i…]/∂x[j…]. One backward pass per output element, so prefer
 * vjp/jvp for large outputs. The result has no graph (PyTorch's `create_graph=False`).
 */
export function jacobian<T extends OneOrMany>(f: TensorFn, inputs: T): Same<T> {
  const { xs } = prepare(asList('jacobian', 'inputs', inputs));
  return enableGrad(() => sameForm(inputs, jacobianRows(f(...xs), xs)));
}

/**
 * The Hessian of a scalar f: H[i…, j…] = ∂²f/∂x[i…]∂x[j…], shape [...x.shape, ...x.shape].
 * For a list of inputs, H[a][b] holds the block ∂²f/∂xₐ∂x_b. Computed as the Jacobian of the
 * gradient (built with createGraph): one double backward per input element. No graph on the result.
 */
export function hessian(f: TensorFn, inputs: Tensor): Tensor;
export function hessian(f: TensorFn, inputs: readonly Tensor[]): Tensor[][];
export function hessian(f: TensorFn, inputs: OneOrMany): Tensor | Tensor[][] {
  const { xs } = prepare(asList('hessian', 'inputs', inputs));
  const blocks = enableGrad(() => {
    const y = scalarOutput('hessian', f(...xs));
    const g = gradients([y], xs, { createGraph: true });
    return g.map((ga) => jacobianRows(ga, xs));
  });
  return inputs instanceof Tensor ? blocks[0]![0]! : blocks;
}
