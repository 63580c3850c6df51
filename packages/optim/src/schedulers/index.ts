export {
  CyclicLR,
  type CyclicLROptions,
  type CyclicMode,
  OneCycleLR,
  type OneCycleLROptions,
} from './cyclic.js';
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  ExponentialLR,
  type ExponentialLROptions,
  MultiStepLR,
  type MultiStepLROptions,
  PolynomialLR,
  type PolynomialLROptions,
  StepLR,
  type StepLROptions,
} from './decay.js';
export {
  type AnyOptimizer,
  LambdaLR,
  type LambdaLROptions,
  LRScheduler,
  type LRSchedulerState,
} from './lrScheduler.js';
export {
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type ReduceLROnPlateauState,
} from './reduceLROnPlateau.js';
export { SequentialLR, type SequentialLROptions, type SequentialLRState } from './sequentialLR.js';
export { ConstantLR, type ConstantLROptions, LinearLR, type LinearLROptions } from './warmup.js';
