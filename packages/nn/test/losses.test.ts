import { gradcheck, gradgradcheck, manualSeed, randn, type Tensor, tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CrossEntropyLoss, functional as F, MSELoss } from '../src/index.js';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from './golden.js';

interface LossCase {
  name: string;
  fn: string;
  options: Record<string, unknown>;
  input: GoldenTensor;
  target: GoldenTensor;
  weight?: GoldenTensor;
  posWeight?: GoldenTensor;
  loss: GoldenTensor;
  grad: GoldenTensor;
}

type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;
const LOSSES: Record<string, LossFn> = {
  mseLoss: F.mseLoss,
  l1Loss: F.l1Loss,
  huberLoss: F.huberLoss,
  smoothL1Loss: F.smoothL1Loss,
  binaryCrossEntropy: F.binaryCrossEntropy,
  binaryCrossEntropyWithLogits: F.binaryCrossEntropyWithLogits,
  crossEntropy: F.crossEntropy,
  nllLoss: F.nllLoss,
};

// Both sides compute in float64 with the same formulas up to summation order: agreement to
// ~1e-12 is expected; 1e-10 leaves room for the different order of reductions.
const RTOL = 1e-10;
const ATOL = 1e-10;

describe('losses match PyTorch 1.13 (value and gradient, float64)', () => {
  const { cases } = loadGolden<{ cases: LossCase[] }>('losses');
  it('has the golden cases', () => expect(cases.length).toBeGreaterThan(100));
  for (const c of cases) {
    it(`${c.name} matches PyTorch`, () => {
      const x = fromGolden(c.input);
      x.requiresGrad = true;
      const options = { ...c.options } as Record<string, unknown>;
      if (c.weight) options.weight = fromGolden(c.weight);
      if (c.posWeight) options.posWeight = fromGolden(c.posWeight);
      const loss = LOSSES[c.fn]!(x, fromGolden(c.target), options);
      expectCloseToGolden(loss, c.loss, RTOL, ATOL, 'loss');
      loss.sum().backward();
      expectCloseToGolden(x.grad!, c.grad, RTOL, ATOL, 'grad');
    });
  }
});

const shapeArb = fc.tuple(
  fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 2, max: 5 }),
  fc.integer({ min: 0, max: 2 }),
);

