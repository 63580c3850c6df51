/**
 * Matrix products: matmul (PyTorch's torch.matmul) and linear (F.linear: x·Wᵀ + b).
 *
 * Both run on one internal differentiable op, `matmulT(a, b, transA, transB)`, which multiplies
 * op(A)·op(B) with op = identity or transpose *without copying a transpose*: the flags go down to
 * the gemm kernel, whose packing reads either layout. Its backward is again made of matmulT calls
 * (with other flags), so gradients of gradients work and no backward ever materialises Aᵀ or Bᵀ.
 */
import { record } from '../engine.js';
import { ShapeError } from '../errors.js';
import { gemm } from '../kernels/gemm.js';
import { formatShape, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { resultDType, unbroadcast } from './arithmetic.js';

/**
 * Matrix product with PyTorch's rules for ranks:
 *   1-D · 1-D        dot product → scalar
 *   1-D · N-D        a is treated as [1, k]; the added dim is removed from the result
 *   N-D · 1-D        b is treated as [k, 1]; the added dim is removed from the result
 *   N-D · N-D        [..., m, k] · [..., k, n] → [..., m, n]; the batch dims (...) broadcast
 *   forward:  C = A·B
 *   backward: ∂L/∂A = ∂L/∂C · Bᵀ,   ∂L/∂B = Aᵀ · ∂L/∂C   (summed over broadcast batch dims)
 * float32 · float64 gives float64, as for the element-wise ops.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const shapes = `${formatShape(a.shape)} @ ${formatShape(b.shape)}`;
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError('matmul', `both operands need at least 1 dim, got ${shapes}`, [a.shape, b.shape]);
  }
  const k = a.shape[a.ndim - 1]!;
  if (k !== (b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!)) {
    throw new ShapeError('matmul', `inner dimensions differ: ${shapes}`, [a.shape, b.shape]);
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (!broadcastable(aBatch, bBatch)) {
    throw new ShapeError('matmul', `batch dims cannot be broadcast: ${shapes}`, [a.shape, b.shape]);
  }
  if (a.ndim === 1 && b.ndim === 1)
    return matmulT(a.reshape([1, k]), b.reshape([k, 1]), false, false).reshape([]);
  if (a.ndim === 1) {
    const y = matmulT(a.reshape([1, k]), b, false, false);
    return y.reshape([...y.shape.slice(0, -2), y.shape[y.ndim - 1]!]);
  }
  if (b.ndim === 1) {
    const y = matmulT(a, b.reshape([k, 1]), false, false);
    return y.reshape(y.shape.slice(0, -1));
  }
  return matmulT(a, b, false, false);
}

/**
 * Fully connected layer, PyTorch's F.linear: y = x·Wᵀ + b, with x [..., in], W [out, in],
 * b [out], y [..., out]. The leading dims of x are flattened into N rows (no copy), and Wᵀ is the
 * gemm's transB flag (no copy). Kept as one node so a layer costs one graph entry.
 *   forward:  y = x·Wᵀ + b
 *   backward: ∂L/∂x = G·W          ∂L/∂W = Gᵀ·x  (over the N rows)     ∂L/∂b = Σₙ G[n, :]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const fmt = formatShape;
  if (weight.ndim !== 2) {
    throw new ShapeError('linear', `weight must be 2-D [out, in], got ${fmt(weight.shape)}`, [weight.shape]);
  }
  const [outF, inF] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      'linear',
      `input features differ from weight: input ${fmt(x.shape)}, weight ${fmt(weight.shape)}`,
      [x.shape, weight.shape],
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError('linear', `bias must have shape [${outF}], got ${fmt(bias.shape)}`, [bias.shape]);
  }
  const rows = sizeOf(x.shape.slice(0, -1));
  const outShape = [...x.shape.slice(0, -1), outF];
  const dtype = resultDType(x, weight) === 'float64' || bias?.dtype === 'float64' ? 'float64' : 'float32';
  const y = Tensor.empty(outShape, dtype);
  // With a bias, every row of y starts as b (a block copy) and the product accumulates onto it,
  // which the gemm's micro-kernel does as it stores C: no separate pass adding b over y.
  if (bias) for (let r = 0; r < rows; r++) y.data.set(bias.data, r * outF);
  gemm(false, true, rows, outF, inF, x.data, 0, weight.data, 0, y.data, 0, Boolean(bias));

  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('linear', inputs, y, (g) => {
    const g2 = g.reshape([rows, outF]);
    return [
      x.requiresGrad ? matmulT(g2, weight, false, false).reshape(x.shape) : null,
      weight.requiresGrad ? matmulT(g2, x.reshape([rows, inF]), true, false) : null,
      ...(bias ? [bias.requiresGrad ? g2.sum(0) : null] : []),
    ];
  });
}

/**
 * op(A)·op(B) over the last two dims, batch dims broadcast; op(A) = Aᵀ when transA (A stored
 * [..., k, m]), likewise B. Callers have validated the shapes. Differentiable, and its backward
 * is matmulT again, so nothing is ever transposed in memory:
 *   ∂L/∂A = G·op(B)ᵀ        (when transA: ∂L/∂A = op(B)·Gᵀ, the transpose of that)
 *   ∂L/∂B = op(A)ᵀ·G        (when transB: ∂L/∂B = Gᵀ·op(A))
 * each then summed over the batch dims that broadcasting stretched (unbroadcast).
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const [aRows, aCols] = lastTwo(a.shape);
  const [bRows, bCols] = lastTwo(b.shape);
  const m = transA ? aCols : aRows;
  const k = transA ? aRows : aCols;
  const n = transB ? bRows : bCols;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastBatch(aBatch, bBatch);
  const y = Tensor.empty([...batch, m, n], resultDType(a, b));
  const count = sizeOf(batch);
  const aStep = m * k;
  const bStep = k * n;
  const cStep = m * n;
  if (sizeOf(bBatch) === 1 && sizeOf(aBatch) === count && !transA) {
    // B is one matrix shared by every batch entry and A's matrices lie back to back: the whole
    // batch is one [count·m, k] · [k, n] product.
    gemm(false, transB, count * m, n, k, a.data, 0, b.data, 0, y.data, 0, false);
  } else {
    const aIndex = batchIndex(aBatch, batch);
    const bIndex = batchIndex(bBatch, batch);
    for (let t = 0; t < count; t++) {
      gemm(
        transA,
        transB,
        m,
        n,
        k,
        a.data,
        aIndex[t]! * aStep,
        b.data,
        bIndex[t]! * bStep,
        y.data,
        t * cStep,
        false,
      );
    }
  }

  return record('matmul', [a, b], y, (g) => [
    a.requiresGrad
      ? unbroadcast(transA ? matmulT(b, g, transB, true) : matmulT(g, b, false, !transB), a.shape)
      : null,
    b.requiresGrad ? gradB(a, g, transA, transB, b.shape) : null,
  ]);
}

/** ∂L/∂B; when one 2-D B served a whole batch of A (not transposed), one gemm over all rows. */
function gradB(a: Tensor, g: Tensor, transA: boolean, transB: boolean, bShape: Shape): Tensor {
  if (bShape.length === 2 && a.ndim > 2 && !transA) {
    const k = a.shape[a.ndim - 1]!;
    const n = g.shape[g.ndim - 1]!;
    const a2 = a.reshape([-1, k]);
    const g2 = g.reshape([-1, n]);
    return transB ? matmulT(g2, a2, true, false) : matmulT(a2, g2, true, false);
  }
  return unbroadcast(transB ? matmulT(g, a, true, transA) : matmulT(a, g, !transA, false), bShape);
}

function lastTwo(shape: Shape): [number, number] {
  return [shape[shape.length - 2]!, shape[shape.length - 1]!];
}

function broadcastable(a: Shape, b: Shape): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const da = a[a.length - i]!;
    const db = b[b.length - i]!;
    if (da !== db && da !== 1 && db !== 1) return false;
  }
  return true;
}

function broadcastBatch(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each entry of the broadcast `batch`, the index of the operand's matrix (size-1 dims repeat). */
function batchIndex(own: Shape, batch: Shape): Int32Array {
  const count = sizeOf(batch);
  const index = new Int32Array(count);
  const lead = batch.length - own.length;
  for (let t = 0; t < count; t++) {
    let rest = t;
    let idx = 0;
    let stride = 1;
    for (let d = batch.length - 1; d >= lead; d--) {
      const coord = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      const size = own[d - lead]!;
      if (size !== 1) idx += coord * stride;
      stride *= size;
    }
    index[t] = idx;
  }
  return index;
}
