/**
 * Reading golden values written by tools/golden/*.py (PyTorch 1.13) and comparing with them.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '@tsgrad/autograd';
import { expect } from 'vitest';

export interface GoldenTensor {
  shape: number[];
  data: Array<number | 'NaN' | 'Infinity' | '-Infinity'>;
}

/** Parses test/golden/<name>.json. */
export function loadGolden<T = Record<string, unknown>>(name: string): T {
  const url = new URL(`./golden/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

function decode(v: number | string): number {
  return typeof v === 'number' ? v : Number(v);
}

/** A golden tensor as a float64 (default) or float32 Tensor. */
export function fromGolden(g: GoldenTensor, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const values = g.data.map(decode);
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, g.shape);
}

/** Asserts same shape and |actual − expected| ≤ atol + rtol·|expected| everywhere (NaN matches NaN). */
export function expectCloseToGolden(
  actual: Tensor,
  expected: GoldenTensor,
  rtol: number,
  atol: number,
  what = '',
): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  for (let i = 0; i < actual.size; i++) {
    const a = actual.data[i]!;
    const e = decode(expected.data[i]!);
    if (Number.isNaN(e)) {
      expect(Number.isNaN(a), `${what} [${i}] expected NaN, got ${a}`).toBe(true);
    } else if (!Number.isFinite(e)) {
      expect(a, `${what} [${i}]`).toBe(e);
    } else if (Math.abs(a - e) > atol + rtol * Math.abs(e)) {
      expect.fail(`${what} [${i}]: got ${a}, PyTorch ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
