/**
 * In-place ops: addInPlace, subInPlace, mulInPlace, divInPlace, fill, zero, copyFrom.
 * Each writes into the tensor's own storage, bumps its version counter, and returns the tensor.
 *
 * Why version counters. A recorded op may keep its inputs (or its output) for the backward
 * pass: `mul` saves both operands, `exp` saves its result. If one of them is overwritten before
 * `backward()`, the gradient would be computed from the new values, silently wrong. So every
 * storage carries a counter (shared by reshapes and `detach()`, which share the storage), the
 * engine's `record` notes the versions of a node's inputs and output, and the backward pass
 * refuses a node whose tensors changed since (`checkVersions`), as PyTorch does. This check is
 * conservative: it covers every input, also those an op does not actually save.
 *
 * What is refused. Outside `noGrad`, a tensor that requires grad cannot be modified in place:
 *   - a leaf (a parameter): its gradient would describe a value it no longer holds; update it
 *     under `noGrad(() => w.subInPlace(…))`, as the optimizers do;
 *   - a non-leaf: these ops have no backward here (PyTorch rewires the graph to give them one);
 *     use the out-of-place op (`y.add(1)` rather than `y.addInPlace(1)`).
 * Under `noGrad` both are allowed; the version counter then catches any backward that needs them.
 */
import type { Node } from '../engine.js';
import { isGradEnabled } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import {
  type BinaryOp,
  binaryBroadcast,
  binarySame,
  binaryScalar,
  broadcastTo,
} from '../kernels/elementwise.js';
import { broadcastShapes, formatShape, type Shape, shapesEqual } from '../shape.js';
import { Tensor, type TensorLike, type TypedArray } from '../tensor.js';

/** x ← x + other (other broadcast to x's shape). */
export function addInPlace(x: Tensor, other: TensorLike): Tensor {
  return binaryInPlace('addInPlace', 'add', x, other);
}

/** x ← x − other (other broadcast to x's shape). */
export function subInPlace(x: Tensor, other: TensorLike): Tensor {
  return binaryInPlace('subInPlace', 'sub', x, other);
}

/** x ← x · other (other broadcast to x's shape). */
export function mulInPlace(x: Tensor, other: TensorLike): Tensor {
  return binaryInPlace('mulInPlace', 'mul', x, other);
}

/** x ← x / other (other broadcast to x's shape). */
export function divInPlace(x: Tensor, other: TensorLike): Tensor {
  return binaryInPlace('divInPlace', 'div', x, other);
}

/** x ← value everywhere. */
export function fill(x: Tensor, value: number): Tensor {
  checkWritable('fill', x);
  if (typeof value !== 'number') throw new DTypeError('fill', `value must be a number, got ${typeof value}`);
  x.data.fill(value);
  return bump(x);
}

/** x ← 0 everywhere. */
export function zero(x: Tensor): Tensor {
  checkWritable('zero', x);
  x.data.fill(0);
  return bump(x);
}

/** x ← src, element by element (src broadcast to x's shape; values cast to x's dtype). */
export function copyFrom(x: Tensor, src: Tensor): Tensor {
  checkWritable('copyFrom', x);
  const b = operand('copyFrom', x, src);
  if (shapesEqual(b.shape, x.shape)) x.data.set(b.data);
  else broadcastTo(b.data, b.shape, x.data, x.shape);
  return bump(x);
}

/**
 * The engine's check before a node's backward: every input and the output still hold the
 * values they had when the node was recorded (versions unchanged).
 * `saved` is null when all versions were 0 at recording, the common case (no allocation).
 */
export function checkVersions(node: Node, output: Tensor): void {
  const saved = node.savedVersions;
  const n = node.inputs.length;
  for (let i = 0; i <= n; i++) {
    const t = i < n ? node.inputs[i]! : output;
    const was = saved === null ? 0 : saved[i]!;
    if (t.version !== was) {
      throw new ArgumentError(
        'backward',
        `a tensor needed by '${node.op}' was modified in place (version ${was} → ${t.version}): shape ${formatShape(t.shape)}` +
          ` (${i < n ? `input ${i}` : 'its output'}); make a copy (clone()) before modifying it, or modify it after backward`,
      );
    }
  }
}

/** The versions of `inputs` then `output`, as `record` stores them when some are non-zero. */
export function snapshotVersions(inputs: readonly Tensor[], output: Tensor): number[] {
  const versions = new Array<number>(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) versions[i] = inputs[i]!.version;
  versions[inputs.length] = output.version;
  return versions;
}

function binaryInPlace(name: string, op: BinaryOp, x: Tensor, other: TensorLike): Tensor {
  checkWritable(name, x);
  if (typeof other === 'number') {
    binaryScalar(op, x.data, other, true, x.data);
    return bump(x);
  }
  const b = operand(name, x, other);
  if (shapesEqual(b.shape, x.shape)) binarySame(op, x.data, b.data, x.data);
  else if (b.size === 1) binaryScalar(op, x.data, b.data[0]!, true, x.data);
  else binaryBroadcast(op, x.data, x.shape, b.data, b.shape, x.data, x.shape);
  return bump(x);
}

/**
 * Checks that `other` is a tensor that broadcasts to x's shape without growing it. A tensor that
 * shares x's storage (x itself, or a reshape) is read from a copy, so no value is read after
 * it has been overwritten.
 */
function operand(name: string, x: Tensor, other: Tensor): { data: TypedArray; shape: Shape; size: number } {
  if (!(other instanceof Tensor)) {
    throw new DTypeError(
      name,
      `operand must be a Tensor or a number, got ${other === null ? 'null' : typeof other}`,
    );
  }
  const shape = broadcastShapes(name, x.shape, other.shape);
  if (!shapesEqual(shape, x.shape)) {
    throw new ShapeError(
      name,
      `operand of shape ${formatShape(other.shape)} does not broadcast to the tensor's shape ${formatShape(x.shape)}`,
      [x.shape, other.shape],
    );
  }
  const data = other.data.buffer === x.data.buffer ? other.data.slice() : other.data;
  return { data, shape: other.shape, size: other.size };
}

/** Refuses in-place writes that would corrupt autograd (see the file comment). */
function checkWritable(op: string, x: Tensor): void {
  if (!x.requiresGrad || !isGradEnabled()) return;
  if (x.node === null) {
    throw new ArgumentError(
      op,
      `a leaf tensor that requires grad cannot be modified in place: shape ${formatShape(x.shape)}; ` +
        'do it under noGrad(() => …), as optimizer steps do',
    );
  }
  throw new ArgumentError(
    op,
    `tensor made by '${x.node.op}' requires grad, and in-place ops have no gradient: shape ${formatShape(x.shape)}; ` +
      'use the out-of-place op instead (add, sub, mul, div)',
  );
}

function bump(x: Tensor): Tensor {
  x.versionCounter.version++;
  return x;
}
