import {
  AnomalyError,
  customOp,
  detectAnomaly,
  isAnomalyEnabled,
  noGrad,
  setDetectAnomaly,
  type Tensor,
  tensor,
} from '@tsgrad/autograd';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(() => setDetectAnomaly(false));

/** An op whose forward is fine and whose backward returns NaN: a broken gradient to find. */
const brokenBackward = customOp({
  name: 'brokenBackward',
  forward: (_ctx, x: Tensor) => x.mul(2),
  backward: (_ctx, g: Tensor) => g.mul(Number.NaN),
});

function makeBrokenGraph(): Tensor {
  const x = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], requiresGrad: true });
  return brokenBackward(x.tanh()).sum();
}

describe('anomaly mode: forward', () => {
  it('names the first op whose output is NaN/Inf, with its input shapes', () => {
    const x = tensor([[1, 0, 2]], { requiresGrad: true });
    const run = () => detectAnomaly(() => x.exp().sub(1).log().sum());
    // exp(0) − 1 = 0, log(0) = −Inf: the first non-finite value comes from 'log'.
    expect(run).toThrow(AnomalyError);
    expect(run).toThrow(
      /^log: forward produced -Inf at flat index 1 of output \[1, 3\]; input shapes \[1, 3\]$/,
    );
  });

  it('checks ops under noGrad too, and names 0/0 as NaN', () => {
    const a = tensor([0, 1]);
    const err = (() => {
      try {
        detectAnomaly(() => noGrad(() => a.div(a)));
      } catch (e) {
        return e as AnomalyError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AnomalyError);
    expect(err!.op).toBe('div');
    expect(err!.phase).toBe('forward');
    expect(err!.message).toMatch(
      /div: forward produced NaN at flat index 0 of output \[2\]; input shapes \[2\], \[2\]/,
    );
  });

  it('says when an input already held a non-finite value', () => {
    const x = tensor([Number.POSITIVE_INFINITY, 1]);
    expect(() => detectAnomaly(() => x.mul(2))).toThrow(
      /mul: forward produced Inf .*input\(s\) 0 already held non-finite/,
    );
  });

  it('is off by default and outside detectAnomaly: NaN flows through silently', () => {
    expect(isAnomalyEnabled()).toBe(false);
    const y = tensor([0]).log();
    expect(y.item()).toBe(Number.NEGATIVE_INFINITY);
    expect(() => makeBrokenGraph().backward()).not.toThrow();
  });
});

describe('anomaly mode: backward', () => {
  it('names the first op whose backward produced NaN, its input shapes, and where it was created', () => {
    let error: AnomalyError | null = null;
    try {
      detectAnomaly(() => makeBrokenGraph().backward());
    } catch (e) {
      error = e as AnomalyError;
    }
    expect(error).toBeInstanceOf(AnomalyError);
    expect(error!.phase).toBe('backward');
    expect(error!.op).toBe('brokenBackward');
    expect(error!.message).toMatch(
      /^brokenBackward: backward returned NaN in the gradient of input 0; input shapes \[2, 3\]; the op was created at:\n/,
    );
    // The creation stack points into this test file (at makeBrokenGraph), not only into the engine.
    expect(error!.creationStack).toMatch(/anomaly\.test\.ts/);
    expect(error!.creationStack).not.toMatch(/engine\.ts/);
  });

  it('reports the backward, not the ops its closure is built from (log backward at 0 is Inf)', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    // sqrt(0) = 0 is finite, but its backward 1/(2√x) is Inf there; the closure's own 'div' must
    // not be reported as a forward anomaly.
    const run = () => detectAnomaly(() => x.sqrt().sum().backward());
    expect(run).toThrow(/^sqrt: backward returned Inf in the gradient of input 0; input shapes \[2\]/);
  });

  it('setDetectAnomaly switches the mode for later code; detectAnomaly restores the previous mode', () => {
    setDetectAnomaly(true);
    expect(isAnomalyEnabled()).toBe(true);
    expect(() => makeBrokenGraph().backward()).toThrow(AnomalyError);
    setDetectAnomaly(false);
    expect(() => detectAnomaly(() => tensor([0]).log())).toThrow(AnomalyError);
    expect(isAnomalyEnabled()).toBe(false);
    expect(() => setDetectAnomaly('yes' as unknown as boolean)).toThrow(
      /setDetectAnomaly: expects a boolean/,
    );
  });

  it('a clean training-like step passes anomaly mode unchanged (same gradients)', () => {
    const step = () => {
      const w = tensor([0.5, -0.25, 1], { requiresGrad: true, dtype: 'float64' });
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float64' },
      );
      x.matmul(w.reshape([3, 1]))
        .sigmoid()
        .log()
        .neg()
        .mean()
        .backward();
      return [...w.grad!.data];
    };
    expect(detectAnomaly(step)).toEqual(step());
  });
});
