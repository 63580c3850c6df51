/**
 * Shape arithmetic shared by ops and kernels. A shape is a list of non-negative integers;
 * `[]` is a scalar (rank 0, one element). Storage is contiguous and row-major.
 */
import { ArgumentError, ShapeError } from './errors.js';

export type Shape = readonly number[];

/** Number of elements: the product of the dims (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: strides[i] = product of shape[i+1..]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** `[2, 3]` → `'[2, 3]'`, the form every error message uses. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * NumPy/PyTorch broadcasting: align shapes on the right; each pair of dims must be equal or
 * one of them 1. `[4, 1, 3]` and `[2, 1]` → `[4, 2, 3]`.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `shapes cannot be broadcast: ${formatShape(a)} and ${formatShape(b)}`, [a, b]);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative dim against `rank` (PyTorch: -1 is the last dim). */
export function normalizeDim(op: string, dim: number, rank: number, shape?: Shape): number {
  const shown = shape ? formatShape(shape) : `rank ${rank}`;
  if (!Number.isInteger(dim)) throw new ArgumentError(op, `dim must be an integer, got ${dim}`);
  // A scalar accepts dim 0 and -1, as in PyTorch.
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r)
    throw new ShapeError(op, `dim ${dim} out of range for shape ${shown}`, shape ? [shape] : []);
  return dim < 0 ? dim + r : dim;
}

/** Checks that every entry is a non-negative integer; returns a copy. */
export function checkShape(op: string, shape: Shape): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, `shape entries must be non-negative integers, got ${formatShape(shape)}`);
    }
  }
  return [...shape];
}
