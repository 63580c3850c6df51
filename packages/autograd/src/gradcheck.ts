/**
 * Gradient checking: is an op's backward the derivative of its forward?
 *
 * For f: ℝⁿ → ℝᵐ the Jacobian J[k, j] = ∂yₖ/∂xⱼ is computed twice:
 *   numerically, by central differences:  J[:, j] ≈ (f(x + ε·eⱼ) − f(x − ε·eⱼ)) / 2ε   (error O(ε²))
 *   analytically, by backward:            J[k, :] = eₖᵀ·J, one backward pass seeded with eₖ
 * and every entry must satisfy |analytic − numeric| ≤ atol + rtol·|numeric| (as `allclose`).
 * With ε = 1e-6 the rounding error of the difference is ~1e-16/1e-6 = 1e-10 in float64 but
 * ~1e-7/1e-6 = 0.1 in float32, which is why the inputs must be float64.
 *
 * Ref: PyTorch's torch.autograd.gradcheck (same defaults, same fast mode); its "Gradcheck
 * mechanics" note explains both modes.
 */
import { enableGrad, runBackward } from './engine.js';
import { ArgumentError, DTypeError } from './errors.js';
import { gradients } from './functional.js';
import { Generator } from './random.js';
import { formatShape, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

/** What gradcheck checks: tensors in, one tensor or a list of tensors out. */
export type GradcheckFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

export interface GradcheckOptions {
  /** Finite-difference step ε (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, relative to the numeric value (default 1e-3). */
  rtol?: number;
  /**
   * Compare one random projection vᵀ·J·u per (input, output) pair instead of the whole
   * Jacobian: 2 forward passes per input and 1 backward per output, whatever their sizes.
   * On a mismatch the full Jacobians are computed to name the element. Default false.
   */
  fastMode?: boolean;
  /** Largest difference allowed between two backward passes of the same input (default 0). */
  nondetTol?: number;
  /** Seed for the random vectors (fastMode, and gradgradcheck's upstream gradients). Default 0. */
  seed?: number;
}

export interface GradgradcheckOptions extends GradcheckOptions {
  /** Upstream gradients ∂L/∂y to differentiate through (default: random normal, float64). */
  gradOutputs?: readonly Tensor[];
}

/** A mismatch found by gradcheck. The message says which entry, and the fields carry it too. */
export class GradcheckError extends Error {
  override name = 'GradcheckError';
  constructor(
    message: string,
    /** Index of the input (in the `inputs` list) whose gradient is wrong, or null. */
    readonly inputIndex: number | null = null,
    /** Multi-dim index of the input element, or null. */
    readonly inputElement: number[] | null = null,
    /** Index of the output, or null. */
    readonly outputIndex: number | null = null,
    /** Multi-dim index of the output element, or null. */
    readonly outputElement: number[] | null = null,
    readonly analytic: number = Number.NaN,
    readonly numeric: number = Number.NaN,
  ) {
    super(message);
  }
}

/**
 * Checks the gradients of `fn` at `inputs` against central differences; returns true, or
 * throws a `GradcheckError` naming the input, the element, and the analytic and numeric values.
 *
 *   const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
 *   gradcheck((t) => myOp(t), [x]);                        // throws a report on mismatch
 *   gradcheck((a, b) => [a.mul(b), a.add(b)], [a, b]);     // several outputs
 *
 * Only inputs with `requiresGrad` are checked (index tensors may be passed without it); they must
 * be float64 (`x.double()`). Keep them away from kinks (relu at 0) and poles (1/x at 0), where
 * the finite difference is not the derivative. Besides the Jacobian, gradcheck also checks that
 * `fn` leaves its inputs unchanged, that outputs not requiring grad do not depend on the inputs,
 * that backward is deterministic (within `nondetTol`), and that a zero upstream gradient gives
 * zero gradients. Defaults as PyTorch: eps 1e-6, atol 1e-5, rtol 1e-3.
 */
export function gradcheck(fn: GradcheckFn, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  return check(fn, inputs, options, {
    op: 'gradcheck',
    input: (i) => `input ${i}`,
    output: (o) => `output ${o}`,
  });
}

/**
 * Checks second derivatives: gradcheck of the map (x, v) ↦ vᵀ·∂f/∂x, where v are the upstream
 * gradients (random normal by default). This verifies that each backward is itself differentiable
 * (written with tensor ops) with respect to both the inputs and the upstream gradient, which is
 * what `createGraph`, `hvp` and `hessian` rely on. Same options and report as gradcheck; in the
 * report, inputs after fn's own are the upstream gradients, and outputs are ∂/∂(input i).
 */
export function gradgradcheck(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  options: GradgradcheckOptions = {},
): true {
  const diff = differentiableInputs('gradgradcheck', inputs);
  const outputs = enableGrad(() => asOutputs('gradgradcheck', fn(...inputs))).filter((y) => y.requiresGrad);
  const generator = new Generator(options.seed ?? 0);
  const gradOutputs =
    options.gradOutputs ??
    outputs.map((y) => {
      const v = Tensor.empty(y.shape, 'float64');
      for (let k = 0; k < v.size; k++) v.data[k] = generator.normal();
      return v;
    });
  if (gradOutputs.length !== outputs.length) {
    throw new ArgumentError(
      'gradgradcheck',
      `got ${gradOutputs.length} gradOutputs for ${outputs.length} outputs that require grad`,
    );
  }
  const vs = gradOutputs.map((v) => new Tensor(Float64Array.from(v.data), v.shape, true));
  const n = inputs.length;
  const vjpOfFn = (...args: Tensor[]): Tensor[] => {
    const ys = asOutputs('gradgradcheck', fn(...args.slice(0, n))).filter((y) => y.requiresGrad);
    const xs = diff.map((i) => args[i]!);
    return gradients(ys, xs, { gradOutputs: args.slice(n), createGraph: true });
  };
  return check(vjpOfFn, [...inputs, ...vs], options, {
    op: 'gradgradcheck',
    input: (i) => (i < n ? `input ${i}` : `upstream gradient ${i - n}`),
    output: (o) => `the gradient with respect to input ${diff[o]}`,
  });
}

/** How the report names things (gradgradcheck renames the inputs and outputs of its vjp). */
interface Labels {
  op: string;
  input: (i: number) => string;
  output: (o: number) => string;
}

function check(fn: GradcheckFn, inputs: readonly Tensor[], options: GradcheckOptions, labels: Labels): true {
  const tol: Tolerance = { atol: options.atol ?? 1e-5, rtol: options.rtol ?? 1e-3 };
  const eps = options.eps ?? 1e-6;
  const diff = differentiableInputs(labels.op, inputs);
  return enableGrad(() => {
    const before = inputs.map((x) => Float64Array.from(x.data));
    const outputs = asOutputs(labels.op, fn(...inputs));
    checkUnchanged(labels, inputs, before);
    outputs.forEach((y, o) => {
      if (y.requiresGrad && y.dtype !== 'float64') {
        throw new DTypeError(labels.op, `${labels.output(o)} is ${y.dtype}; fn must compute in float64`);
      }
    });
    const ctx: Context = { fn, inputs, diff, outputs, eps, tol, labels };
    if (options.fastMode) checkFast(ctx, new Generator(options.seed ?? 0));
    else checkSlow(ctx, options.nondetTol ?? 0);
    checkZeroUpstream(ctx);
    return true;
  });
}

interface Tolerance {
  atol: number;
  rtol: number;
}
interface Context {
  fn: GradcheckFn;
  inputs: readonly Tensor[];
  /** Indices of the inputs that require grad. */
  diff: readonly number[];
  outputs: readonly Tensor[];
  eps: number;
  tol: Tolerance;
  labels: Labels;
}

function differentiableInputs(op: string, inputs: readonly Tensor[]): number[] {
  const diff: number[] = [];
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(op, `input ${i} is not a Tensor`);
    if (!x.requiresGrad) return;
    if (x.dtype !== 'float64') {
      throw new DTypeError(
        op,
        `input ${i} is ${x.dtype}, but finite differences need float64 inputs: pass x.double() ` +
          `or create it with { dtype: 'float64', requiresGrad: true }`,
      );
    }
    diff.push(i);
  });
  if (diff.length === 0) throw new ArgumentError(op, 'no input requires grad; nothing to check');
  return diff;
}

