import { logSoftmax, softmax } from '@tsgrad/autograd';
import { arbShape } from '@tsgrad/autograd/testing';
import type { OpSpec } from './types.js';

const one = arbShape().map((s) => [s]);
const atLeastRank1 = arbShape({ minRank: 1 }).map((s) => [s]);

/** Op specs for ops/softmax.ts. */
export const softmaxSpecs: OpSpec[] = [
  { name: 'softmax(-1)', fn: (x) => softmax(x!, -1), shapes: one, domain: { min: -4, max: 4 } },
  { name: 'softmax(0)', fn: (x) => softmax(x!, 0), shapes: atLeastRank1, domain: { min: -4, max: 4 } },
  { name: 'logSoftmax(-1)', fn: (x) => logSoftmax(x!, -1), shapes: one, domain: { min: -4, max: 4 } },
  { name: 'logSoftmax(0)', fn: (x) => logSoftmax(x!, 0), shapes: atLeastRank1, domain: { min: -4, max: 4 } },
];
