import {
  grad,
  gradients,
  hessian,
  hvp,
  jacobian,
  jvp,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
  valueAndGrad,
  vjp,
} from '@tsgrad/autograd';
import { arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Float64 results of a few ops differ from the hand formulas only by rounding. */
const CLOSE = 1e-12;

const f64 = (values: number[] | number[][], requiresGrad = false) =>
  tensor(values, { dtype: 'float64', requiresGrad });

function expectClose(actual: Tensor, expected: readonly number[], tol = CLOSE): void {
  expect(actual.size).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs(actual.data[i]! - e), `element ${i}: ${actual.data[i]} vs ${e}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(e)),
    );
  });
}

const cubeSum = (x: Tensor) => x.mul(x).mul(x).sum();

describe('grad', () => {
  it('of Σ x³ is 3x²', () => {
    const x = f64([1, -2, 0.5]);
    const g = grad(cubeSum)(x);
    expect(g.shape).toEqual([3]);
    expectClose(g, [3, 12, 0.75]);
  });

  it('with argnums [0, 1] of Σ a·b² is [b², 2ab]', () => {
    const a = f64([1, 2]);
    const b = f64([3, -1]);
    const [ga, gb] = grad((p, q) => p.mul(q).mul(q).sum(), { argnums: [0, 1] })(a, b);
    expectClose(ga!, [9, 1]);
    expectClose(gb!, [6, -4]);
  });

  it('with argnums 1 differentiates only the second argument', () => {
    const g = grad((p, q) => p.mul(q).sum(), { argnums: 1 })(f64([2, 5]), f64([1, 1]));
    expectClose(g, [2, 5]);
  });

  it('leaves .grad of the inputs untouched', () => {
    const x = f64([1, 2], true);
    grad(cubeSum)(x);
    expect(x.grad).toBeNull();
    const before = f64([7, 7]);
    x.grad = before;
    grad(cubeSum)(x);
    expect(x.grad).toBe(before);
    expect(Array.from(before.data)).toEqual([7, 7]);
  });

  it('nests: grad of (x ↦ Σ grad(Σ x³)) is 6x', () => {
    const x = f64([1, -2, 0.5]);
    const second = grad((t) => grad(cubeSum)(t).sum())(x);
    expectClose(second, [6, -12, 3]);
  });

  it('keeps an outer graph intact: backward through the input still works afterwards', () => {
    const w = f64([1, 2], true);
    const h = w.mul(2);
    const g = grad(cubeSum)(h); // 3h² = 12w², recorded because h is in a graph
    expect(g.requiresGrad).toBe(true);
    g.sum().backward(); // ∂(Σ 12w²)/∂w = 24w
    expectClose(w.grad!, [24, 48]);
  });

  it('works inside noGrad', () => {
    expectClose(
      noGrad(() => grad(cubeSum)(f64([2]))),
      [12],
    );
  });

  it('gives zeros for an argument f does not use', () => {
    const [ga, gb] = grad((p) => p.sum(), { argnums: [0, 1] })(f64([1, 2]), f64([3]));
    expectClose(ga!, [1, 1]);
    expectClose(gb!, [0]);
  });

  it('requires a one-element output, and says what to use otherwise', () => {
    expect(() => grad((t) => t.mul(2))(f64([1, 2]))).toThrow(ShapeError);
    expect(() => grad((t) => t.mul(2))(f64([1, 2]))).toThrow(
      /^grad: f must return a one-element tensor, got \[2\] \(use vjp or jacobian/,
    );
  });

  it('rejects argnums out of range', () => {
    expect(() => grad(cubeSum, { argnums: 2 })(f64([1]))).toThrow(
      /grad: argnums entry 2 out of range for 1 arguments/,
    );
  });
});

describe('valueAndGrad', () => {
  it('returns f(x) and ∂f/∂x from one call', () => {
    let calls = 0;
    const f = (x: Tensor) => {
      calls++;
      return cubeSum(x);
    };
    const [value, g] = valueAndGrad(f)(f64([1, 2]));
    expect(calls).toBe(1);
    expect(value.item()).toBe(9);
    expect(value.requiresGrad).toBe(false);
    expectClose(g, [3, 12]);
  });
});

describe('vjp', () => {
  it('of y = x² (elementwise) with v is v·2x', () => {
    const [y, g] = vjp(
      (t) => t.mul(t),
      f64([
        [1, 2],
        [3, 4],
      ]),
      f64([
        [1, 0],
        [-1, 0.5],
      ]),
    );
    expectClose(y, [1, 4, 9, 16]);
    expectClose(g, [2, 0, -6, 4]);
  });

  it('of a broadcast product sums over the broadcast dim', () => {
    // y[i, j] = a[i, j]·b[j];  (vᵀJ)_a = v·b,  (vᵀJ)_b[j] = Σᵢ v[i, j]·a[i, j]
    const a = f64([
      [1, 2],
      [3, 4],
    ]);
    const b = f64([10, 20]);
    const v = f64([
      [1, 1],
      [2, 0],
    ]);
    const [, [ga, gb]] = vjp((p, q) => p.mul(q), [a, b], v);
    expectClose(ga!, [10, 20, 20, 0]);
    expectClose(gb!, [1 + 6, 2]);
  });

  it('needs v for an output with several elements', () => {
    expect(() => vjp((t) => t.mul(2), f64([1, 2]))).toThrow(
      /gradOutputs can be omitted only for one-element outputs/,
    );
  });
});

describe('jvp', () => {
  it('of sin is cos(x)·t', () => {
    const x = f64([0, 1, 2]);
    const t = f64([1, 2, 3]);
    const [y, jt] = jvp((u) => u.sin(), x, t);
    expectClose(y, [0, Math.sin(1), Math.sin(2)]);
    expectClose(jt, [1, 2 * Math.cos(1), 3 * Math.cos(2)]);
  });

  it('of a·b along (ta, tb) is ta·b + a·tb', () => {
    const [, jt] = jvp((p, q) => p.mul(q), [f64([1, 2]), f64([3, 4])], [f64([1, 0]), f64([0, 1])]);
    expectClose(jt, [3, 2]);
  });

  it('equals the Jacobian times t (random inputs)', () => {
    fc.assert(
      fc.property(arbTensor([3], { dtype: 'float64' }), arbTensor([3], { dtype: 'float64' }), (x, t) => {
        const f = (u: Tensor) => u.mul(u).exp().add(u.sin()).mul(u.sum());
        const [, jt] = jvp(f, x, t);
        const J = jacobian(f, x);
        const expected = [0, 1, 2].map((i) =>
          [0, 1, 2].reduce((s, j) => s + J.data[i * 3 + j]! * t.data[j]!, 0),
        );
        expectClose(jt, expected, 1e-10);
      }),
      { numRuns: 30 },
    );
  });

  it('checks the tangents against the inputs', () => {
    expect(() => jvp((u) => u.sin(), f64([1, 2]), f64([1]))).toThrow(
      /^jvp: tangent 0 has shape \[1\] but its input has shape \[2\]/,
    );
  });
});

describe('hvp', () => {
  it('of Σ x⁴ is 12x²·v', () => {
    const x = f64([1, -2, 0.5]);
    const v = f64([1, 1, 2]);
    const [y, hv] = hvp((t) => t.mul(t).mul(t).mul(t).sum(), x, v);
    expect(y.item()).toBeCloseTo(1 + 16 + 0.0625, 12);
    expectClose(hv, [12, 48, 6]);
  });

  it('of (Σ x)² is 2·Σv in every entry (a dense Hessian)', () => {
    const [, hv] = hvp((t) => t.sum().mul(t.sum()), f64([3, 4]), f64([1, -3]));
    expectClose(hv, [-4, -4]);
  });

  it('with two inputs: f = Σ x²·y', () => {
    // H = [[diag(2y), diag(2x)], [diag(2x), 0]];  H·(vx, vy) = (2y·vx + 2x·vy, 2x·vx)
    const x = f64([1, 2]);
    const y = f64([3, -1]);
    const [, [hx, hy]] = hvp((p, q) => p.mul(p).mul(q).sum(), [x, y], [f64([1, 0]), f64([0, 1])]);
    expectClose(hx!, [6, 4]);
    expectClose(hy!, [2, 0]);
  });
});

describe('jacobian', () => {
  it('of x² (elementwise) is diag(2x)', () => {
    const J = jacobian((t) => t.mul(t), f64([1, 2, 3]));
    expect(J.shape).toEqual([3, 3]);
    expectClose(J, [2, 0, 0, 0, 4, 0, 0, 0, 6]);
  });

  it('has shape [...output, ...input]: sum over dim 1 of a [2, 3]', () => {
    const J = jacobian(
      (t) => t.sum(1),
      f64([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expect(J.shape).toEqual([2, 2, 3]);
    expectClose(J, [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('returns one block per input for a list of inputs', () => {
    const [Ja, Jb] = jacobian((p, q) => p.mul(q), [f64([1, 2]), f64([3])]);
    expect(Ja!.shape).toEqual([2, 2]);
    expect(Jb!.shape).toEqual([2, 1]);
    expectClose(Ja!, [3, 0, 0, 3]);
    expectClose(Jb!, [1, 2]);
  });

  it('is zero for an output that does not depend on the input', () => {
    const J = jacobian((t) => t.detach().mul(2), f64([1, 2]));
    expectClose(J, [0, 0, 0, 0]);
  });
});

describe('hessian', () => {
  it('of Σ x³ is diag(6x)', () => {
    const H = hessian(cubeSum, f64([1, -2]));
    expect(H.shape).toEqual([2, 2]);
    expectClose(H, [6, 0, 0, -12]);
  });

  it('of Σ x²·y has the blocks diag(2y), diag(2x), diag(2x), 0', () => {
    const x = f64([1, 2]);
    const y = f64([3, -1]);
    const H = hessian((p, q) => p.mul(p).mul(q).sum(), [x, y]);
    expectClose(H[0]![0]!, [6, 0, 0, -2]);
    expectClose(H[0]![1]!, [2, 0, 0, 4]);
    expectClose(H[1]![0]!, [2, 0, 0, 4]);
    expectClose(H[1]![1]!, [0, 0, 0, 0]);
  });

  it('of a [2, 2] input has shape [2, 2, 2, 2]', () => {
    expect(
      hessian(
        cubeSum,
        f64([
          [1, 2],
          [3, 4],
        ]),
      ).shape,
    ).toEqual([2, 2, 2, 2]);
  });
});

describe('gradients', () => {
  it('sums over several outputs with their upstream gradients', () => {
    const x = f64([1, 2], true);
    // ∂(⟨v₁, x²⟩ + ⟨v₂, 3x⟩)/∂x = 2x·v₁ + 3·v₂
    const [g] = gradients([x.mul(x), x.mul(3)], [x], { gradOutputs: [f64([1, 1]), f64([0, 2])] });
    expectClose(g!, [2, 10]);
    expect(x.grad).toBeNull();
  });

  it('checks the number of gradOutputs', () => {
    const x = f64([1], true);
    expect(() => gradients([x.mul(2)], [x], { gradOutputs: [] })).toThrow(
      /^gradients: got 0 gradOutputs for 1 outputs/,
    );
  });
});
