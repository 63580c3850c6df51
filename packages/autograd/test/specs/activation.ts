import { elu, gelu, leakyRelu, relu, sigmoid, silu, softplus, tanh } from '@tsgrad/autograd';
import { arbShape } from '@tsgrad/autograd/testing';
import type { OpSpec } from './types.js';

const one = arbShape().map((s) => [s]);
/** relu, leakyRelu and elu have a kink at 0; finite differences across it are meaningless. */
const offKink = { min: -3, max: 3, avoid: [0], margin: 0.01 };

/** Op specs for ops/activation.ts. */
export const activationSpecs: OpSpec[] = [
  // relu'' = 0 away from 0, so gradgradcheck checks that the backward is linear in gradOut.
  { name: 'relu', fn: (x) => relu(x!), shapes: one, domain: offKink },
  { name: 'leakyRelu', fn: (x) => leakyRelu(x!), shapes: one, domain: offKink },
  { name: 'leakyRelu(0.2)', fn: (x) => leakyRelu(x!, 0.2), shapes: one, domain: offKink },
  { name: 'elu', fn: (x) => elu(x!), shapes: one, domain: offKink },
  { name: 'elu(0.5)', fn: (x) => elu(x!, 0.5), shapes: one, domain: offKink },
  { name: 'gelu', fn: (x) => gelu(x!), shapes: one, domain: { min: -4, max: 4 } },
  { name: "gelu('tanh')", fn: (x) => gelu(x!, 'tanh'), shapes: one, domain: { min: -4, max: 4 } },
  { name: 'silu', fn: (x) => silu(x!), shapes: one, domain: { min: -4, max: 4 } },
  { name: 'softplus', fn: (x) => softplus(x!), shapes: one, domain: { min: -4, max: 4 } },
  // beta 2, threshold 1: the linear regime starts at x = 0.5 (a jump, as in PyTorch), so stay off it.
  {
    name: 'softplus(2, 1)',
    fn: (x) => softplus(x!, 2, 1),
    shapes: one,
    domain: { min: -2, max: 2, avoid: [0.5], margin: 0.02 },
  },
  { name: 'sigmoid', fn: (x) => sigmoid(x!), shapes: one, domain: { min: -6, max: 6 } },
  { name: 'tanh', fn: (x) => tanh(x!), shapes: one, domain: { min: -3, max: 3 } },
];
