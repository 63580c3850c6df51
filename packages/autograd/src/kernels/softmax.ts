/**
 * softmax and logSoftmax along the middle axis of x viewed as [outer, n, inner] (the op's
 * dim is the middle axis; outer and inner are the products of the dims before and after it).
 * Both subtract the row's max m first: softmax(x) = softmax(x − m), and then every exponent
 * is ≤ 0, so nothing overflows and at least one term of the sum is 1 (no 0/0 either).
 * Perf: three passes over each row (max, exp-and-sum, scale) with no allocation; rows of a
 * contiguous last dim (inner = 1) are walked with stride 1.
 */
import type { Float } from './elementwise.js';

/** out = e^(x − m) / Σ e^(x − m), row by row. */
export function softmax(x: Float, outer: number, n: number, inner: number, out: Float): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = x[base + k * inner]!;
        if (v > m || Number.isNaN(v)) m = v;
      }
      let total = 0;
      for (let k = 0; k < n; k++) {
        const e = Math.exp(x[base + k * inner]! - m);
        out[base + k * inner] = e;
        total += e;
      }
      const scale = 1 / total;
      for (let k = 0; k < n; k++) out[base + k * inner] = out[base + k * inner]! * scale;
    }
  }
}

/** out = x − m − log Σ e^(x − m), row by row. */
export function logSoftmax(x: Float, outer: number, n: number, inner: number, out: Float): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = x[base + k * inner]!;
        if (v > m || Number.isNaN(v)) m = v;
      }
      let total = 0;
      for (let k = 0; k < n; k++) total += Math.exp(x[base + k * inner]! - m);
      const shift = m + Math.log(total);
      for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner]! - shift;
    }
  }
}
