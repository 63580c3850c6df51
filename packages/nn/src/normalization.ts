/**
 * Normalization layers: BatchNorm1d, BatchNorm2d and LayerNorm (the fused ops they call, with
 * their derivation, are in normalizationOps.ts).
 *
 * BatchNorm keeps PyTorch's meaning of every hyperparameter:
 *   training:  y = (x − μ_B)/√(σ²_B + ε)·γ + β     μ_B, σ²_B: the batch's mean and *biased* variance
 *              runningMean ← (1 − momentum)·runningMean + momentum·μ_B
 *              runningVar  ← (1 − momentum)·runningVar  + momentum·σ²_B·N/(N − 1)   (unbiased)
 *              momentum null: a cumulative average, factor 1/numBatchesTracked
 *   eval:      y = (x − runningMean)/√(runningVar + ε)·γ + β
 * Note that this momentum is 1 − (the usual momentum of an exponential average).
 * Ref: Ioffe & Szegedy 2015, "Batch Normalization", Algorithm 1 and 2.
 */
import { formatShape, ones, type Shape, ShapeError, type Tensor, zeros } from '@tsgrad/autograd';
import { buffer, Module, parameter } from './module.js';
import { batchNorm, layerNorm } from './normalizationOps.js';

export interface BatchNormOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Weight of the newest batch in the running estimates; null for a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale γ (init 1) and shift β (init 0). Default true. */
  affine?: boolean;
  /** Keep running estimates for eval; if false, eval uses batch statistics too. Default true. */
  trackRunningStats?: boolean;
  dtype?: 'float32' | 'float64';
}

/** Shared by BatchNorm1d and BatchNorm2d, which differ only in the input ranks they accept. */
abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  /** Batches seen in training (a float scalar; PyTorch stores an int64). */
  numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0)
      throw new RangeError(`${name}: numFeatures must be a positive integer, got ${numFeatures}`);
    const {
      eps = 1e-5,
      momentum = 0.1,
      affine = true,
      trackRunningStats = true,
      dtype = 'float32',
    } = options;
    if (!(eps > 0)) throw new RangeError(`${name}: eps must be > 0, got ${eps}`);
    if (momentum !== null && !(momentum >= 0 && momentum <= 1))
      throw new RangeError(`${name}: momentum must be in [0, 1] or null, got ${momentum}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? parameter(zeros([numFeatures], { dtype })) : null;
    this.runningMean = trackRunningStats ? buffer(zeros([numFeatures], { dtype })) : null;
    this.runningVar = trackRunningStats ? buffer(ones([numFeatures], { dtype })) : null;
    this.numBatchesTracked = trackRunningStats ? buffer(zeros([], { dtype })) : null;
  }

  /** The input ranks this layer accepts and how to describe them in an error. */
  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        this.constructor.name,
        `expected ${this.numFeatures} channels (dim 1), got input ${formatShape(x.shape)}`,
        [x.shape],
      );
    }
    let factor = 0;
    if (this.training && this.numBatchesTracked !== null) {
      this.numBatchesTracked.data[0]! += 1;
      factor = this.momentum ?? 1 / this.numBatchesTracked.data[0]!;
    }
    // As PyTorch: batch statistics in training, and in eval too when no running stats are kept.
    const useBatchStats = this.training || this.runningMean === null;
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: useBatchStats,
      momentum: this.training ? factor : 0,
      eps: this.eps,
    });
  }

  /** Running statistics back to mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    this.runningMean?.data.fill(0);
    this.runningVar?.data.fill(1);
    this.numBatchesTracked?.data.fill(0);
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalization of [n, c] or [n, c, l] inputs, per channel c. */
export class BatchNorm1d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3)
      throw new ShapeError('BatchNorm1d', `expects input [n, c] or [n, c, l], got ${formatShape(x.shape)}`, [
        x.shape,
      ]);
  }
}

/** Batch normalization of [n, c, h, w] inputs, per channel c. */
export class BatchNorm2d extends BatchNorm {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4)
      throw new ShapeError('BatchNorm2d', `expects input [n, c, h, w], got ${formatShape(x.shape)}`, [
        x.shape,
      ]);
  }
}

export interface LayerNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learn γ (init 1) and β (init 0) of shape normalizedShape. Default true. */
  elementwiseAffine?: boolean;
  dtype?: 'float32' | 'float64';
}

/**
 * Layer normalization over the trailing `normalizedShape` dims of each sample:
 *   y = (x − μ)/√(σ² + ε)·γ + β,  μ, σ² (biased) over the normalized dims; the same in train and eval.
 * input [… , *normalizedShape] → same shape. Ref: Ba, Kiros & Hinton 2016, §3.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | Shape, options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0))
      throw new RangeError(`LayerNorm: normalizedShape must be positive integers, got ${formatShape(shape)}`);
    const { eps = 1e-5, elementwiseAffine = true, dtype = 'float32' } = options;
    if (!(eps > 0)) throw new RangeError(`LayerNorm: eps must be > 0, got ${eps}`);
    this.normalizedShape = shape;
    this.eps = eps;
    this.weight = elementwiseAffine ? parameter(ones(shape, { dtype })) : null;
    this.bias = elementwiseAffine ? parameter(zeros(shape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }

  protected override extraRepr(): string {
    return `${formatShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
