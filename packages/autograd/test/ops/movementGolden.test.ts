/**
 * Forward and backward of the movement and indexing ops against PyTorch 1.13
 * (tools/golden/movement.py): for each case, the output and the gradient of every
 * differentiated input for a fixed upstream gradient, all in float64. The cases include negative
 * dims, repeated indices (gradients accumulate), where with broadcasting, and maximum/minimum
 * ties (the gradient is split evenly).
 */

import type { Tensor } from '@tsgrad/autograd';
import * as ag from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from '../golden.js';

interface GoldenCase {
  name: string;
  op: string;
  args: Record<string, number | number[]>;
  inputs: GoldenTensor[];
  differentiable: boolean[];
  output: GoldenTensor;
  upstream: GoldenTensor;
  grads: Array<GoldenTensor | null>;
}

// Movement ops copy values, so forward results must be exact. Gradients are sums of upstream
// values (repeated indices, broadcasting, ties × ½) that PyTorch may add in another order: a few
// ulps of float64, far below any wrong index or missing term.
const FORWARD_TOL = 0;
const RTOL = 1e-12;
const ATOL = 1e-14;

type Args = GoldenCase['args'];
const num = (a: Args, k: string): number => a[k] as number;
const list = (a: Args, k: string): number[] => a[k] as number[];

const OPS: Record<string, (x: Tensor[], a: Args) => Tensor> = {
  reshape: ([x], a) => x!.reshape(list(a, 'shape')),
  expand: ([x], a) => x!.expand(list(a, 'shape')),
  flatten: ([x], a) => x!.flatten(a.startDim as number | undefined, a.endDim as number | undefined),
  transpose: ([x], a) => x!.transpose(num(a, 'dim0'), num(a, 'dim1')),
  permute: ([x], a) => x!.permute(...list(a, 'dims')),
  squeeze: ([x], a) => x!.squeeze(a.dim as number | undefined),
  unsqueeze: ([x], a) => x!.unsqueeze(num(a, 'dim')),
  narrow: ([x], a) => x!.narrow(num(a, 'dim'), num(a, 'start'), num(a, 'length')),
  cat: (xs, a) => ag.cat(xs, num(a, 'dim')),
  stack: (xs, a) => ag.stack(xs, num(a, 'dim')),
  gather: ([x, i], a) => x!.gather(num(a, 'dim'), i!),
  scatterAdd: ([x, i, s], a) => x!.scatterAdd(num(a, 'dim'), i!, s!),
  indexSelect: ([x, i], a) => x!.indexSelect(num(a, 'dim'), i!),
  indexAdd: ([x, i, s], a) => x!.indexAdd(num(a, 'dim'), i!, s!),
  where: ([c, x, y]) => ag.where(c!, x!, y!),
  whereScalarB: ([c, x], a) => ag.where(c!, x!, num(a, 'b')),
  maximum: ([x, y]) => ag.maximum(x!, y!),
  minimum: ([x, y]) => ag.minimum(x!, y!),
  maximumScalar: ([x], a) => x!.maximum(num(a, 'other')),
  minimumScalar: ([x], a) => ag.minimum(x!, num(a, 'other')),
};

const { cases } = loadGolden<{ cases: GoldenCase[] }>('movement');

describe('movement and indexing ops match PyTorch 1.13', () => {
  it('the golden file covers every op listed here', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
  });

  for (const c of cases) {
    it(`${c.name}: forward and backward`, () => {
      const inputs = c.inputs.map((g, i) => {
        const t = fromGolden(g);
        t.requiresGrad = c.differentiable[i]!;
        return t;
      });
      const y = OPS[c.op]!(inputs, c.args);
      expectCloseToGolden(y, c.output, FORWARD_TOL, FORWARD_TOL, `${c.name} output`);
      y.backward(fromGolden(c.upstream));
      c.grads.forEach((g, i) => {
        if (g === null) {
          expect(inputs[i]!.grad, `${c.name}: input ${i} is not differentiated`).toBeNull();
          return;
        }
        expectCloseToGolden(inputs[i]!.grad!, g, RTOL, ATOL, `${c.name} grad of input ${i}`);
      });
    });
  }
});
