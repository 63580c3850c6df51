import type { OpSpec } from './types.js';

/** Op specs for ops/comparison.ts. */
export const comparisonSpecs: OpSpec[] = [];
