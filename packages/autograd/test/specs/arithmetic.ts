import type { OpSpec } from './types.js';

/** Op specs for ops/arithmetic.ts. */
export const arithmeticSpecs: OpSpec[] = [];
