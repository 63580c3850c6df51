/**
 * Transforms: functions from a batch tensor to a new batch tensor, applied per batch.
 *
 *   const augment = compose([randomAffine({ degrees: 10, translate: [0.1, 0.1] }), gaussianNoise(0.1)]);
 *   const g = new Generator(0);
 *   for (const [xb, yb] of loader) { const x = augment(xb, g); … }
 *
 * Randomness: a random transform draws from the generator passed in the call, else from its own
 * (`{ seed }` or `{ generator }` at construction), else from the global one (see manualSeed).
 * The same generator state always gives the same output. Inputs are never modified.
 *
 * Images are [n, c, h, w] (a single [c, h, w] image is a batch of one). Random choices are
 * made per sample and shared by its channels. randomAffine (bilinear warps) is in affine.ts
 * and re-exported here, so `transforms` is the one namespace for all of them.
 */
import { ArgumentError, formatShape, ShapeError, Tensor } from '@tsgrad/autograd';
import {
  checkProbability,
  imageDims,
  normalZiggurat,
  ownGenerator,
  type RandomTransformOptions,
  type Transform,
} from './transformBase.js';

export { type AffineParams, affine, type RandomAffineOptions, randomAffine, warpAffine } from './affine.js';
export {
  checkProbability,
  imageDims,
  normalZiggurat,
  ownGenerator,
  type RandomTransformOptions,
  type Transform,
};

/**
 * The transforms one after another: compose([f, g])(x) = g(f(x)). A generator given to the
 * composition (in the call, or as `{ seed }`) is passed on to each transform.
 */
export function compose(transforms: readonly Transform[], options: RandomTransformOptions = {}): Transform {
  const hasOwn = options.seed !== undefined || options.generator !== undefined;
  const own = hasOwn ? ownGenerator(options) : undefined;
  const list = [...transforms];
  return (x, generator) => {
    const g = generator ?? own;
    for (const t of list) x = t(x, g);
    return x;
  };
}

/**
 * Per-channel standardization: y = (x − mean[c]) / std[c].
 * mean/std are numbers (every element) or one value per channel; the channel dim is dim 1 of
 * [n, c, h, w] and of [n, features], dim 0 of [c, h, w]. MNIST: normalize(0.1307, 0.3081).
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  if (means.length !== stds.length && means.length !== 1 && stds.length !== 1) {
    throw new ArgumentError('normalize', `mean has ${means.length} values but std has ${stds.length}`);
  }
  for (const s of stds) {
    if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`normalize: std must be > 0, got ${s}`);
  }
  const channels = Math.max(means.length, stds.length);
  return (x) => {
    const out = Tensor.empty(x.shape, x.dtype);
    const src = x.data;
    const dst = out.data;
    if (channels === 1) {
      const m = means[0]!;
      const inv = 1 / stds[0]!;
      for (let i = 0; i < src.length; i++) dst[i] = (src[i]! - m) * inv;
      return out;
    }
    const dim = x.ndim === 3 ? 0 : 1;
    if (x.ndim < 2 || x.shape[dim] !== channels) {
      throw new ShapeError(
        'normalize',
        `${channels} channel values do not fit shape ${formatShape(x.shape)} (channel dim ${dim})`,
        [x.shape],
      );
    }
    let inner = 1;
    for (let d = dim + 1; d < x.ndim; d++) inner *= x.shape[d]!;
    const outer = x.size / (inner * channels);
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) {
        const m = means[means.length === 1 ? 0 : c]!;
        const inv = 1 / stds[stds.length === 1 ? 0 : c]!;
        for (const end = i + inner; i < end; i++) dst[i] = (src[i]! - m) * inv;
      }
    }
    return out;
  };
}

export interface GaussianNoiseOptions extends RandomTransformOptions {
  /** Mean of the noise (default 0). */
  mean?: number;
  /** Clamp the result to [lo, hi], e.g. [0, 1] for images. */
  clip?: readonly [number, number];
}

