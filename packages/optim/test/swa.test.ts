import { Tensor } from '@tsgrad/autograd';
import { BatchNorm1d, Linear, type Module, Sequential } from '@tsgrad/nn';
import { describe, expect, it } from 'vitest';
import {
  AveragedModel,
  type AveragedModelOptions,
  CosineAnnealingLR,
  getEmaAvgFn,
  getEmaMultiAvgFn,
  SGD,
  SWALR,
  updateBn,
} from '../src/index.js';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from './golden.js';

/** Averages are a few float64 operations per update: agreement to a few ulps. */
const RTOL = 1e-13;
const ATOL = 1e-15;
/** updateBn runs BatchNorm forward over 4 batches; nn's BatchNorm sums in another order than ATen. */
const BN_RTOL = 1e-12;
/** SWALR: PyTorch recovers lr₀ by inverting the previous step; the closed form does not. */
const LR_RTOL = 1e-12;

interface State {
  params: GoldenTensor[];
  buffers: GoldenTensor[];
}
interface Golden {
  averaging: { initial: State; states: State[]; averaged: Record<'swa' | 'swaBuffers' | 'ema', State[]> };
  updateBn: { initial: State; batches: GoldenTensor[]; after: State; training: boolean; momentum: number };
  swalr: Array<{
    options: { swaLr: number | number[]; annealEpochs: number; annealStrategy?: 'cos' | 'linear' };
    afterCosine?: { tMax: number; steps: number };
    lrs: number[][];
  }>;
}
const golden = loadGolden<Golden>('swa');

function makeModel(): Sequential {
  const dtype = 'float64' as const;
  return new Sequential(
    new Linear(3, 4, { dtype }),
    new BatchNorm1d(4, { dtype }),
    new Linear(4, 2, { dtype }),
  );
}

function setState(m: Module, s: State): void {
  for (const [i, p] of m.parameters().entries()) p.data.set(fromGolden(s.params[i]!).data);
  for (const [i, b] of m.buffers().entries()) b.data.set(fromGolden(s.buffers[i]!).data);
}

function expectState(m: Module, s: State, what: string, skipBuffer?: (i: number) => boolean): void {
  for (const [i, p] of m.parameters().entries())
    expectCloseToGolden(p, s.params[i]!, RTOL, ATOL, `${what} param ${i}`);
  for (const [i, b] of m.buffers().entries()) {
    if (!skipBuffer?.(i)) expectCloseToGolden(b, s.buffers[i]!, RTOL, ATOL, `${what} buffer ${i}`);
  }
}

describe('AveragedModel matches torch.optim.swa_utils.AveragedModel', () => {
  const { initial, states, averaged } = golden.averaging;
  // Buffer 2 is numBatchesTracked: an int64 in PyTorch (its average truncates), a float here.
  const isCount = (i: number) => i === 2;
  const cases: Array<[string, AveragedModelOptions, State[], ((i: number) => boolean) | undefined]> = [
    ['SWA (buffers copied from the model)', {}, averaged.swa, () => true],
    ['SWA with useBuffers', { useBuffers: true }, averaged.swaBuffers, isCount],
    ['EMA via getEmaAvgFn(0.9)', { avgFn: getEmaAvgFn(0.9), useBuffers: true }, averaged.ema, isCount],
    [
      'EMA via getEmaMultiAvgFn(0.9)',
      { multiAvgFn: getEmaMultiAvgFn(0.9), useBuffers: true },
      averaged.ema,
      isCount,
    ],
  ];
  for (const [name, options, expected, skip] of cases) {
    it(name, () => {
      const model = makeModel();
      setState(model, initial);
      const avg = new AveragedModel(model, options);
      for (const [k, s] of states.entries()) {
        setState(model, s);
        avg.updateParameters(model);
        expectState(avg.module, expected[k]!, `${name} after update ${k + 1}`, skip);
        expect(avg.nAveraged.item()).toBe(k + 1);
      }
      if (!options.useBuffers) {
        // without useBuffers the buffers follow the model (PyTorch ≥ 2.0)
        for (const [i, b] of avg.module.buffers().entries())
          expect(Array.from(b.data)).toEqual(Array.from(model.buffers()[i]!.data));
      }
    });
  }

  it('is a deep copy: training the model does not touch the average, and forward uses the copy', () => {
    const model = makeModel();
    setState(model, initial);
    const avg = new AveragedModel(model);
    const before = Array.from(avg.module.parameters()[0]!.data);
    model.parameters()[0]!.data.fill(123);
    expect(Array.from(avg.module.parameters()[0]!.data)).toEqual(before);
    expect(avg.module).toBeInstanceOf(Sequential);
    expect(avg.module.parameters()).toHaveLength(model.parameters().length);
    expect(avg.module.parameters()[0]).not.toBe(model.parameters()[0]);
    const x = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    avg.eval();
    model.eval();
    setState(model, initial);
    expect(Array.from(avg.forward(x).data)).toEqual(Array.from(model.forward(x).data));
    expect([...avg.stateDict().keys()]).toContain('nAveraged');
  });
});

