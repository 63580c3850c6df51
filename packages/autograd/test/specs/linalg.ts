import type { OpSpec } from './types.js';

/** Op specs for ops/linalg.ts. */
export const linalgSpecs: OpSpec[] = [];
