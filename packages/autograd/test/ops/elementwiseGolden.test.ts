/**
 * Forward and backward of the element-wise, activation, reduction and softmax ops against
 * PyTorch 1.13 (tools/golden/elementwise.py): for each case, the output and the gradient of
 * every input for a fixed upstream gradient, all in float64.
 */

import type { Tensor } from '@tsgrad/autograd';
import * as ag from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from '../golden.js';

interface GoldenCase {
  name: string;
  op: string;
  args: Record<string, number | number[] | string | boolean | null>;
  inputs: GoldenTensor[];
  output: GoldenTensor;
  upstream?: GoldenTensor;
  grads?: GoldenTensor[];
}

// Both sides compute in float64 with the same formulas up to evaluation order, so results agree
// to a few ulps; 1e-12 relative leaves room for a reordered sum of ~24 terms without hiding a
// wrong formula (those are off by far more). atol covers values that are 0 on one side.
const RTOL = 1e-12;
const ATOL = 1e-14;

type Args = GoldenCase['args'];
const num = (a: Args, k: string): number => a[k] as number;
const dims = (a: Args): number | number[] | null => (a.dim ?? null) as number | number[] | null;
const maybe = (a: Args, k: string): number | null => (a[k] ?? null) as number | null;
const keep = (a: Args): boolean => (a.keepDim ?? false) as boolean;

const OPS: Record<string, (x: Tensor[], a: Args) => Tensor> = {
  add: ([x, y]) => ag.add(x!, y!),
  sub: ([x, y]) => ag.sub(x!, y!),
  mul: ([x, y]) => ag.mul(x!, y!),
  div: ([x, y]) => ag.div(x!, y!),
  pow: ([x, y]) => ag.pow(x!, y!),
  powScalarExponent: ([x], a) => x!.pow(num(a, 'exponent')),
  powScalarBase: ([x], a) => ag.pow(num(a, 'base'), x!),
  neg: ([x]) => x!.neg(),
  exp: ([x]) => x!.exp(),
  log: ([x]) => x!.log(),
  sqrt: ([x]) => x!.sqrt(),
  abs: ([x]) => x!.abs(),
  sin: ([x]) => x!.sin(),
  cos: ([x]) => x!.cos(),
  square: ([x]) => x!.square(),
  reciprocal: ([x]) => x!.reciprocal(),
  erf: ([x]) => x!.erf(),
  clamp: ([x], a) => x!.clamp(maybe(a, 'min'), maybe(a, 'max')),
  eq: ([x, y]) => x!.eq(y!),
  ne: ([x, y]) => x!.ne(y!),
  gt: ([x, y]) => x!.gt(y!),
  ge: ([x, y]) => x!.ge(y!),
  lt: ([x, y]) => x!.lt(y!),
  le: ([x, y]) => x!.le(y!),
  relu: ([x]) => x!.relu(),
  leakyRelu: ([x], a) => x!.leakyRelu(num(a, 'negativeSlope')),
  elu: ([x], a) => x!.elu(num(a, 'alpha')),
  gelu: ([x], a) => x!.gelu(a.approximate as 'none' | 'tanh'),
  silu: ([x]) => x!.silu(),
  softplus: ([x], a) => x!.softplus(num(a, 'beta'), num(a, 'threshold')),
  sigmoid: ([x]) => x!.sigmoid(),
  tanh: ([x]) => x!.tanh(),
  sum: ([x], a) => x!.sum(dims(a), keep(a)),
  mean: ([x], a) => x!.mean(dims(a), keep(a)),
  max: ([x], a) => x!.max(dims(a) as number | null, keep(a)),
  min: ([x], a) => x!.min(dims(a) as number | null, keep(a)),
  var: ([x], a) => x!.var(dims(a), { unbiased: (a.unbiased ?? true) as boolean, keepDim: keep(a) }),
  std: ([x], a) => x!.std(dims(a), { unbiased: (a.unbiased ?? true) as boolean, keepDim: keep(a) }),
  logSumExp: ([x], a) => x!.logSumExp(dims(a) as number | number[], keep(a)),
  argmax: ([x], a) => x!.argmax(dims(a) as number | null, keep(a)),
  argmin: ([x], a) => x!.argmin(dims(a) as number | null, keep(a)),
  softmax: ([x], a) => x!.softmax(num(a, 'dim')),
  logSoftmax: ([x], a) => x!.logSoftmax(num(a, 'dim')),
};

const { cases } = loadGolden<{ cases: GoldenCase[] }>('elementwise');

describe('element-wise, activation, reduction and softmax ops match PyTorch 1.13', () => {
  it('the golden file covers every op listed here', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
  });

  for (const c of cases) {
    it(`${c.name}: forward${c.grads ? ' and backward' : ''}`, () => {
      const inputs = c.inputs.map((g) => {
        const t = fromGolden(g);
        t.requiresGrad = c.grads !== undefined;
        return t;
      });
      const y = OPS[c.op]!(inputs, c.args);
      expectCloseToGolden(y, c.output, RTOL, ATOL, `${c.name} output`);
      if (c.grads === undefined) {
        expect(y.requiresGrad, 'no gradient for this op').toBe(false);
        return;
      }
      y.backward(fromGolden(c.upstream!));
      c.grads.forEach((g, i) => {
        expectCloseToGolden(inputs[i]!.grad!, g, RTOL, ATOL, `${c.name} grad of input ${i}`);
      });
    });
  }
});
