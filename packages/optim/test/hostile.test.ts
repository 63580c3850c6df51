/**
 * Hostile inputs for the optim loaders: `Optimizer.loadStateDict`, the schedulers'
 * `loadStateDict`, `Generator.setState`, and whole checkpoints (truncated, bit-flipped, with a
 * rewritten metadata JSON). Each must end in a clear error or a valid load, quickly; a refused
 * optimizer state leaves the optimizer unchanged. TSGRAD_FUZZ_RUNS / TSGRAD_FUZZ_REPORT as in
 * nn/test/hostile.test.ts.
 */
import { Generator, manualSeed, randn, type Tensor, tensor } from '@tsgrad/autograd';
import { Linear, loadSafetensors, saveSafetensors } from '@tsgrad/nn';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Adam,
  CosineAnnealingLR,
  LinearLR,
  loadCheckpoint,
  ReduceLROnPlateau,
  RMSprop,
  SequentialLR,
  SGD,
  StepLR,
  saveCheckpoint,
} from '../src/index.js';

const RUNS = Number(process.env.TSGRAD_FUZZ_RUNS ?? 150);
/** Per input; generous for a loaded 2-core machine, tiny next to a hang or a huge allocation. */
const MAX_MS = 1000;
const outcomes: Record<string, Record<string, number>> = {};
function tally(suite: string, outcome: string): void {
  outcomes[suite] ??= {};
  const s = outcomes[suite];
  s[outcome] = (s[outcome] ?? 0) + 1;
}
afterAll(() => {
  if (process.env.TSGRAD_FUZZ_REPORT) console.log(JSON.stringify({ optim: outcomes }, null, 1));
});

/** Model and Adam after two steps, so that the state holds step counts and buffers. */
function trained(): { model: Linear; opt: Adam; sched: StepLR } {
  manualSeed(1);
  const model = new Linear(3, 2);
  const opt = new Adam(model.parameters(), { lr: 0.01, amsgrad: true });
  const sched = new StepLR(opt, { stepSize: 2 });
  const x = randn([4, 3]);
  for (let i = 0; i < 2; i++) {
    opt.zeroGrad();
    model.forward(x).square().mean().backward();
    opt.step();
    sched.step();
  }
  return { model, opt, sched };
}

/** A JSON-like snapshot of an optimizer (typed arrays as plain arrays) to compare before/after. */
function snapshot(opt: { stateDict(): unknown }): string {
  return JSON.stringify(opt.stateDict(), (_k, v) => (ArrayBuffer.isView(v) ? [...(v as Float32Array)] : v));
}

/** Replaces the value at a random path of `root` (objects, arrays and typed arrays) with `value`. */
function mutateAt(root: unknown, pick: number[], value: unknown): void {
  let node = root as Record<string, unknown>;
  for (let depth = 0; depth < pick.length; depth++) {
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[pick[depth]! % keys.length]!;
    const child = node[key];
    const last =
      depth === pick.length - 1 || typeof child !== 'object' || child === null || ArrayBuffer.isView(child);
    if (last) {
      node[key] = value;
      return;
    }
    node = child as Record<string, unknown>;
  }
}

