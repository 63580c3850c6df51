import { Generator, manualSeed, ones, randn } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import { Dropout, functional as F } from '../src/index.js';

describe('Dropout', () => {
  it('is the identity in eval mode', () => {
    const d = new Dropout(0.5).eval();
    const x = randn([10, 10]);
    expect(d.forward(x)).toBe(x);
  });

  it('in training drops a fraction → p and preserves the mean (fixed seed)', () => {
    // n = 200,000 Bernoulli draws: the dropped fraction has std √(p(1−p)/n) ≈ 1.1e-3 at p = 0.3,
    // so |fraction − p| < 5e-3 is a > 4σ bound. The mean of y for x = 1 has std ≈ 1.5e-3; 7.5e-3 is 5σ.
    manualSeed(1234);
    for (const p of [0.1, 0.3, 0.5, 0.8]) {
      const y = new Dropout(p).forward(ones([200_000]));
      let zeros = 0;
      let sum = 0;
      let kept = 0;
      for (const v of y.data) {
        if (v === 0) zeros++;
        else if (Math.abs(v - 1 / (1 - p)) < 1e-6) kept++;
        sum += v;
      }
      expect(zeros + kept).toBe(y.size); // every survivor is scaled by exactly 1/(1 − p)
      expect(Math.abs(zeros / y.size - p)).toBeLessThan(5e-3);
      expect(Math.abs(sum / y.size - 1)).toBeLessThan(p === 0.8 ? 1e-2 : 7.5e-3);
    }
  });

  it('p = 0 is the identity, p = 1 gives zeros, and the gradient uses the same mask', () => {
    const x = randn([50], { requiresGrad: true });
    expect(F.dropout(x, 0)).toBe(x);
    expect([...F.dropout(x, 1).data].every((v) => v === 0)).toBe(true);
    const y = F.dropout(x, 0.5, true, { generator: new Generator(3) });
    y.sum().backward();
    for (let i = 0; i < x.size; i++) expect(x.grad!.data[i]).toBe(y.data[i] === 0 ? 0 : 2);
  });

  it('is reproducible from a seed or a Generator', () => {
    const x = ones([100]);
    manualSeed(7);
    const a = F.dropout(x, 0.5);
    manualSeed(7);
    const b = F.dropout(x, 0.5);
    expect([...a.data]).toEqual([...b.data]);
    const c = new Dropout(0.5, { generator: new Generator(9) }).forward(x);
    const d = new Dropout(0.5, { generator: new Generator(9) }).forward(x);
    expect([...c.data]).toEqual([...d.data]);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => new Dropout(1.5)).toThrow(/Dropout: p must be in \[0, 1\], got 1.5/);
    expect(() => F.dropout(ones([1]), -0.1)).toThrow(RangeError);
  });
});
