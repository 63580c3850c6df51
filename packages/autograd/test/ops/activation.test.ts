/**
 * ops/activation.ts: forward against float64 scalar formulas on random shapes, derivatives at
 * the kinks (PyTorch's choices), extreme inputs, second derivatives (double backward), errors.
 */
import {
  elu,
  gelu,
  leakyRelu,
  relu,
  sigmoid,
  silu,
  softplus,
  type Tensor,
  tanh,
  tensor,
} from '@tsgrad/autograd';
import { arbShape, arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfScalar } from '../../src/kernels/activation.js';

const F64 = { dtype: 'float64' as const };
const SQRT_2_PI = Math.sqrt(2 / Math.PI);
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const pdf = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
const cdf = (v: number) => 0.5 * (1 + erfScalar(v / Math.SQRT2));

/** The scalar definitions, written the plain way (expm1/log1p so tiny results keep their digits). */
const cases: Array<[string, (x: Tensor) => Tensor, (v: number) => number]> = [
  ['relu', relu, (v) => Math.max(v, 0)],
  ['leakyRelu', (x) => leakyRelu(x), (v) => (v > 0 ? v : 0.01 * v)],
  ['leakyRelu(0.3)', (x) => leakyRelu(x, 0.3), (v) => (v > 0 ? v : 0.3 * v)],
  ['elu', (x) => elu(x), (v) => (v > 0 ? v : Math.expm1(v))],
  ['elu(2)', (x) => elu(x, 2), (v) => (v > 0 ? v : 2 * Math.expm1(v))],
  ['gelu', (x) => gelu(x), (v) => v * cdf(v)],
  [
    "gelu('tanh')",
    (x) => gelu(x, 'tanh'),
    (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_PI * (v + 0.044715 * v ** 3))),
  ],
  ['silu', silu, (v) => v * sig(v)],
  ['softplus', (x) => softplus(x), (v) => Math.log1p(Math.exp(v))],
  ['softplus(2, 3)', (x) => softplus(x, 2, 3), (v) => (2 * v > 3 ? v : Math.log1p(Math.exp(2 * v)) / 2)],
  ['sigmoid', sigmoid, sig],
  ['tanh', tanh, Math.tanh],
];

// The kernels use equivalent but differently rounded forms (expm1, log1p, e^x/(1+e^x)), so a
// few ulps of difference are expected; 1e-13 relative is far below any formula error.
const FORWARD_RTOL = 1e-13;

describe('activation forward', () => {
  for (const [name, op, f] of cases) {
    it(`${name} equals its scalar definition on random shapes (float64)`, () => {
      fc.assert(
        fc.property(arbTensor(arbShape(), { min: -8, max: 8, ...F64 }), (x) => {
          const y = op(x);
          expect(y.shape).toEqual(x.shape);
          expect(y.dtype).toBe('float64');
          for (let i = 0; i < x.size; i++) {
            const want = f(x.data[i]!);
            expect(Math.abs(y.data[i]! - want)).toBeLessThanOrEqual(FORWARD_RTOL * Math.abs(want) + 1e-300);
          }
        }),
        { numRuns: 30 },
      );
    });
  }

  it('sigmoid, tanh, softplus, silu and gelu stay finite and exact at ±1000', () => {
    const x = tensor([-1000, 1000], F64);
    expect(sigmoid(x).toArray()).toEqual([0, 1]);
    expect(tanh(x).toArray()).toEqual([-1, 1]);
    expect(softplus(x).toArray()).toEqual([0, 1000]);
    expect(silu(x).toArray()).toEqual([-0, 1000]);
    expect(gelu(x).toArray()).toEqual([-0, 1000]);
    expect(gelu(x, 'tanh').toArray()).toEqual([-0, 1000]);
    expect(elu(x).toArray()).toEqual([-1, 1000]);
  });

  it('softplus switches to the identity above threshold/β, as PyTorch', () => {
    expect(softplus(tensor([1.4, 1.6], F64), 2, 3).data[1]).toBe(1.6);
    expect(softplus(tensor([1.4], F64), 2, 3).item()).toBeCloseTo(Math.log1p(Math.exp(2.8)) / 2, 15);
  });

  it('relu keeps NaN; float32 inputs give float32 outputs', () => {
    expect(relu(tensor([Number.NaN])).item()).toBeNaN();
    expect(gelu(tensor([1, 2])).dtype).toBe('float32');
  });
});

/** First and second derivative per element, through backward with createGraph. */
function derivatives(op: (x: Tensor) => Tensor, values: number[]): [number[], number[]] {
  const x = tensor(values, { ...F64, requiresGrad: true });
  op(x).sum().backward(undefined, { createGraph: true });
  const first = x.grad!;
  x.grad = null;
  if (!first.requiresGrad) return [Array.from(first.data), values.map(() => 0)];
  first.sum().backward();
  return [Array.from(first.data), Array.from(x.grad!.data)];
}

