import { datasets } from '@tsgrad/data';
import { describe, expect, it } from 'vitest';

const { moons, circles, spirals, xor, blobs, polynomial, sine } = datasets;

function counts(y: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < y.length; i++) c[y[i]!]! += 1;
  return c;
}

describe('synthetic classification data', () => {
  const cases = [
    ['moons', (seed: number) => moons(101, { seed }), 2, 2],
    ['circles', (seed: number) => circles(100, { seed }), 2, 2],
    ['spirals', (seed: number) => spirals(90, { seed, classes: 3 }), 2, 3],
    ['xor', (seed: number) => xor(100, { seed }), 2, 2],
    ['blobs', (seed: number) => blobs(99, { seed, centers: 3, dim: 4 }), 4, 3],
  ] as const;

  for (const [name, make, d, k] of cases) {
    it(`${name}: shapes, integer labels covering every class, reproducible per seed`, () => {
      const a = make(1);
      const n = a.y.shape[0]!;
      expect(a.x.shape).toEqual([n, d]);
      expect(a.y.shape).toEqual([n]);
      const c = counts(a.y.data, k);
      expect(c.every((v) => v > 0)).toBe(true);
      expect(c.reduce((s, v) => s + v, 0)).toBe(n);
      expect(a.x.data.every(Number.isFinite)).toBe(true);
      const b = make(1);
      expect(Array.from(b.x.data)).toEqual(Array.from(a.x.data));
      expect(Array.from(b.y.data)).toEqual(Array.from(a.y.data));
      expect(Array.from(make(2).x.data)).not.toEqual(Array.from(a.x.data));
    });
  }

  it('classes are interleaved, not in blocks', () => {
    const { y } = moons(200, { seed: 0 });
    expect(counts(y.data.subarray(0, 40), 2).every((v) => v > 5)).toBe(true);
  });

  it('without noise, points lie exactly on their curves', () => {
    const c = circles(50, { noise: 0, factor: 0.3 });
    for (let i = 0; i < 50; i++) {
      const r = Math.hypot(c.x.data[2 * i]!, c.x.data[2 * i + 1]!);
      expect(r).toBeCloseTo(c.y.data[i] === 0 ? 1 : 0.3, 5);
    }
    const m = moons(50, { noise: 0 });
    for (let i = 0; i < 50; i++) {
      const [px, py] = [m.x.data[2 * i]!, m.x.data[2 * i + 1]!];
      const r = m.y.data[i] === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
      expect(r).toBeCloseTo(1, 5);
    }
    const x = xor(200, { seed: 3 });
    for (let i = 0; i < 200; i++) {
      const differ = x.x.data[2 * i]! * x.x.data[2 * i + 1]! < 0;
      expect(x.y.data[i]).toBe(differ ? 1 : 0);
    }
  });

  it('blobs at given centers scatter with the given std', () => {
    const b = blobs(3000, {
      centers: [
        [5, 5],
        [-5, 0],
      ],
      noise: 0.5,
      seed: 4,
    });
    let sumSq = 0;
    for (let i = 0; i < 3000; i++) {
      const [cx, cy] = b.y.data[i] === 0 ? [5, 5] : [-5, 0];
      sumSq += (b.x.data[2 * i]! - cx) ** 2 + (b.x.data[2 * i + 1]! - cy) ** 2;
    }
    // 6000 squared N(0, 0.25) deviates: the estimate of σ has relative SE 1/√(2·6000) ≈ 0.9%.
    expect(Math.abs(Math.sqrt(sumSq / 6000) - 0.5)).toBeLessThan(0.025);
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => moons(0)).toThrow(/moons: n must be an integer >= 1, got 0/);
    expect(() => circles(10, { factor: 1 })).toThrow(/circles: factor must be in \(0, 1\)/);
    expect(() => spirals(10, { classes: 1 })).toThrow(/spirals: classes must be an integer >= 2/);
    expect(() => xor(10, { noise: -1 })).toThrow(/xor: noise must be >= 0/);
    expect(() => blobs(10, { centers: [[1], [1, 2]] })).toThrow(/blobs: centers must be/);
  });
});

describe('synthetic regression data', () => {
  it('polynomial: y = Σ cₖ xᵏ + noise, x in range', () => {
    const p = polynomial(500, { coefficients: [1, 0, 2], noise: 0, range: [-2, 2], seed: 1 });
    expect(p.x.shape).toEqual([500, 1]);
    expect(p.y.shape).toEqual([500, 1]);
    for (let i = 0; i < 500; i++) {
      const x = p.x.data[i]!;
      expect(x >= -2 && x <= 2).toBe(true);
      expect(p.y.data[i]).toBeCloseTo(1 + 2 * x * x, 4);
    }
  });

  it('sine: residuals have the stated noise std, reproducible per seed', () => {
    const s = sine(4000, { noise: 0.2, frequency: 2, seed: 7 });
    let sq = 0;
    for (let i = 0; i < 4000; i++) sq += (s.y.data[i]! - Math.sin(2 * s.x.data[i]!)) ** 2;
    // Relative SE of σ̂ is 1/√(2·4000) ≈ 1.1%: 5 SE is 0.011.
    expect(Math.abs(Math.sqrt(sq / 4000) - 0.2)).toBeLessThan(0.011);
    expect(Array.from(sine(10, { seed: 7 }).y.data)).toEqual(Array.from(sine(10, { seed: 7 }).y.data));
    expect(() => sine(5, { range: [1, 0] })).toThrow(/sine: range must be \[lo, hi\]/);
  });
});