describe('updateBn matches torch.optim.swa_utils.update_bn', () => {
  for (const form of ['tensors', '[x, y] pairs'] as const) {
    it(`recomputes running statistics as a cumulative average (${form})`, () => {
      const g = golden.updateBn;
      const model = makeModel();
      setState(model, g.initial);
      model.eval();
      const xs = g.batches.map((b) => fromGolden(b));
      const loader = form === 'tensors' ? xs : xs.map((x) => [x, x] as const);
      updateBn(loader, model);
      const [runningMean, runningVar, count] = model.buffers();
      expectCloseToGolden(runningMean!, g.after.buffers[0]!, BN_RTOL, ATOL, 'runningMean');
      expectCloseToGolden(runningVar!, g.after.buffers[1]!, BN_RTOL, ATOL, 'runningVar');
      expect(count!.item()).toBe(4);
      expect(model.training).toBe(g.training);
      expect((model.at(1) as BatchNorm1d).momentum).toBe(g.momentum);
      for (const [i, p] of model.parameters().entries())
        expectCloseToGolden(p, g.initial.params[i]!, 0, 0, `param ${i}`);
    });
  }
});

describe('SWALR matches torch.optim.swa_utils.SWALR', () => {
  for (const c of golden.swalr) {
    it(`${JSON.stringify(c.options)}${c.afterCosine ? ' after a CosineAnnealingLR' : ''}`, () => {
      const opt = new SGD(
        [
          { params: [new Tensor(new Float64Array(2), [2], true)], lr: 0.1 },
          { params: [new Tensor(new Float64Array(3), [3], true)], lr: 0.05 },
        ],
        { lr: 0.1 },
      );
      const cos = c.afterCosine ? new CosineAnnealingLR(opt, { tMax: c.afterCosine.tMax }) : null;
      const swa = new SWALR(opt, c.options);
      const check = (t: number) => {
        for (const [i, g] of opt.paramGroups.entries()) {
          const want = c.lrs[t]![i]!;
          if (!(Math.abs(g.lr - want) <= ATOL + LR_RTOL * want))
            expect.fail(`lr[${i}] after ${t} steps: ${g.lr} vs ${want}`);
        }
      };
      check(0);
      for (let t = 0; t < c.lrs.length - 1; t++) {
        opt.step();
        if (cos !== null && t < c.afterCosine!.steps) cos.step();
        else swa.step();
        check(t + 1);
      }
    });
  }

  it('rejects bad options', () => {
    const opt = new SGD([new Tensor(new Float64Array(1), [1], true)], { lr: 0.1 });
    expect(() => new SWALR(opt, { swaLr: 0.1, annealEpochs: -1 })).toThrow(
      /SWALR: annealEpochs must be an integer >= 0, got -1/,
    );
    expect(() => new SWALR(opt, { swaLr: [0.1, 0.2] })).toThrow(
      /SWALR: expected 1 values, one per param group, got 2/,
    );
  });
});