const hostileValue = fc.oneof(
  fc.constantFrom(null, undefined, -1, 0.5, 1e308, Number.NaN, Number.POSITIVE_INFINITY, 'x', true, {}, []),
  fc.integer({ min: 0, max: 5 }).map((n) => new Float32Array(n)),
  fc.integer({ min: 0, max: 5 }).map((n) => new Float64Array(n)),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('Optimizer.loadStateDict: hostile state dicts', () => {
  it('a value replaced anywhere (wrong type, wrong buffer length, bad option) loads or is refused, leaving the optimizer unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), hostileValue, (path, value) => {
        const { opt } = trained();
        const sd = opt.stateDict();
        mutateAt(sd, path, value);
        const before = snapshot(opt);
        try {
          opt.loadStateDict(sd);
          // Loaded: the state is well-formed enough for a step to run.
          opt.step();
          tally('Optimizer.loadStateDict', 'loaded');
        } catch (e) {
          expect((e as Error).message).toMatch(/^Adam: /);
          expect(snapshot(opt)).toBe(before);
          tally('Optimizer.loadStateDict', (e as Error).constructor.name);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('names the problem: buffer length, unknown entry, missing parameter, bad option, non-object', () => {
    const { opt } = trained();
    const sd = () => opt.stateDict();
    const short = sd();
    short.state[0]!.expAvg = new Float32Array(2);
    expect(() => opt.loadStateDict(short)).toThrow(
      /^Adam: loadStateDict: state 0.expAvg has 2 elements, the parameter has 6$/,
    );
    const extra = sd();
    (extra.state[1] as Record<string, unknown>).evil = 1;
    expect(() => opt.loadStateDict(extra)).toThrow(/state 1 has an unknown entry 'evil'/);
    const missing = sd();
    delete (missing.state[1] as Record<string, unknown>).step;
    expect(() => opt.loadStateDict(missing)).toThrow(/state 1.step must be a finite number, got undefined/);
    const noParam = sd();
    noParam.state[7] = noParam.state[0]!;
    expect(() => opt.loadStateDict(noParam)).toThrow(/no parameter 7/);
    const badLr = sd();
    badLr.paramGroups[0]!.lr = -1;
    expect(() => opt.loadStateDict(badLr)).toThrow(RangeError);
    expect(() => opt.loadStateDict(null as never)).toThrow(
      /^Adam: loadStateDict: expected a state dict, got null/,
    );
    expect(() => opt.loadStateDict({ state: {} } as never)).toThrow(/paramGroups is not an array/);
    // An object whose toString is not a function (JSON can make one) is named, not a TypeError.
    const noString = sd();
    (noString.state[0] as Record<string, unknown>).step = { toString: '' };
    expect(() => opt.loadStateDict(noString)).toThrow(
      /^Adam: loadStateDict: state 0.step must be a finite number, got \[object\]$/,
    );
  });

  it('lazily created buffers may be null or a buffer (SGD momentum, RMSprop centered)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const sgd = new SGD([w], { lr: 0.1, momentum: 0.9 });
    sgd.loadStateDict({ state: { 0: { momentumBuffer: null } }, paramGroups: sgd.stateDict().paramGroups });
    sgd.loadStateDict({
      state: { 0: { momentumBuffer: new Float32Array(2) } },
      paramGroups: sgd.stateDict().paramGroups,
    });
    const rms = new RMSprop([w], { lr: 0.1, centered: true });
    const state = { 0: { step: 1, squareAvg: new Float32Array(2), momentumBuffer: null, gradAvg: null } };
    // centered needs gradAvg: a fresh state has a buffer there, so null is refused.
    expect(() => rms.loadStateDict({ state, paramGroups: rms.stateDict().paramGroups })).toThrow(
      /state 0.gradAvg must be a Float32Array\/Float64Array, got null/,
    );
  });
});

describe('schedulers and the generator: hostile states', () => {
  it('LRScheduler, SequentialLR and ReduceLROnPlateau load or refuse with a RangeError; methods cannot be overwritten', () => {
    const make = () => {
      const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
      const a = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
      const b = new CosineAnnealingLR(opt, { tMax: 4 });
      return [
        new SequentialLR(opt, { schedulers: [a, b], milestones: [2] }),
        new ReduceLROnPlateau(opt),
      ] as const;
    };
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), hostileValue, (path, value) => {
        for (const s of make()) {
          const sd = s.stateDict() as unknown as Record<string, unknown>;
          mutateAt(sd, path, value);
          try {
            s.loadStateDict(sd as never);
            s.step(1 as never);
            tally('scheduler.loadStateDict', 'loaded');
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError);
            tally('scheduler.loadStateDict', 'RangeError');
          }
        }
      }),
      { numRuns: RUNS },
    );
    const [, plateau] = make();
    expect(() => plateau.loadStateDict({ step: 1 } as never)).toThrow(RangeError);
    expect(typeof plateau.step).toBe('function');
  });

  it('Generator.setState refuses malformed states and accepts its own', () => {
    const g = new Generator(5);
    const good = g.getState();
    for (const bad of [
      null,
      {},
      { words: [1, 2, 3], spareNormal: null },
      { words: [0, 0, 0, 0], spareNormal: null },
      { words: [1, 2, 3, 1.5], spareNormal: null },
      { words: [1, 2, 3, 2 ** 40], spareNormal: null },
      { words: good.words, spareNormal: Number.NaN },
      { words: good.words, spareNormal: '1' },
    ]) {
      expect(() => g.setState(bad as never)).toThrow(/^Generator.setState: expected/);
    }
    const first = new Generator(5).random();
    expect(new Generator(0).setState(good).random()).toBe(first);
  });
});

describe('checkpoints: hostile bytes', () => {
  const allowed =
    /^(loadSafetensors|loadCheckpoint|loadStateDict|Adam|StepLR|Generator\.setState): |^loadStateDict: /;

  it('truncated, bit-flipped and metadata-rewritten checkpoints load or end in a clear error, quickly', () => {
    const { model, opt, sched } = trained();
    const good = saveCheckpoint({ model, optimizer: opt, scheduler: sched, generator: new Generator(3) });
    const tensors = loadSafetensors(good);
    const meta = JSON.parse(
      new TextDecoder().decode(good.subarray(8, 8 + new DataView(good.buffer).getUint32(0, true))),
    ).__metadata__['tsgrad.checkpoint'] as string;
    const rewritten = fc
      .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), hostileValue)
      .map(([path, v]) => {
        const header = JSON.parse(meta);
        mutateAt(header, path, ArrayBuffer.isView(v) ? [...(v as Float32Array)] : v);
        return saveSafetensors(tensors, { 'tsgrad.checkpoint': JSON.stringify(header) ?? 'null' });
      });
    const damaged = fc.oneof(
      fc.integer({ min: 0, max: good.length - 1 }).map((k) => good.slice(0, k)),
      fc
        .array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 7 })), {
          minLength: 1,
          maxLength: 4,
        })
        .map((flips) => {
          const b = good.slice();
          for (const [at, bit] of flips) b[at]! ^= 1 << bit;
          return b;
        }),
      rewritten,
      fc.string({ maxLength: 30 }).map((s) => saveSafetensors(tensors, { 'tsgrad.checkpoint': s })), // non-JSON
    );
    fc.assert(
      fc.property(damaged, (bytes) => {
        const fresh = trained();
        const start = performance.now();
        try {
          loadCheckpoint(bytes, {
            model: fresh.model,
            optimizer: fresh.opt,
            scheduler: fresh.sched,
            generator: new Generator(),
          });
          tally('loadCheckpoint', 'loaded');
        } catch (e) {
          expect((e as Error).message).toMatch(allowed);
          tally('loadCheckpoint', (e as Error).message.split(':')[0]!);
        }
        expect(performance.now() - start).toBeLessThan(MAX_MS);
      }),
      { numRuns: RUNS },
    );
  });

  it('a model-only load ignores a damaged optimizer section it was not asked for', () => {
    const { model } = trained();
    const bytes = saveCheckpoint({ model });
    const other = new Linear(3, 2);
    loadCheckpoint(bytes, { model: other });
    const same = (a: Tensor, b: Tensor) => [...a.data].every((v, i) => v === b.data[i]);
    expect(same(other.weight, model.weight) && same(other.bias!, model.bias!)).toBe(true);
  });
});