function asOutputs(op: string, result: Tensor | readonly Tensor[]): Tensor[] {
  const list = result instanceof Tensor ? [result] : Array.isArray(result) ? [...result] : null;
  if (list === null || list.some((y) => !(y instanceof Tensor))) {
    throw new ArgumentError(op, 'fn must return a Tensor or an array of Tensors');
  }
  return list;
}

function checkUnchanged(labels: Labels, inputs: readonly Tensor[], before: readonly Float64Array[]): void {
  inputs.forEach((x, i) => {
    for (let j = 0; j < x.size; j++) {
      if (!Object.is(x.data[j], before[i]![j])) {
        throw new GradcheckError(
          `${labels.op}: fn modified ${labels.input(i)} in place: element ${fmtIndex(j, x.shape)} ` +
            `changed from ${before[i]![j]} to ${x.data[j]}; ops must not write to their inputs`,
          i,
          unravel(j, x.shape),
        );
      }
    }
  });
}

/** All outputs of fn, copied to plain float64 arrays (outputs may share an input's storage). */
function evaluate(ctx: Context): Float64Array[] {
  return asOutputs(ctx.labels.op, ctx.fn(...ctx.inputs)).map((y) => Float64Array.from(y.data));
}

/**
 * Numeric Jacobians of every output with respect to input `i`: J[o][k·n + j] = ∂yₒ[k]/∂x[j].
 * Each element is moved by ±ε in place and then restored exactly (not by adding ε back).
 */
