import type { OpSpec } from './types.js';

/** Op specs for ops/conv.ts. */
export const convSpecs: OpSpec[] = [];
