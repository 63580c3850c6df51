import { Generator, Tensor, tensor } from '@tsgrad/autograd';
import { transforms as T } from '@tsgrad/data';
import { describe, expect, it } from 'vitest';

/** Image batch [n, c, h, w] with element (s, ch, i, j) = 1000·s + 100·ch + 10·i + j (+1 to avoid 0). */
function labelledImages(n: number, c: number, h: number, w: number): Tensor {
  const t = Tensor.empty([n, c, h, w]);
  let k = 0;
  for (let s = 0; s < n; s++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) t.data[k++] = 1000 * s + 100 * ch + 10 * i + j + 1;
  return t;
}

function plane(t: Tensor, s: number, ch: number): number[][] {
  const [, c, h, w] = t.shape as [number, number, number, number];
  return Array.from({ length: h }, (_, i) =>
    Array.from(t.data.subarray(((s * c + ch) * h + i) * w, ((s * c + ch) * h + i + 1) * w)),
  );
}

function meanStd(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return [mean, Math.sqrt(sq / values.length)];
}

describe('normalize', () => {
  it('standardizes per channel of [n, c, h, w] and with scalars on any shape', () => {
    const x = tensor([[[[1, 3]], [[10, 20]]]]); // [1, 2, 1, 2]
    const y = T.normalize([2, 10], [1, 5])(x);
    expect(Array.from(y.data)).toEqual([-1, 1, 0, 2]);
    expect(Array.from(T.normalize(1, 2)(tensor([1, 3, 5])).data)).toEqual([0, 1, 2]);
    expect(() => T.normalize([0, 0, 0], [1, 1, 1])(x)).toThrow(
      /normalize: 3 channel values do not fit shape \[1, 2, 1, 2\]/,
    );
    expect(() => T.normalize(0, 0)).toThrow(/normalize: std must be > 0, got 0/);
  });
});

