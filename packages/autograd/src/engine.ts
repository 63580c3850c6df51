/**
 * The autograd engine: micrograd's idea at tensor scale.
 *
 * Every op that sees an input with `requiresGrad` calls `record`, which attaches a `Node` to its
 * output: the op's name, its inputs, and a closure that maps ∂L/∂output to ∂L/∂input for each
 * input. `backward(root)` then
 *   1. sorts the graph topologically (iteratively, so a 100,000-op chain needs no deep stack),
 *   2. walks it from the root, summing the gradients that reach each tensor (a tensor used twice
 *      gets both contributions: ∂L/∂x = Σ over its uses),
 *   3. adds the result into `.grad` of each leaf that requires grad,
 *   4. frees the closures (and with them the saved tensors) unless `retainGraph`.
 * Before each node's backward it checks that the node's tensors were not modified in place since
 * recording (version counters, ops/inPlace.ts); anomaly mode (anomaly.ts) also scans for NaN/Inf.
 * Backward closures are written with tensor ops, so with `createGraph` the gradients are
 * themselves recorded and can be differentiated again.
 */
import { anomalyBackward, anomalyMode, checkForward, creationStack } from './anomaly.js';
import { ArgumentError, ShapeError } from './errors.js';
import { checkVersions, snapshotVersions } from './ops/inPlace.js';
import { formatShape, shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';

/** Maps ∂L/∂output to ∂L/∂input for each input (null: no gradient flows to that input). */
export type BackwardFn = (gradOut: Tensor) => ReadonlyArray<Tensor | null>;

/** One recorded op in the graph: what made a tensor, and how to send its gradient back. */
export class Node {
  /** Set to null after backward without `retainGraph`: the saved tensors are released. */
  backwardFn: BackwardFn | null;
  /** Versions of the inputs, then the output, at recording; null when all were 0 (see ops/inPlace.ts). */
  savedVersions: readonly number[] | null = null;
  /** Where the op ran, kept in anomaly mode only (anomaly.ts). */
  createdAt: string | null = null;

  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    backwardFn: BackwardFn,
  ) {
    this.backwardFn = backwardFn;
  }
}

let gradEnabled = true;

/** True unless inside `noGrad`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording: results have no node and `requiresGrad` false. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording switched back on (inside a `noGrad`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * The one graph-wiring helper every op calls last. When grad mode is on and some input
 * requires grad, `output` gets a node and `requiresGrad`; otherwise it stays a plain tensor.
 */
export function record(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  backwardFn: BackwardFn,
): Tensor {
  if (anomalyMode.enabled) checkForward(op, inputs, output);
  if (!gradEnabled) return output;
  let anyRequiresGrad = false;
  let anyModified = output.version !== 0;
  for (const t of inputs) {
    if (t.requiresGrad) anyRequiresGrad = true;
    if (t.version !== 0) anyModified = true;
  }
  if (!anyRequiresGrad) return output;
  const node = new Node(op, inputs, backwardFn);
  // Versions let backward detect in-place changes to the tensors it needs.
  if (anyModified) node.savedVersions = snapshotVersions(inputs, output);
  if (anomalyMode.enabled) node.createdAt = creationStack();
  output.attachNode(node);
  return output;
}

export interface BackwardOptions {
  /** Keep the graph (and its saved tensors) so that backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated (implies retainGraph). */
  createGraph?: boolean;
}

/**
 * Computes ∂root/∂leaf for every leaf reachable from `root` that requires grad, and adds it
 * into `leaf.grad`. `gradOut` is ∂L/∂root; it may be omitted only when root has one element.
 * `inputs`, when given, restricts accumulation to those tensors (used by `grad()`), and the
 * gradients are returned instead of being added to `.grad`.
 */
export function runBackward(
  root: Tensor,
  gradOut: Tensor,
  options: BackwardOptions = {},
  inputs?: readonly Tensor[],
): Map<Tensor, Tensor> {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const order = topologicalOrder(root);
  const wanted = inputs ? new Set(inputs) : null;
  const grads = new Map<Tensor, Tensor>([[root, gradOut]]);
  const results = new Map<Tensor, Tensor>();

  const pass = () => {
    for (const t of order) {
      let g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      for (const hook of t.hooks) {
        const replaced = hook(g);
        if (replaced !== undefined) g = checkGrad('hook', replaced, t, 0);
      }
      if (wanted) {
        if (wanted.has(t)) results.set(t, accumulate(results.get(t), g));
      } else if (t.node === null || t.retainsGrad) {
        // Leaves (and tensors that asked with retainGrad) keep what reached them.
        const stored = createGraph ? g : g.detach();
        t.grad = t.grad === null ? stored : accumulate(t.grad, stored);
      }
      const node = t.node;
      if (node === null) continue;
      const fn = node.backwardFn;
      if (fn === null) {
        throw new ArgumentError(
          'backward',
          `graph already freed at '${node.op}'; pass { retainGraph: true } to the first backward`,
        );
      }
      checkVersions(node, t);
      const inputGrads = anomalyMode.enabled ? anomalyBackward(node, fn, g) : fn(g);
      if (inputGrads.length !== node.inputs.length) {
        throw new ArgumentError(
          'backward',
          `backward of '${node.op}' returned ${inputGrads.length} grads for ${node.inputs.length} inputs`,
        );
      }
      for (let i = 0; i < node.inputs.length; i++) {
        const input = node.inputs[i]!;
        const gi = inputGrads[i];
        if (gi === null || gi === undefined || !input.requiresGrad) continue;
        const checked = checkGrad(node.op, gi, input, i);
        grads.set(input, accumulate(grads.get(input), checked));
      }
    }
  };

  if (createGraph) {
    withGradMode(true, pass);
  } else {
    withGradMode(false, pass);
  }
  if (!retainGraph) {
    for (const t of order) if (t.node) t.node.backwardFn = null;
  }
  return results;
}

/** Sum of two gradient contributions (either may be missing). */
function accumulate(existing: Tensor | undefined, g: Tensor): Tensor {
  return existing === undefined ? g : existing.add(g);
}

/** The engine's shape check on every backward result; it catches unbroadcast bugs at once. */
function checkGrad(op: string, g: Tensor, input: Tensor, index: number): Tensor {
  if (!shapesEqual(g.shape, input.shape)) {
    throw new ShapeError(
      'backward',
      `backward of '${op}' returned grad of shape ${formatShape(g.shape)} for input ${index} of shape ${formatShape(input.shape)}`,
      [g.shape, input.shape],
    );
  }
  return g.dtype === input.dtype ? g : g.to(input.dtype);
}

/**
 * Tensors reachable from `root` through nodes, each after every tensor that depends on it
 * (reverse post-order of a depth-first search, with an explicit stack).
 */
function topologicalOrder(root: Tensor): Tensor[] {
  const postOrder: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<{ tensor: Tensor; next: number }> = [{ tensor: root, next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const inputs = frame.tensor.node?.inputs ?? [];
    if (frame.next < inputs.length) {
      const child = inputs[frame.next++]!;
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push({ tensor: child, next: 0 });
      }
    } else {
      postOrder.push(frame.tensor);
      stack.pop();
    }
  }
  return postOrder.reverse();
}
