import { Tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from '../src/index.js';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from './golden.js';

/** Norms are sums of 12–21 float64 terms, summed in a different order than ATen's: a few ulps. */
const RTOL = 1e-13;
const ATOL = 1e-15;

interface Golden {
  clip: {
    grads: GoldenTensor[];
    norm: Array<{ normType: number | 'Infinity'; maxNorm: number; total: number; grads: GoldenTensor[] }>;
    value: { clipValue: number; grads: GoldenTensor[] };
  };
}
const { clip } = loadGolden<Golden>('optim');

function paramsWithGrads(): Tensor[] {
  return clip.grads.map((g) => {
    const p = new Tensor(new Float64Array(g.data.length), g.shape, true);
    p.grad = fromGolden(g);
    return p;
  });
}

describe('clipGradNorm matches torch.nn.utils.clip_grad_norm_', () => {
  for (const c of clip.norm) {
    it(`normType ${c.normType}, maxNorm ${c.maxNorm}`, () => {
      const params = paramsWithGrads();
      const total = clipGradNorm(params, c.maxNorm, { normType: Number(c.normType) });
      expect(Math.abs(total - c.total)).toBeLessThanOrEqual(ATOL + RTOL * c.total);
      for (const [i, p] of params.entries())
        expectCloseToGolden(p.grad!, c.grads[i]!, RTOL, ATOL, `grad ${i}`);
    });
  }

  it('covers norm types 2, 1 and Infinity, clipping and not', () => {
    for (const t of [2, 1, 'Infinity']) {
      expect(clip.norm.filter((c) => c.normType === t).map((c) => c.maxNorm)).toEqual([1, 1000]);
    }
  });

  it('skips parameters without a gradient; returns 0 when none has one', () => {
    const [a, b] = paramsWithGrads();
    const none = new Tensor(new Float64Array(3), [3], true);
    const total = clipGradNorm([a!, none, b!], 1e9);
    const flat = [...a!.grad!.data, ...b!.grad!.data];
    expect(total).toBeCloseTo(Math.sqrt(flat.reduce((s, v) => s + v * v, 0)), 12);
    expect(none.grad).toBeNull();
    expect(clipGradNorm([none], 1)).toBe(0);
  });

  it('non-finite norms: NaN gradients by default, an error with errorIfNonfinite', () => {
    const p = new Tensor(new Float64Array(2), [2], true);
    p.grad = new Tensor(Float64Array.from([1, Number.POSITIVE_INFINITY]), [2]);
    expect(() => clipGradNorm([p], 1, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm: the total norm of order 2 of the gradients is non-finite, got Infinity/,
    );
    expect(clipGradNorm([p], 1)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(p.grad.data[1]!)).toBe(true); // ∞ · 0 = NaN, as PyTorch
  });

  it('rejects a negative maxNorm and a non-positive normType', () => {
    expect(() => clipGradNorm(paramsWithGrads(), -1)).toThrow(/clipGradNorm: maxNorm must be >= 0, got -1/);
    expect(() => clipGradNorm(paramsWithGrads(), 1, { normType: 0 })).toThrow(/normType must be > 0, got 0/);
  });
});

describe('clipGradValue matches torch.nn.utils.clip_grad_value_', () => {
  it('clamps every element into [−c, c]', () => {
    const params = paramsWithGrads();
    clipGradValue(params, clip.value.clipValue);
    for (const [i, p] of params.entries())
      expectCloseToGolden(p.grad!, clip.value.grads[i]!, 0, 0, `grad ${i}`);
  });

  it('keeps NaN and rejects a negative clipValue', () => {
    const p = new Tensor(new Float64Array(3), [3], true);
    p.grad = new Tensor(Float64Array.from([Number.NaN, -5, 0.5]), [3]);
    clipGradValue([p], 1);
    expect(Array.from(p.grad.data)).toEqual([Number.NaN, -1, 0.5]);
    expect(() => clipGradValue([p], -1)).toThrow(/clipGradValue: clipValue must be >= 0, got -1/);
  });
});
