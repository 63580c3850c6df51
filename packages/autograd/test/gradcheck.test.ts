import {
  ArgumentError,
  customOp,
  DTypeError,
  GradcheckError,
  gradcheck,
  gradgradcheck,
  randn,
  type Tensor,
  tensor,
} from '@tsgrad/autograd';
import { arbBroadcastShapes, arbTensors } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const f64 = (shape: number[]) => randn(shape, { dtype: 'float64', requiresGrad: true });

/** y = a·b with the gradient of b wrong by a factor 2 at one element (flat index `bad`). */
function mulWithBadGrad(bad: number) {
  return customOp({
    name: 'badMul',
    forward: (ctx, a: Tensor, b: Tensor) => {
      ctx.save(a, b);
      return a.mul(b);
    },
    backward: (ctx, g) => {
      const [a, b] = ctx.saved as [Tensor, Tensor];
      const factor = tensor(
        Array.from({ length: b.size }, (_, i) => (i === bad ? 2 : 1)),
        { dtype: 'float64', shape: b.shape },
      );
      return [g.mul(b), g.mul(a).mul(factor)];
    },
  });
}

/** y = x³ with a backward supplied by the test. */
function cubeWith(backward: (x: Tensor, g: Tensor) => Tensor) {
  return customOp({
    name: 'cube',
    forward: (ctx, x: Tensor) => {
      ctx.save(x);
      return x.mul(x).mul(x);
    },
    backward: (ctx, g) => [backward(ctx.saved[0]!, g)],
  });
}

