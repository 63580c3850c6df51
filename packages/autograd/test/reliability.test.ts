import { DTypeError, describeValue, full, Generator, randperm, tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';

describe('validation gaps closed by the reliability audit', () => {
  it('describeValue shows any value without throwing, even an object with no usable toString', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('1,2');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue({ toString: '' })).toBe('[object]');
    expect(describeValue(Object.create(null))).toBe('[object]');
    expect(() => full([2], { toString: '' } as never)).toThrow(/^full: /);
  });

  it('to() refuses an unknown dtype instead of silently keeping float32', () => {
    expect(() => tensor([1, 2]).to('int32' as never)).toThrow(DTypeError);
    expect(() => tensor([1, 2]).to('int32' as never)).toThrow(/^to: unknown dtype 'int32'/);
    expect(tensor([1, 2]).to('float64').dtype).toBe('float64');
  });

  it('full() refuses a non-number fill value instead of filling NaN', () => {
    expect(() => full([2], 'a' as never)).toThrow(/^full: value must be a number, got string/);
    expect([...full([2], Number.NaN).data].every(Number.isNaN)).toBe(true); // NaN itself is a number
  });

  it('randperm refuses negative, fractional and huge n with a named RangeError', () => {
    for (const n of [-1, 2.5, Number.NaN, 2 ** 31]) {
      expect(() => randperm(n)).toThrow(/^randperm: n must be an integer in \[0, 2\^31\)/);
    }
    expect(randperm(0, new Generator(1))).toHaveLength(0);
    expect([...randperm(4, new Generator(1))].sort()).toEqual([0, 1, 2, 3]);
  });
});
