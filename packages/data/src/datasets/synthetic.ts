/**
 * Small seeded toy datasets for the examples and for seeing over- and underfitting:
 *   classification  moons, circles, spirals, xor, blobs   → x [n, d], y [n] (class indices as floats)
 *   regression      polynomial, sine (1-D, noisy)          → x [n, 1], y [n, 1]
 * The same seed always gives the same tensors. Classes are interleaved by a seeded shuffle, so
 * any prefix of the data holds every class.
 */
import { type DType, Generator, Tensor } from '@tsgrad/autograd';

export interface SyntheticOptions {
  /** Seed of the generator that places and jitters the points (default 0). */
  seed?: number;
  /** Standard deviation of the Gaussian noise (each function documents where it goes). */
  noise?: number;
  dtype?: DType;
}

/** Inputs and targets of a synthetic dataset; `new TensorDataset(d.x, d.y)` makes a Dataset. */
export interface Labeled {
  x: Tensor;
  y: Tensor;
}

function checkCount(op: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`${op}: n must be an integer >= ${min}, got ${n}`);
}

function checkNoise(op: string, noise: number): void {
  if (!(noise >= 0) || !Number.isFinite(noise))
    throw new RangeError(`${op}: noise must be >= 0, got ${noise}`);
}

/**
 * Builds x [n, d] and y [n] from points written by `place(i, point, g)` (which returns the
 * label), rows in a seeded random order, then adds N(0, noise²) to every coordinate.
 */
function classification(
  op: string,
  n: number,
  d: number,
  options: SyntheticOptions,
  defaultNoise: number,
  place: (i: number, point: Float64Array, g: Generator) => number,
): Labeled {
  checkCount(op, n);
  const noise = options.noise ?? defaultNoise;
  checkNoise(op, noise);
  const g = new Generator(options.seed ?? 0);
  const x = Tensor.empty([n, d], options.dtype);
  const y = Tensor.empty([n], options.dtype);
  const order = g.permutation(n);
  const point = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const label = place(i, point, g);
    const row = order[i]!;
    y.data[row] = label;
    for (let j = 0; j < d; j++) x.data[row * d + j] = point[j]! + noise * g.normal();
  }
  return { x, y };
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 is (cos t, sin t) and
 * class 1 is (1 − cos t, ½ − sin t), t evenly spaced in [0, π]; noise (default 0.1) on x.
 */
export function moons(n: number, options: SyntheticOptions = {}): Labeled {
  const outer = Math.ceil(n / 2);
  const inner = n - outer;
  return classification('moons', n, 2, options, 0.1, (i, p) => {
    const label = i < outer ? 0 : 1;
    const k = label === 0 ? i : i - outer;
    const m = label === 0 ? outer : inner;
    const t = m > 1 ? (Math.PI * k) / (m - 1) : 0;
    p[0] = label === 0 ? Math.cos(t) : 1 - Math.cos(t);
    p[1] = label === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    return label;
  });
}

/**
 * Two concentric circles (make_circles): class 0 on radius 1, class 1 on radius `factor`
 * (default 0.5), angles evenly spaced; noise (default 0.05) on x. Not linearly separable.
 */
export function circles(n: number, options: SyntheticOptions & { factor?: number } = {}): Labeled {
  const factor = options.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new RangeError(`circles: factor must be in (0, 1), got ${factor}`);
  const outer = Math.ceil(n / 2);
  const inner = n - outer;
  return classification('circles', n, 2, options, 0.05, (i, p) => {
    const label = i < outer ? 0 : 1;
    const k = label === 0 ? i : i - outer;
    const t = (2 * Math.PI * k) / (label === 0 ? outer : inner);
    const r = label === 0 ? 1 : factor;
    p[0] = r * Math.cos(t);
    p[1] = r * Math.sin(t);
    return label;
  });
}

/**
 * Interleaved spiral arms, one per class (CS231n's spiral data): point k of m in arm c has
 * radius r = k/(m−1) and angle 2π·(turns·r + c/classes); noise (default 0.05) on x.
 */
export function spirals(
  n: number,
  options: SyntheticOptions & { classes?: number; turns?: number } = {},
): Labeled {
  const classes = options.classes ?? 2;
  const turns = options.turns ?? 1;
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`spirals: classes must be an integer >= 2, got ${classes}`);
  }
  if (!(turns > 0) || !Number.isFinite(turns))
    throw new RangeError(`spirals: turns must be > 0, got ${turns}`);
  const perClass = Math.ceil(n / classes);
  return classification('spirals', n, 2, options, 0.05, (i, p) => {
    const label = Math.floor(i / perClass);
    const m = Math.min(perClass, n - label * perClass);
    const r = m > 1 ? (i - label * perClass) / (m - 1) : 1;
    const angle = 2 * Math.PI * (turns * r + label / classes);
    p[0] = r * Math.cos(angle);
    p[1] = r * Math.sin(angle);
    return label;
  });
}