function numericJacobians(ctx: Context, i: number): Float64Array[] {
  const x = ctx.inputs[i]!;
  const n = x.size;
  const jac = ctx.outputs.map((y) => new Float64Array(y.size * n));
  for (let j = 0; j < n; j++) {
    const original = x.data[j]!;
    x.data[j] = original + ctx.eps;
    const plus = evaluate(ctx);
    x.data[j] = original - ctx.eps;
    const minus = evaluate(ctx);
    x.data[j] = original;
    jac.forEach((J, o) => {
      for (let k = 0; k < plus[o]!.length; k++) J[k * n + j] = (plus[o]![k]! - minus[o]![k]!) / (2 * ctx.eps);
    });
  }
  return jac;
}

/** Analytic Jacobian of output o with respect to each differentiable input: one backward per element. */
function analyticJacobians(ctx: Context, o: number): Float64Array[] {
  const y = ctx.outputs[o]!;
  const xs = ctx.diff.map((i) => ctx.inputs[i]!);
  const jac = xs.map((x) => new Float64Array(y.size * x.size));
  if (!y.requiresGrad) return jac;
  for (let k = 0; k < y.size; k++) {
    const unit = Tensor.empty(y.shape, 'float64');
    unit.data[k] = 1;
    const grads = runBackward(y, unit, { retainGraph: true }, xs);
    xs.forEach((x, d) => {
      const g = grads.get(x);
      if (g !== undefined) jac[d]!.set(g.data, k * x.size);
    });
  }
  return jac;
}

function checkSlow(ctx: Context, nondetTol: number): void {
  const numeric = ctx.diff.map((i) => numericJacobians(ctx, i));
  ctx.outputs.forEach((y, o) => {
    const analytic = analyticJacobians(ctx, o);
    const again = analyticJacobians(ctx, o);
    ctx.diff.forEach((i, d) => {
      const x = ctx.inputs[i]!;
      compareJacobians(ctx, i, o, analytic[d]!, numeric[d]![o]!);
      for (let e = 0; e < x.size * y.size; e++) {
        const gap = Math.abs(analytic[d]![e]! - again[d]![e]!);
        if (!(gap <= nondetTol)) {
          const [k, j] = [Math.floor(e / x.size), e % x.size];
          throw new GradcheckError(
            `${ctx.labels.op}: backward is not deterministic: two backward passes of ${ctx.labels.output(o)} ` +
              `differ by ${fmt(gap)} (> nondetTol ${nondetTol}) for ${ctx.labels.input(i)} at element ` +
              `${fmtIndex(j, x.shape)}, output element ${fmtIndex(k, y.shape)}`,
            i,
            unravel(j, x.shape),
            o,
            unravel(k, y.shape),
          );
        }
      }
    });
  });
}

/** Throws a report on the worst entry where |a − n| > atol + rtol·|n|. */
function compareJacobians(ctx: Context, i: number, o: number, analytic: Float64Array, numeric: Float64Array) {
  const x = ctx.inputs[i]!;
  const y = ctx.outputs[o]!;
  const { atol, rtol } = ctx.tol;
  let worst = -1;
  let worstExcess = 0;
  let count = 0;
  for (let e = 0; e < analytic.length; e++) {
    const a = analytic[e]!;
    const n = numeric[e]!;
    const excess = Math.abs(a - n) - (atol + rtol * Math.abs(n));
    if (excess > 0 || Number.isNaN(excess)) {
      count++;
      if (worst < 0 || excess > worstExcess || Number.isNaN(excess)) [worst, worstExcess] = [e, excess];
    }
  }
  if (worst < 0) return;
  const [k, j] = [Math.floor(worst / x.size), worst % x.size];
  const a = analytic[worst]!;
  const n = numeric[worst]!;
  const why = y.requiresGrad
    ? 'is the backward wrong, or is the input at a kink or pole?'
    : `${ctx.labels.output(o)} does not require grad, yet changes with the input`;
  throw new GradcheckError(
    `${ctx.labels.op}: Jacobian mismatch for ${ctx.labels.output(o)} with respect to ${ctx.labels.input(i)} ` +
      `at input element ${fmtIndex(j, x.shape)}, output element ${fmtIndex(k, y.shape)}: ` +
      `analytic ${fmt(a)} vs numeric ${fmt(n)}; |difference| ${fmt(Math.abs(a - n))} > ` +
      `atol ${fmt(atol)} + rtol ${fmt(rtol)}·|numeric| (${count} of ${analytic.length} entries differ; ${why})`,
    i,
    unravel(j, x.shape),
    o,
    unravel(k, y.shape),
    a,
    n,
  );
}

