/**
 * BatchNorm's kernels (autograd's kernels/normalization.ts: the TypeScript ones, which sum into
 * several partial sums, hoist per-channel constants and rebuild x̂ from x in the backward, and the
 * dispatching ones, which run float32 on WebAssembly SIMD) equal straightforward
 * one-element-at-a-time references on random [n, c, inner] shapes (odd sizes and inner = 1
 * included), in float64 and float32, on both kernel backends; and the fused evaluation path of
 * batchNorm equals its differentiable composite path.
 */
import {
  channelMeanVar,
  channelMeanVarReference,
  channelNormalize,
  channelNormalizeReference,
  channelNormBackward,
  channelNormBackwardReference,
  Generator,
  getKernelBackend,
  manualSeed,
  noGrad,
  randn,
  setKernelBackend,
  type Tensor,
} from '@tsgrad/autograd';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { functional as F } from '../src/index.js';

type Float = Float32Array | Float64Array;

/** Index of element (i, ch, j) of x viewed as [n, c, inner]. */
const at = (c: number, inner: number, i: number, ch: number, j: number) => (i * c + ch) * inner + j;

function meanVarReference(x: Float, n: number, c: number, inner: number) {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) s += x[at(c, inner, i, ch, j)]!;
    const mu = s / (n * inner);
    let q = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) q += (x[at(c, inner, i, ch, j)]! - mu) ** 2;
    mean[ch] = mu;
    variance[ch] = q / (n * inner);
  }
  return { mean, variance };
}

/** x̂ = (x − μ)·s, y = γ·x̂ + β, and the backward by its textbook formula over a stored x̂. */
function normalizeReference(
  x: Float,
  n: number,
  c: number,
  inner: number,
  mean: Float64Array,
  invStd: Float64Array,
  gamma: Float | null,
  beta: Float | null,
) {
  const xHat = new Float64Array(x.length);
  const y = new Float64Array(x.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let j = 0; j < inner; j++) {
        const k = at(c, inner, i, ch, j);
        xHat[k] = (x[k]! - mean[ch]!) * invStd[ch]!;
        y[k] = (gamma === null ? 1 : gamma[ch]!) * xHat[k]! + (beta === null ? 0 : beta[ch]!);
      }
  return { xHat, y };
}

function backwardReference(
  g: Float,
  xHat: Float64Array,
  n: number,
  c: number,
  inner: number,
  invStd: Float64Array,
  gamma: Float | null,
) {
  const sumG = new Float64Array(c);
  const sumGX = new Float64Array(c);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let j = 0; j < inner; j++) {
        const k = at(c, inner, i, ch, j);
        sumG[ch] = sumG[ch]! + g[k]!;
        sumGX[ch] = sumGX[ch]! + g[k]! * xHat[k]!;
      }
  const gradX = new Float64Array(g.length);
  const count = n * inner;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let j = 0; j < inner; j++) {
        const k = at(c, inner, i, ch, j);
        const gam = gamma === null ? 1 : gamma[ch]!;
        gradX[k] = invStd[ch]! * gam * (g[k]! - sumG[ch]! / count - (xHat[k]! * sumGX[ch]!) / count);
      }
  return { sumG, sumGX, gradX };
}

function random(size: number, seed: number, dtype: 'float32' | 'float64', offset = 0): Float {
  const gen = new Generator(seed);
  const a = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) a[i] = offset + 3 * gen.normal();
  return a;
}

