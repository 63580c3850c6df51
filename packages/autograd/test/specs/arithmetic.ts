import { add, div, mul, neg, pow, sub } from '@tsgrad/autograd';
import { arbBroadcastShapes, arbShape } from '@tsgrad/autograd/testing';
import type { OpSpec } from './types.js';

const pair = arbBroadcastShapes(2);
const one = arbShape().map((s) => [s]);
/** Keeps a divisor (or a base) at least 0.2 away from 0, where 1/b and its derivatives blow up. */
const awayFromZero = { min: -2, max: 2, avoid: [0], margin: 0.2 };

/** Op specs for ops/arithmetic.ts. */
export const arithmeticSpecs: OpSpec[] = [
  { name: 'add', fn: (a, b) => add(a!, b!), shapes: pair },
  { name: 'sub', fn: (a, b) => sub(a!, b!), shapes: pair },
  { name: 'mul', fn: (a, b) => mul(a!, b!), shapes: pair },
  { name: 'div', fn: (a, b) => div(a!, b!), shapes: pair, domain: [{}, awayFromZero] },
  { name: 'neg', fn: (a) => neg(a!), shapes: one },
  // A positive base keeps aᵇ real and ln a finite.
  {
    name: 'pow',
    fn: (a, b) => pow(a!, b!),
    shapes: pair,
    // b = 0 avoided: there the backward masks b·aᵇ⁻¹ to 0 (as PyTorch), so ∂²/∂a∂b jumps.
    domain: [
      { min: 0.5, max: 2 },
      { min: -2, max: 2, avoid: [0] },
    ],
  },
  { name: 'pow(x, 3)', fn: (a) => pow(a!, 3), shapes: one },
  { name: 'pow(x, -1.5)', fn: (a) => pow(a!, -1.5), shapes: one, domain: { min: 0.5, max: 2 } },
  { name: 'pow(2, x)', fn: (a) => pow(2, a!), shapes: one },
  { name: 'add(x, scalar)', fn: (a) => add(a!, 1.5), shapes: one },
  { name: 'sub(scalar, x)', fn: (a) => sub(1.5, a!), shapes: one },
  { name: 'div(scalar, x)', fn: (a) => div(2, a!), shapes: one, domain: awayFromZero },
];
