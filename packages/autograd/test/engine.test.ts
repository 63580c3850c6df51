import {
  ArgumentError,
  customOp,
  enableGrad,
  isGradEnabled,
  noGrad,
  ShapeError,
  type Tensor,
  tensor,
} from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';

const values = (t: Tensor | null) => Array.from(t!.data);

describe('backward', () => {
  it('accumulates into .grad across two backward calls', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([6, 6]);
  });

  it('runs twice through one graph with retainGraph, accumulating', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(values(x.grad)).toEqual([4, 8]);
  });

  it('says to pass { retainGraph: true } when the graph was freed', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(ArgumentError);
    expect(() => y.backward()).toThrow(
      "backward: graph already freed at 'sum'; pass { retainGraph: true } to the first backward",
    );
  });

  it('releases each node’s backward (and its saved tensors) after backward', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.exp();
    const y = h.sum();
    y.backward();
    expect(y.node!.backwardFn).toBeNull();
    expect(h.node!.backwardFn).toBeNull();
  });

  it('computes second derivatives with createGraph', () => {
    const x = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    x.mul(x).mul(x).sum().backward(undefined, { createGraph: true });
    const first = x.grad!; // 3x², itself recorded
    expect(values(first)).toEqual([3, 12, 27]);
    expect(first.requiresGrad).toBe(true);
    x.grad = null;
    first.sum().backward();
    expect(values(x.grad)).toEqual([6, -12, 18]);
  });

  it('stores a plain gradient (no graph) without createGraph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.node).toBeNull();
  });

  it('sums both paths of a diamond that reuses a tensor', () => {
    const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
    const a = x.exp();
    const y = a.mul(2).add(a.mul(3)).sum(); // 5·eˣ
    y.backward();
    expect(values(x.grad)).toEqual([5, 5 * Math.E]);
    const z = tensor([3], { requiresGrad: true });
    z.mul(z).sum().backward(); // one op using z twice
    expect(values(z.grad)).toEqual([6]);
  });

  it('backpropagates through a 100,000-op chain (iterative, no stack overflow)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(values(x.grad)).toEqual([1, 1]);
  });

  it('casts gradients to the dtype of their input', () => {
    const x = tensor([1, 2], { requiresGrad: true }); // float32
    const w = tensor([3, 4], { dtype: 'float64' });
    const y = x.mul(w).sum();
    expect(y.dtype).toBe('float64');
    y.backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(values(x.grad)).toEqual([3, 4]);
  });

  it('names the op whose backward returns a gradient of the wrong shape', () => {
    const badShape = customOp({
      name: 'badShape',
      forward: (_ctx, t: Tensor) => t.mul(2),
      backward: (_ctx, g) => [g.sum(1, true)],
    });
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    expect(() => badShape(x).sum().backward()).toThrow(ShapeError);
    expect(() => badShape(x).sum().backward()).toThrow(
      "backward: backward of 'badShape' returned grad of shape [1, 1] for input 0 of shape [1, 3]",
    );
  });

  it('rejects a tensor without graph, a missing gradOut, and a gradOut of the wrong shape', () => {
    expect(() => tensor([1]).backward()).toThrow(/^backward: tensor does not require grad/);
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(
      /gradOut can be omitted only for one-element outputs; got shape \[2\]/,
    );
    expect(() => x.mul(2).backward(tensor([1, 2, 3]))).toThrow(
      /gradOut shape \[3\] differs from output shape \[2\]/,
    );
  });
});

describe('hooks', () => {
  it('see the gradient of an intermediate tensor', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const seen: number[][] = [];
    h.registerHook((g) => {
      seen.push(Array.from(g.data));
      return undefined;
    });
    h.mul(h).sum().backward(); // ∂/∂h = 2h
    expect(seen).toEqual([[6, 12]]);
  });

  it('replace the gradient when they return one', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    h.registerHook((g) => g.mul(0.5));
    h.sum().backward();
    expect(values(x.grad)).toEqual([1.5, 1.5]);
  });

  it('run on leaves before the gradient is stored, and can be removed', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const remove = x.registerHook((g) => g.neg());
    x.sum().backward();
    expect(values(x.grad)).toEqual([-1, -1]);
    remove();
    x.grad = null;
    x.sum().backward();
    expect(values(x.grad)).toEqual([1, 1]);
  });

  it('must return a gradient of the right shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.registerHook(() => tensor([1]));
    expect(() => x.sum().backward()).toThrow(
      /backward of 'hook' returned grad of shape \[1\] for input 0 of shape \[2\]/,
    );
  });

  it('cannot be registered on a tensor that does not require grad', () => {
    expect(() => tensor([1]).registerHook(() => undefined)).toThrow(/^registerHook: cannot register a hook/);
  });
});

describe('retainGrad, detach, requiresGrad', () => {
  it('retainGrad keeps .grad on an intermediate tensor; others stay null', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const kept = x.mul(2).retainGrad();
    const dropped = kept.mul(5);
    dropped.sum().backward();
    expect(values(kept.grad)).toEqual([5, 5]);
    expect(dropped.grad).toBeNull();
  });

  it('detach shares data, has no graph, and stops gradients', () => {
    const x = tensor([2, 3], { requiresGrad: true });
    const d = x.detach();
    expect(d.data).toBe(x.data);
    expect(d.requiresGrad).toBe(false);
    expect(d.node).toBeNull();
    d.mul(x).sum().backward(); // only the direct use of x counts: ∂/∂x = d
    expect(values(x.grad)).toEqual([2, 3]);
  });

  it('requiresGrad toggles on leaves and decides what is recorded', () => {
    const x = tensor([1, 2]);
    expect(x.mul(2).node).toBeNull();
    x.requiresGrad = true;
    expect(x.mul(2).node?.op).toBe('mul');
    x.requiresGrad = false;
    expect(x.mul(2).requiresGrad).toBe(false);
  });

  it('requiresGrad cannot be switched off on a non-leaf, and the error says to detach', () => {
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(
      "requiresGrad: can only be changed on leaf tensors; this one was made by 'mul' (use detach())",
    );
  });
});

describe('noGrad', () => {
  it('records nothing: no node, requiresGrad false', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2).exp().sum());
    expect(y.node).toBeNull();
    expect(y.requiresGrad).toBe(false);
    expect(y.item()).toBeCloseTo(Math.exp(2) + Math.exp(4), 4);
  });

  it('can be undone inside by enableGrad, and restores the mode after an exception', () => {
    const x = tensor([1], { requiresGrad: true });
    const inner = noGrad(() => enableGrad(() => x.mul(2)));
    expect(inner.node?.op).toBe('mul');
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });
});