describe('gaussianNoise', () => {
  it('adds noise of the stated mean and std (fixed seed), without touching the input', () => {
    const x = Tensor.empty([200, 1, 10, 10]); // 20,000 zeros
    const y = T.gaussianNoise(0.5, { seed: 1 })(x);
    const [m, s] = meanStd(y.data);
    // Standard error of the mean is 0.5/√20000 ≈ 0.0035 and of the std ≈ 0.0025: 5 SE bounds.
    expect(Math.abs(m)).toBeLessThan(0.018);
    expect(Math.abs(s - 0.5)).toBeLessThan(0.0125);
    // Shape, not just moments: P(|z| < 1) = 0.6827 and P(|z| < 2) = 0.9545 (binomial SE ≤ 0.0033).
    const within = (k: number) => y.data.filter((v) => Math.abs(v) < 0.5 * k).length / y.size;
    expect(Math.abs(within(1) - 0.6827)).toBeLessThan(0.0165);
    expect(Math.abs(within(2) - 0.9545)).toBeLessThan(0.0075);
    expect(x.data.every((v) => v === 0)).toBe(true);
  });

  it('is reproducible for a seed, and clips', () => {
    const x = Tensor.empty([3, 1, 4, 4]);
    const a = T.gaussianNoise(1)(x, new Generator(3));
    const b = T.gaussianNoise(1)(x, new Generator(3));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const clipped = T.gaussianNoise(2, { seed: 0, clip: [0, 1] })(x);
    expect(clipped.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe('normalZiggurat', () => {
  it('matches the standard normal CDF, tails included (fixed seed, 200,000 draws)', () => {
    const g = new Generator(11);
    const n = 200_000;
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = T.normalZiggurat(g);
    // Φ(t) at points in the body, the wedges and the tail beyond r = 3.44 (which takes the slow path).
    const cdf: [number, number][] = [
      [-4, 3.167e-5],
      [-3.5, 2.326e-4],
      [-2, 0.02275],
      [-1, 0.158655],
      [0, 0.5],
      [0.5, 0.691462],
      [1.7, 0.955435],
      [3.5, 0.999767],
    ];
    for (const [t, p] of cdf) {
      let below = 0;
      for (let i = 0; i < n; i++) if (z[i]! < t) below++;
      // 5 binomial standard errors, plus 2 counts of slack for the far tail.
      const bound = 5 * Math.sqrt((p * (1 - p)) / n) + 2 / n;
      expect(Math.abs(below / n - p)).toBeLessThan(bound);
    }
    const [m, sd] = meanStd(z);
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sd - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
  });
});

describe('randomHorizontalFlip', () => {
  it('p = 1 mirrors every image, p = 0 keeps it', () => {
    const x = labelledImages(2, 2, 2, 3);
    const y = T.randomHorizontalFlip(1)(x);
    expect(plane(y, 1, 1)).toEqual([
      [1103, 1102, 1101],
      [1113, 1112, 1111],
    ]);
    expect(Array.from(T.randomHorizontalFlip(0)(x).data)).toEqual(Array.from(x.data));
  });

  it('flips channels of one sample together and about half the samples for p = 0.5', () => {
    const x = labelledImages(400, 2, 1, 2);
    const y = T.randomHorizontalFlip(0.5, { seed: 0 })(x);
    let flipped = 0;
    for (let s = 0; s < 400; s++) {
      const f0 = plane(y, s, 0)[0]![0] !== plane(x, s, 0)[0]![0];
      const f1 = plane(y, s, 1)[0]![0] !== plane(x, s, 1)[0]![0];
      expect(f0).toBe(f1);
      if (f0) flipped++;
    }
    // Binomial(400, 0.5): std 10, so 5 std either side.
    expect(Math.abs(flipped - 200)).toBeLessThan(50);
  });
});

describe('randomCrop', () => {
  it('every crop of a padded image is a window of the zero-padded image', () => {
    const x = labelledImages(30, 2, 3, 4);
    const y = T.randomCrop([3, 4], { padding: 1, seed: 5 })(x);
    expect(y.shape).toEqual([30, 2, 3, 4]);
    const offsets = new Set<string>();
    for (let s = 0; s < 30; s++) {
      const out = plane(y, s, 0);
      // Find the offset (dy, dx) ∈ [−1, 1]² that explains this crop, then check channel 1 too.
      let found: [number, number] | null = null;
      for (let dy = -1; dy <= 1 && !found; dy++) {
        for (let dx = -1; dx <= 1 && !found; dx++) {
          const ok = out.every((row, i) =>
            row.every((v, j) => {
              const r = i + dy;
              const c = j + dx;
              return v === (r >= 0 && r < 3 && c >= 0 && c < 4 ? 1000 * s + 10 * r + c + 1 : 0);
            }),
          );
          if (ok) found = [dy, dx];
        }
      }
      expect(found).not.toBeNull();
      const [dy, dx] = found!;
      offsets.add(`${dy},${dx}`);
      plane(y, s, 1).forEach((row, i) => {
        row.forEach((v, j) => {
          const r = i + dy;
          const c = j + dx;
          expect(v).toBe(r >= 0 && r < 3 && c >= 0 && c < 4 ? 1000 * s + 100 + 10 * r + c + 1 : 0);
        });
      });
    }
    expect(offsets.size).toBeGreaterThan(4); // 9 possible offsets over 30 draws
  });

  it('crops to a smaller size and fills with the given value', () => {
    const x = labelledImages(1, 1, 4, 4);
    const y = T.randomCrop(2, { seed: 0 })(x);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    const flat = Array.from(x.data);
    const [a, b] = plane(y, 0, 0) as [number[], number[]];
    expect(flat).toContain(a[0]);
    expect(b[1]! - a[0]!).toBe(11); // one row and one column further
    const single = T.randomCrop(3, { padding: 3, fill: -1, seed: 1 })(tensor([[[5]]]));
    expect(single.shape).toEqual([1, 3, 3]);
    expect(Array.from(single.data).filter((v) => v === -1).length).toBeGreaterThanOrEqual(8);
    expect(() => T.randomCrop(6)(x)).toThrow(
      /randomCrop: crop \[6, 6\] is larger than the padded image \[4, 4\]/,
    );
    expect(() => T.randomCrop(2)(tensor([1, 2]))).toThrow(
      /expected images \[n, c, h, w\] or \[c, h, w\], got \[2\]/,
    );
  });
});

describe('affine and randomAffine', () => {
  const img = tensor([
    [
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
    ],
  ]); // [1, 1, 3, 3]

  it('the identity map returns the image', () => {
    const y = T.affine(img, { angle: 0, translate: [0, 0], scale: 1 });
    expect(Array.from(y.data)).toEqual(Array.from(img.data));
  });

  it('a whole-pixel shift moves the picture and fills with 0', () => {
    const y = T.affine(img, { angle: 0, translate: [1, -1], scale: 1 });
    expect(plane(y, 0, 0)).toEqual([
      [0, 4, 5],
      [0, 7, 8],
      [0, 0, 0],
    ]);
  });

  it('90° turns the picture counter-clockwise; a half-pixel shift averages neighbours', () => {
    const y = T.affine(img, { angle: 90, translate: [0, 0], scale: 1 });
    const expected = [3, 6, 9, 2, 5, 8, 1, 4, 7];
    y.data.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 5);
    });
    const half = T.affine(img, { angle: 0, translate: [0.5, 0], scale: 1 }, 0);
    expect(plane(half, 0, 0)[1]).toEqual([2, 4.5, 5.5]); // (0+4)/2, (4+5)/2, (5+6)/2
  });

  it('scale 2 magnifies about the centre', () => {
    // 5×5 image with a single bright centre pixel: doubling spreads it over a bilinear ramp.
    const x = Tensor.empty([1, 1, 5, 5]);
    x.data[12] = 1;
    const y = T.affine(x, { angle: 0, translate: [0, 0], scale: 2 });
    expect(y.data[12]).toBe(1);
    expect(y.data[11]).toBeCloseTo(0.5, 6); // one pixel left samples x = 1.5 of the source
    expect(y.data[10]).toBe(0);
  });

  it('randomAffine keeps shapes, is reproducible, differs per sample, and stays within the input range', () => {
    const x = labelledImages(8, 2, 6, 6);
    for (let i = 0; i < x.size; i++) x.data[i] = (x.data[i]! % 97) / 97;
    const t = T.randomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1] });
    const a = t(x, new Generator(4));
    const b = t(x, new Generator(4));
    expect(a.shape).toEqual(x.shape);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true); // bilinear with fill 0 is a convex mix
    expect(Array.from(a.data)).not.toEqual(Array.from(x.data));
    expect(() => T.randomAffine({ scale: [0, 1] })).toThrow(/randomAffine: scale must satisfy 0 < lo <= hi/);
  });
});

