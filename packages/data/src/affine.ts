/**
 * Random affine warps of images (small rotations, shifts and zooms of digits), sampled bilinearly.
 *
 * The warp about the image centre c = ((w − 1)/2, (h − 1)/2), with x to the right and y down:
 *   forward:  p′ = c + t + s·R(θ)·(p − c)            R(θ) = [[cos θ, sin θ], [−sin θ, cos θ]]
 *   sampled:  out(p′) = in(c + R(−θ)·(p′ − c − t) / s)   (inverse mapping, bilinear, fill outside)
 * A positive θ turns the picture counter-clockwise as displayed, as torchvision's `affine`.
 */
import { type Generator, Tensor, type TypedArray } from '@tsgrad/autograd';
import { imageDims, ownGenerator, type RandomTransformOptions, type Transform } from './transformBase.js';

export interface AffineParams {
  /** Rotation θ in degrees, counter-clockwise as displayed. */
  angle: number;
  /** Shift in pixels: tx to the right, ty down. */
  translate: readonly [number, number];
  /** Zoom factor s (> 0); 2 doubles the size of the content. */
  scale: number;
}

/** Warps every image of x by the same affine map (the deterministic core of randomAffine). */
export function affine(x: Tensor, params: AffineParams, fill = 0): Tensor {
  const { n, c, h, w } = imageDims('affine', x);
  if (!(params.scale > 0)) throw new RangeError(`affine: scale must be > 0, got ${params.scale}`);
  const out = Tensor.empty(x.shape, x.dtype);
  const plane = h * w;
  for (let s = 0; s < n; s++) {
    const offset = s * c * plane;
    warpAffine(x.data, out.data, offset, c, h, w, params, fill);
  }
  return out;
}

export interface RandomAffineOptions extends RandomTransformOptions {
  /** θ ~ U(−d, d) for a number d, or U(min, max) for a pair (default 0). */
  degrees?: number | readonly [number, number];
  /** Maximal shifts as fractions of the width and height: tx ~ U(−a·w, a·w), ty ~ U(−b·h, b·h). */
  translate?: readonly [number, number];
  /** Zoom s ~ U(lo, hi) (default [1, 1]). */
  scale?: readonly [number, number];
  /** Value of pixels mapped from outside the image (default 0). */
  fill?: number;
}

/**
 * A random affine warp per image. For MNIST digits something like
 * `randomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] })`.
 * Shifts are continuous (not rounded to pixels, unlike torchvision), so every map is bilinear.
 */
export function randomAffine(options: RandomAffineOptions = {}): Transform {
  const deg = options.degrees ?? 0;
  const [d0, d1] = typeof deg === 'number' ? [-Math.abs(deg), Math.abs(deg)] : deg;
  const [a, b] = options.translate ?? [0, 0];
  const [s0, s1] = options.scale ?? [1, 1];
  const fill = options.fill ?? 0;
  if (!(d0 <= d1) || !Number.isFinite(d0) || !Number.isFinite(d1)) {
    throw new RangeError(`randomAffine: degrees must be a number or [min, max], got ${String(deg)}`);
  }
  if (!(a >= 0 && a <= 1 && b >= 0 && b <= 1)) {
    throw new RangeError(`randomAffine: translate fractions must be in [0, 1], got [${a}, ${b}]`);
  }
  if (!(s0 > 0 && s0 <= s1 && Number.isFinite(s1))) {
    throw new RangeError(`randomAffine: scale must satisfy 0 < lo <= hi, got [${s0}, ${s1}]`);
  }
  const own = ownGenerator(options);
  return (x, generator) => {
    const g: Generator = generator ?? own;
    const { n, c, h, w } = imageDims('randomAffine', x);
    const out = Tensor.empty(x.shape, x.dtype);
    for (let s = 0; s < n; s++) {
      const params: AffineParams = {
        angle: g.uniform(d0, d1),
        translate: [g.uniform(-a * w, a * w), g.uniform(-b * h, b * h)],
        scale: g.uniform(s0, s1),
      };
      warpAffine(x.data, out.data, s * c * h * w, c, h, w, params, fill);
    }
    return out;
  };
}

/**
 * Inverse-maps and bilinearly samples `c` planes of h×w starting at `offset`, src → dst.
 * Along an output row the source point moves linearly (sx = ax·x + bx, sy = ay·x + by), so the
 * inner loop has no trigonometry.
 * Perf: no allocation; interior pixels skip the four bounds checks; the map is computed once
 * per row and shared by the channels.
 */
export function warpAffine(
  src: TypedArray,
  dst: TypedArray,
  offset: number,
  c: number,
  h: number,
  w: number,
  params: AffineParams,
  fill: number,
): void {
  const theta = (params.angle * Math.PI) / 180;
  const cos = Math.cos(theta) / params.scale;
  const sin = Math.sin(theta) / params.scale;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const [tx, ty] = params.translate;
  const plane = h * w;
  for (let y = 0; y < h; y++) {
    const dy = y - cy - ty;
    // sx = cx + cos·(x − cx − tx) − sin·dy,  sy = cy + sin·(x − cx − tx) + cos·dy
    const bx = cx - cos * (cx + tx) - sin * dy;
    const by = cy - sin * (cx + tx) + cos * dy;
    for (let x = 0; x < w; x++) {
      const sx = cos * x + bx;
      const sy = sin * x + by;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = offset + y * w + x;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const i00 = offset + y0 * w + x0;
        for (let ch = 0, k = 0; ch < c; ch++, k += plane) {
          const top = src[i00 + k]! + fx * (src[i00 + k + 1]! - src[i00 + k]!);
          const bottom = src[i00 + k + w]! + fx * (src[i00 + k + w + 1]! - src[i00 + k + w]!);
          dst[o + k] = top + fy * (bottom - top);
        }
      } else if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) {
        for (let ch = 0, k = 0; ch < c; ch++, k += plane) dst[o + k] = fill;
      } else {
        // On the border: neighbours outside the image read as `fill`.
        const in0x = x0 >= 0 && x0 < w;
        const in1x = x0 + 1 >= 0 && x0 + 1 < w;
        const in0y = y0 >= 0 && y0 < h;
        const in1y = y0 + 1 >= 0 && y0 + 1 < h;
        const i00 = offset + y0 * w + x0;
        for (let ch = 0, k = 0; ch < c; ch++, k += plane) {
          const p00 = in0y && in0x ? src[i00 + k]! : fill;
          const p01 = in0y && in1x ? src[i00 + k + 1]! : fill;
          const p10 = in1y && in0x ? src[i00 + k + w]! : fill;
          const p11 = in1y && in1x ? src[i00 + k + w + 1]! : fill;
          const top = p00 + fx * (p01 - p00);
          const bottom = p10 + fx * (p11 - p10);
          dst[o + k] = top + fy * (bottom - top);
        }
      }
    }
  }
}
