/**
 * Anomaly detection: find the first op that made a NaN or an infinity, as PyTorch's
 * `torch.autograd.detect_anomaly`.
 *
 *   detectAnomaly(() => { const loss = model(x); loss.backward(); });
 *
 * In anomaly mode
 *   - every op's forward output is scanned: the first one holding NaN/±Inf throws, naming the op
 *     and its input shapes (the error's own stack shows where the op was called);
 *   - `record` keeps a stack trace of where each graph node was created;
 *   - every backward result is scanned: the first op whose backward returned NaN/±Inf throws,
 *     naming the op, its input shapes, and the creation stack of its forward.
 * It costs a pass over every tensor and a stack capture per op, so it is for debugging only.
 * Outside it, the engine pays one boolean check per op.
 */
import type { BackwardFn, Node } from './engine.js';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * `enabled` is read by the engine on every op. `inBackward` is set while a node's backward runs,
 * so that a NaN made there is reported as that node's backward, not as the ops it is built from.
 */
export const anomalyMode = { enabled: false, inBackward: false };

/** A NaN or an infinity found in anomaly mode. `phase` says whether forward or backward made it. */
export class AnomalyError extends Error {
  override name = 'AnomalyError';
  readonly op: string;
  readonly phase: 'forward' | 'backward';
  /** Where the op's forward ran (backward anomalies only; null if the node predates the mode). */
  readonly creationStack: string | null;

  constructor(op: string, phase: 'forward' | 'backward', message: string, creationStack: string | null) {
    super(`${op}: ${message}`);
    this.op = op;
    this.phase = phase;
    this.creationStack = creationStack;
  }
}

/** Switches anomaly mode on or off for everything that follows. */
export function setDetectAnomaly(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setDetectAnomaly: expects a boolean, got ${typeof on}`);
  anomalyMode.enabled = on;
}

export function isAnomalyEnabled(): boolean {
  return anomalyMode.enabled;
}

/** Runs `fn` in anomaly mode, then restores the previous mode (also when `fn` throws). */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyMode.enabled;
  anomalyMode.enabled = true;
  try {
    return fn();
  } finally {
    anomalyMode.enabled = previous;
  }
}

/** The stack at an op's creation, without this helper's and the engine's own frames. */
export function creationStack(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  const own = lines.findIndex((l) => !/anomaly\.|engine\./.test(l));
  return lines
    .slice(Math.max(own, 0))
    .map((l) => l.trim())
    .join('\n');
}

/** Forward check: throws when `output` of `op` holds NaN or ±Inf. */
export function checkForward(op: string, inputs: readonly Tensor[], output: Tensor): void {
  if (anomalyMode.inBackward) return;
  const bad = firstNonFinite(output.data);
  if (bad < 0) return;
  const inputsBad = inputs.map((t, i) => (firstNonFinite(t.data) >= 0 ? i : -1)).filter((i) => i >= 0);
  const cause =
    inputsBad.length > 0
      ? `; input(s) ${inputsBad.join(', ')} already held non-finite values (made outside anomaly mode or outside any op)`
      : '';
  throw new AnomalyError(
    op,
    'forward',
    `forward produced ${describe(output.data[bad]!)} at flat index ${bad} of output ${formatShape(output.shape)}; ` +
      `input shapes ${shapesOf(inputs)}${cause}`,
    null,
  );
}

/** Runs a node's backward in anomaly mode: forward checks paused, its results checked. */
export function anomalyBackward(node: Node, fn: BackwardFn, gradOut: Tensor): ReadonlyArray<Tensor | null> {
  const previous = anomalyMode.inBackward;
  anomalyMode.inBackward = true;
  let inputGrads: ReadonlyArray<Tensor | null>;
  try {
    inputGrads = fn(gradOut);
  } finally {
    anomalyMode.inBackward = previous;
  }
  checkBackward(node, inputGrads);
  return inputGrads;
}

/** Backward check: throws when the backward of `node` returned a gradient holding NaN or ±Inf. */
function checkBackward(node: Node, inputGrads: ReadonlyArray<Tensor | null>): void {
  for (let i = 0; i < inputGrads.length; i++) {
    const g = inputGrads[i];
    if (g === null || g === undefined) continue;
    const bad = firstNonFinite(g.data);
    if (bad < 0) continue;
    const where = node.createdAt ?? '(created before anomaly mode was switched on)';
    throw new AnomalyError(
      node.op,
      'backward',
      `backward returned ${describe(g.data[bad]!)} in the gradient of input ${i}; ` +
        `input shapes ${shapesOf(node.inputs)}; the op was created at:\n${where}`,
      node.createdAt,
    );
  }
}

function firstNonFinite(data: Float32Array | Float64Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    // v − v is NaN exactly for NaN and ±Inf: one subtraction instead of Number.isFinite.
    if (v - v !== 0) return i;
  }
  return -1;
}

function describe(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

function shapesOf(tensors: readonly Tensor[]): string {
  return tensors.map((t) => formatShape(t.shape)).join(', ');
}
