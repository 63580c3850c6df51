/**
 * @tsgrad/nn — layers, losses, initialization and serialization on top of @tsgrad/autograd.
 *
 * Reading order:
 *   module.ts          Module: parameters and submodules found by walking fields; stateDict
 *   linear.ts          the simplest layer, and PyTorch's default initialization
 *   crossEntropy.ts    the fused, stable classification loss and its derivation
 *   losses.ts          the other losses and the L1/L2 penalties
 *   normalizationOps.ts / normalization.ts   BatchNorm and LayerNorm, forward and backward
 *   dropout.ts, init.ts, sequential.ts, conv.ts, pooling.ts, embedding.ts, activation.ts
 *   functional.ts      the `F` namespace
 *   serialization.ts   safetensors (and PyTorch key names); node.ts has the file helpers
 *   kernels.ts         the typed-array loops (read last)
 */
export {
  ELU,
  GELU,
  LeakyReLU,
  LogSoftmax,
  ReLU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from './activation.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export type { CrossEntropyOptions, NllLossOptions } from './crossEntropy.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  BCELoss,
  BCEWithLogitsLoss,
  type BceOptions,
  type BceWithLogitsOptions,
  CrossEntropyLoss,
  HuberLoss,
  type HuberOptions,
  L1Loss,
  MSELoss,
  NLLLoss,
  type ReductionOptions,
  SmoothL1Loss,
  type SmoothL1Options,
} from './losses.js';
export {
  buffer,
  isBuffer,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  parameter,
  type StateDict,
} from './module.js';
export {
  BatchNorm1d,
  BatchNorm2d,
  type BatchNormOptions,
  LayerNorm,
  type LayerNormOptions,
} from './normalization.js';
export { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
export type { Reduction } from './reduction.js';
export { Flatten, Identity, type Layer, ModuleList, Residual, Sequential } from './sequential.js';
export {
  fromPyTorchKey,
  fromPyTorchStateDict,
  loadSafetensors,
  MAX_HEADER_BYTES,
  type NamedTensors,
  readSafetensorsMetadata,
  saveSafetensors,
  toPyTorchKey,
  toPyTorchStateDict,
} from './serialization.js';
