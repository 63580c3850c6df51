/**
 * ops/arithmetic.ts: forward against a float64 scalar reference on random broadcasting shapes,
 * scalar operands and dtype promotion, gradients at the edge cases of pow and div, errors.
 */
import { add, DTypeError, div, mul, pow, sub, Tensor, tensor, unbroadcast } from '@tsgrad/autograd';
import { arbBroadcastShapes, arbTensors } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** out[idx] = f(a[idx broadcast], b[idx broadcast]), by explicit multi-indices (no kernels). */
function refBinary(
  a: Tensor,
  b: Tensor,
  f: (x: number, y: number) => number,
): { shape: number[]; data: number[] } {
  const rank = Math.max(a.ndim, b.ndim);
  const pad = (s: readonly number[]) => [...Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const shape = sa.map((d, i) => Math.max(d, sb[i]!));
  const size = shape.reduce((p, d) => p * d, 1);
  const flat = (s: number[], idx: number[]) =>
    idx.reduce((acc, v, i) => acc * s[i]! + (s[i] === 1 ? 0 : v), 0);
  const data: number[] = [];
  for (let k = 0; k < size; k++) {
    const idx: number[] = [];
    let r = k;
    for (let i = rank - 1; i >= 0; i--) {
      idx[i] = r % shape[i]!;
      r = Math.floor(r / shape[i]!);
    }
    data.push(f(a.data[flat(sa, idx)]!, b.data[flat(sb, idx)]!));
  }
  return { shape, data };
}

const F64 = { dtype: 'float64' as const };
const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number]> = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['div', div, (x, y) => x / y],
  ['pow', pow, (x, y) => (Math.abs(x) + 0.1) ** y],
];

describe('arithmetic forward', () => {
  for (const [name, op, f] of cases) {
    it(`${name} equals the float64 scalar reference on random broadcasting shapes`, () => {
      fc.assert(
        fc.property(arbTensors(arbBroadcastShapes(2), F64), ([a, b]) => {
          const base = name === 'pow' ? a!.abs().add(0.1) : a!;
          const y = op(base, b!);
          const ref = refBinary(a!, b!, f);
          expect(y.shape).toEqual(ref.shape);
          // Same IEEE operation on the same doubles: the results are identical.
          expect(Array.from(y.data)).toEqual(ref.data);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('accepts plain numbers on either side, in the tensor dtype', () => {
    const x = tensor([1, 2, 4]);
    expect(add(x, 1).toArray()).toEqual([2, 3, 5]);
    expect(sub(10, x).toArray()).toEqual([9, 8, 6]);
    expect(div(1, x).toArray()).toEqual([1, 0.5, 0.25]);
    expect(pow(2, x).toArray()).toEqual([2, 4, 16]);
    expect(x.pow(2).toArray()).toEqual([1, 4, 16]);
    expect(add(x, 1).dtype).toBe('float32');
    expect(add(1, x.double()).dtype).toBe('float64');
  });

  it('promotes float32 with float64 to float64 and broadcasts rank 0 with anything', () => {
    const y = add(tensor([1, 2]), tensor(0.5, { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    expect(y.toArray()).toEqual([1.5, 2.5]);
    expect(mul(tensor(3), tensor(4)).shape).toEqual([]);
  });

  it('pow follows C (and PyTorch) at the special points: 0⁰ = 1, 1^NaN = 1, (−1)^±∞ = 1', () => {
    const y = pow(
      tensor([0, 1, -1, -1, 2], F64),
      tensor([0, Number.NaN, Infinity, -Infinity, Number.NaN], F64),
    );
    expect(Array.from(y.data.slice(0, 4))).toEqual([1, 1, 1, 1]);
    expect(Number.isNaN(y.data[4]!)).toBe(true);
    expect(pow(tensor([-8], F64), 1 / 3).item()).toBeNaN();
  });

  it('NaN propagates through every op', () => {
    for (const [, op] of cases) expect(op(tensor([Number.NaN]), tensor([2])).item()).toBeNaN();
  });
});

describe('arithmetic backward', () => {
  it('sums the gradient of a broadcast operand back to its shape', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([[10], [20]], { requiresGrad: true });
    mul(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([
      [10, 10, 10],
      [20, 20, 20],
    ]);
    expect(b.grad!.toArray()).toEqual([[6], [15]]);
  });

  it('div: ∂/∂b = −g·a/b², without overflowing b² for huge b', () => {
    const a = tensor([3, 1e200], { ...F64, requiresGrad: true });
    const b = tensor([2, 1e200], { ...F64, requiresGrad: true });
    div(a, b).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0.5, 1e-200]);
    expect(b.grad!.data[0]).toBe(-0.75);
    expect(b.grad!.data[1]).toBeCloseTo(-1e-200, 210);
    expect(Number.isFinite(b.grad!.data[1]!)).toBe(true);
  });

  it('pow at base 0: ∂/∂a is 0 where b = 0 and ∂/∂b is 0 where b ≥ 0 (PyTorch), no NaN', () => {
    const a = tensor([0, 0, 0, 2], { ...F64, requiresGrad: true });
    const b = tensor([0, 2, 0.5, 0], { ...F64, requiresGrad: true });
    pow(a, b).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0, 0, Infinity, 0]);
    expect(Array.from(b.grad!.data)).toEqual([0, 0, 0, Math.log(2)]);
    // A negative exponent at base 0 keeps the infinite limit, as PyTorch.
    const c = tensor([0], { ...F64, requiresGrad: true });
    const e = tensor([-1], { ...F64, requiresGrad: true });
    pow(c, e).sum().backward();
    expect(c.grad!.item()).toBe(-Infinity);
    expect(e.grad!.item()).toBe(-Infinity);
  });

  it('pow(x, 3) differentiates twice: d²/dx² x³ = 6x', () => {
    const x = tensor([-1.5, 0.5, 2], { ...F64, requiresGrad: true });
    pow(x, 3).sum().backward(undefined, { createGraph: true });
    const first = x.grad!;
    expect(Array.from(first.data)).toEqual([6.75, 0.75, 12]);
    x.grad = null;
    first.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([-9, 3, 12]);
  });

  it('unbroadcast reduces added and stretched dims, keeping size-1 dims', () => {
    const g = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(unbroadcast(g, [3]).toArray()).toEqual([5, 7, 9]);
    expect(unbroadcast(g, [2, 1]).toArray()).toEqual([[6], [15]]);
    expect(unbroadcast(g, []).toArray()).toEqual(21);
  });

  it('scalar operands get no gradient and do not break backward', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    sub(5, x).mul(2).sum().backward();
    expect(x.grad!.toArray()).toEqual([-2, -2]);
  });
});

describe('arithmetic errors', () => {
  it('names the op and both shapes when shapes cannot broadcast', () => {
    expect(() =>
      add(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([1, 2, 3, 4]),
      ),
    ).toThrow(/add: shapes cannot be broadcast: \[2, 3\] and \[4\]/);
    expect(() => pow(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/pow: shapes cannot be broadcast/);
  });

  it('rejects operands that are neither tensors nor numbers', () => {
    expect(() => add(tensor([1]), '2' as unknown as number)).toThrow(DTypeError);
    expect(() => add(tensor([1]), '2' as unknown as number)).toThrow(
      /add: operand must be a Tensor or a number/,
    );
  });

  it('keeps Tensor construction honest for results', () => {
    expect(add(tensor([1]), 1)).toBeInstanceOf(Tensor);
  });
});
