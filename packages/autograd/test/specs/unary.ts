import { abs, clamp, cos, erf, exp, log, reciprocal, sign, sin, sqrt, square } from '@tsgrad/autograd';
import { arbShape } from '@tsgrad/autograd/testing';
import type { OpSpec } from './types.js';

const one = arbShape().map((s) => [s]);
const positive = { min: 0.1, max: 3 };

/** Op specs for ops/unary.ts. */
export const unarySpecs: OpSpec[] = [
  { name: 'exp', fn: (x) => exp(x!), shapes: one },
  { name: 'log', fn: (x) => log(x!), shapes: one, domain: positive },
  { name: 'sqrt', fn: (x) => sqrt(x!), shapes: one, domain: positive },
  { name: 'abs', fn: (x) => abs(x!), shapes: one, domain: { avoid: [0] } },
  { name: 'sin', fn: (x) => sin(x!), shapes: one },
  { name: 'cos', fn: (x) => cos(x!), shapes: one },
  { name: 'square', fn: (x) => square(x!), shapes: one },
  { name: 'reciprocal', fn: (x) => reciprocal(x!), shapes: one, domain: { avoid: [0], margin: 0.2 } },
  { name: 'erf', fn: (x) => erf(x!), shapes: one, domain: { min: -3, max: 3 } },
  { name: 'clamp(-0.5, 0.5)', fn: (x) => clamp(x!, -0.5, 0.5), shapes: one, domain: { avoid: [-0.5, 0.5] } },
  { name: 'clamp(min 0.3)', fn: (x) => clamp(x!, 0.3), shapes: one, domain: { avoid: [0.3] } },
  { name: 'sign', fn: (x) => sign(x!), shapes: one, hasGrad: false },
  { name: 'clamp(max -0.3)', fn: (x) => clamp(x!, null, -0.3), shapes: one, domain: { avoid: [-0.3] } },
];
