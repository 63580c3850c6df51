/**
 * What every transform shares: the Transform type, where randomness comes from, and how an
 * image batch's sizes are read. The transforms themselves are in transforms.ts and affine.ts.
 */
import { defaultGenerator, formatShape, Generator, ShapeError, type Tensor } from '@tsgrad/autograd';

/** A batch → batch function; random ones draw from `generator` when given. */
export type Transform = (x: Tensor, generator?: Generator) => Tensor;

/** How a random transform gets its randomness when the call passes no generator. */
export interface RandomTransformOptions {
  /** A private generator seeded with this (ignored if `generator` is given). */
  seed?: number;
  generator?: Generator;
}

/** The generator a random transform uses when the call passes none. */
export function ownGenerator(options: RandomTransformOptions): Generator {
  if (options.generator) return options.generator;
  return options.seed !== undefined ? new Generator(options.seed) : defaultGenerator;
}

/** Throws RangeError unless 0 ≤ p ≤ 1. */
export function checkProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be in [0, 1], got ${p}`);
}

/** The sizes of an image batch [n, c, h, w], or of one image [c, h, w] read as n = 1. */
export function imageDims(op: string, x: Tensor): { n: number; c: number; h: number; w: number } {
  if (x.ndim === 4) return { n: x.shape[0]!, c: x.shape[1]!, h: x.shape[2]!, w: x.shape[3]! };
  if (x.ndim === 3) return { n: 1, c: x.shape[0]!, h: x.shape[1]!, w: x.shape[2]! };
  throw new ShapeError(op, `expected images [n, c, h, w] or [c, h, w], got ${formatShape(x.shape)}`, [
    x.shape,
  ]);
}
