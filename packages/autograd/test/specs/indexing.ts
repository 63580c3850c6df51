import { gather, indexAdd, indexSelect, maximum, minimum, scatterAdd, Tensor, where } from '@tsgrad/autograd';
import { arbBroadcastShapes, arbShape, arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import type { OpSpec } from './types.js';

const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** A float64 index tensor of `shape` with whole numbers in 0..size−1 (repeats likely). */
function arbIndex(shape: number[], size: number): fc.Arbitrary<Tensor> {
  const n = sizeOf(shape);
  return fc
    .array(fc.integer({ min: 0, max: size - 1 }), { minLength: n, maxLength: n })
    .map((ix) => new Tensor(Float64Array.from(ix), shape));
}

/**
 * [x, index] (or [x, index, src] with `withSrc`) for gather/scatterAdd along `dim`: the index
 * has x's rank, sizes ≤ x's outside dim and 1..4 along it; src is the index's shape or larger.
 */
function arbGatherInputs(dim: number, minRank: number, withSrc: boolean): fc.Arbitrary<Tensor[]> {
  return arbShape({ minRank, maxRank: 3, maxDim: 3 }).chain((shape) => {
    const d = dim < 0 ? dim + shape.length : dim;
    const sizes = shape.map((s, i) => fc.integer({ min: 1, max: i === d ? 4 : s }));
    return fc
      .tuple(...sizes)
      .chain((indexShape) =>
        fc
          .tuple(
            arbTensor(shape),
            arbIndex(indexShape, shape[d]!),
            arbTensor(fc.tuple(...indexShape.map((s) => fc.integer({ min: s, max: s + 1 })))),
          )
          .map(([x, index, src]) => (withSrc ? [x, index, src] : [x, index])),
      );
  });
}

/** [x, index] or [x, index, src] for indexSelect/indexAdd along `dim`; a 1-D index with repeats. */
function arbSelectInputs(dim: number, withSrc: boolean): fc.Arbitrary<Tensor[]> {
  return arbShape({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((shape) => {
    const d = dim < 0 ? dim + shape.length : dim;
    return fc
      .integer({ min: 1, max: 4 })
      .chain((k) =>
        fc
          .tuple(
            arbTensor(shape),
            arbIndex([k], shape[d]!),
            arbTensor(shape.map((s, i) => (i === d ? k : s))),
          )
          .map(([x, index, src]) => (withSrc ? [x, index, src] : [x, index])),
      );
  });
}

/** [cond, a, b], broadcast together; cond holds 0 (false) and nonzero values (true). */
const whereInputs = arbBroadcastShapes(3, { maxRank: 3, maxDim: 3 }).chain(([cs, as, bs]) =>
  fc.tuple(
    fc
      .array(fc.constantFrom(0, 1, -0.5), { minLength: sizeOf(cs!), maxLength: sizeOf(cs!) })
      .map((v) => new Tensor(Float64Array.from(v), cs!)),
    arbTensor(as!),
    arbTensor(bs!),
  ),
);

/**
 * [a, b], broadcast together, never tied: a is on the lattice 0.05 + 0.2k and b on 0.15 + 0.2k,
 * so |a − b| ≥ 0.1 everywhere and finite differences (eps 1e-6) never swap the winner.
 */
const lattice = (offset: number, shape: number[]) =>
  fc.array(fc.integer({ min: -10, max: 10 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map(
    (k) =>
      new Tensor(
        Float64Array.from(k, (v) => offset + 0.2 * v),
        shape,
      ),
  );
const untiedPair = arbBroadcastShapes(2, { maxRank: 3, maxDim: 3 }).chain(([as, bs]) =>
  fc.tuple(lattice(0.05, as!), lattice(0.15, bs!)),
);

const indexOnly = [true, false];
const indexAndSrc = [true, false, true];

/** Op specs for ops/indexing.ts. Index and cond inputs are not differentiated. */
export const indexingSpecs: OpSpec[] = [
  {
    name: 'gather(1)',
    fn: (x, i) => gather(x!, 1, i!),
    inputs: arbGatherInputs(1, 2, false),
    differentiable: indexOnly,
  },
  {
    name: 'gather(-1)',
    fn: (x, i) => gather(x!, -1, i!),
    inputs: arbGatherInputs(-1, 1, false),
    differentiable: indexOnly,
  },
  {
    name: 'scatterAdd(0)',
    fn: (x, i, s) => scatterAdd(x!, 0, i!, s!),
    inputs: arbGatherInputs(0, 1, true),
    differentiable: indexAndSrc,
  },
  {
    name: 'scatterAdd(-1)',
    fn: (x, i, s) => scatterAdd(x!, -1, i!, s!),
    inputs: arbGatherInputs(-1, 2, true),
    differentiable: indexAndSrc,
  },
  {
    name: 'indexSelect(0)',
    fn: (x, i) => indexSelect(x!, 0, i!),
    inputs: arbSelectInputs(0, false),
    differentiable: indexOnly,
  },
  {
    name: 'indexSelect(-1)',
    fn: (x, i) => indexSelect(x!, -1, i!),
    inputs: arbSelectInputs(-1, false),
    differentiable: indexOnly,
  },
  {
    name: 'indexAdd(-1)',
    fn: (x, i, s) => indexAdd(x!, -1, i!, s!),
    inputs: arbSelectInputs(-1, true),
    differentiable: indexAndSrc,
  },
  {
    name: 'where',
    fn: (c, a, b) => where(c!, a!, b!),
    inputs: whereInputs,
    differentiable: [false, true, true],
  },
  {
    name: 'where(cond, a, scalar)',
    fn: (c, a) => where(c!, a!, 0.5),
    inputs: whereInputs.map(([c, a]) => [c!, a!]),
    differentiable: [false, true],
  },
  { name: 'maximum', fn: (a, b) => maximum(a!, b!), inputs: untiedPair },
  { name: 'minimum', fn: (a, b) => minimum(a!, b!), inputs: untiedPair },
  { name: 'maximum(x, scalar)', fn: (a) => maximum(a!, 0.1), inputs: untiedPair.map(([a]) => [a!]) },
  { name: 'minimum(scalar, x)', fn: (a) => minimum(0.1, a!), inputs: untiedPair.map(([a]) => [a!]) },
];
