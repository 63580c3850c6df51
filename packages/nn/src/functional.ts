/**
 * The `F` namespace: every layer's computation as a plain function (`F.linear`, `F.conv2d`, …),
 * plus the losses. Layers are thin wrappers over these, as in PyTorch.
 *
 *   import { functional as F } from '@tsgrad/nn';
 *   const loss = F.crossEntropy(F.linear(x, w, b), labels, { labelSmoothing: 0.1 });
 */

// The activations and pooling ops are autograd's own, re-exported so `F` has them all.
export {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  elu,
  gelu,
  leakyRelu,
  logSoftmax,
  maxPool2d,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from '@tsgrad/autograd';
export { crossEntropy, nllLoss } from './crossEntropy.js';
export { dropout } from './dropout.js';
export { embedding } from './embedding.js';
export { linear } from './linear.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  huberLoss,
  l1Loss,
  l1Penalty,
  l2Penalty,
  mseLoss,
  smoothL1Loss,
} from './losses.js';
export { batchNorm, layerNorm } from './normalizationOps.js';
