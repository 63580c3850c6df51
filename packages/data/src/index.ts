/**
 * @tsgrad/data — datasets, loaders, splits, augmentation, and data to learn on.
 *
 * Reading order:
 *   dataset.ts              Dataset<T>: a length and get(i); TensorDataset, Subset, ConcatDataset
 *   sampler.ts              which indices an epoch visits; seeded per epoch
 *   dataLoader.ts           batches: bulk row copies, default collate, epochs
 *   split.ts                randomSplit by fractions or counts
 *   transformBase.ts        the Transform type and where randomness comes from
 *   transforms.ts           normalize, noise, flips, crops, erasing, label noise, oneHot
 *   affine.ts               random rotations/shifts/zooms, sampled bilinearly
 *   datasets/synthetic.ts   moons, circles, spirals, xor, blobs, polynomial, sine
 *   datasets/idx.ts         the IDX file format of MNIST
 *   datasets/mnist.ts       raw digits → [n, 1, 28, 28] tensors; the fixed train/test split
 *   node.ts                 (entry `@tsgrad/data/node`) files, gzip, and the `mnist` package
 *
 * This entry has no runtime dependency besides @tsgrad/autograd and no Node-only import.
 */

export {
  type Collated,
  DataLoader,
  type DataLoaderOptions,
  defaultCollate,
  gatherRows,
} from './dataLoader.js';
export { ConcatDataset, type Dataset, Subset, TensorDataset } from './dataset.js';
export * as datasets from './datasets/index.js';
export {
  deriveSeed,
  epochGenerator,
  RandomSampler,
  type RandomSamplerOptions,
  type Sampler,
  SequentialSampler,
  SubsetRandomSampler,
} from './sampler.js';
export { randomSplit, type SplitOptions, splitCounts } from './split.js';
export type { Transform } from './transforms.js';
export * as transforms from './transforms.js';
