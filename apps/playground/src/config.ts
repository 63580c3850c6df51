/**
 * Everything the page lets you set, as one plain object that the page sends to the worker.
 * Shared by the page (controls.ts) and the trainer (trainer.ts); no DOM, no tensors.
 */

export const DATASETS = ['moons', 'circles', 'spirals', 'xor', 'blobs'] as const;
export const ACTIVATIONS = ['relu', 'leakyRelu', 'tanh', 'sigmoid', 'gelu', 'elu', 'silu'] as const;
export const INITS = [
  'pytorch',
  'xavierUniform',
  'xavierNormal',
  'kaimingUniform',
  'kaimingNormal',
  'tooSmall',
  'tooLarge',
] as const;
export const NORMS = ['none', 'batch', 'layer'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw'] as const;
export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine', 'warmup', 'cyclic'] as const;

export type DatasetName = (typeof DATASETS)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type InitScheme = (typeof INITS)[number];
export type Norm = (typeof NORMS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type Schedule = (typeof SCHEDULES)[number];

export interface Config {
  // data
  dataset: DatasetName;
  /** Std of the Gaussian noise on the points (the cluster spread for blobs). */
  noise: number;
  trainSize: number;
  seed: number;
  // network
  /** Hidden layers. 0 is logistic (softmax) regression. */
  depth: number;
  width: number;
  activation: Activation;
  init: InitScheme;
  norm: Norm;
  // regularization
  dropout: number;
  l1: number;
  l2: number;
  labelSmoothing: number;
  /** Std of N(0, σ²) added to each training input every time it is seen. */
  inputNoise: number;
  // optimization
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  beta1: number;
  beta2: number;
  /** RMSprop's α, the decay of the running mean of g². */
  alpha: number;
  /** AdamW's decoupled weight decay. */
  weightDecay: number;
  batchSize: number;
  schedule: Schedule;
  /** Epochs over which a schedule does its thing (step size ×4, cosine period, warmup, cycle). */
  scheduleEpochs: number;
  /** Max global gradient norm; 0 turns clipping off. */
  clipNorm: number;
  swa: boolean;
  swaStart: number;
  swaLr: number;
}

export const DEFAULT_CONFIG: Config = {
  dataset: 'moons',
  noise: 0.15,
  trainSize: 200,
  seed: 1,
  depth: 2,
  width: 16,
  activation: 'relu',
  init: 'pytorch',
  norm: 'none',
  dropout: 0,
  l1: 0,
  l2: 0,
  labelSmoothing: 0,
  inputNoise: 0,
  optimizer: 'adam',
  lr: 0.01,
  momentum: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  alpha: 0.99,
  weightDecay: 0.01,
  batchSize: 32,
  schedule: 'constant',
  scheduleEpochs: 100,
  clipNorm: 0,
  swa: false,
  swaStart: 100,
  swaLr: 0.005,
};

/** Changing one of these rebuilds the data and the network: training starts over. */
export const RESET_KEYS: readonly (keyof Config)[] = [
  'dataset',
  'noise',
  'trainSize',
  'seed',
  'depth',
  'width',
  'activation',
  'init',
  'norm',
];

/** Changing one of these rebuilds the optimizer and the schedule (their state starts over). */
export const OPTIMIZER_KEYS: readonly (keyof Config)[] = [
  'optimizer',
  'lr',
  'momentum',
  'beta1',
  'beta2',
  'alpha',
  'weightDecay',
  'schedule',
  'scheduleEpochs',
  'swa',
  'swaStart',
  'swaLr',
];

/** Size of the validation set, drawn from the same distribution with another seed. */
export const VALIDATION_SIZE = 400;

/** Resolution of the decision-boundary grid (cells per side). */
export const GRID_SIZE = 72;
