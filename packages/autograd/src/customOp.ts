/**
 * User-defined ops: your own forward (on typed arrays or tensors) and your own backward (in
 * tensor ops), wired into the graph exactly like a built-in op. PyTorch's `torch.autograd.Function`.
 *
 *   // y = x³,  ∂L/∂x = ∂L/∂y · 3x²
 *   const cube = customOp({
 *     name: 'cube',
 *     forward(ctx, x) {
 *       const y = Tensor.empty(x.shape, x.dtype);
 *       for (let i = 0; i < x.size; i++) y.data[i] = x.data[i]! ** 3;
 *       ctx.save(x);
 *       return y;
 *     },
 *     backward(ctx, gradOut) {
 *       const [x] = ctx.saved;
 *       return [gradOut.mul(x!.square()).mul(3)];
 *     },
 *   });
 *   const y = cube(x);                                   // recorded as 'cube' in the graph
 *   gradcheck(cube, [randn([4], { dtype: 'float64', requiresGrad: true })]);   // verify it
 *
 * The forward runs under `noGrad`: whatever it computes is not recorded; its result becomes the
 * op's output. The backward is called with ∂L/∂output and returns ∂L/∂input for each input
 * (null for one that needs none: see `ctx.needsInputGrad`). Write it with tensor ops and it
 * supports `createGraph` (gradients of gradients, gradgradcheck) for free. The engine checks
 * that each returned gradient has its input's shape and names your op when one does not.
 */
import { noGrad, record } from './engine.js';
import { ArgumentError } from './errors.js';
import type { Shape } from './shape.js';
import { Tensor } from './tensor.js';

/** What forward hands to backward for one call of the op. */
export class OpContext {
  private savedTensors: Tensor[] = [];

  constructor(
    /** needsInputGrad[i]: whether input i requires grad (backward may return null for the others). */
    readonly needsInputGrad: readonly boolean[],
    /** The inputs' shapes (handy for `unbroadcast`). */
    readonly inputShapes: readonly Shape[],
  ) {}

  /**
   * Keeps tensors for backward: inputs, or the output (saving the output, as sigmoid does, keeps
   * double backward working, because the output is in the graph). Released after backward.
   */
  save(...tensors: Tensor[]): void {
    for (const t of tensors) {
      if (!(t instanceof Tensor)) throw new ArgumentError('OpContext.save', 'only Tensors can be saved');
    }
    this.savedTensors.push(...tensors);
  }

  /** The tensors passed to `save`, in order. */
  get saved(): readonly Tensor[] {
    return this.savedTensors;
  }
}

export interface CustomOpDefinition<Inputs extends Tensor[]> {
  /** The op's name in the graph, in error messages and in `toDot`. */
  name: string;
  /** Computes the output (not recorded). Must return a new tensor, not one of its inputs. */
  forward: (ctx: OpContext, ...inputs: Inputs) => Tensor;
  /** ∂L/∂output ↦ ∂L/∂input for each input (a single tensor is fine for a one-input op). */
  backward: (ctx: OpContext, gradOut: Tensor) => Tensor | null | ReadonlyArray<Tensor | null>;
}

/**
 * Makes an op from a forward and a backward (see the example at the top of this file).
 * The op is a plain function of tensors; close over any non-tensor parameters:
 *   const scale = (k: number) => customOp({ name: `scale(${k})`, forward: …, backward: … });
 */
export function customOp<Inputs extends Tensor[]>(
  definition: CustomOpDefinition<Inputs>,
): (...inputs: Inputs) => Tensor {
  const { name, forward, backward } = definition;
  if (typeof name !== 'string' || name === '')
    throw new ArgumentError('customOp', 'name must be a non-empty string');
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new ArgumentError('customOp', `'${name}' needs forward and backward functions`);
  }
  return (...inputs: Inputs): Tensor => {
    inputs.forEach((x, i) => {
      if (!(x instanceof Tensor))
        throw new ArgumentError(name, `input ${i} must be a Tensor, got ${typeof x}`);
    });
    const ctx = new OpContext(
      inputs.map((x) => x.requiresGrad),
      inputs.map((x) => x.shape),
    );
    let output = noGrad(() => forward(ctx, ...inputs));
    if (!(output instanceof Tensor)) {
      throw new ArgumentError(name, `forward must return a Tensor, got ${typeof output}`);
    }
    // A node on an input would rewire that input's own history: give the op its own output.
    if (inputs.some((x) => x === output)) {
      output = new Tensor(output.data.slice(), output.shape);
    }
    return record(name, inputs, output, (gradOut) => {
      const grads = backward(ctx, gradOut);
      const list = grads === null || grads instanceof Tensor ? [grads] : [...grads];
      if (list.length !== inputs.length) {
        throw new ArgumentError(
          name,
          `backward returned ${list.length} gradients for ${inputs.length} inputs (one per input; null for none)`,
        );
      }
      return list;
    });
  };
}