/** |got − want| ≤ tol·(1 + |want|), elementwise. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) {
  expect(got.length, what).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    const err = Math.abs(got[k]! - want[k]!);
    if (!(err <= tol * (1 + Math.abs(want[k]!))))
      expect.fail(`${what}[${k}]: got ${got[k]}, want ${want[k]}`);
  }
}

const arbCase = fc.record({
  n: fc.integer({ min: 1, max: 5 }),
  c: fc.integer({ min: 1, max: 4 }),
  // Up to 41: the TypeScript kernels; 200–300: the float32 ones run on WebAssembly too (≥ 1024 elements).
  inner: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 41 }), fc.integer({ min: 200, max: 300 })),
  seed: fc.integer({ min: 0, max: 10_000 }),
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
  affine: fc.boolean(),
  offset: fc.constantFrom(0, 100),
});

const kernelSets = [
  {
    name: 'the TypeScript kernels',
    backend: 'js' as const,
    meanVar: channelMeanVarReference,
    normalize: channelNormalizeReference,
    backward: channelNormBackwardReference,
  },
  ...(['js', 'wasm'] as const).map((backend) => ({
    name: `the dispatching kernels on the '${backend}' backend`,
    backend,
    meanVar: channelMeanVar,
    normalize: channelNormalize,
    backward: channelNormBackward,
  })),
];

const initialBackend = getKernelBackend();
afterEach(() => setKernelBackend(initialBackend));

describe('BatchNorm kernels equal one-element-at-a-time references', () => {
  it.each(kernelSets)('$name: meanVar, normalize and backward (property, odd sizes)', (k) => {
    setKernelBackend(k.backend);
    fc.assert(
      fc.property(arbCase, ({ n, c, inner, seed, dtype, affine, offset }) => {
        const size = n * c * inner;
        // float64: partial sums in another order (rounding only); float32: one rounding per output.
        const tol = dtype === 'float64' ? 1e-12 : 1e-5;
        const x = random(size, seed, dtype, offset);
        const g = random(size, seed + 1, dtype);
        const gamma = affine ? random(c, seed + 2, dtype) : null;
        const beta = affine ? random(c, seed + 3, dtype) : null;

        const mean = new Float64Array(c);
        const variance = new Float64Array(c);
        k.meanVar(x, n, c, inner, mean, variance);
        const want = meanVarReference(x, n, c, inner);
        expectClose(mean, want.mean, 1e-12, 'mean');
        expectClose(variance, want.variance, 1e-10, 'variance');

        const invStd = want.variance.map((v) => 1 / Math.sqrt(v + 1e-5));
        const y = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
        k.normalize(x, n, c, inner, want.mean, invStd, gamma, beta, y);
        const ref = normalizeReference(x, n, c, inner, want.mean, invStd, gamma, beta);
        expectClose(y, ref.y, tol, 'y');

        const sumG = new Float64Array(c);
        const sumGX = new Float64Array(c);
        const gradX = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
        k.backward(g, x, n, c, inner, want.mean, invStd, gamma, sumG, sumGX, gradX);
        const back = backwardReference(g, ref.xHat, n, c, inner, invStd, gamma);
        expectClose(sumG, back.sumG, 1e-12, 'sumG');
        expectClose(sumGX, back.sumGX, 1e-10, 'sumGX');
        expectClose(gradX, back.gradX, tol, 'gradX');

        // Without an input gradient the kernel writes the two sums only.
        sumG.fill(Number.NaN);
        k.backward(g, x, n, c, inner, want.mean, invStd, gamma, sumG, sumGX, null);
        expectClose(sumG, back.sumG, 1e-12, 'sumG (no gradX)');
      }),
      { numRuns: 200 },
    );
  });
});

describe('batchNorm in evaluation: the fused kernel equals the differentiable composite path', () => {
  it('for float32 and float64, with and without affine, [n, c] … [n, c, h, w]', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [
        [5, 3],
        [4, 3, 7],
        [2, 3, 5, 9],
      ]) {
        for (const affine of [true, false]) {
          manualSeed(shape.length);
          const x = randn(shape, { dtype });
          const w = affine ? randn([3], { dtype, requiresGrad: true }) : null;
          const b = affine ? randn([3], { dtype, requiresGrad: true }) : null;
          const rm = randn([3], { dtype });
          const rv = randn([3], { dtype }).abs().add(0.5);
          const xg = x.detach();
          xg.requiresGrad = true;
          const composite: Tensor = F.batchNorm(xg, rm, rv, w, b); // needs a gradient: tensor ops
          expect(composite.requiresGrad).toBe(true);
          const fused = noGrad(() => F.batchNorm(x, rm, rv, w, b));
          expect(fused.requiresGrad).toBe(false);
          expect(fused.shape).toEqual(composite.shape);
          expectClose(fused.data, composite.data, dtype === 'float64' ? 1e-12 : 1e-5, 'eval output');
          // No input needs a gradient (affine: false): the fused path outside noGrad too.
          if (!affine) expectClose(F.batchNorm(x, rm, rv).data, composite.data, 1e-5, 'eval, no grad');
        }
      }
    }
  });
});
