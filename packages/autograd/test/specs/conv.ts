import {
  type AvgPool2dOptions,
  adaptiveAvgPool2d,
  avgPool2d,
  type Conv2dOptions,
  conv2d,
  type IntPair,
  type MaxPool2dOptions,
  maxPool2d,
  Tensor,
} from '@tsgrad/autograd';
import fc from 'fast-check';
import type { OpSpec } from './types.js';

const asPair = (v: IntPair | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** Smallest input size that gives one output: the dilated kernel minus both paddings. */
const minSize = (k: number, p: number, d: number) => Math.max(1, d * (k - 1) + 1 - 2 * p);

/**
 * Shapes [x, weight, bias] for conv2d with fixed options and random sizes: batch 1–2, 1–2
 * channels per group in and out, kernels 1×1 to 3×3 (often larger than the stride), images
 * 0–2 pixels larger than the smallest valid one (so odd sizes and single outputs are common).
 */
export function convShapes(options: Conv2dOptions, kernelMax = 3): fc.Arbitrary<number[][]> {
  const [sh, sw] = asPair(options.stride, 1);
  // 'same' fits any image (output size = input size); 'valid' is padding 0.
  const same = options.padding === 'same';
  const [ph, pw] = typeof options.padding === 'string' ? [0, 0] : asPair(options.padding, 0);
  const [dh, dw] = asPair(options.dilation, 1);
  const groups = options.groups ?? 1;
  const int = (min: number, max: number) => fc.integer({ min, max });
  return fc
    .record({
      n: int(1, 2),
      cg: int(1, 2),
      og: int(1, 2),
      kh: int(1, kernelMax),
      kw: int(1, kernelMax),
      eh: int(0, Math.max(2, sh)),
      ew: int(0, Math.max(2, sw)),
    })
    .map(({ n, cg, og, kh, kw, eh, ew }) => {
      const h = (same ? 1 : minSize(kh, ph, dh)) + eh;
      const w = (same ? 1 : minSize(kw, pw, dw)) + ew;
      return [[n, cg * groups, h, w], [og * groups, cg, kh, kw], [og * groups]];
    });
}

function convSpec(name: string, options: Conv2dOptions, bias = true, kernelMax = 3): OpSpec {
  return {
    name: `conv2d(${name})`,
    fn: bias ? (x, w, b) => conv2d(x!, w!, b!, options) : (x, w) => conv2d(x!, w!, null, options),
    shapes: bias ? convShapes(options, kernelMax) : convShapes(options, kernelMax).map((s) => s.slice(0, 2)),
    domain: { min: -2, max: 2 },
    // Sums of up to 2·3·3 products of O(1) values; float32 rounding is ~1e-7 of the largest term,
    // so results near 0 need a looser relative tolerance than a single multiply.
    float32Rtol: 1e-3,
  };
}

/** [n, c, h, w] with dims 1..2, 1..2 and images fitting the window (plus 0–3 pixels). */
function imageShape(kh: number, kw: number, ph = 0, pw = 0, dh = 1, dw = 1): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.nat(3), fc.nat(3))
    .map(([n, c, eh, ew]) => [n, c, minSize(kh, ph, dh) + eh, minSize(kw, pw, dw) + ew]);
}

/**
 * A float64 tensor whose values are a random permutation of evenly spaced points in [−2, 2]:
 * no ties and every gap ≥ 4/size ≫ gradcheck's ε, so each window's arg-max is stable under
 * the finite-difference nudges.
 */
function distinctValues(shape: fc.Arbitrary<number[]>): fc.Arbitrary<Tensor[]> {
  return shape.chain((s) => {
    const size = s.reduce((a, b) => a * b, 1);
    const points = Array.from({ length: size }, (_, i) => -2 + (4 * (i + 0.5)) / size);
    return fc
      .shuffledSubarray(points, { minLength: size, maxLength: size })
      .map((values) => [new Tensor(Float64Array.from(values), s)]);
  });
}

