/**
 * The op-spec table: every op of @tsgrad/autograd, one entry each (see specs/types.ts).
 * Each family's entries live in specs/<family>.ts, named after its file in src/ops/.
 */

import { activationSpecs } from './specs/activation.js';
import { arithmeticSpecs } from './specs/arithmetic.js';
import { comparisonSpecs } from './specs/comparison.js';
import { convSpecs } from './specs/conv.js';
import { indexingSpecs } from './specs/indexing.js';
import { linalgSpecs } from './specs/linalg.js';
import { movementSpecs } from './specs/movement.js';
import { reductionSpecs } from './specs/reduction.js';
import { softmaxSpecs } from './specs/softmax.js';
import type { OpSpec } from './specs/types.js';
import { unarySpecs } from './specs/unary.js';

export type { OpSpec } from './specs/types.js';

export const opSpecs: OpSpec[] = [
  ...arithmeticSpecs,
  ...unarySpecs,
  ...comparisonSpecs,
  ...activationSpecs,
  ...reductionSpecs,
  ...softmaxSpecs,
  ...linalgSpecs,
  ...movementSpecs,
  ...indexingSpecs,
  ...convSpecs,
];