/**
 * Fast mode: for random unit vectors u (per input) and v (per output), compare
 *   numeric  vᵀ·(J·u) with J·u = (f(x + ε·u) − f(x − ε·u)) / 2ε     (one direction, 2 passes)
 *   analytic (vᵀ·J)·u with vᵀ·J from one backward seeded with v.
 * The entries of u and v are uniform in [0, 1) then normalized, as in PyTorch. atol is scaled
 * by Σu·Σv, the projection of an all-atol error matrix.
 */
function checkFast(ctx: Context, generator: Generator): void {
  const unitVector = (size: number) => {
    const u = new Float64Array(size);
    let norm = 0;
    for (let k = 0; k < size; k++) {
      u[k] = generator.random();
      norm += u[k]! * u[k]!;
    }
    norm = Math.sqrt(norm);
    for (let k = 0; k < size; k++) u[k] = norm > 0 ? u[k]! / norm : 0;
    return u;
  };
  const us = ctx.diff.map((i) => unitVector(ctx.inputs[i]!.size));
  const vs = ctx.outputs.map((y) => unitVector(y.size));
  const sum = (a: Float64Array) => a.reduce((s, t) => s + t, 0);
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
    return s;
  };
  // vᵀ·J for every output and input: one backward per output.
  const xs = ctx.diff.map((i) => ctx.inputs[i]!);
  const vJ = ctx.outputs.map((y, o) =>
    y.requiresGrad
      ? runBackward(y, new Tensor(Float64Array.from(vs[o]!), y.shape), { retainGraph: true }, xs)
      : new Map<Tensor, Tensor>(),
  );
  ctx.diff.forEach((i, d) => {
    const x = ctx.inputs[i]!;
    const u = us[d]!;
    const original = Float64Array.from(x.data);
    for (let j = 0; j < x.size; j++) x.data[j] = original[j]! + ctx.eps * u[j]!;
    const plus = evaluate(ctx);
    for (let j = 0; j < x.size; j++) x.data[j] = original[j]! - ctx.eps * u[j]!;
    const minus = evaluate(ctx);
    x.data.set(original);
    ctx.outputs.forEach((y, o) => {
      const v = vs[o]!;
      let numeric = 0;
      for (let k = 0; k < y.size; k++) numeric += (v[k]! * (plus[o]![k]! - minus[o]![k]!)) / (2 * ctx.eps);
      const g = vJ[o]!.get(x);
      const analytic = g === undefined ? 0 : dot(g.data, u);
      const atol = ctx.tol.atol * sum(u) * sum(v);
      if (!(Math.abs(analytic - numeric) <= atol + ctx.tol.rtol * Math.abs(numeric))) {
        // Locate the element with the full Jacobians; their report is the useful one.
        compareJacobians(ctx, i, o, analyticJacobians(ctx, o)[d]!, numericJacobians(ctx, i)[o]!);
        throw new GradcheckError(
          `${ctx.labels.op}: fast-mode projection vᵀJu mismatch for ${ctx.labels.output(o)} with respect to ` +
            `${ctx.labels.input(i)}: analytic ${fmt(analytic)} vs numeric ${fmt(numeric)}, although every ` +
            'Jacobian entry is within tolerance; rerun with fastMode: false',
          i,
          null,
          o,
          null,
          analytic,
          numeric,
        );
      }
    });
  });
}

/** Backward with a zero upstream gradient must give exactly zero (no constant terms, no NaN). */
function checkZeroUpstream(ctx: Context): void {
  const xs = ctx.diff.map((i) => ctx.inputs[i]!);
  ctx.outputs.forEach((y, o) => {
    if (!y.requiresGrad) return;
    const grads = runBackward(y, Tensor.empty(y.shape, 'float64'), { retainGraph: true }, xs);
    ctx.diff.forEach((i, d) => {
      const g = grads.get(xs[d]!);
      if (g === undefined) return;
      const j = g.data.findIndex((value) => value !== 0);
      if (j >= 0) {
        throw new GradcheckError(
          `${ctx.labels.op}: backward of ${ctx.labels.output(o)} with a zero upstream gradient gave ` +
            `${fmt(g.data[j]!)} (not 0) for ${ctx.labels.input(i)} at element ${fmtIndex(j, g.shape)}`,
          i,
          unravel(j, g.shape),
          o,
        );
      }
    });
  });
}

/** Flat row-major index → multi-dim index. */
function unravel(flat: number, shape: Shape): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return index;
}

function fmtIndex(flat: number, shape: Shape): string {
  return formatShape(unravel(flat, shape));
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(6).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(8)));
}