/**
 * XOR: points uniform in [−1, 1]², label 1 where the coordinates have different signs, then
 * noise (default 0) on x. The smallest problem a linear model cannot solve.
 */
export function xor(n: number, options: SyntheticOptions = {}): Labeled {
  return classification('xor', n, 2, options, 0, (_i, p, g) => {
    p[0] = g.uniform(-1, 1);
    p[1] = g.uniform(-1, 1);
    return p[0] * p[1] < 0 ? 1 : 0;
  });
}

export interface BlobsOptions extends SyntheticOptions {
  /** Number of centers drawn uniformly in box (default 3), or the centers themselves. */
  centers?: number | readonly (readonly number[])[];
  /** Dimension of the points when centers is a number (default 2). */
  dim?: number;
  /** Range of random centers in every coordinate (default [−10, 10]). */
  box?: readonly [number, number];
}

/**
 * Gaussian blobs (make_blobs): sample i belongs to center i mod k, and is that center plus
 * N(0, noise²) per coordinate (noise default 1, the cluster's standard deviation).
 */
export function blobs(n: number, options: BlobsOptions = {}): Labeled {
  const g = new Generator((options.seed ?? 0) ^ 0x5bd1e995);
  let centers: number[][];
  if (typeof options.centers === 'object') {
    centers = options.centers.map((c) => [...c]);
    const d = centers[0]?.length ?? 0;
    if (centers.length === 0 || d === 0 || centers.some((c) => c.length !== d)) {
      throw new RangeError('blobs: centers must be a non-empty list of points of one non-zero dimension');
    }
  } else {
    const k = options.centers ?? 3;
    const dim = options.dim ?? 2;
    const [lo, hi] = options.box ?? [-10, 10];
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`blobs: centers must be an integer >= 1, got ${k}`);
    if (!Number.isInteger(dim) || dim < 1)
      throw new RangeError(`blobs: dim must be an integer >= 1, got ${dim}`);
    if (!(lo <= hi)) throw new RangeError(`blobs: box must be [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
    centers = Array.from({ length: k }, () => Array.from({ length: dim }, () => g.uniform(lo, hi)));
  }
  const d = centers[0]!.length;
  return classification('blobs', n, d, options, 1, (i, p) => {
    const label = i % centers.length;
    for (let j = 0; j < d; j++) p[j] = centers[label]![j]!;
    return label;
  });
}

export interface RegressionOptions extends SyntheticOptions {
  /** Interval x is drawn from uniformly. */
  range?: readonly [number, number];
}

/** 1-D regression x [n, 1] → y [n, 1], y = f(x) + N(0, noise²), x uniform in range. */
function regression(
  op: string,
  n: number,
  options: RegressionOptions,
  defaultRange: readonly [number, number],
  f: (x: number) => number,
): Labeled {
  checkCount(op, n);
  const noise = options.noise ?? 0.1;
  checkNoise(op, noise);
  const [lo, hi] = options.range ?? defaultRange;
  if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`${op}: range must be [lo, hi] with lo <= hi, got [${lo}, ${hi}]`);
  }
  const g = new Generator(options.seed ?? 0);
  const x = Tensor.empty([n, 1], options.dtype);
  const y = Tensor.empty([n, 1], options.dtype);
  for (let i = 0; i < n; i++) {
    const v = g.uniform(lo, hi);
    x.data[i] = v;
    y.data[i] = f(v) + noise * g.normal();
  }
  return { x, y };
}

/**
 * y = c₀ + c₁x + c₂x² + … + N(0, noise²) with x ~ U(range) (default [−1, 1]), noise default 0.1.
 * Fitting it with polynomials of growing degree shows under- then overfitting.
 */
export function polynomial(
  n: number,
  options: RegressionOptions & { coefficients?: readonly number[] } = {},
): Labeled {
  const coefficients = [...(options.coefficients ?? [0, 1, -2, 0.5])];
  if (coefficients.length === 0) throw new RangeError('polynomial: coefficients is empty');
  return regression('polynomial', n, options, [-1, 1], (x) => {
    let acc = 0;
    for (let k = coefficients.length - 1; k >= 0; k--) acc = acc * x + coefficients[k]!; // Horner
    return acc;
  });
}

/** y = amplitude·sin(frequency·x + phase) + N(0, noise²), x ~ U(range) (default [−π, π]). */
export function sine(
  n: number,
  options: RegressionOptions & { frequency?: number; amplitude?: number; phase?: number } = {},
): Labeled {
  const frequency = options.frequency ?? 1;
  const amplitude = options.amplitude ?? 1;
  const phase = options.phase ?? 0;
  return regression(
    'sine',
    n,
    options,
    [-Math.PI, Math.PI],
    (x) => amplitude * Math.sin(frequency * x + phase),
  );
}
