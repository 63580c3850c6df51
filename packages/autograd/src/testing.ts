/**
 * @tsgrad/autograd/testing — fast-check arbitraries for property tests of ops and gradients.
 * Needs `fast-check` (an optional peer dependency; only this entry imports it).
 *
 *   import fc from 'fast-check';
 *   import { gradcheck, gradgradcheck } from '@tsgrad/autograd';
 *   import { arbShape, arbTensor } from '@tsgrad/autograd/testing';
 *
 *   const x64 = arbTensor(arbShape({ maxRank: 3 }), { dtype: 'float64', requiresGrad: true });
 *   fc.assert(fc.property(x64, (x) => {
 *     gradcheck((t) => myOp(t), [x]);       // throws a GradcheckError naming the bad entry
 *     gradgradcheck((t) => myOp(t), [x]);   // and checks the backward's own gradient
 *   }), { numRuns: 50 });
 *
 * For ops with several inputs, `arbTensors(arbBroadcastShapes(2), [domainA, domainB])` draws
 * broadcastable operands. Keep inputs off kinks and poles with `avoid` (see ValueDomain).
 */
import fc from 'fast-check';
import type { Shape } from './shape.js';
import { type DType, Tensor } from './tensor.js';

export interface ShapeOptions {
  minRank?: number;
  maxRank?: number;
  /** Largest size of a dim (sizes start at 1; size 1 is drawn often, as an edge case). */
  maxDim?: number;
}

/** Random shapes of rank minRank..maxRank (default 0..4) with dims 1..maxDim (default 4). */
export function arbShape(options: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4, maxDim = 4 } = options;
  return fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: maxDim })), {
    minLength: minRank,
    maxLength: maxRank,
  });
}

/**
 * `count` shapes that broadcast together: each is the common shape with some leading dims
 * dropped and some dims set to 1.
 */
export function arbBroadcastShapes(count: number, options: ShapeOptions = {}): fc.Arbitrary<number[][]> {
  return arbShape(options).chain((full) =>
    fc
      .tuple(
        ...Array.from({ length: count }, () =>
          fc.tuple(
            fc.integer({ min: 0, max: full.length }),
            fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
          ),
        ),
      )
      .map((choices) => choices.map(([drop, ones]) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop))),
  );
}

export interface ValueDomain {
  /** Smallest value (default −2). */
  min?: number;
  /** Largest value (default 2). */
  max?: number;
  /** Values to stay away from: kinks (0 for relu/abs) or poles (0 for 1/x). */
  avoid?: readonly number[];
  /** How far to stay from each `avoid` point (default 1e-2). */
  margin?: number;
}

export interface TensorArbOptions extends ValueDomain {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Values drawn from the domain, nudged away from the `avoid` points. */
export function arbValues(n: number, domain: ValueDomain = {}): fc.Arbitrary<number[]> {
  const { min = -2, max = 2, avoid = [], margin = 1e-2 } = domain;
  const value = fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => {
    for (const p of avoid) {
      if (Math.abs(v - p) < margin) v = p + (v >= p ? margin : -margin);
    }
    return Math.min(max, Math.max(min, v));
  });
  return fc.array(value, { minLength: n, maxLength: n });
}

/** A tensor of a fixed shape, or of a shape drawn from an arbitrary. */
export function arbTensor(
  shape: Shape | fc.Arbitrary<number[]>,
  options: TensorArbOptions = {},
): fc.Arbitrary<Tensor> {
  const shapes = shape instanceof fc.Arbitrary ? shape : fc.constant([...shape]);
  return shapes.chain((s) => {
    const n = s.reduce((p, d) => p * d, 1);
    return arbValues(n, options).map((values) => {
      const data = options.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
      return new Tensor(data, s, options.requiresGrad ?? false);
    });
  });
}

/** Tensors for the given shapes, each with its own domain (or one domain for all). */
export function arbTensors(
  shapes: fc.Arbitrary<number[][]>,
  options: TensorArbOptions | readonly TensorArbOptions[] = {},
): fc.Arbitrary<Tensor[]> {
  return shapes.chain((list) =>
    fc.tuple(
      ...list.map((s, i) =>
        arbTensor(s, Array.isArray(options) ? (options[i] ?? {}) : (options as TensorArbOptions)),
      ),
    ),
  );
}

// ---- comparing with PyTorch ("golden" values) ---------------------------------------------

/**
 * A tensor as PyTorch reference scripts write it (tools/golden/common.py): flat row-major values,
 * with NaN and ±Infinity spelled as strings so the JSON stays valid.
 */
export interface GoldenTensor {
  shape: number[];
  data: Array<number | 'NaN' | 'Infinity' | '-Infinity'>;
}

function decodeGolden(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A golden tensor as a float64 (default) or float32 Tensor. */
export function fromGolden(g: GoldenTensor, dtype: DType = 'float64'): Tensor {
  const values = g.data.map(decodeGolden);
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, g.shape);
}

/**
 * Throws unless `actual` has the golden shape and |actual − expected| ≤ atol + rtol·|expected|
 * everywhere (NaN matches NaN, ±Infinity must match exactly). The message names the first
 * differing element, both values and the tolerances.
 */
export function expectCloseToGolden(
  actual: Tensor,
  expected: GoldenTensor,
  rtol: number,
  atol: number,
  what = '',
): void {
  const label = what ? `${what}: ` : '';
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new Error(
      `${label}shape [${actual.shape.join(', ')}] differs from PyTorch's [${expected.shape.join(', ')}]`,
    );
  }
  for (let i = 0; i < actual.size; i++) {
    const a = actual.data[i]!;
    const e = decodeGolden(expected.data[i]!);
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : Number.isFinite(e)
        ? Math.abs(a - e) <= atol + rtol * Math.abs(e)
        : a === e;
    if (!ok) throw new Error(`${label}element ${i}: got ${a}, PyTorch ${e} (rtol ${rtol}, atol ${atol})`);
  }
}
