import { Tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  NAdam,
  type Optimizer,
  type OptimizerOptions,
  RAdam,
  RMSprop,
  SGD,
} from '../src/index.js';
import { expectCloseToGolden, type GoldenTensor, loadGolden } from './golden.js';
import { quadraticGrads, rosenbrockGrad } from './objectives.js';

/**
 * Both sides run in float64 with bit-identical gradients and the same operation order, so
 * they differ only where libm's pow and ATen's kernels round differently from V8 (≈1 ulp
 * per operation, possibly FMA-contracted in ATen). 25 steps amplify that; the largest
 * difference seen is ~1e-11 relative, on an element passing near zero (hence ATOL).
 */
const RTOL = 1e-10;
const ATOL = 1e-12;

interface Case {
  optimizer: string;
  objective: 'rosenbrock' | 'quadratic';
  options: Record<string, number | boolean | number[]>;
  x?: GoldenTensor;
  w?: GoldenTensor;
  b?: GoldenTensor;
}
interface Golden {
  steps: number;
  X: number[][];
  Y: number[][];
  W0: number[][];
  B0: number[];
  cases: Case[];
}

const golden = loadGolden<Golden>('optim');

type AnyOpt = Optimizer<OptimizerOptions>;
// biome-ignore lint/suspicious/noExplicitAny: the options come from JSON and are checked by the optimizers
type Ctor = new (params: any, options: any) => AnyOpt;
const OPTIMIZERS: Record<string, Ctor> = { SGD, RMSprop, Adam, AdamW, Adagrad, NAdam, RAdam };

function param(values: number[], shape: number[]): Tensor {
  return new Tensor(Float64Array.from(values), shape, true);
}

/** Runs one golden case: the trajectory of every parameter after each step, flattened. */
function run(c: Case): Record<string, Tensor> {
  const Opt = OPTIMIZERS[c.optimizer]!;
  const sign = c.options.maximize ? -1 : 1;
  const steps = golden.steps;
  if (c.objective === 'rosenbrock') {
    const x = param([-1.2, 1], [2]);
    const opt = new Opt([x], c.options);
    const g = new Float64Array(2);
    const traj = new Float64Array(steps * 2);
    for (let s = 0; s < steps; s++) {
      rosenbrockGrad(x.data, g);
      x.grad = new Tensor(
        g.map((v) => sign * v),
        [2],
      );
      opt.step();
      traj.set(x.data, s * 2);
    }
    return { x: new Tensor(traj, [steps, 2]) };
  }
  const w = param(golden.W0.flat(), [2, 3]);
  const b = param(golden.B0, [2]);
  const lr = c.options.lr as number;
  const opt = new Opt([{ params: [w] }, { params: [b], lr: lr / 2 }], c.options);
  const gw = new Float64Array(6);
  const gb = new Float64Array(2);
  const tw = new Float64Array(steps * 6);
  const tb = new Float64Array(steps * 2);
  for (let s = 0; s < steps; s++) {
    quadraticGrads(golden.X, golden.Y, w.data, b.data, gw, gb);
    w.grad = new Tensor(
      gw.map((v) => sign * v),
      [2, 3],
    );
    b.grad =
      s % 3 === 2
        ? null
        : new Tensor(
            gb.map((v) => sign * v),
            [2],
          );
    opt.step();
    tw.set(w.data, s * 6);
    tb.set(b.data, s * 2);
  }
  return { w: new Tensor(tw, [steps, 2, 3]), b: new Tensor(tb, [steps, 2]) };
}

describe('optimizer trajectories match PyTorch 1.13 (float64, 25 steps)', () => {
  for (const c of golden.cases) {
    it(`${c.optimizer} ${JSON.stringify(c.options)} on ${c.objective}`, () => {
      const got = run(c);
      for (const [key, t] of Object.entries(got)) {
        expectCloseToGolden(t, c[key as 'x' | 'w' | 'b']!, RTOL, ATOL, `${c.optimizer} ${key}`);
      }
    });
  }

  it('covers every optimizer on both objectives', () => {
    for (const name of Object.keys(OPTIMIZERS)) {
      for (const objective of ['rosenbrock', 'quadratic']) {
        expect(golden.cases.some((c) => c.optimizer === name && c.objective === objective)).toBe(true);
      }
    }
  });
});
