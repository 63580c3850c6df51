/**
 * The TypeScript Adam kernel (`adamUpdateReference`, four parameters per iteration) equals the
 * update written plainly, one parameter at a time, bit for bit in float32 and float64: on random
 * lengths, including those whose last 1–3 parameters fall outside the unrolled loop, for Adam
 * (decay 1) and AdamW (decay < 1), over several steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AdamCoefficients, adamUpdateReference } from '../../src/kernels/optimizer.js';

type Data = Float32Array | Float64Array;

/** The update as the docs state it: θ ← θ·decay;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − stepSize·m/(√v/bc2Sqrt + ε). */
function adamPlain(p: Data, g: Data, m: Data, v: Data, c: AdamCoefficients): void {
  for (let i = 0; i < p.length; i++) {
    p[i] = p[i]! * c.decay;
    m[i] = c.beta1 * m[i]! + (1 - c.beta1) * g[i]!;
    v[i] = c.beta2 * v[i]! + (1 - c.beta2) * g[i]! * g[i]!;
    p[i] = p[i]! - (c.stepSize * m[i]!) / (Math.sqrt(v[i]!) / c.bc2Sqrt + c.eps);
  }
}

function coefficients(step: number, decay: number): AdamCoefficients {
  const [beta1, beta2] = [0.9, 0.999];
  return {
    beta1,
    beta2,
    stepSize: 0.01 / (1 - beta1 ** step),
    bc2Sqrt: Math.sqrt(1 - beta2 ** step),
    eps: 1e-8,
    decay,
  };
}

function run(kind: 'float32' | 'float64', n: number, seed: number, decay: number) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const make = (value: () => number): Data => {
    const buffer = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) buffer[i] = value();
    return buffer;
  };
  const p = make(() => rand() * 4);
  const m = make(() => rand() * 0.1);
  const v = make(() => Math.abs(rand()) * 0.01);
  const fast = { p: p.slice(), m: m.slice(), v: v.slice() };
  const plain = { p: p.slice(), m: m.slice(), v: v.slice() };
  for (let t = 1; t <= 3; t++) {
    const g = make(() => rand());
    adamUpdateReference(fast.p, g, fast.m, fast.v, coefficients(t, decay));
    adamPlain(plain.p, g, plain.m, plain.v, coefficients(t, decay));
  }
  return [fast, plain] as const;
}

describe('adamUpdateReference (TypeScript Adam kernel)', () => {
  const lengths = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 14, max: 3000 }));

  for (const dtype of ['float32', 'float64'] as const) {
    it(`equals the plain per-parameter update bit for bit in ${dtype}, any length`, () => {
      fc.assert(
        fc.property(
          lengths,
          fc.integer({ min: 1, max: 1e6 }),
          fc.constantFrom(1, 0.999),
          (n, seed, decay) => {
            const [fast, plain] = run(dtype, n, seed, decay);
            expect(fast.m).toEqual(plain.m);
            expect(fast.v).toEqual(plain.v);
            expect(fast.p).toEqual(plain.p);
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