function maxPoolSpec(name: string, k: [number, number], options: MaxPool2dOptions): OpSpec {
  const [ph, pw] = asPair(options.padding, 0);
  const [dh, dw] = asPair(options.dilation, 1);
  return {
    name: `maxPool2d(${name})`,
    fn: (x) => maxPool2d(x!, k, options),
    inputs: distinctValues(imageShape(k[0], k[1], ph, pw, dh, dw)),
  };
}

function avgPoolSpec(name: string, k: [number, number], options: AvgPool2dOptions): OpSpec {
  const [ph, pw] = asPair(options.padding, 0);
  return {
    name: `avgPool2d(${name})`,
    fn: (x) => avgPool2d(x!, k, options),
    shapes: imageShape(k[0], k[1], ph, pw).map((s) => [s]),
  };
}

/** One unbatched image: the first shape of each case without its batch dim. */
const unbatched = (shapes: fc.Arbitrary<number[][]>) => shapes.map(([x, ...rest]) => [x!.slice(1), ...rest]);

/** Op specs for ops/conv.ts. */
export const convSpecs: OpSpec[] = [
  convSpec('padding 1', { padding: 1 }),
  convSpec('1×1 kernel (pointwise path)', {}, true, 1),
  convSpec('stride 2, padding 1', { stride: 2, padding: 1 }),
  convSpec('stride [2, 1], padding [0, 2], dilation [1, 2]', {
    stride: [2, 1],
    padding: [0, 2],
    dilation: [1, 2],
  }),
  convSpec('groups 2, stride 2', { groups: 2, stride: 2 }),
  convSpec('dilation 2, no bias', { dilation: 2, padding: 1 }, false),
  convSpec("padding 'same', kernels 1–4 (an odd total pads one more after)", { padding: 'same' }, true, 4),
  convSpec("padding 'same', dilation [1, 2]", { padding: 'same', dilation: [1, 2] }, false, 4),
  convSpec("padding 'valid', stride 2", { padding: 'valid', stride: 2 }),
  {
    name: 'conv2d(unbatched [c, h, w], padding 1)',
    fn: (x, w, b) => conv2d(x!, w!, b!, { padding: 1 }),
    shapes: unbatched(convShapes({ padding: 1 })),
    domain: { min: -2, max: 2 },
    float32Rtol: 1e-3,
  },
  maxPoolSpec('2', [2, 2], {}),
  {
    name: 'maxPool2d(unbatched [c, h, w], 3, stride 2, padding 1)',
    fn: (x) => maxPool2d(x!, 3, { stride: 2, padding: 1 }),
    inputs: distinctValues(imageShape(3, 3, 1, 1).map((s) => s.slice(1))),
  },
  {
    name: 'avgPool2d(unbatched [c, h, w], 2)',
    fn: (x) => avgPool2d(x!, 2),
    shapes: imageShape(2, 2).map((s) => [s.slice(1)]),
  },
  {
    name: 'adaptiveAvgPool2d(unbatched [c, h, w], [2, 1])',
    fn: (x) => adaptiveAvgPool2d(x!, [2, 1]),
    shapes: imageShape(1, 1).map((s) => [s.slice(1)]),
  },
  maxPoolSpec('3, stride 2, padding 1', [3, 3], { stride: 2, padding: 1 }),
  maxPoolSpec('[2, 3], stride 1, dilation 2, ceilMode', [2, 3], { stride: 1, dilation: 2, ceilMode: true }),
  avgPoolSpec('3, stride 2, padding 1', [3, 3], { stride: 2, padding: 1 }),
  avgPoolSpec('3, stride 2, padding 1, countIncludePad false, ceilMode', [3, 3], {
    stride: 2,
    padding: 1,
    countIncludePad: false,
    ceilMode: true,
  }),
  avgPoolSpec('2, divisorOverride 3', [2, 2], { divisorOverride: 3 }),
  {
    name: 'adaptiveAvgPool2d([1, 1])',
    fn: (x) => adaptiveAvgPool2d(x!, [1, 1]),
    shapes: imageShape(1, 1).map((s) => [s]),
  },
  {
    name: 'adaptiveAvgPool2d([2, 3])',
    fn: (x) => adaptiveAvgPool2d(x!, [2, 3]),
    shapes: imageShape(1, 1).map((s) => [s]),
  },
];
