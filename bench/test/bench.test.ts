/**
 * The benchmark's workloads agree numerically across systems: tsgrad's first (and second)
 * training step on tiny shapes gives tfjs-cpu's loss for the same data and initial weights.
 * This checks the benchmark compares like with like; it never looks at timings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Runner, System } from '../src/systems/system.js';
import { tfjsCpu } from '../src/systems/tfjs.js';
import { tsgrad, tsgradJs } from '../src/systems/tsgrad.js';
import { chainData, cnnData, type MlpSpec, mlpData, sgemmData } from '../src/workloads.js';

// Both systems compute in float32, summing in different orders: over a few hundred terms the
// results differ by a few float32 ulps (~1e-7 relative); 1e-5 leaves room without hiding a
// wrong layer, which moves the loss by far more.
const REL_TOL = 1e-5;

const TINY_MLP: MlpSpec = { name: 'tiny MLP', sizes: [20, 16, 8, 5], batch: 6 };

/**
 * The first two values `build` gives (the losses of steps 1 and 2) on tfjs-cpu and on tsgrad
 * with each kernel backend (tsgrad's default, WebAssembly gemm, and TypeScript kernels).
 */
function twoRuns(build: (s: System) => Runner): { ours: number[][]; theirs: number[] } {
  const runs = (s: System) => {
    const r = build(s);
    const values = [r.run(), r.run()];
    r.dispose();
    return values;
  };
  // tsgrad's activate() only selects the kernel backend, synchronously.
  void tsgradJs.activate();
  const js = runs(tsgradJs);
  void tsgrad.activate();
  return { ours: [runs(tsgrad), js], theirs: runs(tfjsCpu) };
}

function expectClose(ours: number[][], theirs: number[]): void {
  for (const values of ours) {
    expect(values.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < values.length; i++) {
      expect(Math.abs(values[i]! - theirs[i]!)).toBeLessThanOrEqual(REL_TOL * Math.abs(theirs[i]!));
    }
  }
}

describe('bench workloads: tsgrad agrees with tfjs-cpu', () => {
  beforeAll(async () => {
    await tfjsCpu.activate();
  });

  it('W1 sgemm: the same product', () => {
    const d = sgemmData(33);
    const { ours, theirs } = twoRuns((s) => s.sgemm(d));
    expectClose(ours, theirs);
  });

  it('W2 MLP training step (Adam): the same first- and second-step losses', () => {
    const d = mlpData(TINY_MLP, 7);
    const { ours, theirs } = twoRuns((s) => s.mlp(d));
    expect(ours[0]![1]).not.toBe(ours[0]![0]); // the step changed the weights
    expectClose(ours, theirs);
  });

  it('W3 CNN training step (SGD momentum): the same first- and second-step losses', () => {
    const d = cnnData({ batch: 4, side: 8 }, 8);
    const { ours, theirs } = twoRuns((s) => s.cnn(d));
    expect(ours[0]![1]).not.toBe(ours[0]![0]);
    expectClose(ours, theirs);
  });

  it('W4 op chain (forward + backward): the same value of Σy', () => {
    const d = chainData(30);
    const { ours, theirs } = twoRuns((s) => s.chain(d));
    expect(ours[0]![0]).not.toBe(0);
    expectClose(ours, theirs);
  });
});
