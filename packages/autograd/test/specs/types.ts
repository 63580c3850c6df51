import type { Tensor } from '@tsgrad/autograd';
import type { ValueDomain } from '@tsgrad/autograd/testing';
import type fc from 'fast-check';

/**
 * One entry of the op-spec table (like PyTorch's OpInfo). Adding an op here enrols it in every
 * generic property of test/ops/generic.test.ts: float64 gradcheck, gradgradcheck, float32 ≈
 * float64, noGrad records nothing, gradients have their inputs' shapes.
 */
export interface OpSpec {
  /** Op name as users call it, plus a variant tag if there are several specs: 'sum(dim, keepDim)'. */
  name: string;
  /** The op applied to float64 inputs. Extra non-tensor arguments are closed over. */
  fn: (...inputs: Tensor[]) => Tensor;
  /** Input shapes, drawn per run (e.g. arbBroadcastShapes(2)). Ignored when `inputs` is given. */
  shapes?: fc.Arbitrary<number[][]>;
  /** Value domain: one for every input, or one per input. Keep inputs off kinks and poles. */
  domain?: ValueDomain | readonly ValueDomain[];
  /** A full input generator (float64 tensors) when shapes + domain cannot express it (indices…). */
  inputs?: fc.Arbitrary<Tensor[]>;
  /** Which inputs are differentiated (default: all). Index and mask inputs are not. */
  differentiable?: readonly boolean[];
  /** false when the op has no gradient at all (argmax, comparisons): only forward properties run. */
  hasGrad?: boolean;
  /** false to skip gradgradcheck; say why in a comment next to it. */
  gradgrad?: boolean;
  /** Relative tolerance of the float32 ≈ float64 property (default 1e-4). */
  float32Rtol?: number;
}
