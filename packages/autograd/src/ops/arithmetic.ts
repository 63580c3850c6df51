/**
 * Arithmetic: add, sub, mul, div, neg, pow — and `unbroadcast`, the one helper every binary
 * op's backward shares.
 *
 * Broadcasting copies an operand along new or size-1 dims in the forward pass, so in the
 * backward pass the copies' gradients must be summed back: if a [3] vector was broadcast to
 * [2, 3], ∂L/∂a[j] = Σᵢ ∂L/∂y[i, j]. `unbroadcast(g, shape)` does exactly that.
 */
import { record } from '../engine.js';
import { DTypeError } from '../errors.js';
import { type BinaryOp, binaryBroadcast, binarySame, binaryScalar, unary } from '../kernels/elementwise.js';
import { broadcastShapes, type Shape, shapesEqual } from '../shape.js';
import { type DType, Tensor, type TensorLike } from '../tensor.js';
import { log } from './unary.js';

/** A number becomes a rank-0 tensor of `dtype`; a tensor is returned as is. */
export function toTensor(op: string, value: TensorLike, dtype: DType): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number')
    throw new DTypeError(op, `operand must be a Tensor or a number, got ${typeof value}`);
  const t = Tensor.empty([], dtype);
  t.data[0] = value;
  return t;
}

/** float32 ∘ float64 → float64, as PyTorch promotes. */
export function resultDType(a: Tensor, b: Tensor): DType {
  return a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
}

/** The forward of every broadcasting binary op: promote, broadcast, allocate, run the kernel. */
export function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  if (shapesEqual(a.shape, b.shape)) {
    // The common case first: no broadcasting, and the output shares a's (frozen) shape.
    const same = Tensor.empty(a.shape, resultDType(a, b));
    binarySame(op, a.data, b.data, same.data);
    return same;
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = Tensor.empty(shape, resultDType(a, b));
  if (b.size === 1 && shapesEqual(a.shape, shape)) binaryScalar(op, a.data, b.data[0]!, true, out.data);
  else if (a.size === 1 && shapesEqual(b.shape, shape)) binaryScalar(op, b.data, a.data[0]!, false, out.data);
  else binaryBroadcast(op, a.data, a.shape, b.data, b.shape, out.data, shape);
  return out;
}

/** Both operands as tensors; a plain number takes the other operand's dtype. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const dtype: DType = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  return [toTensor(op, a, dtype), toTensor(op, b, dtype)];
}

/**
 * Sums `g` over the dims that broadcasting added or stretched, so that it has `shape` again.
 *   [2, 3] → [3]: sum over dim 0;   [2, 3] → [2, 1]: sum over dim 1, keeping it.
 */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  return g.sum(dims, true).reshape(shape);
}

/**
 * Addition with broadcasting.
 *   forward:  y = a + b
 *   backward: ∂L/∂a = ∂L/∂y,  ∂L/∂b = ∂L/∂y   (each unbroadcast to its input's shape)
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('add', a, b);
  const out = binaryForward('add', x, y);
  return record('add', [x, y], out, (g) => [
    x.requiresGrad ? unbroadcast(g, x.shape) : null,
    y.requiresGrad ? unbroadcast(g, y.shape) : null,
  ]);
}

/**
 * Subtraction with broadcasting.
 *   forward:  y = a − b
 *   backward: ∂L/∂a = ∂L/∂y,  ∂L/∂b = −∂L/∂y
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('sub', a, b);
  const out = binaryForward('sub', x, y);
  return record('sub', [x, y], out, (g) => [
    x.requiresGrad ? unbroadcast(g, x.shape) : null,
    y.requiresGrad ? unbroadcast(neg(g), y.shape) : null,
  ]);
}

/**
 * Element-wise product with broadcasting.
 *   forward:  y = a · b
 *   backward: ∂L/∂a = ∂L/∂y · b,  ∂L/∂b = ∂L/∂y · a   (saves both inputs)
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('mul', a, b);
  const out = binaryForward('mul', x, y);
  return record('mul', [x, y], out, (g) => [
    x.requiresGrad ? unbroadcast(mul(g, y), x.shape) : null,
    y.requiresGrad ? unbroadcast(mul(g, x), y.shape) : null,
  ]);
}

/**
 * Element-wise quotient with broadcasting.
 *   forward:  y = a / b
 *   backward: ∂L/∂a = ∂L/∂y / b,  ∂L/∂b = −∂L/∂y · a / b² = −∂L/∂y · (a / b) / b
 * The second form (PyTorch's) avoids overflowing b² when b is large.
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('div', a, b);
  const out = binaryForward('div', x, y);
  return record('div', [x, y], out, (g) => [
    x.requiresGrad ? unbroadcast(div(g, y), x.shape) : null,
    y.requiresGrad ? unbroadcast(neg(mul(g, div(div(x, y), y))), y.shape) : null,
  ]);
}

/**
 * Negation.
 *   forward:  y = −x
 *   backward: ∂L/∂x = −∂L/∂y
 */
export function neg(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape, x.dtype);
  unary('neg', x.data, out.data);
  return record('neg', [x], out, (g) => [neg(g)]);
}

/**
 * Power with broadcasting.
 *   forward:  y = aᵇ
 *   backward: ∂L/∂a = ∂L/∂y · b · aᵇ⁻¹,  ∂L/∂b = ∂L/∂y · aᵇ · ln a
 * Where the formulas meet 0 · ∞ we follow PyTorch's pow_backward: ∂L/∂a is 0 where b = 0
 * (even at a = 0, where aᵇ⁻¹ = ∞), and ∂L/∂b is 0 where a = 0 and b ≥ 0 (the limit of
 * aᵇ · ln a). Both are done by nudging the operand that would blow up, with constant masks,
 * so the backward stays differentiable.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands('pow', a, b);
  const out = binaryForward('pow', x, y);
  return record('pow', [x, y], out, (g) => [
    x.requiresGrad ? unbroadcast(mul(g, powBaseFactor(x, y)), x.shape) : null,
    y.requiresGrad ? unbroadcast(mul(g, powExponentFactor(x, y, out)), y.shape) : null,
  ]);
}

/** b · aᵇ⁻¹, with 0 where b = 0: there the exponent b − 1 becomes 0, so aᵇ⁻¹ is 1, times b = 0. */
function powBaseFactor(x: Tensor, y: Tensor): Tensor {
  return mul(y, pow(x, add(sub(y, 1), y.eq(0))));
}

/** aᵇ · ln a, with 0 where a = 0 and b ≥ 0: there ln a becomes ln 1 = 0 (aᵇ is 0 or 1). */
function powExponentFactor(x: Tensor, y: Tensor, out: Tensor): Tensor {
  const zeroBase = mul(x.eq(0), y.ge(0));
  return mul(out, log(add(x, zeroBase)));
}
