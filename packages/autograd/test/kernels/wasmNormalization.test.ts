/**
 * The WebAssembly BatchNorm kernels equal their TypeScript references (kernels/normalization.ts) on
 * random [n, c, inner] shapes: inner = 1, around the 4- and 8-float vector steps, and odd sizes. The
 * statistics and the two sums of the backward only differ in summation order (float64: ~1e-15
 * relative); given the same statistics, y and ∂L/∂x are the same double expressions rounded once,
 * so they are equal bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelMeanVarReference,
  channelNormalizeReference,
  channelNormBackwardReference,
} from '../../src/kernels/normalization.js';
import { wasmModule } from '../../src/kernels/wasm/module.js';
import {
  channelAffineWasm,
  channelMeanVarWasm,
  channelNormBackwardWasm,
} from '../../src/kernels/wasm/normalizationWasm.js';

function random(size: number, seed: number, offset: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: size }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return offset + 4 * (s / 2147483648 - 0.5);
  });
}

function expectRelative(got: Float64Array, want: Float64Array, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= 1e-12 * (1 + Math.abs(want[i]!))))
      expect.fail(`${what}[${i}]: wasm ${got[i]} vs reference ${want[i]}`);
  }
}

describe.runIf(wasmModule() !== null)('BatchNorm kernels on WebAssembly', () => {
  it('equal the TypeScript references: statistics to float64 rounding, y and ∂L/∂x bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 19 }), fc.integer({ min: 190, max: 200 })),
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(0, 50),
        fc.boolean(),
        (n, c, inner, seed, offset, affine) => {
          const size = n * c * inner;
          const x = random(size, seed, offset);
          const g = random(size, seed + 7, 0);
          const gamma = affine ? random(c, seed + 1, 1) : null;
          const beta = affine ? random(c, seed + 2, 0) : null;

          const mean = new Float64Array(c);
          const variance = new Float64Array(c);
          channelMeanVarWasm(x, n, c, inner, mean, variance);
          const wantMean = new Float64Array(c);
          const wantVariance = new Float64Array(c);
          channelMeanVarReference(x, n, c, inner, wantMean, wantVariance);
          expectRelative(mean, wantMean, 'mean');
          expectRelative(variance, wantVariance, 'variance');

          // The same statistics into both: y must be identical.
          const invStd = wantVariance.map((v) => 1 / Math.sqrt(v + 1e-5));
          const scale = invStd.map((s, ch) => s * (gamma === null ? 1 : gamma[ch]!));
          const shift = new Float64Array(c).map((_, ch) => (beta === null ? 0 : beta[ch]!));
          const y = new Float32Array(size);
          channelAffineWasm(x, n, c, inner, wantMean, scale, shift, y);
          const wantY = new Float32Array(size);
          channelNormalizeReference(x, n, c, inner, wantMean, invStd, gamma, beta, wantY);
          expect(y).toEqual(wantY);

          const sumG = new Float64Array(c);
          const sumGX = new Float64Array(c);
          const gradX = new Float32Array(size);
          channelNormBackwardWasm(g, x, n, c, inner, wantMean, invStd, gamma, sumG, sumGX, gradX);
          const wantSumG = new Float64Array(c);
          const wantSumGX = new Float64Array(c);
          const wantGradX = new Float32Array(size);
          channelNormBackwardReference(
            g,
            x,
            n,
            c,
            inner,
            wantMean,
            invStd,
            gamma,
            wantSumG,
            wantSumGX,
            wantGradX,
          );
          expectRelative(sumG, wantSumG, 'sumG');
          expectRelative(sumGX, wantSumGX, 'sumGX');
          // ∂L/∂x from the reference's own sums is the same expression: compare with those sums.
          const sameSums = new Float32Array(size);
          const k = invStd.map((s, ch) => s * (gamma === null ? 1 : gamma[ch]!));
          for (let i = 0; i < n; i++)
            for (let ch = 0; ch < c; ch++) {
              const meanG = sumG[ch]! / (n * inner);
              const slope = (k[ch]! * invStd[ch]! * sumGX[ch]!) / (n * inner);
              for (let j = 0; j < inner; j++) {
                const at = (i * c + ch) * inner + j;
                sameSums[at] = k[ch]! * (g[at]! - meanG) - slope * (x[at]! - wantMean[ch]!);
              }
            }
          expect(gradX).toEqual(sameSums);
          for (let at = 0; at < size; at++)
            expect(Math.abs(gradX[at]! - wantGradX[at]!)).toBeLessThanOrEqual(
              1e-5 * (1 + Math.abs(wantGradX[at]!)),
            );
        },
      ),
      { numRuns: 150 },
    );
  });
});
