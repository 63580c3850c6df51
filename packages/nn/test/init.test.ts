import { Generator, Tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import { Conv2d, init, Linear } from '../src/index.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let q = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of t.data) {
    s += v;
    q += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / t.size;
  return { mean, std: Math.sqrt(q / t.size - mean * mean), min, max };
}

// With n = 40,000 samples the sample std of a normal is within ~0.35 % of σ (1σ), and of a
// uniform within ~0.25 %; a 2 % relative bound is > 5σ. Uniform extremes must lie inside ±bound
// and come within 0.1 % of it (the chance they do not is (1 − 0.0005)^n ≈ 2e-9).
const REL_STD = 0.02;
const shape = [200, 200];
const g = () => new Generator(42);

describe('init: bounds and std (statistical, fixed seed)', () => {
  const cases: Array<[string, (w: Tensor) => Tensor, number, number | null]> = [
    // [name, fill, expected std, uniform bound or null for normal]
    [
      'xavierUniform',
      (w) => init.xavierUniform(w, { generator: g() }),
      Math.sqrt(2 / 400),
      Math.sqrt(6 / 400),
    ],
    [
      'xavierUniform gain 2',
      (w) => init.xavierUniform(w, { gain: 2, generator: g() }),
      2 * Math.sqrt(2 / 400),
      2 * Math.sqrt(6 / 400),
    ],
    ['xavierNormal', (w) => init.xavierNormal(w, { generator: g() }), Math.sqrt(2 / 400), null],
    [
      'kaimingUniform relu fanIn',
      (w) => init.kaimingUniform(w, { nonlinearity: 'relu', generator: g() }),
      Math.sqrt(2 / 200),
      Math.sqrt(6 / 200),
    ],
    [
      'kaimingUniform a=√5 (Linear default)',
      (w) => init.kaimingUniform(w, { a: Math.sqrt(5), generator: g() }),
      1 / Math.sqrt(3 * 200),
      1 / Math.sqrt(200),
    ],
    [
      'kaimingNormal relu',
      (w) => init.kaimingNormal(w, { nonlinearity: 'relu', generator: g() }),
      Math.sqrt(2 / 200),
      null,
    ],
    ['normal(1, 0.5)', (w) => init.normal(w, 1, 0.5, { generator: g() }), 0.5, null],
    ['uniform(-2, 2)', (w) => init.uniform(w, -2, 2, { generator: g() }), 4 / Math.sqrt(12), 2],
  ];
  for (const [name, fill, std, bound] of cases) {
    it(`${name}: std ${std.toPrecision(4)} within ${REL_STD * 100}%${bound ? `, values inside ±${bound.toPrecision(4)}` : ''}`, () => {
      const w = Tensor.empty(shape, 'float64');
      expect(fill(w)).toBe(w);
      const s = stats(w);
      expect(Math.abs(s.std / std - 1)).toBeLessThan(REL_STD);
      if (bound !== null) {
        expect(s.min).toBeGreaterThanOrEqual(-bound);
        expect(s.max).toBeLessThanOrEqual(bound);
        expect(s.max).toBeGreaterThan(bound * 0.999);
      }
    });
  }

  it("kaimingNormal mode 'fanOut' uses the conv weight's fan-out", () => {
    const w = Tensor.empty([64, 16, 3, 3], 'float64');
    init.kaimingNormal(w, { mode: 'fanOut', nonlinearity: 'relu', generator: g() });
    expect(Math.abs(stats(w).std / Math.sqrt(2 / (64 * 9)) - 1)).toBeLessThan(REL_STD);
  });

  it('constant, zeros, ones fill in place', () => {
    const w = Tensor.empty([3]);
    expect([...init.constant(w, 2.5).data]).toEqual([2.5, 2.5, 2.5]);
    expect([...init.zeros(w).data]).toEqual([0, 0, 0]);
    expect([...init.ones(w).data]).toEqual([1, 1, 1]);
  });

  it('Linear and Conv2d defaults: weight and bias inside U(±1/√fanIn)', () => {
    const lin = new Linear(300, 200);
    const b = 1 / Math.sqrt(300);
    expect(stats(lin.weight).max).toBeLessThanOrEqual(b);
    expect(stats(lin.weight).min).toBeGreaterThanOrEqual(-b);
    expect(Math.abs(stats(lin.weight).std / (b / Math.sqrt(3)) - 1)).toBeLessThan(REL_STD);
    expect(stats(lin.bias!).max).toBeLessThanOrEqual(b);
    const conv = new Conv2d(8, 64, 3, { groups: 2 });
    const cb = 1 / Math.sqrt(4 * 9);
    expect(stats(conv.weight).max).toBeLessThanOrEqual(cb);
    expect(stats(conv.weight).max).toBeGreaterThan(cb * 0.98);
    expect(stats(conv.bias!).min).toBeGreaterThanOrEqual(-cb);
  });

  it('rejects bad arguments', () => {
    expect(() => init.kaimingUniform(Tensor.empty([2, 2]), { mode: 'fan' as 'fanIn' })).toThrow(
      /mode must be/,
    );
    expect(() => init.calculateGain('softsign' as 'relu')).toThrow(/unknown nonlinearity 'softsign'/);
    expect(() => init.normal(Tensor.empty([2]), 0, -1)).toThrow(RangeError);
  });
});
