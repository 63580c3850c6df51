/**
 * conv2d: forward against a naive 7-loop reference, gradients by gradcheck/gradgradcheck over
 * random strides, paddings, dilations and groups, and every error message.
 */
import {
  type Conv2dOptions,
  conv2d,
  gradcheck,
  gradgradcheck,
  noGrad,
  Tensor,
  tensor,
} from '@tsgrad/autograd';
import { arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

interface ConvCase {
  x: Tensor;
  w: Tensor;
  b: Tensor;
  options: Required<{ [K in keyof Conv2dOptions]: K extends 'groups' ? number : [number, number] }>;
}

/** Random conv2d problems, small enough for gradcheck; every option varies independently. */
const arbConvCase: fc.Arbitrary<ConvCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 2 }),
    og: fc.integer({ min: 1, max: 2 }),
    k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    p: fc.tuple(fc.nat(2), fc.nat(2)),
    d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    extra: fc.tuple(fc.nat(3), fc.nat(3)),
  })
  .chain(({ n, groups, cg, og, k, s, p, d, extra }) => {
    const size = (i: 0 | 1) => Math.max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]) + extra[i];
    const xShape = [n, cg * groups, size(0), size(1)];
    const wShape = [og * groups, cg, k[0], k[1]];
    return fc
      .tuple(
        arbTensor(xShape, { dtype: 'float64' }),
        arbTensor(wShape, { dtype: 'float64' }),
        arbTensor([og * groups], { dtype: 'float64' }),
      )
      .map(([x, w, b]) => ({ x, w, b, options: { stride: s, padding: p, dilation: d, groups } }));
  });

