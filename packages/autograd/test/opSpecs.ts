/**
 * The op-spec table: every op of @tsgrad/autograd, one entry each (see specs/types.ts).
 * Each family's entries live in specs/<family>.ts beside its op file's name.
 */
import type { OpSpec } from './specs/types.js';

export type { OpSpec } from './specs/types.js';

export const opSpecs: OpSpec[] = [];
