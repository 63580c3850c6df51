import type { OpSpec } from './types.js';

/** Op specs for ops/movement.ts. */
export const movementSpecs: OpSpec[] = [];
