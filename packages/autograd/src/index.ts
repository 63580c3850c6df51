/**
 * @tsgrad/autograd — tensors and reverse-mode automatic differentiation.
 *
 * Reading order:
 *   tensor.ts          a Tensor is a typed array, a shape and the node that made it
 *   engine.ts          record(), backward(): topological order and gradient accumulation
 *   ops/arithmetic.ts  forward/backward pairs and unbroadcast; then ops/activation.ts, …
 *   gradcheck.ts       how we know a gradient is right
 *   functional.ts      grad, valueAndGrad, vjp, jvp, hvp, jacobian, hessian
 *   kernels/           the hot loops on typed arrays (read last)
 */

// Debugging: anomaly mode (anomaly.ts)
export { AnomalyError, detectAnomaly, isAnomalyEnabled, setDetectAnomaly } from './anomaly.js';
export {
  arange,
  eye,
  full,
  fullLike,
  linspace,
  type NestedNumbers,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export { type CustomOpDefinition, customOp, OpContext } from './customOp.js';
// The engine
export {
  type BackwardFn,
  type BackwardOptions,
  enableGrad,
  isGradEnabled,
  Node,
  noGrad,
  record,
} from './engine.js';
export { ArgumentError, DTypeError, describeValue, ShapeError } from './errors.js';
export {
  type GradientsOptions,
  type GradOptions,
  grad,
  gradients,
  hessian,
  hvp,
  jacobian,
  jvp,
  type TensorFn,
  valueAndGrad,
  vjp,
} from './functional.js';
// Gradient checking, function transforms, custom ops, graph drawing
export {
  GradcheckError,
  type GradcheckFn,
  type GradcheckOptions,
  type GradgradcheckOptions,
  gradcheck,
  gradgradcheck,
} from './gradcheck.js';
export { type ToDotOptions, toDot } from './graph.js';
// BatchNorm kernels, for @tsgrad/nn (TypeScript and WebAssembly SIMD variants)
export {
  channelMeanVar,
  channelMeanVarReference,
  channelNormalize,
  channelNormalizeReference,
  channelNormBackward,
  channelNormBackwardReference,
} from './kernels/normalization.js';
// Optimizer update kernels, for @tsgrad/optim (TypeScript and WebAssembly SIMD variants)
export { type AdamCoefficients, adamUpdate, adamUpdateReference } from './kernels/optimizer.js';
// Kernel backend: WebAssembly SIMD ('wasm', the default where available) or TypeScript ('js');
// of the WebAssembly kernels, the relaxed-SIMD build (fused multiply-add) where the engine has it
export {
  getKernelBackend,
  type KernelBackend,
  relaxedSimdSupported,
  setKernelBackend,
  setWasmFma,
  wasmFmaActive,
} from './kernels/wasm/module.js';
export { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from './ops/activation.js';
// Ops, as functions (each is also a Tensor method)
export { add, div, mul, neg, pow, sub, unbroadcast } from './ops/arithmetic.js';
export { toDType } from './ops/cast.js';
export { eq, ge, gt, le, lt, ne } from './ops/comparison.js';
export {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type Conv2dOptions,
  type Conv2dPadding,
  conv2d,
  type IntPair,
  type MaxPool2dOptions,
  maxPool2d,
} from './ops/conv.js';
export { gather, indexAdd, indexSelect, maximum, minimum, scatterAdd, where } from './ops/indexing.js';
export { addInPlace, copyFrom, divInPlace, fill, mulInPlace, subInPlace, zero } from './ops/inPlace.js';
export { linear, matmul } from './ops/linalg.js';
export {
  cat,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  squeeze,
  stack,
  transpose,
  unsqueeze,
} from './ops/movement.js';
export {
  argmax,
  argmin,
  logSumExp,
  max,
  mean,
  min,
  std,
  sum,
  type VarianceOptions,
  variance,
} from './ops/reduction.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { abs, clamp, cos, erf, exp, log, reciprocal, sign, sin, sqrt, square } from './ops/unary.js';
export { defaultGenerator, Generator, type GeneratorState, manualSeed, randperm } from './random.js';
// Shapes and errors
export { broadcastShapes, formatShape, normalizeDim, type Shape, sizeOf, stridesOf } from './shape.js';
// Tensors and their creation
export {
  type DType,
  type GradHook,
  type IndexLike,
  type NestedArray,
  Tensor,
  type TensorLike,
  type TypedArray,
  type VersionCounter,
} from './tensor.js';
