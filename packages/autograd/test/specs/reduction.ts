import { argmax, argmin, logSumExp, max, mean, min, std, sum, Tensor, variance } from '@tsgrad/autograd';
import { arbShape, type ShapeOptions } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import type { OpSpec } from './types.js';

const one = (options: ShapeOptions = {}) => arbShape(options).map((s) => [s]);
/** var/std with Bessel's correction need ≥ 2 elements per reduction (n − 1 = 0 gives NaN). */
const atLeastTwo = (options: ShapeOptions = {}) => arbShape(options).map((s) => [s.map((d) => d + 1)]);

/**
 * One float64 tensor whose elements are all distinct (at least 1/256 apart), so max/min have
 * no ties and finite differences never swap the winner.
 */
function arbDistinct(
  options: ShapeOptions = {},
  shapes: fc.Arbitrary<number[]> = arbShape(options),
): fc.Arbitrary<Tensor[]> {
  return shapes.chain((shape) => {
    const n = shape.reduce((p, d) => p * d, 1);
    return fc.uniqueArray(fc.integer({ min: -512, max: 512 }), { minLength: n, maxLength: n }).map((ints) => [
      new Tensor(
        Float64Array.from(ints, (i) => i / 256),
        shape,
      ),
    ]);
  });
}

/** Op specs for ops/reduction.ts. */
export const reductionSpecs: OpSpec[] = [
  { name: 'sum', fn: (x) => sum(x!), shapes: one() },
  { name: 'sum(-1, keepDim)', fn: (x) => sum(x!, -1, true), shapes: one() },
  { name: 'sum([0, -1])', fn: (x) => sum(x!, [0, -1]), shapes: one({ minRank: 2 }) },
  { name: 'mean', fn: (x) => mean(x!), shapes: one() },
  { name: 'mean(0)', fn: (x) => mean(x!, 0), shapes: one() },
  { name: 'mean([-1, 0], keepDim)', fn: (x) => mean(x!, [-1, 0], true), shapes: one({ minRank: 2 }) },
  { name: 'max', fn: (x) => max(x!), inputs: arbDistinct() },
  { name: 'max(-1)', fn: (x) => max(x!, -1), inputs: arbDistinct() },
  { name: 'max(0, keepDim)', fn: (x) => max(x!, 0, true), inputs: arbDistinct() },
  { name: 'min', fn: (x) => min(x!), inputs: arbDistinct() },
  { name: 'min(-1, keepDim)', fn: (x) => min(x!, -1, true), inputs: arbDistinct() },
  { name: 'var', fn: (x) => variance(x!), shapes: atLeastTwo({ minRank: 1 }) },
  {
    name: 'var(-1, biased, keepDim)',
    fn: (x) => variance(x!, -1, { unbiased: false, keepDim: true }),
    shapes: one(),
  },
  { name: 'var([0, -1])', fn: (x) => variance(x!, [0, -1]), shapes: atLeastTwo({ minRank: 2 }) },
  // std is √var: its gradient is singular where var = 0 (all values equal), so values are distinct.
  {
    name: 'std',
    fn: (x) => std(x!),
    inputs: arbDistinct(
      {},
      atLeastTwo({ minRank: 1 }).map(([s]) => s!),
    ),
  },
  {
    name: 'std(0, keepDim)',
    fn: (x) => std(x!, 0, { keepDim: true }),
    inputs: arbDistinct(
      {},
      atLeastTwo({ minRank: 1 }).map(([s]) => s!),
    ),
  },
  { name: 'logSumExp(-1)', fn: (x) => logSumExp(x!, -1), shapes: one() },
  {
    name: 'logSumExp([0, -1], keepDim)',
    fn: (x) => logSumExp(x!, [0, -1], true),
    shapes: one({ minRank: 2 }),
  },
  { name: 'argmax', fn: (x) => argmax(x!), inputs: arbDistinct(), hasGrad: false },
  { name: 'argmax(-1, keepDim)', fn: (x) => argmax(x!, -1, true), inputs: arbDistinct(), hasGrad: false },
  { name: 'argmin(0)', fn: (x) => argmin(x!, 0), inputs: arbDistinct(), hasGrad: false },
];
