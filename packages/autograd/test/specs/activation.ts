import type { OpSpec } from './types.js';

/** Op specs for ops/activation.ts. */
export const activationSpecs: OpSpec[] = [];
