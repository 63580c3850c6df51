/**
 * The WebAssembly element-wise kernels equal their TypeScript references, bit for bit (relu is
 * exact: each output is one of its input or 0), on random lengths around the 4-lane vector width,
 * with NaN, ±Infinity and ±0 among the inputs.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import { relu } from '../../src/kernels/activation.js';
import { binaryScalar } from '../../src/kernels/elementwise.js';
import { type Comparison, compareScalarWasm, reluWasm } from '../../src/kernels/wasm/elementwiseWasm.js';

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

describe('compareScalarWasm', () => {
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));
  const OPS: Comparison[] = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'];
  /** The comparisons as JavaScript states them (IEEE: NaN compares false, except !==). */
  const JS: Record<Comparison, (v: number, s: number) => boolean> = {
    gt: (v, s) => v > s,
    ge: (v, s) => v >= s,
    lt: (v, s) => v < s,
    le: (v, s) => v <= s,
    eq: (v, s) => v === s,
    ne: (v, s) => v !== s,
  };
  const arbScalar = fc.oneof(
    fc.constantFrom(0, -0, 1, -1.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    fc.float({ noNaN: true }),
  );

  it('equals the scalar comparisons for every op, with NaN, ±Infinity and ±0 on both sides (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), arbInput(300), arbScalar, (op, x, s) => {
        // Half the inputs equal s, so that ties (ge, le, eq, ne) are exercised.
        for (let i = 0; i < x.length; i += 2) x[i] = s;
        const out = new Float32Array(x.length).fill(7);
        compareScalarWasm(op, x, s, out);
        expectSameBits(
          out,
          x.map((v) => (JS[op](v, s) ? 1 : 0)),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("binaryScalar gives the same masks under 'wasm' and 'js', scalar on either side", () => {
    const x = Float32Array.from({ length: 203 }, (_, i) => (i % 5) - 2);
    x[7] = Number.NaN;
    for (const op of OPS) {
      for (const scalarOnRight of [true, false]) {
        const results = (['wasm', 'js'] as const).map((backend) => {
          setKernelBackend(backend);
          const out = new Float32Array(x.length);
          binaryScalar(op, x, 0, scalarOnRight, out);
          return out;
        });
        const want = x.map((v) => ((scalarOnRight ? JS[op](v, 0) : JS[op](0, v)) ? 1 : 0));
        expectSameBits(results[0]!, want);
        expectSameBits(results[1]!, want);
      }
    }
  });

  it('a scalar that is not a float32 value (0.1) stays on the exact TypeScript loop', () => {
    // float32(0.1) > 0.1 in double, but not in float32; the kernel must answer as in double.
    const x = new Float32Array(100).fill(0.1);
    const out = new Float32Array(100);
    binaryScalar('gt', x, 0.1, true, out);
    expect(out.every((v) => v === 1)).toBe(true);
  });
});
