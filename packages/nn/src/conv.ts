/**
 * 2-D convolution layer (cross-correlation, as in every framework):
 *   y[n, o, i, j] = b[o] + Σ_{c, p, q} W[o, c, p, q] · x[n, g·C/G + c, s·i + d·p − pad, s·j + d·q − pad]
 *   input [n, inChannels, h, w] → output [n, outChannels, h', w'],
 *   h' = ⌊(h + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1 (same for w'); padding 'same' keeps
 *   h' = h (stride 1 only), 'valid' is 0. An unbatched image [inChannels, h, w] works too.
 *   W: [outChannels, inChannels/groups, kh, kw], b: [outChannels].
 * Default init, as PyTorch: W ~ kaimingUniform(a = √5) = U(±1/√fanIn), b ~ U(±1/√fanIn),
 * fanIn = inChannels/groups·kh·kw. The op itself (im2col + gemm) is @tsgrad/autograd's conv2d.
 */
import { type Conv2dPadding, conv2d, formatShape, type IntPair, type Tensor, zeros } from '@tsgrad/autograd';
import * as init from './init.js';
import { Module, parameter } from './module.js';

export interface Conv2dOptions {
  stride?: IntPair;
  /** Zeros on each side (default 0), 'valid' (none) or 'same' (output size = input size; stride 1). */
  padding?: Conv2dPadding;
  dilation?: IntPair;
  /** Split channels into this many independent convolutions. Default 1. */
  groups?: number;
  /** Learn an additive bias per output channel. Default true. */
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: IntPair;
  readonly padding: Conv2dPadding;
  readonly dilation: IntPair;
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: Conv2dOptions = {}) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, dtype = 'float32' } = options;
    const k: [number, number] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [...kernelSize];
    if (!k.every((v) => Number.isInteger(v) && v > 0))
      throw new RangeError(`Conv2d: kernelSize must be positive integers, got ${String(kernelSize)}`);
    if (!Number.isInteger(groups) || groups <= 0)
      throw new RangeError(`Conv2d: groups must be a positive integer, got ${groups}`);
    if (!Number.isInteger(inChannels) || inChannels <= 0 || inChannels % groups !== 0)
      throw new RangeError(
        `Conv2d: inChannels must be a positive multiple of groups (${groups}), got ${inChannels}`,
      );
    if (!Number.isInteger(outChannels) || outChannels <= 0 || outChannels % groups !== 0)
      throw new RangeError(
        `Conv2d: outChannels must be a positive multiple of groups (${groups}), got ${outChannels}`,
      );
    const unitStride = typeof stride === 'number' ? stride === 1 : stride.every((v) => v === 1);
    if (padding === 'same' && !unitStride)
      throw new RangeError(
        `Conv2d: padding 'same' needs stride 1 (as PyTorch), got stride ${typeof stride === 'number' ? stride : formatShape(stride)}`,
      );
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = k;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    this.weight = parameter(zeros([outChannels, inChannels / groups, k[0], k[1]], { dtype }));
    this.bias = (options.bias ?? true) ? parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's default initialization (see the class comment). */
  resetParameters(): void {
    init.kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(init.computeFans(this.weight.shape).fanIn);
      init.uniform(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize.join('x')}, stride=${String(this.stride)}, padding=${String(this.padding)}`;
  }
}
