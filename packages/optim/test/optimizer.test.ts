import { Tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
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
import { rosenbrockGrad } from './objectives.js';

type AnyOpt = Optimizer<OptimizerOptions>;
type Factory = (params: Tensor[]) => AnyOpt;

/** One configuration per optimizer that uses every kind of state it has. */
const FACTORIES: Record<string, Factory> = {
  SGD: (p) => new SGD(p, { lr: 5e-4, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  RMSprop: (p) => new RMSprop(p, { lr: 1e-2, momentum: 0.5, centered: true }),
  Adam: (p) => new Adam(p, { lr: 5e-2, amsgrad: true, weightDecay: 0.1 }),
  AdamW: (p) => new AdamW(p, { lr: 5e-2, amsgrad: true }),
  Adagrad: (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01 }),
  NAdam: (p) => new NAdam(p, { lr: 5e-2 }),
  RAdam: (p) => new RAdam(p, { lr: 5e-2 }),
};

function rosenbrockSteps(x: Tensor, opt: AnyOpt, steps: number): void {
  const g = new Float64Array(2);
  for (let s = 0; s < steps; s++) {
    rosenbrockGrad(x.data, g);
    if (x.grad === null) x.grad = new Tensor(new Float64Array(2), [2]);
    x.grad.data.set(g);
    opt.step();
  }
}

describe('stateDict / loadStateDict resume bit-exactly', () => {
  for (const [name, make] of Object.entries(FACTORIES)) {
    it(`${name}: 10 steps, save, fresh optimizer, load, 10 more == 20 straight`, () => {
      const straight = new Tensor(Float64Array.from([-1.2, 1]), [2], true);
      rosenbrockSteps(straight, make([straight]), 20);

      const first = new Tensor(Float64Array.from([-1.2, 1]), [2], true);
      const opt1 = make([first]);
      rosenbrockSteps(first, opt1, 10);
      const saved = opt1.stateDict();
      const at10 = first.data.slice();
      rosenbrockSteps(first, opt1, 3); // later steps must not change the snapshot

      const resumed = new Tensor(Float64Array.from([0.5, 0.5]), [2], true);
      const opt2 = make([resumed]);
      rosenbrockSteps(resumed, opt2, 2); // state of its own, to be replaced by the load
      resumed.data.set(at10);
      opt2.loadStateDict(saved);
      rosenbrockSteps(resumed, opt2, 10);
      expect(Array.from(resumed.data)).toEqual(Array.from(straight.data));
    });
  }

  it('restores per-group options and checks group sizes', () => {
    const a = new Tensor(new Float64Array(2), [2], true);
    const b = new Tensor(new Float64Array(3), [3], true);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5, betas: [0.5, 0.6] }], { lr: 0.1 });
    const sd = opt.stateDict();
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
    const other = new Adam(
      [
        { params: [new Tensor(new Float64Array(2), [2], true)] },
        { params: [new Tensor(new Float64Array(3), [3], true)] },
      ],
      { lr: 1 },
    );
    other.loadStateDict(sd);
    expect(other.paramGroups[1]!.lr).toBe(0.5);
    expect(other.paramGroups[1]!.betas).toEqual([0.5, 0.6]);
    expect(other.paramGroups[1]!.betas).not.toBe(opt.paramGroups[1]!.betas);
    const single = new Adam([new Tensor(new Float64Array(2), [2], true)]);
    expect(() => single.loadStateDict(sd)).toThrow(/Adam: loadStateDict: state dict has 2 parameter groups/);
  });

  it('casts loaded buffers to the parameter dtype', () => {
    const p64 = new Tensor(Float64Array.from([1, 2]), [2], true);
    const opt = new SGD([p64], { lr: 0.1, momentum: 0.9 });
    p64.grad = new Tensor(Float64Array.from([0.1, 0.2]), [2]);
    opt.step();
    const p32 = new Tensor(Float32Array.from([1, 2]), [2], true);
    const opt32 = new SGD([p32], { lr: 0.1, momentum: 0.9 });
    opt32.loadStateDict(opt.stateDict());
    expect(opt32.state.get(p32)!.momentumBuffer).toBeInstanceOf(Float32Array);
  });
});

