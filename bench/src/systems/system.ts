import type { ChainData, CnnData, MlpData, SgemmData } from '../workloads.js';

/**
 * One timed unit of work. `run()` does the whole unit, reads the result back into JS and
 * returns a number from it (the loss for training steps), so no system can defer work.
 */
export interface Runner {
  run(): number;
  /** How the system ran this workload, when it deviates (e.g. jit fell back to eager). */
  note?: string;
  /** Frees what the runner holds (jax-js and tfjs arrays); idempotent. */
  dispose(): void;
}

/** A framework under test: builds runners for each workload from the shared data. */
export interface System {
  readonly name: string;
  /** Selects this system's backend; called before each of its runners is built. */
  activate(): Promise<void>;
  sgemm(d: SgemmData): Runner;
  /** A training step: forward, softmax cross-entropy, backward, Adam. */
  mlp(d: MlpData): Runner;
  /** A training step: the CNN, cross-entropy, backward, SGD with momentum. */
  cnn(d: CnnData): Runner;
  /** The chain of small ops forward and backward; returns a value of ∂Σy/∂x. */
  chain(d: ChainData): Runner;
  /** Extra memory the system holds outside the JS heap (e.g. tfjs's tensor count), for W5. */
  memoryNote?(): string;
}
