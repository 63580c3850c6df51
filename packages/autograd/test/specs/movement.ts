import {
  cat,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  squeeze,
  stack,
  transpose,
  unsqueeze,
} from '@tsgrad/autograd';
import { arbShape, type ShapeOptions } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import type { OpSpec } from './types.js';

const one = (options: ShapeOptions = {}) => arbShape({ maxDim: 3, ...options }).map((s) => [s]);
/** `count` shapes of rank `rank` that agree except in dim `dim` (sizes 0..3 there, 1..3 elsewhere). */
const catShapes = (count: number, rank: number, dim: number) =>
  fc
    .tuple(
      arbShape({ minRank: rank, maxRank: rank, maxDim: 3 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: count, maxLength: count }),
    )
    .map(([shape, sizes]) => sizes.map((n) => shape.map((s, i) => (i === (dim + rank) % rank ? n : s))));
/** `count` copies of one shape. */
const sameShapes = (count: number, options: ShapeOptions = {}) =>
  arbShape({ maxDim: 3, ...options }).map((s) => Array<number[]>(count).fill(s));

/** Op specs for ops/movement.ts. Every op here is linear, so gradgradcheck checks its backward's backward. */
export const movementSpecs: OpSpec[] = [
  { name: 'reshape([-1])', fn: (x) => reshape(x!, [-1]), shapes: one() },
  {
    name: 'expand',
    fn: (x) => expand(x!, [2, ...x!.shape.map((d) => (d === 1 ? 3 : d))]),
    shapes: one({ maxRank: 3 }),
  },
  { name: 'flatten', fn: (x) => flatten(x!), shapes: one() },
  { name: 'flatten(1, -1)', fn: (x) => flatten(x!, 1, -1), shapes: one({ minRank: 2 }) },
  { name: 'transpose(0, -1)', fn: (x) => transpose(x!, 0, -1), shapes: one({ minRank: 1 }) },
  { name: 'transpose(-2, 1)', fn: (x) => transpose(x!, -2, 1), shapes: one({ minRank: 3 }) },
  { name: 'permute(2, 0, 1)', fn: (x) => permute(x!, [2, 0, 1]), shapes: one({ minRank: 3, maxRank: 3 }) },
  {
    name: 'permute(-1, 0, -2, 1)',
    fn: (x) => permute(x!, [-1, 0, -2, 1]),
    shapes: one({ minRank: 4, maxRank: 4 }),
  },
  { name: 'squeeze', fn: (x) => squeeze(x!), shapes: one() },
  // arbShape draws size 1 often, so dim 0 is sometimes removed and sometimes kept (a no-op).
  { name: 'squeeze(0)', fn: (x) => squeeze(x!, 0), shapes: one({ minRank: 1 }) },
  { name: 'unsqueeze(-1)', fn: (x) => unsqueeze(x!, -1), shapes: one() },
  { name: 'unsqueeze(0)', fn: (x) => unsqueeze(x!, 0), shapes: one() },
  {
    name: 'narrow(-1, 1, 2)',
    fn: (x) => narrow(x!, -1, 1, 2),
    shapes: one({ minRank: 1 }).map(([s]) => [[...s.slice(0, -1), s.at(-1)! + 2]]),
  },
  {
    name: 'narrow(0, -2, 1)',
    fn: (x) => narrow(x!, 0, -2, 1),
    shapes: one({ minRank: 1 }).map(([s]) => [[s[0]! + 1, ...s.slice(1)]]),
  },
  { name: 'cat(dim 0)', fn: (a, b, c) => cat([a!, b!, c!], 0), shapes: catShapes(3, 2, 0) },
  { name: 'cat(dim -1)', fn: (a, b) => cat([a!, b!], -1), shapes: catShapes(2, 3, -1) },
  { name: 'stack(dim 0)', fn: (a, b) => stack([a!, b!], 0), shapes: sameShapes(2) },
  { name: 'stack(dim -1)', fn: (a, b, c) => stack([a!, b!, c!], -1), shapes: sameShapes(3, { maxRank: 3 }) },
];
