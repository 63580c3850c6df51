/**
 * relu's WebAssembly backward (kernels/wasm/activationWasm.ts) equals the TypeScript loop of
 * kernels/activation.ts bit for bit, NaN-ness and the sign of 0 included, on random lengths
 * around the 4-lane vector width, with NaN, ±Infinity and ±0 in both the gradient and the mask.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import { reluBackward } from '../../src/kernels/activation.js';
import { reluBackwardWasm } from '../../src/kernels/wasm/activationWasm.js';

/** The rule reluBackward is specified by: gradOut · [y > 0], as IEEE multiplication by 1 or 0. */
function reluBackwardReference(gradOut: Float32Array, y: Float32Array): Float32Array {
  return gradOut.map((g, i) => g * (y[i]! > 0 ? 1 : 0));
}

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-45, -1e-45];
const arbValue = fc.oneof(fc.float({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom(...SPECIAL));

/** Two arrays of one random length. */
const arbPair = (maxLength: number) =>
  fc
    .array(fc.tuple(arbValue, arbValue), { maxLength })
    .map((pairs) => [Float32Array.from(pairs, (p) => p[0]), Float32Array.from(pairs, (p) => p[1])] as const);

function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    // NaN payloads may differ; NaN-ness and every other value (incl. the sign of 0) may not.
    const same = Number.isNaN(want[i]!) ? Number.isNaN(got[i]!) : Object.is(got[i], want[i]);
    if (!same) expect.fail(`element ${i}: ${got[i]} vs ${want[i]}`);
  }
}

describe('reluBackwardWasm', () => {
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  it('equals the reference on random lengths 0..300 with NaN, ±Infinity and ±0 (property)', () => {
    fc.assert(
      fc.property(arbPair(300), ([gradOut, y]) => {
        const out = new Float32Array(gradOut.length).fill(7);
        reluBackwardWasm(gradOut, y, out);
        expectSameBits(out, reluBackwardReference(gradOut, y));
      }),
      { numRuns: 80 },
    );
  });

  it('works in place (out === gradOut) on 100,003 elements', () => {
    const gradOut = Float32Array.from({ length: 100_003 }, (_, i) => Math.cos(i));
    const y = Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i * 0.7));
    const want = reluBackwardReference(gradOut, y);
    reluBackwardWasm(gradOut, y, gradOut);
    expectSameBits(gradOut, want);
  });

  it("the reluBackward kernel gives the reference result under 'wasm' and 'js', and for float64", () => {
    const gradOut = Float32Array.from({ length: 1001 }, (_, i) => (i % 5) - 2.5);
    const y = Float32Array.from({ length: 1001 }, (_, i) => (i % 3) - 1);
    gradOut[4] = Number.NaN;
    const want = reluBackwardReference(gradOut, y);
    for (const backend of ['wasm', 'js'] as const) {
      setKernelBackend(backend);
      const out = new Float32Array(gradOut.length);
      reluBackward(gradOut, y, out);
      expectSameBits(out, want);
    }
    const out64 = new Float64Array(gradOut.length);
    reluBackward(Float64Array.from(gradOut), Float64Array.from(y), out64);
    expectSameBits(Float32Array.from(out64), want);
  });
});
