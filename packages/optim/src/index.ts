/**
 * @tsgrad/optim — optimizers, gradient clipping, learning-rate schedules, weight averaging and
 * early stopping.
 *
 * Reading order:
 *   optimizer.ts       param groups, lazily created state, zeroGrad, state dicts
 *   sgd.ts             SGD with momentum and Nesterov: the simplest update rule
 *   adam.ts            Adam and AdamW side by side; then rmsprop.ts, adagrad.ts, nadam.ts, radam.ts
 *   clip.ts            clipGradNorm, clipGradValue
 *   schedulers/        lrScheduler.ts (the base, closed forms), decay.ts, warmup.ts, cyclic.ts,
 *                      sequentialLR.ts, reduceLROnPlateau.ts
 *   swa.ts             AveragedModel (SWA, EMA of weights), SWALR, updateBn
 *   ema.ts             moving average of a stream of numbers
 *   earlyStopping.ts   stop when the validation metric stalls; restore the best weights
 *   checkpoint.ts      model + optimizer + scheduler + RNG in one safetensors file; exact resume
 */
export { Adagrad, type AdagradOptions, type AdagradState } from './adagrad.js';
export { Adam, type AdamOptions, type AdamState, AdamW } from './adam.js';
export {
  type CheckpointParts,
  type JsonValue,
  loadCheckpoint,
  type Stateful,
  saveCheckpoint,
} from './checkpoint.js';
export { type ClipGradNormOptions, clipGradNorm, clipGradValue } from './clip.js';
export { EarlyStopping, type EarlyStoppingOptions } from './earlyStopping.js';
export { EMA, type EMAOptions, ewma } from './ema.js';
export { NAdam, type NAdamOptions, type NAdamState } from './nadam.js';
export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type Params,
  type StateValue,
} from './optimizer.js';
export { RAdam, type RAdamOptions, type RAdamState } from './radam.js';
export { RMSprop, type RMSpropOptions, type RMSpropState } from './rmsprop.js';
export * from './schedulers/index.js';
export { SGD, type SGDOptions, type SGDState } from './sgd.js';
export {
  AveragedModel,
  type AveragedModelOptions,
  type AvgFn,
  getEmaAvgFn,
  getEmaMultiAvgFn,
  type MultiAvgFn,
  SWALR,
  type SWALROptions,
  swaMultiAvgFn,
  updateBn,
} from './swa.js';
