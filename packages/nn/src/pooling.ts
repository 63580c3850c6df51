/**
 * Pooling layers over images [n, c, h, w] (thin wrappers over @tsgrad/autograd's ops):
 *   MaxPool2d: the largest value of each window (the gradient goes to that element only)
 *   AvgPool2d: the mean of each window
 *   AdaptiveAvgPool2d: averages over windows chosen so the output is exactly outputSize
 * Window sizes: o = ⌊(i + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1; stride defaults to k.
 */
import {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type IntPair,
  type MaxPool2dOptions,
  maxPool2d,
  type Tensor,
} from '@tsgrad/autograd';
import { Module } from './module.js';

export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: IntPair,
    readonly options: MaxPool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    return `kernelSize=${String(this.kernelSize)}`;
  }
}

export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: IntPair,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  protected override extraRepr(): string {
    return `kernelSize=${String(this.kernelSize)}`;
  }
}

/** [n, c, h, w] → [n, c, outputSize]; `AdaptiveAvgPool2d(1)` is global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: IntPair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    return `outputSize=${String(this.outputSize)}`;
  }
}
