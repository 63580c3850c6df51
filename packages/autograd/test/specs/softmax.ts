import type { OpSpec } from './types.js';

/** Op specs for ops/softmax.ts. */
export const softmaxSpecs: OpSpec[] = [];