describe('activation backward', () => {
  it("relu's fused backward is g·[y > 0] (NaN·0 stays NaN) and differentiable in g", () => {
    const x = tensor([-1, 0, 2, 3], { ...F64, requiresGrad: true });
    const g = tensor([Number.NaN, 6, 7, 8], { ...F64, requiresGrad: true });
    relu(x).backward(g, { createGraph: true });
    expect(Array.from(x.grad!.data)).toEqual([Number.NaN, 0, 7, 8]);
    x.grad!.mul(tensor([1, 2, 3, 4], F64))
      .sum()
      .backward();
    expect(Array.from(g.grad!.data)).toEqual([0, 0, 3, 4]);
  });

  it("at 0: relu' = 0, leakyRelu' = slope, elu' = α (PyTorch's choices)", () => {
    expect(derivatives(relu, [-1, 0, 2])[0]).toEqual([0, 0, 1]);
    expect(derivatives((x) => leakyRelu(x, 0.2), [-1, 0, 2])[0]).toEqual([0.2, 0.2, 1]);
    const [d1] = derivatives((x) => elu(x, 0.5), [-1, 0, 2]);
    expect(d1[0]).toBeCloseTo(0.5 * Math.exp(-1), 15);
    expect(d1.slice(1)).toEqual([0.5, 1]);
  });

  const xs = [-3, -0.7, 0.2, 1.5, 4];
  const analytic: Array<[string, (x: Tensor) => Tensor, (v: number) => number, (v: number) => number]> = [
    ['sigmoid', sigmoid, (v) => sig(v) * (1 - sig(v)), (v) => sig(v) * (1 - sig(v)) * (1 - 2 * sig(v))],
    ['tanh', tanh, (v) => 1 - Math.tanh(v) ** 2, (v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)],
    ['gelu', (x) => gelu(x), (v) => cdf(v) + v * pdf(v), (v) => pdf(v) * (2 - v * v)],
    [
      'silu',
      silu,
      (v) => sig(v) * (1 + v * (1 - sig(v))),
      (v) => sig(v) * (1 - sig(v)) * (2 + v * (1 - 2 * sig(v))),
    ],
    ['softplus(2)', (x) => softplus(x, 2), (v) => sig(2 * v), (v) => 2 * sig(2 * v) * (1 - sig(2 * v))],
    ['elu', (x) => elu(x), (v) => (v > 0 ? 1 : Math.exp(v)), (v) => (v > 0 ? 0 : Math.exp(v))],
    ['leakyRelu', (x) => leakyRelu(x), (v) => (v > 0 ? 1 : 0.01), () => 0],
  ];
  for (const [name, op, f1, f2] of analytic) {
    it(`${name}: first and second derivatives (double backward) match the formulas`, () => {
      const [d1, d2] = derivatives(op, xs);
      xs.forEach((v, i) => {
        expect(d1[i]).toBeCloseTo(f1(v), 13);
        expect(d2[i]).toBeCloseTo(f2(v), 13);
      });
    });
  }

  it("gelu('tanh') derivatives match central differences of its forward", () => {
    const f = (v: number) => gelu(tensor([v], F64), 'tanh').item();
    const [d1, d2] = derivatives((x) => gelu(x, 'tanh'), xs);
    const h = 1e-5;
    xs.forEach((v, i) => {
      expect(d1[i]).toBeCloseTo((f(v + h) - f(v - h)) / (2 * h), 9);
      expect(d2[i]).toBeCloseTo((f(v + h) - 2 * f(v) + f(v - h)) / (h * h), 4);
    });
  });

  it('gradients stay finite at ±1000 (sigmoid saturates to 0, softplus to 1 and 0)', () => {
    const x = tensor([-1000, 1000], { ...F64, requiresGrad: true });
    sigmoid(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
    x.grad = null;
    softplus(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1]);
    x.grad = null;
    gelu(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1]);
  });
});

describe('activation errors', () => {
  it('name the op and the bad value', () => {
    const x = tensor([1]);
    expect(() => gelu(x, 'fast' as 'tanh')).toThrow(/gelu: approximate must be 'none' or 'tanh', got 'fast'/);
    expect(() => softplus(x, 0)).toThrow(/softplus: beta must be nonzero, got 0/);
    expect(() => leakyRelu(x, Number.NaN)).toThrow(
      /leakyRelu: negativeSlope must be a finite number, got NaN/,
    );
    expect(() => elu(x, Infinity)).toThrow(/elu: alpha must be a finite number, got Infinity/);
  });
});