describe('gradcheck on correct ops', () => {
  it('returns true for compositions of ops over random broadcast shapes', () => {
    fc.assert(
      fc.property(
        arbTensors(arbBroadcastShapes(2, { maxRank: 3, maxDim: 3 }), { dtype: 'float64' }),
        ([a, b]) => {
          a!.requiresGrad = true;
          b!.requiresGrad = true;
          expect(gradcheck((x, y) => x.mul(y).exp().add(x.sin().mul(y)), [a!, b!])).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('skips inputs that do not require grad (index or mask tensors, even float32)', () => {
    const x = f64([2, 3]);
    const mask = tensor([1, 0, 1], { dtype: 'float32' });
    expect(gradcheck((t, m) => t.mul(m).exp(), [x, mask])).toBe(true);
  });

  it('checks several outputs', () => {
    const a = f64([3]);
    const b = f64([2, 3]);
    expect(gradcheck((x, y) => [x.mul(y), x.exp().sum(), y.sub(x)], [a, b])).toBe(true);
  });
});

describe('gradcheck reports a wrong backward', () => {
  it('names the input, the input element, the output element and both values', () => {
    const a = f64([2, 3]);
    const b = f64([2, 3]);
    const bad = mulWithBadGrad(5); // flat 5 of [2, 3] is [1, 2]
    let error: unknown;
    try {
      gradcheck(bad, [a, b]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GradcheckError);
    const report = error as GradcheckError;
    expect(report.message).toMatch(
      /^gradcheck: Jacobian mismatch for output 0 with respect to input 1 at input element \[1, 2\], output element \[1, 2\]: analytic .* vs numeric /,
    );
    expect(report.message).toMatch(/1 of 36 entries differ/);
    expect(report.inputIndex).toBe(1);
    expect(report.inputElement).toEqual([1, 2]);
    expect(report.outputIndex).toBe(0);
    expect(report.outputElement).toEqual([1, 2]);
    // ∂(a·b)/∂b = a: the backward claims 2a, central differences find a.
    expect(report.analytic).toBeCloseTo(2 * a.data[5]!, 10);
    expect(report.numeric).toBeCloseTo(a.data[5]!, 6);
  });

  it('names the output among several', () => {
    const x = f64([4]);
    const y = f64([4]);
    const bad = mulWithBadGrad(0);
    expect(() => gradcheck((p, q) => [p.add(q), bad(p, q)], [x, y])).toThrow(
      /for output 1 with respect to input 1 at input element \[0\]/,
    );
  });

  it('respects atol and rtol: a 1e-4 error fails the defaults and passes atol 1e-3', () => {
    // Near 0, ∂x³/∂x = 3x² ≈ 3e-4, so the rtol term (≈ 3e-7) is negligible and atol decides.
    const x = tensor([0.01, -0.02, 0.005], { dtype: 'float64', requiresGrad: true });
    const cube = cubeWith((t, g) => g.mul(t.mul(t).mul(3).add(1e-4)));
    expect(() => gradcheck(cube, [x])).toThrow(GradcheckError);
    expect(gradcheck(cube, [x], { atol: 1e-3 })).toBe(true);
  });

  it('flags an output that does not require grad but depends on the input', () => {
    const x = f64([3]);
    expect(() => gradcheck((t) => [t.exp(), t.detach().mul(2)], [x])).toThrow(
      /output 1 does not require grad, yet changes with the input/,
    );
  });

  it('flags a backward that gives non-zero gradients for a zero upstream gradient', () => {
    const x = f64([3]);
    const cube = cubeWith((t, g) => (g.abs().sum().item() === 0 ? t.mul(0).add(1) : g.mul(t.mul(t)).mul(3)));
    expect(() => gradcheck(cube, [x])).toThrow(
      /backward of output 0 with a zero upstream gradient gave 1 \(not 0\) for input 0 at element \[0\]/,
    );
  });

  it('flags a non-deterministic backward unless nondetTol allows it', () => {
    let calls = 0;
    // The gradient drifts by 1e-9 per call: within atol, but two passes never agree exactly.
    const cube = cubeWith((t, g) =>
      g.mul(
        t
          .mul(t)
          .mul(3)
          .add(++calls * 1e-9),
      ),
    );
    const x = f64([2]);
    expect(() => gradcheck(cube, [x])).toThrow(
      /backward is not deterministic: two backward passes of output 0 differ/,
    );
    expect(gradcheck(cube, [x], { nondetTol: 1e-6 })).toBe(true);
  });

  it('flags an fn that writes to its input', () => {
    const x = f64([3]);
    const sneaky = (t: Tensor) => {
      t.data[1] = 7;
      return t.exp();
    };
    expect(() => gradcheck(sneaky, [x])).toThrow(/fn modified input 0 in place: element \[1\] changed/);
  });
});

describe('gradcheck input validation', () => {
  it('rejects float32 inputs that require grad, saying to call .double()', () => {
    const x = randn([3], { requiresGrad: true });
    expect(() => gradcheck((t) => t.exp(), [x])).toThrow(DTypeError);
    expect(() => gradcheck((t) => t.exp(), [x])).toThrow(
      /^gradcheck: input 0 is float32, but finite differences need float64 inputs: pass x\.double\(\)/,
    );
  });

  it('rejects float32 outputs', () => {
    const x = f64([3]);
    expect(() => gradcheck((t) => t.float().exp(), [x])).toThrow(
      /output 0 is float32; fn must compute in float64/,
    );
  });

  it('needs at least one input that requires grad', () => {
    const x = randn([3], { dtype: 'float64' });
    expect(() => gradcheck((t) => t.exp(), [x])).toThrow(ArgumentError);
    expect(() => gradcheck((t) => t.exp(), [x])).toThrow(/no input requires grad/);
  });
});

describe('gradcheck fastMode', () => {
  it('passes on correct ops with large inputs and evaluates fn a few times, not twice per element', () => {
    const a = f64([20, 30]);
    const b = f64([30]);
    let slowCalls = 0;
    let fastCalls = 0;
    const f = (calls: () => void) => (x: Tensor, y: Tensor) => {
      calls();
      return x.mul(y).tanh();
    };
    expect(
      gradcheck(
        f(() => fastCalls++),
        [a, b],
        { fastMode: true },
      ),
    ).toBe(true);
    // 1 forward + 2 per input (one direction each)
    expect(fastCalls).toBe(5);
    const small = [f64([4, 5]), f64([5])];
    gradcheck(
      f(() => slowCalls++),
      small,
    );
    // 1 forward + 2 per element of each input
    expect(slowCalls).toBe(1 + 2 * (20 + 5));
  });

  it('catches a wrong backward and names the element (from the full Jacobians)', () => {
    const a = f64([6, 7]);
    const b = f64([6, 7]);
    expect(() => gradcheck(mulWithBadGrad(10), [a, b], { fastMode: true })).toThrow(
      /Jacobian mismatch for output 0 with respect to input 1 at input element \[1, 3\]/,
    );
  });

  it('uses the seed for its random vectors', () => {
    const x = f64([5, 5]);
    expect(gradcheck((t) => t.sin().mul(t), [x], { fastMode: true, seed: 123 })).toBe(true);
  });
});

describe('gradgradcheck', () => {
  it('returns true when the backward is itself differentiable', () => {
    fc.assert(
      fc.property(
        arbTensors(arbBroadcastShapes(2, { maxRank: 2, maxDim: 3 }), { dtype: 'float64' }),
        ([a, b]) => {
          a!.requiresGrad = true;
          b!.requiresGrad = true;
          expect(gradgradcheck((x, y) => x.mul(y).exp().add(x.mul(x)), [a!, b!])).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('checks several outputs and accepts given upstream gradients', () => {
    const x = f64([3]);
    expect(gradgradcheck((t) => [t.exp(), t.mul(t).sum()], [x])).toBe(true);
    const v = tensor([0.5, -1, 2], { dtype: 'float64' });
    expect(gradgradcheck((t) => t.sin(), [x], { gradOutputs: [v] })).toBe(true);
  });

  it('catches a backward that cuts its dependence on the input (detach)', () => {
    const x = f64([3]);
    const cube = cubeWith((t, g) => g.mul(t.mul(t).detach()).mul(3));
    expect(gradcheck(cube, [x])).toBe(true); // first derivatives are right
    expect(() => gradgradcheck(cube, [x])).toThrow(
      /^gradgradcheck: Jacobian mismatch for the gradient with respect to input 0 with respect to input 0/,
    );
  });

  it('catches a backward that is not linear in the upstream gradient', () => {
    const x = f64([3]);
    const cube = cubeWith((t, g) => g.detach().mul(t.mul(t)).mul(3));
    expect(() => gradgradcheck(cube, [x])).toThrow(/with respect to upstream gradient 0/);
  });

  it('rejects float32 inputs like gradcheck', () => {
    expect(() => gradgradcheck((t) => t.exp(), [randn([2], { requiresGrad: true })])).toThrow(
      /^gradgradcheck: input 0 is float32/,
    );
  });

  it('supports fastMode', () => {
    const x = f64([8, 8]);
    expect(gradgradcheck((t) => t.mul(t).sin(), [x], { fastMode: true })).toBe(true);
    const cube = cubeWith((t, g) => g.mul(t.mul(t).detach()).mul(3));
    expect(() => gradgradcheck(cube, [f64([8, 8])], { fastMode: true })).toThrow(GradcheckError);
  });
});
