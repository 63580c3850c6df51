import { linear, matmul } from '@tsgrad/autograd';
import { arbBroadcastShapes, arbShape } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import type { OpSpec } from './types.js';

/** One matrix dim: 1..3 (1 is the edge case of vectors stored as matrices). */
const dim = fc.integer({ min: 1, max: 3 });
/** Batch dims: rank 0..2, sizes 1..2, so a batched product stays a few dozen elements. */
const batch = arbShape({ minRank: 0, maxRank: 2, maxDim: 2 });

/** Op specs for ops/linalg.ts: every rank rule of matmul, and linear with and without bias. */
export const linalgSpecs: OpSpec[] = [
  {
    name: 'matmul(1-D, 1-D)',
    fn: (a, b) => matmul(a!, b!),
    shapes: dim.map((k) => [[k], [k]]),
  },
  {
    name: 'matmul(1-D, N-D)',
    fn: (a, b) => matmul(a!, b!),
    shapes: fc.tuple(batch, dim, dim).map(([bt, k, n]) => [[k], [...bt, k, n]]),
  },
  {
    name: 'matmul(N-D, 1-D)',
    fn: (a, b) => matmul(a!, b!),
    shapes: fc.tuple(batch, dim, dim).map(([bt, m, k]) => [[...bt, m, k], [k]]),
  },
  {
    name: 'matmul(2-D, 2-D)',
    fn: (a, b) => matmul(a!, b!),
    shapes: fc.tuple(dim, dim, dim).map(([m, k, n]) => [
      [m, k],
      [k, n],
    ]),
  },
  {
    name: 'matmul(batched, same batch)',
    fn: (a, b) => matmul(a!, b!),
    shapes: fc.tuple(batch, dim, dim, dim).map(([bt, m, k, n]) => [
      [...bt, m, k],
      [...bt, k, n],
    ]),
  },
  {
    name: 'matmul(batched, broadcast batch dims)',
    fn: (a, b) => matmul(a!, b!),
    shapes: fc
      .tuple(arbBroadcastShapes(2, { maxRank: 2, maxDim: 2 }), dim, dim, dim)
      .map(([[ba, bb], m, k, n]) => [
        [...ba!, m, k],
        [...bb!, k, n],
      ]),
  },
  {
    name: 'linear(x, weight, bias)',
    fn: (x, w, b) => linear(x!, w!, b!),
    shapes: fc.tuple(batch, dim, dim).map(([lead, inF, outF]) => [[...lead, inF], [outF, inF], [outF]]),
  },
  {
    name: 'linear(x, weight)',
    fn: (x, w) => linear(x!, w!),
    shapes: fc.tuple(batch, dim, dim).map(([lead, inF, outF]) => [
      [...lead, inF],
      [outF, inF],
    ]),
  },
];
