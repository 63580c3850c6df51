/**
 * The WebAssembly Adam kernel equals its TypeScript reference up to float32 rounding: the kernel
 * rounds after every operation (as PyTorch's float32 kernels do), the reference computes each
 * buffer's new value in double and rounds once. On random lengths around the 4-lane vector width
 * and across the chunk boundary of the copies, for Adam (decay 1) and AdamW (decay < 1), over
 * several steps so that rounding differences in m and v feed forward.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdamCoefficients, adamUpdate, adamUpdateReference } from '../../src/kernels/optimizer.js';
import { wasmModule } from '../../src/kernels/wasm/module.js';
import { adamUpdateWasm } from '../../src/kernels/wasm/optimizerWasm.js';

/** Half a float32 ulp is 2^-24 relative; a few roundings per step over three steps stay below 2^-19. */
const RELATIVE = 2 ** -19;

function coefficients(step: number, lr: number, decay: number): AdamCoefficients {
  const [beta1, beta2] = [0.9, 0.999];
  return {
    beta1,
    beta2,
    stepSize: lr / (1 - beta1 ** step),
    bc2Sqrt: Math.sqrt(1 - beta2 ** step),
    eps: 1e-8,
    decay,
  };
}

/** Runs `steps` updates from the same start with both kernels; returns [wasm, reference] buffers. */
function runBoth(n: number, seed: number, decay: number, steps: number) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const p = Float32Array.from({ length: n }, () => rand() * 4);
  const m = Float32Array.from({ length: n }, () => rand() * 0.1);
  const v = Float32Array.from({ length: n }, () => Math.abs(rand()) * 0.01);
  const grads = Array.from({ length: steps }, () => Float32Array.from({ length: n }, () => rand()));
  const wasm = { p: p.slice(), m: m.slice(), v: v.slice() };
  const ref = { p: p.slice(), m: m.slice(), v: v.slice() };
  for (let t = 1; t <= steps; t++) {
    const c = coefficients(t, 0.01, decay);
    adamUpdateWasm(wasm.p, grads[t - 1]!, wasm.m, wasm.v, c);
    adamUpdateReference(ref.p, grads[t - 1]!, ref.m, ref.v, c);
  }
  return [wasm, ref] as const;
}

function expectClose(got: Float32Array, want: Float32Array, scale: number, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tolerance = RELATIVE * (Math.abs(want[i]!) + scale);
    if (!(Math.abs(got[i]! - want[i]!) <= tolerance)) {
      expect.fail(`${what}[${i}]: wasm ${got[i]} vs reference ${want[i]} (tolerance ${tolerance})`);
    }
  }
}

