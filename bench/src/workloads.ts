/**
 * The benchmark workloads' shapes, data and initial weights, made once in plain typed arrays
 * from a seeded generator so that every system starts from exactly the same numbers.
 *
 * Weights use PyTorch's layouts (Linear [out, in], Conv2d [outC, inC, kh, kw]) and PyTorch's
 * default init bound 1/√fanIn; each system converts the layout it needs.
 */

/** mulberry32: a small, seeded, uniform [0, 1) generator (plenty for benchmark data). */
export function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [lo, hi). */
export function uniform(n: number, lo: number, hi: number, random: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** Class labels in [0, classes) and their one-hot rows (jax-js's jit cannot differentiate a gather). */
export interface Labels {
  labels: Int32Array;
  oneHot: Float32Array;
}

function makeLabels(n: number, classes: number, random: () => number): Labels {
  const labels = new Int32Array(n);
  const oneHot = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(random() * classes);
    oneHot[i * classes + labels[i]!] = 1;
  }
  return { labels, oneHot };
}

// ---- W1: sgemm ---------------------------------------------------------------------------

export interface SgemmData {
  n: number;
  a: Float32Array;
  b: Float32Array;
}

export function sgemmData(n: number): SgemmData {
  const random = makeRandom(n);
  return { n, a: uniform(n * n, -1, 1, random), b: uniform(n * n, -1, 1, random) };
}

// ---- W2: MLP training step (Adam) --------------------------------------------------------

export interface MlpSpec {
  name: string;
  sizes: readonly number[];
  batch: number;
}

export const MLP_SMALL: MlpSpec = { name: 'MLP small', sizes: [784, 256, 128, 10], batch: 128 };
export const MLP_LARGE: MlpSpec = { name: 'MLP large', sizes: [784, 1024, 1024, 10], batch: 256 };
export const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface MlpData extends Labels {
  spec: MlpSpec;
  /** [batch, sizes[0]] */
  x: Float32Array;
  /** Layer i: weight [sizes[i+1], sizes[i]] (PyTorch layout) and bias [sizes[i+1]]. */
  weights: Float32Array[];
  biases: Float32Array[];
}

export function mlpData(spec: MlpSpec, seed = 1): MlpData {
  const random = makeRandom(seed);
  const { sizes, batch } = spec;
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const bound = 1 / Math.sqrt(sizes[i]!);
    weights.push(uniform(sizes[i + 1]! * sizes[i]!, -bound, bound, random));
    biases.push(uniform(sizes[i + 1]!, -bound, bound, random));
  }
  const x = uniform(batch * sizes[0]!, 0, 1, random);
  return { spec, x, weights, biases, ...makeLabels(batch, sizes[sizes.length - 1]!, random) };
}

// ---- W3: CNN training step (SGD with momentum) -------------------------------------------

export interface CnnSpec {
  batch: number;
  /** Input side (28 for MNIST); the linear layer sees 16·(side/4)² features. */
  side: number;
}

export const CNN: CnnSpec = { batch: 64, side: 28 };
export const SGD_MOMENTUM = { lr: 0.01, momentum: 0.9 };

export interface CnnData extends Labels {
  spec: CnnSpec;
  /** [batch, 1, side, side] (NCHW) */
  x: Float32Array;
  /** conv1 [8, 1, 3, 3], conv2 [16, 8, 3, 3], fc [10, 16·(side/4)²] (features in NCHW flatten order). */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  w3: Float32Array;
  b3: Float32Array;
}

export function cnnFeatures(spec: CnnSpec): number {
  return 16 * (spec.side / 4) ** 2;
}

export function cnnData(spec: CnnSpec = CNN, seed = 2): CnnData {
  const random = makeRandom(seed);
  const f = cnnFeatures(spec);
  const u = (n: number, fanIn: number) => uniform(n, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), random);
  return {
    spec,
    w1: u(8 * 9, 9),
    b1: u(8, 9),
    w2: u(16 * 8 * 9, 72),
    b2: u(16, 72),
    w3: u(10 * f, f),
    b3: u(10, f),
    x: uniform(spec.batch * spec.side * spec.side, 0, 1, random),
    ...makeLabels(spec.batch, 10, random),
  };
}

// ---- W4: per-op overhead -------------------------------------------------------------------

export interface ChainData {
  /** Number of ops in the chain (add, mul, tanh, add, mul, tanh, …). */
  ops: number;
  x: Float32Array;
  /** Added by the add ops. */
  shift: Float32Array;
  /** Multiplied by the mul ops. */
  scale: Float32Array;
}

export function chainData(ops = 1000, size = 16): ChainData {
  const random = makeRandom(4);
  return {
    ops,
    x: uniform(size, -1, 1, random),
    shift: uniform(size, -0.1, 0.1, random),
    scale: uniform(size, 0.5, 1.5, random),
  };
}

/** A [rows, cols] row-major matrix transposed to [cols, rows]. */
export function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j]!;
  return out;
}
