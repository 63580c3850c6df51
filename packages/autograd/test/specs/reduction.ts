import type { OpSpec } from './types.js';

/** Op specs for ops/reduction.ts. */
export const reductionSpecs: OpSpec[] = [];