describe.runIf(wasmModule() !== null)('adamUpdateWasm', () => {
  it('equals adamUpdateReference to float32 rounding, any length, Adam and AdamW', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 16380, max: 16390 })),
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(1, 0.999),
        (n, seed, decay) => {
          const [wasm, ref] = runBoth(n, seed, decay, 3);
          // m and v are the same size as their terms; θ's change is about lr per step.
          expectClose(wasm.m, ref.m, 0.1, 'm');
          expectClose(wasm.v, ref.v, 1e-3, 'v');
          expectClose(wasm.p, ref.p, 0.03, 'p');
          // and the update really moved θ (the kernel did run).
          if (n > 0) expect(wasm.p).not.toEqual(runBoth(n, seed, decay, 0)[0].p);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('propagates NaN gradients into θ, m and v as the reference does', () => {
    const p = new Float32Array(9).fill(1);
    const g = new Float32Array(9).fill(0.5);
    g[2] = Number.NaN;
    g[8] = Number.NaN; // in the scalar tail
    const m = new Float32Array(9);
    const v = new Float32Array(9);
    adamUpdateWasm(p, g, m, v, coefficients(1, 0.01, 1));
    for (const i of [2, 8]) {
      expect(p[i]).toBeNaN();
      expect(m[i]).toBeNaN();
      expect(v[i]).toBeNaN();
    }
    expect(p[0]).toBeCloseTo(1 - 0.01, 6);
  });

  it('flushes moments that decay below 2⁻¹²⁶ to 0 and leaves θ as the reference does', () => {
    // Zero gradients from step 1 on: m shrinks by β₁ = 0.9 and v by β₂ = 0.999 per step, so m
    // crosses into float32's subnormal range (< 2⁻¹²⁶) after ~800 steps; start it near there.
    const n = 37; // vectors and a scalar tail
    const start = (i: number) => (i % 2 === 0 ? 1 : -1) * 2 ** -120 * (1 + i / 64);
    const wasm = {
      p: Float32Array.from({ length: n }, (_, i) => 1 + i),
      m: Float32Array.from({ length: n }, (_, i) => start(i)),
      v: Float32Array.from({ length: n }, (_, i) => 2 ** -126 * (1 + i / 1000)), // 0.999⁸⁰ < 1/1.04
    };
    const ref = { p: wasm.p.slice(), m: wasm.m.slice(), v: wasm.v.slice() };
    const g = new Float32Array(n);
    let subnormalSeen = false;
    for (let t = 1; t <= 80; t++) {
      const c = coefficients(t, 0.01, 1);
      adamUpdateWasm(wasm.p, g, wasm.m, wasm.v, c);
      adamUpdateReference(ref.p, g, ref.m, ref.v, c);
      for (const x of [...wasm.m, ...wasm.v]) {
        // never a subnormal in the kernel's state: 0 or at least 2⁻¹²⁶ in magnitude
        if (!(x === 0 || Math.abs(x) >= 2 ** -126)) expect.fail(`subnormal ${x} stored at step ${t}`);
      }
      if (ref.m.some((x) => x !== 0 && Math.abs(x) < 2 ** -126)) subnormalSeen = true;
    }
    // the reference (as PyTorch by default) kept subnormals; the kernel ended with m = v = 0
    expect(subnormalSeen).toBe(true);
    expect(wasm.m.every((x) => x === 0)).toBe(true);
    expect(wasm.v.every((x) => x === 0)).toBe(true);
    // θ: the dropped updates were far below its ulp, so it matches the reference bit for bit
    expect(wasm.p).toEqual(ref.p);
  });

  it('a step size of 0 leaves θ unchanged and the moments updated', () => {
    const p = Float32Array.from({ length: 8 }, (_, i) => i - 3);
    const g = Float32Array.from({ length: 8 }, (_, i) => 0.5 - i);
    const m = new Float32Array(8);
    const v = new Float32Array(8);
    adamUpdateWasm(p, g, m, v, { ...coefficients(1, 0.01, 1), stepSize: 0 });
    expect(Array.from(p)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4]);
    expect(m[1]).toBeCloseTo(0.1 * -0.5, 7);
  });

  it('adamUpdate dispatches large float32 buffers to the kernel and float64 to the reference', () => {
    const n = 1000;
    const g = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const viaDispatch = { p: new Float32Array(n).fill(1), m: new Float32Array(n), v: new Float32Array(n) };
    const viaWasm = { p: new Float32Array(n).fill(1), m: new Float32Array(n), v: new Float32Array(n) };
    const c = coefficients(1, 0.01, 1);
    adamUpdate(viaDispatch.p, g, viaDispatch.m, viaDispatch.v, c);
    adamUpdateWasm(viaWasm.p, g, viaWasm.m, viaWasm.v, c);
    expect(viaDispatch.p).toEqual(viaWasm.p);
    const p64 = new Float64Array(n).fill(1);
    const ref64 = new Float64Array(n).fill(1);
    const g64 = Float64Array.from(g);
    adamUpdate(p64, g64, new Float64Array(n), new Float64Array(n), c);
    adamUpdateReference(ref64, g64, new Float64Array(n), new Float64Array(n), c);
    expect(p64).toEqual(ref64);
  });
});