describe('steps do not allocate: state and parameter arrays are the same objects', () => {
  it('for every optimizer, random sizes and step counts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(FACTORIES)),
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom<'float32' | 'float64'>('float32', 'float64'),
        (name, size, steps, dtype) => {
          const data = dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
          for (let i = 0; i < size; i++) data[i] = Math.sin(i + 1);
          const p = new Tensor(data, [size], true);
          const opt = FACTORIES[name]!([p]);
          p.grad = new Tensor(
            data.map((v) => 0.5 * v + 0.1),
            [size],
          );
          opt.step(); // the first step creates the state
          const state = opt.state.get(p)!;
          const arrays = Object.values(state).filter((v) => typeof v === 'object' && v !== null);
          expect(arrays.length).toBeGreaterThan(0);
          const before = Array.from(p.data);
          for (let s = 1; s < steps; s++) opt.step();
          expect(p.data).toBe(data);
          expect(opt.state.get(p)).toBe(state);
          const after = Object.values(state).filter((v) => typeof v === 'object' && v !== null);
          expect(after).toHaveLength(arrays.length);
          for (const [i, a] of after.entries()) expect(a).toBe(arrays[i]);
          for (const a of after)
            expect((a as Float32Array | Float64Array).constructor).toBe(data.constructor);
          expect(Array.from(p.data)).not.toEqual(before);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('zeroGrad follows PyTorch 1.13', () => {
  it('default (setToNone false) zeros .grad in place, keeping the tensor', () => {
    const p = new Tensor(Float64Array.from([1, 2]), [2], true);
    const opt = new SGD([p], { lr: 0.1 });
    const g = new Tensor(Float64Array.from([3, 4]), [2]);
    p.grad = g;
    opt.zeroGrad();
    expect(p.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0]);
    opt.step(); // a zero gradient still steps (here: no change without weight decay)
    expect(Array.from(p.data)).toEqual([1, 2]);
  });

  it('setToNone: .grad becomes null and step skips the parameter (no state, no decay)', () => {
    const p = new Tensor(Float64Array.from([1, 2]), [2], true);
    const q = new Tensor(Float64Array.from([1, 2]), [2], true);
    const opt = new SGD([p, q], { lr: 0.1, momentum: 0.9, weightDecay: 0.5 });
    p.grad = new Tensor(Float64Array.from([3, 4]), [2]);
    q.grad = new Tensor(Float64Array.from([3, 4]), [2]);
    opt.zeroGrad({ setToNone: true });
    expect(p.grad).toBeNull();
    q.grad = new Tensor(Float64Array.from([1, 1]), [2]);
    opt.step();
    expect(Array.from(p.data)).toEqual([1, 2]);
    expect(opt.state.has(p)).toBe(false);
    expect(opt.state.has(q)).toBe(true);
    // weight decay on a zero gradient (setToNone false) does move the parameter
    opt.zeroGrad();
    const before = Array.from(q.data);
    opt.step();
    expect(Array.from(q.data)).not.toEqual(before);
  });

  it('a gradient that carries a graph (createGraph) is replaced by fresh zeros', () => {
    const x = new Tensor(Float64Array.from([1, 2]), [2], true);
    const p = new Tensor(Float64Array.from([1, 2]), [2], true);
    const opt = new SGD([p], { lr: 0.1 });
    const withGraph = x.mul(2);
    p.grad = withGraph;
    opt.zeroGrad();
    expect(p.grad).not.toBe(withGraph);
    expect(p.grad!.node).toBeNull();
    expect(Array.from(p.grad!.data)).toEqual([0, 0]);
    expect(Array.from(withGraph.data)).toEqual([2, 4]);
  });
});

describe('param groups', () => {
  it('per-group options override the defaults; addParamGroup adds a group', () => {
    const a = new Tensor(Float64Array.from([1]), [1], true);
    const b = new Tensor(Float64Array.from([1]), [1], true);
    const opt = new SGD([{ params: [a], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], momentum: 0 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.5, 0.9],
      [0.1, 0],
    ]);
    a.grad = new Tensor(Float64Array.from([1]), [1]);
    b.grad = new Tensor(Float64Array.from([1]), [1]);
    opt.step();
    expect(a.data[0]).toBe(0.5);
    expect(b.data[0]).toBe(0.9);
  });

  it('rejects a parameter in two groups, a duplicate, a non-leaf, and an empty list', () => {
    const a = new Tensor(Float64Array.from([1]), [1], true);
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/SGD: some parameters appear in more than one/);
    expect(() => new SGD([{ params: [a, a] }], { lr: 0.1 })).toThrow(/same tensor twice/);
    expect(() => new SGD([a.mul(2)], { lr: 0.1 })).toThrow(
      /SGD: can only optimize leaf tensors; got one made by 'mul'/,
    );
    expect(() => new Adam([])).toThrow(/Adam: got an empty parameter list/);
  });

  it('step(closure) returns the closure result', () => {
    const a = new Tensor(Float64Array.from([1]), [1], true);
    const opt = new SGD([a], { lr: 0.1 });
    expect(
      opt.step(() => {
        a.grad = new Tensor(Float64Array.from([2]), [1]);
        return 42;
      }),
    ).toBe(42);
    expect(a.data[0]).toBeCloseTo(0.8, 15);
  });
});

describe('invalid hyperparameters throw RangeError naming the optimizer and the value', () => {
  const p = () => [new Tensor(new Float64Array(1), [1], true)];
  const cases: Array<[() => unknown, RegExp]> = [
    [() => new SGD(p(), { lr: -0.1 }), /^SGD: lr must be >= 0, got -0.1$/],
    [() => new SGD(p(), { lr: Number.NaN }), /^SGD: lr must be >= 0, got NaN$/],
    [() => new SGD(p(), { lr: 0.1, momentum: -0.5 }), /^SGD: momentum must be in \[0, 1\), got -0.5$/],
    [() => new SGD(p(), { lr: 0.1, weightDecay: -1 }), /^SGD: weightDecay must be >= 0, got -1$/],
    [
      () => new SGD(p(), { lr: 0.1, nesterov: true }),
      /^SGD: nesterov needs momentum > 0 and dampening = 0, got momentum 0/,
    ],
    [
      () => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }),
      /^SGD: nesterov needs .*dampening 0.1$/,
    ],
    [() => new SGD([{ params: p(), lr: -1 }], { lr: 0.1 }), /^SGD: lr must be >= 0, got -1$/],
    [() => new Adam(p(), { betas: [1, 0.999] }), /^Adam: betas\[0\] must be in \[0, 1\), got 1$/],
    [() => new Adam(p(), { betas: [0.9, -0.1] }), /^Adam: betas\[1\] must be in \[0, 1\), got -0.1$/],
    [() => new Adam(p(), { eps: -1e-8 }), /^Adam: eps must be >= 0, got -1e-8$/],
    [() => new AdamW(p(), { weightDecay: -0.01 }), /^AdamW: weightDecay must be >= 0, got -0.01$/],
    [() => new RMSprop(p(), { alpha: -0.9 }), /^RMSprop: alpha must be >= 0, got -0.9$/],
    [() => new RMSprop(p(), { momentum: 1 }), /^RMSprop: momentum must be in \[0, 1\), got 1$/],
    [() => new Adagrad(p(), { lrDecay: -1 }), /^Adagrad: lrDecay must be >= 0, got -1$/],
    [
      () => new Adagrad(p(), { initialAccumulatorValue: -1 }),
      /^Adagrad: initialAccumulatorValue must be >= 0/,
    ],
    [() => new NAdam(p(), { momentumDecay: -1 }), /^NAdam: momentumDecay must be >= 0, got -1$/],
    [() => new RAdam(p(), { betas: [0.9, 1.5] }), /^RAdam: betas\[1\] must be in \[0, 1\), got 1.5$/],
  ];
  for (const [make, message] of cases) {
    it(String(message), () => {
      expect(make).toThrow(RangeError);
      expect(make).toThrow(message);
    });
  }
});
