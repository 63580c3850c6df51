/**
 * The WebAssembly element-wise kernels equal their TypeScript references, bit for bit (relu is
 * exact: each output is one of its input or 0), on random lengths around the 4-lane vector width,
 * with NaN, ±Infinity and ±0 among the inputs.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import { relu } from '../../src/kernels/activation.js';
import { reluWasm } from '../../src/kernels/wasm/elementwiseWasm.js';

/** The plain loop relu is specified by: max(x, 0), NaN stays NaN, −0 becomes 0. */
function reluReference(x: Float32Array): Float32Array {
  return x.map((v) => (Number.isNaN(v) ? v : v > 0 ? v : 0));
}

const SPECIAL = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-45, -1e-45];

/** Random float32 values of both signs with some special values mixed in. */
const arbInput = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.float({ noDefaultInfinity: true, noNaN: true }), fc.constantFrom(...SPECIAL)), {
      maxLength,
    })
    .map((values) => Float32Array.from(values));

function expectSameBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    // NaN payloads may differ; NaN-ness and every other value (incl. the sign of 0) may not.
    if (Number.isNaN(want[i]!)) expect(got[i], `element ${i}`).toBeNaN();
    else expect(Object.is(got[i], want[i]), `element ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
  }
}

describe('reluWasm', () => {
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  it('equals the reference on random lengths 0..300 with NaN, ±Infinity and ±0 (property)', () => {
    fc.assert(
      fc.property(arbInput(300), (x) => {
        const out = new Float32Array(x.length).fill(7);
        reluWasm(x, out);
        expectSameBits(out, reluReference(x));
      }),
      { numRuns: 60 },
    );
  });

  it('works in place (out === x) on 100,003 elements (memory grown to fit)', () => {
    const x = Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i) * (i % 7 === 0 ? 1e30 : 1));
    const want = reluReference(x);
    reluWasm(x, x);
    expectSameBits(x, want);
  });

  it("the relu kernel gives the reference result under 'wasm' and 'js', and for float64", () => {
    const x = Float32Array.from({ length: 1001 }, (_, i) => (i % 3) - 1.5 + i * 1e-3);
    x[5] = Number.NaN;
    const want = reluReference(x);
    for (const backend of ['wasm', 'js'] as const) {
      setKernelBackend(backend);
      const out = new Float32Array(x.length);
      relu(x, out);
      expectSameBits(out, want);
    }
    const x64 = Float64Array.from(x);
    const out64 = new Float64Array(x.length);
    relu(x64, out64);
    expect(Array.from(out64)).toEqual(Array.from(want));
  });
});
