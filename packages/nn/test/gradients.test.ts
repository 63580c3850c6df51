/**
 * Gradient property tests for every layer: float64 gradcheck (and gradgradcheck where the op
 * supports double backward) over random shapes and values.
 */
import {
  Generator,
  gradcheck,
  gradgradcheck,
  manualSeed,
  randn,
  type Tensor,
  tensor,
} from '@tsgrad/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conv2d, functional as F, Linear, Residual } from '../src/index.js';

const dtype = 'float64';
const dim = (max = 4) => fc.integer({ min: 1, max });
const seedArb = fc.integer({ min: 0, max: 10_000 });

describe('normalization ops: analytic gradients equal central differences (float64)', () => {
  it('batchNorm in training (input, weight, bias; [n, c] … [n, c, h, w]) passes gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(
        dim(3),
        dim(3),
        fc.array(dim(3), { maxLength: 2 }),
        seedArb,
        fc.boolean(),
        (n, c, rest, seed, affine) => {
          fc.pre(n * rest.reduce((p, d) => p * d, 1) > 1);
          manualSeed(seed);
          const x = randn([n, c, ...rest], { dtype, requiresGrad: true });
          const w = randn([c], { dtype, requiresGrad: true });
          const b = randn([c], { dtype, requiresGrad: true });
          const f = affine
            ? (xi: Tensor, wi: Tensor, bi: Tensor) => F.batchNorm(xi, null, null, wi, bi, { training: true })
            : (xi: Tensor) => F.batchNorm(xi, null, null, null, null, { training: true, eps: 1e-3 });
          const inputs = affine ? [x, w, b] : [x];
          gradcheck(f, inputs);
          gradgradcheck(f, inputs);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('batchNorm in eval (running statistics) passes gradcheck and gradgradcheck', () => {
    const x = randn([3, 2, 2], { dtype, requiresGrad: true });
    const w = randn([2], { dtype, requiresGrad: true });
    const b = randn([2], { dtype, requiresGrad: true });
    const rm = randn([2], { dtype });
    const rv = randn([2], { dtype }).abs().add(0.5);
    const f = (xi: Tensor, wi: Tensor, bi: Tensor) => F.batchNorm(xi, rm, rv, wi, bi);
    expect(gradcheck(f, [x, w, b])).toBe(true);
    expect(gradgradcheck(f, [x, w, b])).toBe(true);
  });

  it('layerNorm (1 or 2 normalized dims, with and without affine) passes gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(
        fc.array(dim(3), { maxLength: 2 }),
        fc.array(dim(3), { minLength: 1, maxLength: 2 }),
        seedArb,
        fc.boolean(),
        (lead, norm, seed, affine) => {
          fc.pre(norm.reduce((p, d) => p * d, 1) > 1);
          manualSeed(seed);
          const x = randn([...lead, ...norm], { dtype, requiresGrad: true });
          const w = randn(norm, { dtype, requiresGrad: true });
          const b = randn(norm, { dtype, requiresGrad: true });
          const f = affine
            ? (xi: Tensor, wi: Tensor, bi: Tensor) => F.layerNorm(xi, norm, wi, bi)
            : (xi: Tensor) => F.layerNorm(xi, norm, null, null, { eps: 1e-3 });
          const inputs = affine ? [x, w, b] : [x];
          gradcheck(f, inputs);
          gradgradcheck(f, inputs);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('layers: analytic gradients equal central differences (float64)', () => {
  it('Linear (input, weight, bias) passes gradcheck', () => {
    fc.assert(
      fc.property(dim(), dim(), dim(), seedArb, (n, i, o, seed) => {
        manualSeed(seed);
        const lin = new Linear(i, o, { dtype });
        const x = randn([n, i], { dtype, requiresGrad: true });
        gradcheck((xi, w, b) => F.linear(xi, w, b), [x, lin.weight, lin.bias!]);
      }),
      { numRuns: 25 },
    );
  });

  it('Conv2d (stride, padding, dilation, groups) passes gradcheck', () => {
    fc.assert(
      fc.property(
        dim(2),
        fc.constantFrom(1, 2),
        dim(2),
        fc.constantFrom(1, 2),
        fc.constantFrom(0, 1),
        seedArb,
        (groups, cin, cout, stride, padding, seed) => {
          manualSeed(seed);
          const conv = new Conv2d(cin * groups, cout * groups, 2, { groups, stride, padding, dtype });
          const x = randn([2, cin * groups, 4, 3], { dtype, requiresGrad: true });
          gradcheck(
            (xi, w, b) => F.conv2d(xi, w, b, { stride, padding, groups }),
            [x, conv.weight, conv.bias!],
          );
        },
      ),
      { numRuns: 20 },
    );
  });

  it('Embedding (with and without paddingIdx) passes gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(
        dim(5),
        dim(3),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        seedArb,
        fc.boolean(),
        (v, d, raw, seed, pad) => {
          manualSeed(seed);
          const w = randn([v, d], { dtype, requiresGrad: true });
          const ids = raw.map((r) => r % v);
          const options = { paddingIdx: pad ? ids[0]! : null };
          // paddingIdx deliberately zeroes that row's gradient (it is not the derivative), so only
          // gradgradcheck — which differentiates the backward as written — applies to it.
          if (!pad) gradcheck((wi) => F.embedding(ids, wi, options), [w]);
          // With padding the forward must not appear inside the VJP (its backward is not its derivative).
          gradgradcheck(
            (wi) => (pad ? F.embedding(ids, wi, options) : F.embedding(ids, wi).mul(wi.sum())),
            [w],
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('Embedding paddingIdx row gets no gradient', () => {
    const w = randn([4, 2], { dtype, requiresGrad: true });
    F.embedding(
      tensor([
        [1, 2],
        [2, 3],
      ]),
      w,
      { paddingIdx: 2 },
    )
      .sum()
      .backward();
    expect([...w.grad!.data]).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('dropout with a fixed mask passes gradcheck and gradgradcheck', () => {
    const x = randn([3, 5], { dtype, requiresGrad: true });
    const f = (xi: Tensor) => F.dropout(xi, 0.4, true, { generator: new Generator(5) });
    expect(gradcheck(f, [x])).toBe(true);
    expect(gradgradcheck(f, [x])).toBe(true);
  });

  it('Residual(Linear) passes gradcheck', () => {
    const r = new Residual(new Linear(3, 3, { dtype }));
    const x = randn([2, 3], { dtype, requiresGrad: true });
    expect(gradcheck((xi) => r.forward(xi), [x, ...r.parameters()])).toBe(true);
  });
});