describe('loss gradients equal central differences (float64)', () => {
  it('crossEntropy (labels, weight, labelSmoothing, ignoreIndex) passes gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(
        shapeArb,
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('mean', 'sum', 'none'),
        ([n, k, extra], seed, reduction) => {
          manualSeed(seed);
          const shape = extra === 0 ? [n, k] : [n, k, extra];
          const z = randn(shape, { dtype: 'float64', requiresGrad: true });
          const labelShape = shape.filter((_, i) => i !== 1);
          const labels = randn(labelShape).data.map((v, i) =>
            i === 0 && labelShape[0]! > 1 ? -100 : Math.abs(Math.floor(v * 7)) % k,
          );
          const weight = randn([k], { dtype: 'float64' }).abs().add(0.1);
          const options = { weight, labelSmoothing: 0.1, reduction } as const;
          const target = tensor(Array.from(labels), { shape: labelShape });
          gradcheck((t) => F.crossEntropy(t, target, options), [z]);
          gradgradcheck((t) => F.crossEntropy(t, target, options), [z]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('crossEntropy and nllLoss on one unbatched sample ([C], a 0-d label or probabilities) pass gradcheck', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('mean', 'sum', 'none'),
        (k, seed, reduction) => {
          manualSeed(seed);
          const z = randn([k], { dtype: 'float64', requiresGrad: true });
          const label = tensor(seed % k);
          const probs = randn([k], { dtype: 'float64' }).softmax(0);
          const ce = (t: Tensor) => F.crossEntropy(t, label, { labelSmoothing: 0.1, reduction });
          expect(ce(z).shape).toEqual([]);
          gradcheck(ce, [z]);
          gradgradcheck(ce, [z]);
          gradcheck((t) => F.crossEntropy(t, probs, { reduction }), [z]);
          gradcheck((t) => F.nllLoss(t.logSoftmax(0), label, { reduction }), [z]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('crossEntropy with probability targets passes gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(shapeArb, fc.integer({ min: 0, max: 1000 }), ([n, k, extra], seed) => {
        manualSeed(seed);
        const shape = extra === 0 ? [n, k] : [n, k, extra];
        const z = randn(shape, { dtype: 'float64', requiresGrad: true });
        const probs = randn(shape, { dtype: 'float64' }).softmax(1);
        gradcheck((t) => F.crossEntropy(t, probs, { labelSmoothing: 0.05 }), [z]);
        gradgradcheck((t) => F.crossEntropy(t, probs), [z]);
      }),
      { numRuns: 25 },
    );
  });

  it('regression and binary losses pass gradcheck and gradgradcheck', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (shape, seed) => {
          manualSeed(seed);
          const x = randn(shape, { dtype: 'float64', requiresGrad: true });
          const y = randn(shape, { dtype: 'float64' });
          // Keep |x − y| away from the kinks of l1 (0) and huber/smoothL1 (δ, β).
          const d = x.sub(y).abs().data;
          const offKink = d.every((v) => v > 1e-3 && Math.abs(v - 0.7) > 1e-3);
          const p = x.sigmoid().detach();
          p.requiresGrad = true;
          const t = randn(shape, { dtype: 'float64' }).sigmoid();
          const posWeight = randn([shape.at(-1)!], { dtype: 'float64' })
            .abs()
            .add(0.5);
          const fns: Array<[(a: Tensor) => Tensor, Tensor]> = [
            [(a) => F.mseLoss(a, y), x],
            [(a) => F.binaryCrossEntropy(a, t, { weight: t }), p],
            [(a) => F.binaryCrossEntropyWithLogits(a, t, { posWeight, weight: t }), x],
            [(a) => F.l2Penalty([a, a.mul(2)]), x],
          ];
          if (offKink) {
            fns.push([(a) => F.l1Loss(a, y, { reduction: 'sum' }), x]);
            fns.push([(a) => F.huberLoss(a, y, { delta: 0.7, reduction: 'none' }), x]);
            fns.push([(a) => F.smoothL1Loss(a, y, { beta: 0.7 }), x]);
            fns.push([(a) => F.l1Penalty([a.sub(y)]), x]);
          }
          for (const [f, input] of fns) {
            gradcheck(f, [input]);
            gradgradcheck(f, [input]);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('nllLoss passes gradcheck', () => {
    const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const weight = tensor([1, 2, 0.5, 1], { dtype: 'float64' });
    expect(gradcheck((t) => F.nllLoss(t, [1, 3, -100], { weight }), [x])).toBe(true);
  });
});

describe('loss behaviour', () => {
  it('crossEntropy of logits ±1000 is finite with a finite gradient', () => {
    const z = tensor(
      [
        [1000, -1000],
        [-1000, 1000],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const loss = F.crossEntropy(z, [1, 1]);
    expect(loss.item()).toBeCloseTo(1000, 10);
    loss.backward();
    expect([...z.grad!.data]).toEqual([0.5, -0.5, 0, 0]);
  });

  it('crossEntropy with every target ignored is NaN for mean, as PyTorch', () => {
    expect(Number.isNaN(F.crossEntropy(randn([2, 3]), [-100, -100]).item())).toBe(true);
  });

  it('rejects bad targets with clear errors', () => {
    const z = randn([2, 3]);
    expect(() => F.crossEntropy(z, [0, 3])).toThrow(
      /crossEntropy: target 3 at position 1 is not a class index in \[0, 3\)/,
    );
    expect(() => F.crossEntropy(z, [0.5, 1])).toThrow(/crossEntropy: target 0.5/);
    expect(() => F.crossEntropy(z, [0, 1, 2])).toThrow(
      /crossEntropy: class-label target must have shape \[2\], got \[3\]/,
    );
    expect(() => F.crossEntropy(z, [0, 1], { weight: randn([2]) })).toThrow(/weight must have shape \[3\]/);
    expect(() => F.crossEntropy(z, z.softmax(1), { ignoreIndex: 1 })).toThrow(
      /ignoreIndex applies to class-label/,
    );
    expect(() => F.crossEntropy(z, [0, 1], { labelSmoothing: 1.5 })).toThrow(RangeError);
    // Unbatched: input [C] takes one label (0-d) or probabilities [C]; a 0-d input has no classes.
    expect(() => F.crossEntropy(randn([3]), [0, 1])).toThrow(
      /crossEntropy: class-label target must have shape \[1\], got \[2\]/,
    );
    expect(() => F.crossEntropy(tensor(1), [0])).toThrow(
      /crossEntropy: expects input \[n, C\], \[n, C, d₁, …\] or \[C\], got \[\]/,
    );
    expect(() => F.nllLoss(randn([3]), randn([3]))).toThrow(/nllLoss: target must hold class labels/);
    expect(() => F.mseLoss(randn([2, 1]), randn([2]))).toThrow(
      /mseLoss: input and target shapes differ: \[2, 1\] and \[2\]/,
    );
    expect(() => F.binaryCrossEntropy(tensor([1.5]), tensor([1]))).toThrow(/probabilities in \[0, 1\]/);
    expect(() => F.mseLoss(randn([2]), randn([2]), { reduction: 'avg' as 'mean' })).toThrow(
      /reduction must be/,
    );
  });

  it('loss modules call the functions with their options', () => {
    const z = randn([4, 3]);
    const labels = [0, 2, 1, 1];
    const m = new CrossEntropyLoss({ labelSmoothing: 0.1, reduction: 'sum' });
    expect(m.forward(z, labels).item()).toBe(
      F.crossEntropy(z, labels, { labelSmoothing: 0.1, reduction: 'sum' }).item(),
    );
    expect(m.parameters()).toEqual([]);
    const y = randn([4, 3]);
    expect(new MSELoss().forward(z, y).item()).toBe(F.mseLoss(z, y).item());
  });

  it('l1Penalty and l2Penalty sum over all parameters', () => {
    const a = tensor([1, -2]);
    const b = tensor([[3]]);
    expect(F.l1Penalty([a, b]).item()).toBe(6);
    expect(F.l2Penalty([a, b]).item()).toBe(14);
  });
});
