/** The messages between the page (main.ts) and the training worker (worker.ts). */
import type { Config } from './config.js';
import type { DataSnapshot, Snapshot } from './trainer.js';

export type ToWorker =
  /** Take this config; rebuilds only what it must (see Trainer.update). */
  | { type: 'config'; config: Config }
  | { type: 'start' }
  | { type: 'pause' }
  /** Train one epoch, then report. */
  | { type: 'step' }
  /** New data and a freshly initialized network with the current config. */
  | { type: 'reset' };

export type FromWorker =
  /** After a reset: the points to draw, and the first snapshot of an untrained network. */
  | { type: 'data'; data: DataSnapshot }
  | { type: 'snapshot'; snapshot: Snapshot; running: boolean; stepsPerSecond: number }
  /** Class probabilities over the grid, [size·size·classes]; `swa` when the SWA model drew them. */
  | { type: 'boundary'; probs: Float32Array; size: number; classes: number; swa: boolean }
  | { type: 'error'; message: string };