/** Additive Gaussian noise, element-wise: y = x + mean + std·z, z ~ N(0, 1) (by the ziggurat, normalZiggurat). */
export function gaussianNoise(std: number, options: GaussianNoiseOptions = {}): Transform {
  if (!(std >= 0) || !Number.isFinite(std))
    throw new RangeError(`gaussianNoise: std must be >= 0, got ${std}`);
  const own = ownGenerator(options);
  const mean = options.mean ?? 0;
  const [lo, hi] = options.clip ?? [-Infinity, Infinity];
  if (!(lo <= hi))
    throw new RangeError(`gaussianNoise: clip must be [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
  return (x, generator) => {
    const g = generator ?? own;
    const out = Tensor.empty(x.shape, x.dtype);
    const src = x.data;
    const dst = out.data;
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! + mean + std * normalZiggurat(g);
      dst[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return out;
  };
}

/** Mirrors each image left–right with probability p (default 0.5): y[…, i, j] = x[…, i, w−1−j]. */
export function randomHorizontalFlip(p = 0.5, options: RandomTransformOptions = {}): Transform {
  checkProbability('randomHorizontalFlip', p);
  const own = ownGenerator(options);
  return (x, generator) => {
    const g = generator ?? own;
    const { n, c, h, w } = imageDims('randomHorizontalFlip', x);
    const out = Tensor.empty(x.shape, x.dtype);
    const src = x.data;
    const dst = out.data;
    const sample = c * h * w;
    for (let s = 0; s < n; s++) {
      const base = s * sample;
      if (g.random() >= p) {
        dst.set(src.subarray(base, base + sample), base);
        continue;
      }
      for (let row = base; row < base + sample; row += w) {
        for (let j = 0; j < w; j++) dst[row + j] = src[row + w - 1 - j]!;
      }
    }
    return out;
  };
}

export interface RandomCropOptions extends RandomTransformOptions {
  /** Pixels of `fill` added on every side before cropping (default 0). */
  padding?: number;
  /** Value of the padding (default 0). */
  fill?: number;
}

/**
 * A random size×size window of each image after padding it by `padding` on every side:
 * y[…, i, j] = xpad[…, top + i, left + j], top ∈ [0, h + 2·pad − sh], left likewise.
 * `randomCrop(28, { padding: 2 })` shifts MNIST digits by up to 2 pixels.
 */
export function randomCrop(
  size: number | readonly [number, number],
  options: RandomCropOptions = {},
): Transform {
  const [sh, sw] = typeof size === 'number' ? [size, size] : size;
  const pad = options.padding ?? 0;
  const fill = options.fill ?? 0;
  if (!Number.isInteger(sh) || !Number.isInteger(sw) || sh < 1 || sw < 1) {
    throw new RangeError(`randomCrop: size must be positive integers, got ${String(size)}`);
  }
  if (!Number.isInteger(pad) || pad < 0)
    throw new RangeError(`randomCrop: padding must be an integer >= 0, got ${pad}`);
  const own = ownGenerator(options);
  return (x, generator) => {
    const g = generator ?? own;
    const { n, c, h, w } = imageDims('randomCrop', x);
    if (sh > h + 2 * pad || sw > w + 2 * pad) {
      throw new ShapeError(
        'randomCrop',
        `crop [${sh}, ${sw}] is larger than the padded image [${h + 2 * pad}, ${w + 2 * pad}]`,
        [x.shape],
      );
    }
    const shape = x.ndim === 4 ? [n, c, sh, sw] : [c, sh, sw];
    const out = Tensor.empty(shape, x.dtype);
    const src = x.data;
    const dst = out.data;
    for (let s = 0; s < n; s++) {
      // Offsets into the unpadded image; negative means the window starts in the padding.
      const top = g.randint(h + 2 * pad - sh + 1) - pad;
      const left = g.randint(w + 2 * pad - sw + 1) - pad;
      // Columns j of the window with 0 ≤ left + j < w come from the image, the rest are fill.
      const j0 = Math.max(0, -left);
      const j1 = Math.min(sw, w - left);
      for (let ch = 0; ch < c; ch++) {
        const plane = (s * c + ch) * h * w;
        for (let i = 0; i < sh; i++) {
          const o = ((s * c + ch) * sh + i) * sw;
          const r = top + i;
          if (r < 0 || r >= h || j1 <= j0) {
            dst.fill(fill, o, o + sw);
            continue;
          }
          if (j0 > 0) dst.fill(fill, o, o + j0);
          const from = plane + r * w + left;
          dst.set(src.subarray(from + j0, from + j1), o + j0);
          if (j1 < sw) dst.fill(fill, o + j1, o + sw);
        }
      }
    }
    return out;
  };
}

export interface RandomErasingOptions extends RandomTransformOptions {
  /** Probability of erasing a rectangle in each image (default 0.5). */
  p?: number;
  /** Range of the erased area as a fraction of the image (default [0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the rectangle's aspect ratio h/w, drawn log-uniformly (default [0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** Value written into the rectangle (default 0). */
  value?: number;
}

/**
 * Random erasing: with probability p, fills a random rectangle of each image with `value`.
 * Area ~ U(scale)·h·w, aspect ~ logU(ratio); up to 10 tries to fit, else the image is kept.
 * Ref: Zhong et al. 2020, "Random Erasing Data Augmentation", Algorithm 1 (arXiv:1708.04896).
 */
export function randomErasing(options: RandomErasingOptions = {}): Transform {
  const p = options.p ?? 0.5;
  const [s0, s1] = options.scale ?? [0.02, 0.33];
  const [r0, r1] = options.ratio ?? [0.3, 3.3];
  const value = options.value ?? 0;
  checkProbability('randomErasing', p);
  if (!(s0 >= 0 && s0 <= s1 && s1 <= 1))
    throw new RangeError(`randomErasing: scale must satisfy 0 <= lo <= hi <= 1, got [${s0}, ${s1}]`);
  if (!(r0 > 0 && r0 <= r1))
    throw new RangeError(`randomErasing: ratio must satisfy 0 < lo <= hi, got [${r0}, ${r1}]`);
  const own = ownGenerator(options);
  return (x, generator) => {
    const g = generator ?? own;
    const { n, c, h, w } = imageDims('randomErasing', x);
    const out = new Tensor(x.data.slice(), x.shape);
    const dst = out.data;
    for (let s = 0; s < n; s++) {
      if (g.random() >= p) continue;
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = h * w * g.uniform(s0, s1);
        const aspect = Math.exp(g.uniform(Math.log(r0), Math.log(r1)));
        const eh = Math.round(Math.sqrt(area * aspect));
        const ew = Math.round(Math.sqrt(area / aspect));
        if (eh < 1 || ew < 1 || eh > h || ew > w) continue;
        const top = g.randint(h - eh + 1);
        const left = g.randint(w - ew + 1);
        for (let ch = 0; ch < c; ch++) {
          const plane = (s * c + ch) * h * w;
          for (let i = top; i < top + eh; i++)
            dst.fill(value, plane + i * w + left, plane + i * w + left + ew);
        }
        break;
      }
    }
    return out;
  };
}

/** Throws unless every label is a whole number in [0, numClasses). */
export function checkLabels(op: string, labels: Tensor, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`${op}: numClasses must be a positive integer, got ${numClasses}`);
  }
  const d = labels.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new RangeError(`${op}: labels must be integers in [0, ${numClasses}), got ${v} at index ${i}`);
    }
  }
}

/**
 * Symmetric label noise: each label is, with probability p, replaced by one of the other
 * numClasses − 1 classes chosen uniformly (so a fraction p of labels is wrong on average).
 * For the lessons on memorization: a big network fits noisy labels, and its test error shows it.
 */
export function labelNoise(p: number, numClasses: number, options: RandomTransformOptions = {}): Transform {
  checkProbability('labelNoise', p);
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`labelNoise: numClasses must be an integer >= 2, got ${numClasses}`);
  }
  const own = ownGenerator(options);
  return (labels, generator) => {
    checkLabels('labelNoise', labels, numClasses);
    const g = generator ?? own;
    const out = new Tensor(labels.data.slice(), labels.shape);
    const d = out.data;
    for (let i = 0; i < d.length; i++) {
      if (g.random() >= p) continue;
      const other = g.randint(numClasses - 1);
      d[i] = other >= d[i]! ? other + 1 : other; // skip the true class
    }
    return out;
  };
}

/** One-hot rows: labels [n] → [n, numClasses] with y[i, labels[i]] = 1 (any labels shape [...] → [..., k]). */
export function oneHot(
  labels: Tensor,
  numClasses: number,
  options: { dtype?: 'float32' | 'float64' } = {},
): Tensor {
  checkLabels('oneHot', labels, numClasses);
  const out = Tensor.empty([...labels.shape, numClasses], options.dtype ?? labels.dtype);
  const src = labels.data;
  for (let i = 0; i < src.length; i++) out.data[i * numClasses + src[i]!] = 1;
  return out;
}
