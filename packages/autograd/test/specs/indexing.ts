import type { OpSpec } from './types.js';

/** Op specs for ops/indexing.ts. */
export const indexingSpecs: OpSpec[] = [];
