import { defaultGenerator, Generator, manualSeed, rand, randint, randn, randperm } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';

/**
 * Sample statistics are checked within 5 standard errors of their expectation. Every draw is
 * seeded, so the tests are deterministic; 5 SE also means that any seed would pass with
 * probability ≈ 1 − 6·10⁻⁷, so the bounds are not tuned to one lucky seed.
 */
const N = 100_000;
const SE_BOUND = 5;

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return { mean, variance: sq / values.length };
}

describe('manualSeed', () => {
  it('makes every random function reproducible', () => {
    const draw = () => [
      ...randn([5]).data,
      ...rand([5], { dtype: 'float64' }).data,
      ...randint(0, 100, [5]).data,
      ...randperm(6),
    ];
    manualSeed(42);
    const first = draw();
    manualSeed(42);
    expect(draw()).toEqual(first);
    manualSeed(43);
    expect(draw()).not.toEqual(first);
  });

  it('distinguishes seeds beyond 2³² and rejects non-finite seeds', () => {
    manualSeed(1);
    const a = Array.from(rand([4]).data);
    manualSeed(2 ** 32 + 1);
    expect(Array.from(rand([4]).data)).not.toEqual(a);
    expect(() => manualSeed(Number.NaN)).toThrow(/^manualSeed: seed must be a finite number, got NaN/);
  });
});

describe('Generator', () => {
  it('gives the same stream for the same seed', () => {
    const a = randn([8], { generator: new Generator(7) });
    const b = randn([8], { generator: new Generator(7) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it('is independent of the global generator', () => {
    manualSeed(3);
    const expected = Array.from(randn([6]).data);
    manualSeed(3);
    const local = new Generator(3);
    randn([100], { generator: local }); // drawing locally must not move the global stream
    expect(Array.from(randn([6]).data)).toEqual(expected);
  });

  it('getState/setState restores the stream, including a pending Box–Muller value', () => {
    const g = new Generator(11);
    g.normal(); // leaves the pair's second value pending
    const state = g.getState();
    const next = [g.normal(), g.normal(), g.random(), g.normal()];
    g.setState(state);
    expect([g.normal(), g.normal(), g.random(), g.normal()]).toEqual(next);
    manualSeed(5);
    const saved = defaultGenerator.getState();
    const a = Array.from(rand([3]).data);
    defaultGenerator.setState(saved);
    expect(Array.from(rand([3]).data)).toEqual(a);
  });

  it('randint(n) and permutation stay in range and cover it', () => {
    const g = new Generator(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = g.randint(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    const p = Array.from(g.permutation(50)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => g.randint(0)).toThrow(/^randint: n must be an integer in \[1, 2\^32\], got 0/);
  });
});

describe('distributions', () => {
  it('randn has mean 0 and variance 1 (within 5 standard errors), and 68.3% within 1σ', () => {
    const x = randn([N], { dtype: 'float64', generator: new Generator(2024) });
    const { mean, variance } = moments(x.data);
    expect(Math.abs(mean)).toBeLessThan(SE_BOUND * Math.sqrt(1 / N)); // SE(mean) = σ/√n
    expect(Math.abs(variance - 1)).toBeLessThan(SE_BOUND * Math.sqrt(2 / N)); // SE(s²) = σ²√(2/n)
    const p = 0.6826894921370859; // P(|Z| < 1)
    const inside = x.data.filter((v) => Math.abs(v) < 1).length / N;
    expect(Math.abs(inside - p)).toBeLessThan(SE_BOUND * Math.sqrt((p * (1 - p)) / N));
  });

  it('rand is uniform on [0, 1): mean 1/2, variance 1/12 (within 5 standard errors), no value outside', () => {
    const u = rand([N], { dtype: 'float64', generator: new Generator(99) });
    const { mean, variance } = moments(u.data);
    expect(Math.abs(mean - 0.5)).toBeLessThan(SE_BOUND * Math.sqrt(1 / 12 / N));
    // Var((U − ½)²) = E(U − ½)⁴ − (1/12)² = 1/80 − 1/144
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(SE_BOUND * Math.sqrt((1 / 80 - 1 / 144) / N));
    expect(Math.min(...u.data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u.data)).toBeLessThan(1);
  });

  it('rand fills ten equal bins evenly (each within 5 standard errors of n/10)', () => {
    const u = rand([N], { generator: new Generator(5) });
    const bins = new Array<number>(10).fill(0);
    for (const v of u.data) bins[Math.floor(v * 10)]!++;
    const se = Math.sqrt(N * 0.1 * 0.9);
    for (const count of bins) expect(Math.abs(count - N / 10)).toBeLessThan(SE_BOUND * se);
  });
});
