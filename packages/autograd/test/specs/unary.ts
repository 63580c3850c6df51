import type { OpSpec } from './types.js';

/** Op specs for ops/unary.ts. */
export const unarySpecs: OpSpec[] = [];