describe('randomErasing', () => {
  it('p = 1 erases one rectangle per image, the same in every channel', () => {
    const x = labelledImages(20, 2, 8, 8);
    const y = T.randomErasing({ p: 1, value: -5, seed: 2 })(x);
    for (let s = 0; s < 20; s++) {
      const e0 = plane(y, s, 0)
        .flat()
        .map((v) => v === -5);
      const e1 = plane(y, s, 1)
        .flat()
        .map((v) => v === -5);
      expect(e0).toEqual(e1);
      const count = e0.filter(Boolean).length;
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(Math.round(0.33 * 64 * 1.6)); // rounding of the sides can grow the area
    }
    expect(Array.from(T.randomErasing({ p: 0 })(x).data)).toEqual(Array.from(x.data));
  });
});

describe('labelNoise and oneHot', () => {
  it('labelNoise flips a fraction p to another class', () => {
    const labels = Tensor.empty([10000]);
    for (let i = 0; i < 10000; i++) labels.data[i] = i % 10;
    const noisy = T.labelNoise(0.2, 10, { seed: 0 })(labels);
    let changed = 0;
    let invalid = 0;
    for (let i = 0; i < 10000; i++) {
      const v = noisy.data[i]!;
      if (!(Number.isInteger(v) && v >= 0 && v < 10)) invalid++;
      if (v !== labels.data[i]) changed++;
    }
    expect(invalid).toBe(0);
    // Binomial(10000, 0.2): std 40, bounds at 5 std.
    expect(Math.abs(changed - 2000)).toBeLessThan(200);
    expect(() => T.labelNoise(0.1, 3)(tensor([3]))).toThrow(
      /labelNoise: labels must be integers in \[0, 3\), got 3/,
    );
  });

  it('oneHot puts a 1 in each label column', () => {
    const y = T.oneHot(tensor([2, 0]), 3);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => T.oneHot(tensor([0.5]), 3)).toThrow(/oneHot: labels must be integers/);
  });
});

describe('compose', () => {
  it('applies in order and passes one generator on', () => {
    const f = T.compose([T.normalize(1, 2), T.gaussianNoise(1)], { seed: 9 });
    const x = tensor([[[[1, 3, 5, 7]]]]);
    const direct = T.gaussianNoise(1)(T.normalize(1, 2)(x), new Generator(9));
    expect(Array.from(f(x).data)).toEqual(Array.from(direct.data));
  });
});
