import {
  ArgumentError,
  customOp,
  gradcheck,
  gradgradcheck,
  noGrad,
  ShapeError,
  Tensor,
  tensor,
  toDot,
} from '@tsgrad/autograd';
import { arbShape, arbTensor } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The example of customOp's doc comment: y = x³ on typed arrays, ∂L/∂x = ∂L/∂y · 3x². */
const cube = customOp({
  name: 'cube',
  forward(ctx, x: Tensor) {
    const y = Tensor.empty(x.shape, x.dtype);
    for (let i = 0; i < x.size; i++) y.data[i] = x.data[i]! ** 3;
    ctx.save(x);
    return y;
  },
  backward(ctx, gradOut) {
    const [x] = ctx.saved;
    return [gradOut.mul(x!.square()).mul(3)];
  },
});

/** y = eˣ, saving the output (as built-in exp does): ∂L/∂x = ∂L/∂y · y. One tensor returned. */
const myExp = customOp({
  name: 'myExp',
  forward(ctx, x: Tensor) {
    const y = x.exp();
    ctx.save(y);
    return y;
  },
  backward: (ctx, gradOut) => gradOut.mul(ctx.saved[0]!),
});

/** y = a·s where s is a scale that never needs a gradient when it does not require one. */
const scaleBy = customOp({
  name: 'scaleBy',
  forward(ctx, a: Tensor, s: Tensor) {
    ctx.save(a, s);
    return a.mul(s);
  },
  backward(ctx, gradOut) {
    const [a, s] = ctx.saved as [Tensor, Tensor];
    const [needA, needS] = ctx.needsInputGrad;
    return [needA ? gradOut.mul(s) : null, needS ? gradOut.mul(a).sum() : null];
  },
});

describe('customOp', () => {
  it('computes its forward and records itself in the graph under its name', () => {
    const x = tensor([1, 2, -3], { requiresGrad: true });
    const y = cube(x);
    expect(Array.from(y.data)).toEqual([1, 8, -27]);
    expect(y.node?.op).toBe('cube');
    expect(y.node?.inputs).toEqual([x]);
    expect(y.requiresGrad).toBe(true);
  });

  it('backpropagates through its backward, composed with built-in ops', () => {
    const x = tensor([1, 2, -3], { requiresGrad: true });
    cube(x).mul(2).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([6, 24, 54]);
  });

  it('passes gradcheck and gradgradcheck (backward written with tensor ops)', () => {
    fc.assert(
      fc.property(arbTensor(arbShape({ maxRank: 3, maxDim: 3 }), { dtype: 'float64' }), (x) => {
        x.requiresGrad = true;
        expect(gradcheck(cube, [x])).toBe(true);
        expect(gradgradcheck(cube, [x])).toBe(true);
        expect(gradcheck(myExp, [x])).toBe(true);
        expect(gradgradcheck(myExp, [x])).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('tells backward which inputs need a gradient; null skips one', () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const s = tensor(3, { dtype: 'float64' });
    scaleBy(a, s).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([3, 3]);
    expect(s.grad).toBeNull();
    s.requiresGrad = true;
    expect(gradcheck(scaleBy, [a, s])).toBe(true);
  });

  it('runs its forward under noGrad: the ops inside are not recorded', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let inner: Tensor | null = null;
    const op = customOp({
      name: 'twice',
      forward(_ctx, t: Tensor) {
        inner = t.mul(2);
        return inner;
      },
      backward: (_ctx, g) => [g.mul(2)],
    });
    const y = op(x);
    expect(y).toBe(inner);
    expect(y.node?.op).toBe('twice');
    expect(y.node?.inputs).toEqual([x]);
  });

  it('gives the op its own output when forward returns an input', () => {
    const identity = customOp({
      name: 'identity',
      forward: (_ctx, t: Tensor) => t,
      backward: (_ctx, g) => [g],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const y = identity(x);
    expect(y).not.toBe(x);
    expect(x.isLeaf).toBe(true);
    expect(Array.from(y.data)).toEqual([1, 2]);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('records nothing under noGrad or when no input requires grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(noGrad(() => cube(x)).node).toBeNull();
    expect(cube(tensor([1, 2])).requiresGrad).toBe(false);
  });

  it('shows up by name in toDot', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(toDot(cube(x))).toContain('label="cube\\n[2] float32"');
  });

  it('names itself when backward returns the wrong number of gradients', () => {
    const bad = customOp({
      name: 'badCount',
      forward: (_ctx, a: Tensor, b: Tensor) => a.add(b),
      backward: (_ctx, g) => [g],
    });
    const a = tensor([1], { requiresGrad: true });
    const y = bad(a, tensor([2], { requiresGrad: true }));
    expect(() => y.backward()).toThrow(ArgumentError);
    expect(() => bad(a, a).backward()).toThrow(
      /^badCount: backward returned 1 gradients for 2 inputs \(one per input; null for none\)/,
    );
  });

  it('is named by the engine when backward returns a gradient of the wrong shape', () => {
    const bad = customOp({
      name: 'badShape',
      forward: (_ctx, x: Tensor) => x.mul(2),
      backward: (_ctx, g) => [g.sum(0)],
    });
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    expect(() => bad(x).sum().backward()).toThrow(ShapeError);
    expect(() => bad(x).sum().backward()).toThrow(
      "backward: backward of 'badShape' returned grad of shape [3] for input 0 of shape [2, 3]",
    );
  });

  it('validates its definition and its inputs', () => {
    const fwd = (_ctx: unknown, t: Tensor) => t;
    expect(() => customOp({ name: '', forward: fwd, backward: () => null })).toThrow(
      /customOp: name must be/,
    );
    expect(() => cube(3 as unknown as Tensor)).toThrow(/^cube: input 0 must be a Tensor, got number/);
    const noOutput = customOp({
      name: 'noOutput',
      forward: (_ctx, _t: Tensor) => 1 as unknown as Tensor,
      backward: () => null,
    });
    expect(() => noOutput(tensor([1]))).toThrow(/^noOutput: forward must return a Tensor, got number/);
  });
});
