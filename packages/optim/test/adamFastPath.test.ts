import { Tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../src/index.js';

/**
 * Adam's and AdamW's common case (no AMSGrad, maximize or L2 penalty) runs autograd's
 * `adamUpdate` kernel; on these small buffers (below its WebAssembly threshold of 256) that is the
 * TypeScript loop `adamUpdateReference` (the WebAssembly kernel is held to it in autograd's
 * test/kernels/wasmOptimizer.test.ts). It must be bit-identical to the general loop: `maximize` on the negated
 * gradient takes the general loop with exactly the same d = −(−g) = g, so the two runs must
 * agree to the last bit, in both dtypes (float32 rounding of the stored state included).
 */
function run(
  make: (p: Tensor, maximize: boolean) => Adam | AdamW,
  dtype: 'float32' | 'float64',
  init: number[],
  grads: number[][],
  maximize: boolean,
): Float32Array | Float64Array {
  const arr = (xs: number[]) => (dtype === 'float32' ? Float32Array.from(xs) : Float64Array.from(xs));
  const p = new Tensor(arr(init), [init.length], true);
  const opt = make(p, maximize);
  for (const g of grads) {
    p.grad = new Tensor(arr(g.map((x) => (maximize ? -x : x))), [g.length]);
    opt.step();
  }
  return p.data;
}

const value = fc.double({ min: -10, max: 10, noNaN: true });
const problem = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    init: fc.array(value, { minLength: n, maxLength: n }),
    grads: fc.array(fc.array(value, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 }),
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
  }),
);

describe('Adam/AdamW fast path', () => {
  const cases = {
    Adam: (p: Tensor, maximize: boolean) => new Adam([p], { lr: 0.05, maximize }),
    AdamW: (p: Tensor, maximize: boolean) => new AdamW([p], { lr: 0.05, weightDecay: 0.1, maximize }),
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`${name}: bit-identical to the general loop`, () => {
      fc.assert(
        fc.property(problem, ({ init, grads, dtype }) => {
          const fast = run(make, dtype, init, grads, false);
          const general = run(make, dtype, init, grads, true);
          expect(Array.from(fast)).toEqual(Array.from(general));
        }),
        { numRuns: 40 },
      );
    });
  }
});
