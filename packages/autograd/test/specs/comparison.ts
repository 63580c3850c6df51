import { eq, ge, gt, le, lt, ne } from '@tsgrad/autograd';
import { arbBroadcastShapes } from '@tsgrad/autograd/testing';
import type { OpSpec } from './types.js';

const pair = arbBroadcastShapes(2);

/** Op specs for ops/comparison.ts: forward-only (piecewise constant, no gradient). */
export const comparisonSpecs: OpSpec[] = [
  { name: 'eq', fn: (a, b) => eq(a!, b!), shapes: pair, hasGrad: false },
  { name: 'ne', fn: (a, b) => ne(a!, b!), shapes: pair, hasGrad: false },
  { name: 'gt', fn: (a, b) => gt(a!, b!), shapes: pair, hasGrad: false },
  { name: 'ge', fn: (a, b) => ge(a!, b!), shapes: pair, hasGrad: false },
  { name: 'lt', fn: (a, b) => lt(a!, b!), shapes: pair, hasGrad: false },
  { name: 'le', fn: (a, b) => le(a!, b!), shapes: pair, hasGrad: false },
];
