import { tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';

describe('smoke', () => {
  it('add/mul backward with broadcasting', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([10, 20, 30], { requiresGrad: true });
    const y = a.mul(b).add(a).sum();
    y.backward();
    expect(y.item()).toBe(1 * 10 + 2 * 20 + 3 * 30 + 4 * 10 + 5 * 20 + 6 * 30 + 21);
    expect(a.grad!.toArray()).toEqual([
      [11, 21, 31],
      [11, 21, 31],
    ]);
    expect(b.grad!.toArray()).toEqual([5, 7, 9]);
  });
});