/** The definition, one output element at a time: 7 nested loops, nothing shared with the op. */
function referenceConv2d(x: Tensor, w: Tensor, b: Tensor | null, o: ConvCase['options']): Tensor {
  const [n, c, h, wd] = x.shape as number[] as [number, number, number, number];
  const [outC, cg, kh, kw] = w.shape as number[] as [number, number, number, number];
  const og = outC / o.groups;
  const oh = Math.floor((h + 2 * o.padding[0] - o.dilation[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const ow = Math.floor((wd + 2 * o.padding[1] - o.dilation[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const y = Tensor.empty([n, outC, oh, ow], 'float64');
  for (let s = 0; s < n; s++)
    for (let oc = 0; oc < outC; oc++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let acc = b ? b.data[oc]! : 0;
          const group = Math.floor(oc / og);
          for (let ci = 0; ci < cg; ci++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const iy = i * o.stride[0] - o.padding[0] + ki * o.dilation[0];
                const ix = j * o.stride[1] - o.padding[1] + kj * o.dilation[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                const xi = ((s * c + group * cg + ci) * h + iy) * wd + ix;
                acc += x.data[xi]! * w.data[((oc * cg + ci) * kh + ki) * kw + kj]!;
              }
          y.data[((s * outC + oc) * oh + i) * ow + j] = acc;
        }
  return y;
}

/** Largest |a − b| over all elements, after checking the shapes agree. */
function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

const requiring = (...ts: Tensor[]) => ts.map((t) => new Tensor(t.data, t.shape, true));

// float64 with the same terms summed in a different order: ~1e-16 relative per term.
const FLOAT64_ATOL = 1e-12;
// float32 storage and arithmetic on O(1) values summed over ≤ 2·3·3 = 18 products.
const FLOAT32_ATOL = 1e-5;

describe('conv2d forward', () => {
  it('equals the 7-loop definition for random strides, paddings, dilations and groups (float64)', () => {
    fc.assert(
      fc.property(arbConvCase, fc.boolean(), ({ x, w, b, options }, withBias) => {
        const bias = withBias ? b : null;
        expect(maxDiff(conv2d(x, w, bias, options), referenceConv2d(x, w, bias, options))).toBeLessThan(
          FLOAT64_ATOL,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('in float32 matches the float64 result', () => {
    fc.assert(
      fc.property(arbConvCase, ({ x, w, b, options }) => {
        const y32 = conv2d(x.float(), w.float(), b.float(), options);
        expect(y32.dtype).toBe('float32');
        expect(maxDiff(y32, conv2d(x, w, b, options))).toBeLessThan(FLOAT32_ATOL);
      }),
      { numRuns: 30 },
    );
  });

  it('takes a number for both dims and defaults to stride 1, padding 0, dilation 1, groups 1', () => {
    const x = tensor([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    const w = tensor([
      [
        [
          [1, 0],
          [0, -1],
        ],
      ],
    ]);
    expect(conv2d(x, w).toArray()).toEqual([
      [
        [
          [-4, -4],
          [-4, -4],
        ],
      ],
    ]);
    expect(conv2d(x, w, tensor([10]), { padding: 1, stride: 2 }).toArray()).toEqual([
      [
        [
          [9, 7],
          [3, 6],
        ],
      ],
    ]);
  });

  it('records nothing under noGrad', () => {
    const x = tensor(
      [
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const y = noGrad(() => conv2d(x, tensor([[[[1]]]])));
    expect(y.requiresGrad).toBe(false);
  });
});

describe('conv2d gradients', () => {
  it('gradcheck passes for input, weight and bias (float64)', () => {
    fc.assert(
      fc.property(arbConvCase, ({ x, w, b, options }) => {
        expect(gradcheck((a, c, d) => conv2d(a!, c!, d!, options), requiring(x, w, b))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('gradgradcheck passes: the input and weight gradients are themselves differentiable', () => {
    fc.assert(
      fc.property(arbConvCase, ({ x, w, b, options }) => {
        expect(gradgradcheck((a, c, d) => conv2d(a!, c!, d!, options), requiring(x, w, b))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('gradgradcheck passes through a quadratic loss Σ y², whose Hessian is non-zero', () => {
    // Here the second backward runs conv2dInputGrad/conv2dWeightGrad with upstream gradients
    // that depend on x and W, so their own backward (conv2d and each other) is exercised fully.
    const options = { stride: 2, padding: 1 };
    const [x, w] = requiring(
      tensor(
        [
          [
            [
              [1, -2, 3],
              [0, 1, 2],
              [2, 1, -1],
            ],
          ],
        ],
        { dtype: 'float64' },
      ),
      tensor(
        [
          [
            [
              [1, 2],
              [3, -1],
            ],
          ],
          [
            [
              [0.5, 1],
              [-1, 2],
            ],
          ],
        ],
        { dtype: 'float64' },
      ),
    );
    const f = (a: Tensor, c: Tensor) => {
      const y = conv2d(a, c, null, options);
      return y.mul(y).sum();
    };
    expect(gradgradcheck(f, [x!, w!])).toBe(true);
  });
});

describe('conv2d errors', () => {
  const x = Tensor.empty([2, 3, 8, 8]);
  it('names the op and both shapes when channels differ', () => {
    expect(() => conv2d(x, Tensor.empty([5, 4, 3, 3]))).toThrow(
      'conv2d: input has 3 channels but weight expects 4 (groups 1): input [2, 3, 8, 8], weight [5, 4, 3, 3]',
    );
    expect(() => conv2d(x, Tensor.empty([4, 1, 3, 3]), null, { groups: 2 })).toThrow(
      'conv2d: input has 3 channels but weight expects 2 (groups 2): input [2, 3, 8, 8], weight [4, 1, 3, 3]',
    );
  });
  it('rejects output channels not divisible by groups, and empty kernels', () => {
    expect(() => conv2d(x, Tensor.empty([4, 1, 3, 3]), null, { groups: 3 })).toThrow(
      'conv2d: weight has 4 output channels, not divisible by groups 3: input [2, 3, 8, 8], weight [4, 1, 3, 3]',
    );
    expect(() => conv2d(x, Tensor.empty([4, 3, 0, 3]))).toThrow(/conv2d: weight has an empty kernel/);
  });
  it('rejects inputs that are not rank 3 or 4 and weights that are not rank 4', () => {
    expect(() => conv2d(Tensor.empty([8, 8]), Tensor.empty([5, 3, 3, 3]))).toThrow(
      'conv2d: expects input [n, c, h, w] or [c, h, w] and weight [outC, c/groups, kh, kw]: input [8, 8], weight [5, 3, 3, 3]',
    );
    expect(() => conv2d(x, Tensor.empty([5, 3, 3]))).toThrow(
      'conv2d: expects input [n, c, h, w] or [c, h, w] and weight [outC, c/groups, kh, kw]: input [2, 3, 8, 8], weight [5, 3, 3]',
    );
    // An unbatched image whose channels do not match names the batched shape it ran as.
    expect(() => conv2d(Tensor.empty([4, 8, 8]), Tensor.empty([5, 3, 3, 3]))).toThrow(
      'conv2d: input has 4 channels but weight expects 3 (groups 1): input [1, 4, 8, 8], weight [5, 3, 3, 3]',
    );
  });
  it("padding 'same' needs stride 1; other strings are refused", () => {
    const w = Tensor.empty([5, 3, 3, 3]);
    expect(() => conv2d(x, w, null, { padding: 'same', stride: [1, 2] })).toThrow(
      new RangeError("conv2d: padding 'same' needs stride 1 (as PyTorch), got stride [1, 2]"),
    );
    expect(() => conv2d(x, w, null, { padding: 'full' as 'same' })).toThrow(
      new RangeError(
        "conv2d: padding must be a non-negative integer, a pair of them, 'valid' or 'same', got 'full'",
      ),
    );
    expect(() => conv2d(x, Tensor.empty([5, 3, 3]), null, { padding: 'same' })).toThrow(
      'conv2d: expects weight [outC, c/groups, kh, kw], got [5, 3, 3]',
    );
  });
  it("padding 'same' keeps the image size for odd and even kernels; unbatched input gives [outC, h, w]", () => {
    for (const [kh, kw, dilation] of [
      [3, 3, 1],
      [4, 2, 1],
      [2, 5, 3],
    ] as const) {
      const y = conv2d(Tensor.empty([2, 3, 7, 6]), Tensor.empty([5, 3, kh, kw]), null, {
        padding: 'same',
        dilation,
      });
      expect(y.shape).toEqual([2, 5, 7, 6]);
    }
    expect(conv2d(Tensor.empty([3, 7, 6]), Tensor.empty([5, 3, 3, 3])).shape).toEqual([5, 5, 4]);
  });
  it('rejects a bias of the wrong shape', () => {
    expect(() => conv2d(x, Tensor.empty([5, 3, 3, 3]), Tensor.empty([4]))).toThrow(
      'conv2d: bias must have shape [5], got [4]: input [2, 3, 8, 8], weight [5, 3, 3, 3]',
    );
  });
  it('says so when the output would be smaller than 1', () => {
    expect(() => conv2d(Tensor.empty([1, 1, 2, 8]), Tensor.empty([1, 1, 3, 3]))).toThrow(
      'conv2d: output size [0, 6] is below 1 (padded input smaller than the dilated kernel): input [1, 1, 2, 8], weight [1, 1, 3, 3], padding [0, 0], dilation [1, 1]',
    );
    expect(() =>
      conv2d(Tensor.empty([1, 1, 4, 4]), Tensor.empty([1, 1, 3, 3]), null, { dilation: 2 }),
    ).toThrow(/conv2d: output size \[0, 0\] is below 1/);
  });
  it('rejects bad stride, padding, dilation and groups with a RangeError', () => {
    const w = Tensor.empty([5, 3, 3, 3]);
    expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(
      new RangeError('conv2d: stride must be a positive integer or a pair of them, got 0'),
    );
    expect(() => conv2d(x, w, null, { stride: [1, 1.5] })).toThrow(
      'conv2d: stride must be a positive integer or a pair of them, got [1, 1.5]',
    );
    expect(() => conv2d(x, w, null, { padding: -1 })).toThrow(
      'conv2d: padding must be a non-negative integer or a pair of them, got -1',
    );
    expect(() => conv2d(x, w, null, { dilation: [1, 0] })).toThrow(
      'conv2d: dilation must be a positive integer or a pair of them, got [1, 0]',
    );
    expect(() => conv2d(x, w, null, { stride: [1, 1, 1] as unknown as [number, number] })).toThrow(
      'conv2d: stride must be a positive integer or a pair of them, got [1, 1, 1]',
    );
    expect(() => conv2d(x, w, null, { groups: 0 })).toThrow(
      new RangeError('conv2d: groups must be a positive integer, got 0'),
    );
  });
  it('rejects mixed dtypes', () => {
    expect(() => conv2d(x, Tensor.empty([5, 3, 3, 3], 'float64'))).toThrow(
      'conv2d: input, weight and bias must share a dtype, got float32, float64',
    );
  });
});
