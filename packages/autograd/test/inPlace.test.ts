import { ArgumentError, DTypeError, noGrad, ShapeError, type Tensor, tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('in-place ops: values', () => {
  it('addInPlace/subInPlace/mulInPlace/divInPlace equal their out-of-place ops, with broadcasting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.double({ min: 0.5, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (xs, ys) => {
          const b = tensor(ys, { dtype: 'float64' }); // [3] broadcasts to [2, 3]
          for (const [name, outOfPlace] of [
            ['addInPlace', 'add'],
            ['subInPlace', 'sub'],
            ['mulInPlace', 'mul'],
            ['divInPlace', 'div'],
          ] as const) {
            const x = tensor(xs, { dtype: 'float64', shape: [2, 3] });
            const expected = x[outOfPlace](b).toArray();
            const returned = x[name](b);
            expect(returned).toBe(x);
            expect(x.toArray()).toEqual(expected);
            expect(x.version).toBe(1);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('scalar operands, fill, zero and copyFrom (broadcast, cast to the dtype)', () => {
    const x = tensor([1, 2, 3, 4], { shape: [2, 2] });
    x.addInPlace(1).mulInPlace(2).subInPlace(1).divInPlace(tensor(2));
    expect(x.toArray()).toEqual([
      [1.5, 2.5],
      [3.5, 4.5],
    ]);
    expect(x.version).toBe(4);
    x.fill(7);
    expect(x.toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    x.zero();
    expect([...x.data]).toEqual([0, 0, 0, 0]);
    x.copyFrom(tensor([[5], [6]], { dtype: 'float64' }));
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([
      [5, 5],
      [6, 6],
    ]);
    expect(x.version).toBe(7);
  });

  it('an operand sharing the storage (x itself, a reshape) is read before it is overwritten', () => {
    const x = tensor([1, 2, 3, 4], { shape: [1, 4] });
    x.addInPlace(x.reshape([4]));
    expect([...x.data]).toEqual([2, 4, 6, 8]);
    x.mulInPlace(x);
    expect([...x.data]).toEqual([4, 16, 36, 64]);
  });

  it('reshape and detach share the version counter; clone does not', () => {
    const x = tensor([1, 2, 3, 4]);
    const r = x.reshape([2, 2]);
    const d = x.detach();
    const c = x.clone();
    d.addInPlace(1);
    expect(x.version).toBe(1);
    expect(r.version).toBe(1);
    expect(c.version).toBe(0);
    expect([...r.data]).toEqual([2, 3, 4, 5]);
  });
});

describe('in-place ops: errors', () => {
  it('refuses operands that do not broadcast to the tensor shape, and non-tensors', () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.addInPlace(tensor([1, 2]))).toThrow(ShapeError);
    // Broadcasting may not grow x: [3] + [2, 3] would be [2, 3].
    expect(() =>
      x.mulInPlace(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
    ).toThrow(/mulInPlace: operand of shape \[2, 3\] does not broadcast to the tensor's shape \[3\]/);
    expect(() => x.addInPlace('1' as unknown as number)).toThrow(DTypeError);
    expect(() => x.fill(Number('x') as number)).not.toThrow(); // NaN is a number; fill writes it
    expect(() => x.fill('1' as unknown as number)).toThrow(/fill: value must be a number/);
    expect(() => x.copyFrom([1, 2, 3] as unknown as Tensor)).toThrow(/copyFrom: operand must be a Tensor/);
  });

  it('refuses a leaf that requires grad outside noGrad, and allows it inside', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.addInPlace(1)).toThrow(
      /addInPlace: a leaf tensor that requires grad cannot be modified in place: shape \[2\]; do it under noGrad/,
    );
    expect(() => w.zero()).toThrow(ArgumentError);
    expect(w.version).toBe(0);
    noGrad(() => w.subInPlace(tensor([0.5, 0.5])));
    expect([...w.data]).toEqual([0.5, 1.5]);
    expect(w.version).toBe(1);
  });

  it('refuses a non-leaf that requires grad (no in-place gradient here)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = w.mul(2);
    expect(() => y.addInPlace(1)).toThrow(
      /addInPlace: tensor made by 'mul' requires grad, and in-place ops have no gradient/,
    );
  });
});

describe('version counters in backward', () => {
  it("modifying a tensor that 'mul' saved makes backward throw PyTorch's error", () => {
    const w = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], requiresGrad: true });
    const x = tensor([1, 1, 1, 1, 1, 1], { shape: [2, 3] });
    const loss = w.mul(x).sum();
    x.addInPlace(1);
    expect(() => loss.backward()).toThrow(
      "backward: a tensor needed by 'mul' was modified in place (version 0 → 1): shape [2, 3]",
    );
  });

  it('through a reshape: modifying the view is modifying the saved tensor', () => {
    const w = tensor([1, 2, 3, 4], { requiresGrad: true });
    const x = tensor([1, 2, 3, 4]);
    const loss = w.mul(x).sum();
    x.reshape([2, 2]).mulInPlace(3);
    expect(() => loss.backward()).toThrow(/needed by 'mul' was modified in place \(version 0 → 1\)/);
  });

  it("a saved output modified under noGrad is caught too ('exp' saves its result)", () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = x.exp();
    noGrad(() => y.fill(0));
    expect(() => y.backward(tensor([1, 1]))).toThrow(/needed by 'exp' was modified in place .*its output/);
  });

  it('the check is conservative: every input counts, also one the op does not save (unlike PyTorch)', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = x.exp();
    const loss = y.sum(); // sum's backward needs only y's shape, PyTorch would not complain
    noGrad(() => y.fill(0));
    expect(() => loss.backward()).toThrow(/needed by 'sum' was modified in place .*input 0/);
  });

  it('a parameter updated by an in-place step between forward and backward is caught; a fresh graph works', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]);
    const stale = w.mul(x).sum();
    noGrad(() => w.subInPlace(0.1));
    expect(() => stale.backward()).toThrow(/version 0 → 1/);
    // Versions recorded at 1 now: the new graph checks against those.
    const fresh = w.mul(x).sum();
    fresh.backward();
    expect([...w.grad!.data]).toEqual([3, 4]);
  });

  it('modifications before recording are fine; retained graphs are re-checked on the second backward', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const x = tensor([3, 4]).addInPlace(1); // version 1 before the graph exists
    const loss = w.mul(x).sum();
    loss.backward(undefined, { retainGraph: true });
    expect([...w.grad!.data]).toEqual([4, 5]);
    x.addInPlace(1);
    expect(() => loss.backward()).toThrow(/version 1 → 2/);
  });
});
