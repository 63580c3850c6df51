import {
  ArgumentError,
  arange,
  DTypeError,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  randint,
  randLike,
  randn,
  randnLike,
  ShapeError,
  Tensor,
  tensor,
  zeros,
  zerosLike,
} from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';

describe('tensor', () => {
  it('makes a scalar from a number', () => {
    const t = tensor(2.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(2.5);
    expect(t.dtype).toBe('float32');
  });

  it('infers the shape of nested arrays, row-major', () => {
    const t = tensor([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
    expect(t.shape).toEqual([1, 3, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
  });

  it('copies typed and plain arrays, and lays them out with { shape }', () => {
    const source = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(source, { shape: [2, 3], dtype: 'float64' });
    source[0] = 99;
    expect(t.shape).toEqual([2, 3]);
    expect(t.data[0]).toBe(1);
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(
      /^tensor: 3 values cannot fill shape \[2, 2\]/,
    );
  });

  it('takes dtype and requiresGrad', () => {
    const t = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(t.requiresGrad).toBe(true);
    expect(t.isLeaf).toBe(true);
  });

  it('rounds to float32 by default', () => {
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).data[0]).toBe(0.1);
  });

  it('rejects ragged nested arrays, saying where', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array: expected 2 entries at depth 1, got 1',
    );
    expect(() => tensor([[1, 2], 3] as unknown as number[][])).toThrow(
      /^tensor: ragged nested array: expected an array at depth 1, got 3/,
    );
    expect(() => tensor([1, [2]] as unknown as number[])).toThrow(
      /^tensor: ragged nested array: unexpected array at depth 1/,
    );
  });

  it('rejects values that are not numbers, and unknown dtypes', () => {
    expect(() => tensor(['a'] as unknown as number[])).toThrow(DTypeError);
    expect(() => tensor(['a'] as unknown as number[])).toThrow(/^tensor: values must be numbers, got string/);
    expect(() => zeros([2], { dtype: 'int32' as 'float32' })).toThrow(/^zeros: unknown dtype 'int32'/);
  });
});

describe('filled tensors', () => {
  it('zeros, ones and full fill their shape, in either dtype', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    const o = ones([3], { dtype: 'float64', requiresGrad: true });
    expect(Array.from(o.data)).toEqual([1, 1, 1]);
    expect(o.dtype).toBe('float64');
    expect(o.requiresGrad).toBe(true);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).size).toBe(0);
  });

  it('reject shapes with negative or fractional dims', () => {
    expect(() => zeros([2, -1])).toThrow(
      /^zeros: shape entries must be non-negative integers, got \[2, -1\]/,
    );
    expect(() => ones([1.5])).toThrow(/shape entries must be non-negative integers/);
  });

  it('eye makes an identity, square or rectangular', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3, { dtype: 'float64' }).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('the *Like forms copy shape and dtype, unless overridden', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float64' });
    for (const t of [zerosLike(x), onesLike(x), fullLike(x, 3), randnLike(x), randLike(x)]) {
      expect(t.shape).toEqual([1, 3]);
      expect(t.dtype).toBe('float64');
    }
    expect(zerosLike(x, { dtype: 'float32' }).dtype).toBe('float32');
    expect(Array.from(fullLike(x, 3).data)).toEqual([3, 3, 3]);
    expect(onesLike(x, { requiresGrad: true }).requiresGrad).toBe(true);
  });
});

describe('ranges', () => {
  it('arange follows PyTorch: end excluded, length ⌈(end − start) / step⌉', () => {
    expect(Array.from(arange(5).data)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(arange(1, 4).data)).toEqual([1, 2, 3]);
    expect(Array.from(arange(0, 1, 0.25, { dtype: 'float64' }).data)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(arange(3, 0, -1).data)).toEqual([3, 2, 1]);
    expect(arange(0, 1, 0.3).size).toBe(4);
    expect(arange(2, 1).size).toBe(0);
  });

  it('arange rejects a zero or infinite step', () => {
    expect(() => arange(0, 1, 0)).toThrow(ArgumentError);
    expect(() => arange(0, 1, 0)).toThrow(/^arange: step must be finite and non-zero, got 0/);
  });

  it('linspace includes both ends exactly', () => {
    const t = linspace(0, 1, 5, { dtype: 'float64' });
    expect(Array.from(t.data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const u = linspace(-1, 0.3, 7, { dtype: 'float64' });
    expect(u.data[0]).toBe(-1);
    expect(u.data[6]).toBe(0.3);
    expect(Array.from(linspace(2, 5, 1).data)).toEqual([2]);
    expect(linspace(2, 5, 0).size).toBe(0);
    expect(() => linspace(0, 1, -1)).toThrow(/^linspace: steps must be a non-negative integer, got -1/);
  });
});

describe('random creation', () => {
  it('randn, rand and randint take shape, dtype and requiresGrad', () => {
    const a = randn([2, 3], { dtype: 'float64', requiresGrad: true });
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float64');
    expect(a.requiresGrad).toBe(true);
    const r = randint(-2, 3, [1000]);
    for (const v of r.data) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThan(3);
    }
    expect(new Set(r.data).size).toBe(5);
    expect(() => randint(3, 3, [1])).toThrow(/^randint: need integers low < high, got low 3, high 3/);
  });
});

describe('dtype conversion', () => {
  it('.double() and .float() convert, rounding to float32', () => {
    const x = tensor([0.1, 2], { dtype: 'float64' });
    const f = x.float();
    expect(f.dtype).toBe('float32');
    expect(f.data[0]).toBe(Math.fround(0.1));
    const d = f.double();
    expect(d.dtype).toBe('float64');
    expect(d.data[0]).toBe(Math.fround(0.1));
    expect(x.to('float32').dtype).toBe('float32');
  });

  it('returns the same tensor when the dtype already matches', () => {
    const x = tensor([1]);
    expect(x.float()).toBe(x);
    expect(x.to('float32')).toBe(x);
  });

  it('passes gradients back in the original dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.double().mul(3).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.data)).toEqual([3, 3]);
  });
});

describe('Tensor constructor', () => {
  it('checks that the data fills the shape', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(
      /^Tensor: data has 5 elements but shape \[2, 3\] needs 6/,
    );
  });
});

describe('creation: sizes beyond what a typed array can hold', () => {
  it('arange and zeros name the op and the shape instead of a bare RangeError', () => {
    expect(() => arange(0, 1e12)).toThrow(
      /arange: shape \[1000000000000\] has 1000000000000 elements, more than/,
    );
    expect(() => zeros([65536, 65536])).toThrow(/zeros: shape \[65536, 65536\] has/);
  });
});
