/**
 * Hostile inputs for the nn loaders: safetensors headers built from adversarial parts
 * (serialization.test.ts already fuzzes truncation and bit flips of a valid file), and
 * `Module.loadStateDict` with wrong, missing and non-tensor entries.
 *
 * Every input must end in a clear error (message prefixed by the loader's name) or a valid
 * result, within a bounded time, never allocating more elements than the input has bytes.
 * TSGRAD_FUZZ_RUNS raises the number of runs (e.g. 20000 for a long run, see tools/fuzz.sh);
 * TSGRAD_FUZZ_REPORT=1 prints the outcome counts.
 */
import { type Tensor, tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  Linear,
  loadSafetensors,
  MAX_HEADER_BYTES,
  Module,
  saveSafetensors,
} from '../src/index.js';

const RUNS = Number(process.env.TSGRAD_FUZZ_RUNS ?? 200);
/** Per input; generous for a loaded 2-core machine, tiny next to a hang or a huge allocation. */
const MAX_MS = 1000;
const outcomes: Record<string, Record<string, number>> = {};
function tally(suite: string, outcome: string): void {
  outcomes[suite] ??= {};
  const s = outcomes[suite];
  s[outcome] = (s[outcome] ?? 0) + 1;
}
afterAll(() => {
  if (process.env.TSGRAD_FUZZ_REPORT) console.log(JSON.stringify({ nn: outcomes }, null, 1));
});

/** An error message without its names and numbers: the kind of rejection, for the report. */
function kind(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/\(.*\)/g, '(…)')
    .replace(/-?\d[\d.e+]*/g, 'N')
    .replace(/\[[^\]]*\]/g, '[…]')
    .slice(0, 60);
}

/** Bytes of a safetensors file: header length (maybe lying), header text, data. */
function assemble(headerText: string, data: Uint8Array, lengthOverride: bigint | null): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const dim = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 53, 1e300, Number.NaN, '3' as unknown as number),
  },
);
const offset = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 96 }).map((o) => o - (o % 4)) },
  { weight: 1, arbitrary: fc.constantFrom(-8, 4.5, 2 ** 32, 2 ** 53 + 2, 1e308) },
);
const entry = fc.record(
  {
    dtype: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('F32', 'F64', 'I64', 'I32') },
      {
        weight: 1,
        arbitrary: fc.oneof(fc.constantFrom('F16', 'BF16', 'U8', 'BOOL', 'f32', ''), fc.integer()),
      },
    ),
    shape: fc.oneof(
      { weight: 4, arbitrary: fc.array(dim, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.string()) },
    ),
    data_offsets: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(offset, offset) },
      { weight: 1, arbitrary: fc.oneof(fc.array(offset, { maxLength: 3 }), fc.constant({})) },
    ),
  },
  { requiredKeys: [] },
);
const name = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('__proto__', 'constructor', '__metadata__', 'w'),
);
const header = fc.oneof(
  fc.dictionary(name, fc.oneof({ weight: 6, arbitrary: entry }, { weight: 1, arbitrary: fc.jsonValue() }), {
    maxKeys: 5,
  }),
  fc.jsonValue(),
);
const headerText = fc.oneof(
  { weight: 6, arbitrary: header.map((h) => JSON.stringify(h) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, // not JSON
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"a": {"dtype": "F32"', '\uFEFF{}', '{}\u0000', '{"a":1}{"b":2}'),
  },
);
const lengthLie = fc.oneof(
  { weight: 5, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0n,
      1n,
      7n,
      BigInt(MAX_HEADER_BYTES),
      BigInt(MAX_HEADER_BYTES + 1),
      2n ** 32n,
      2n ** 64n - 1n,
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 200n }) },
);

describe('safetensors: adversarial headers', () => {
  it('wrong dtypes, bad shapes, out-of-range/overlapping offsets, oversized lengths and non-JSON end in a clear error', () => {
    fc.assert(
      fc.property(headerText, fc.uint8Array({ maxLength: 96 }), lengthLie, (text, data, lie) => {
        const bytes = assemble(text, data, lie);
        const start = performance.now();
        try {
          const loaded = loadSafetensors(bytes);
          // A valid result: tensors that fit in the data and cover it exactly, without overlap.
          let bytesCovered = 0;
          for (const t of loaded.values()) {
            expect(t.size).toBeLessThanOrEqual(data.length);
            bytesCovered += t.data.byteLength / (t.dtype === 'float64' ? 8 : 4);
          }
          expect(bytesCovered).toBeLessThanOrEqual(data.length);
          tally('adversarial headers', 'loaded');
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message).toMatch(/^loadSafetensors: /);
          tally('adversarial headers', kind((e as Error).message));
        }
        expect(performance.now() - start).toBeLessThan(MAX_MS);
      }),
      { numRuns: RUNS },
    );
  });

  it('tensors that overlap in any way are refused, whatever their order in the header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (a0, aLen, b0, bLen) => {
          const [a1, b1] = [a0 + aLen, b0 + bLen];
          fc.pre(a0 < b1 && b0 < a1); // the byte ranges intersect
          const h = {
            b: { dtype: 'I32', shape: [bLen], data_offsets: [4 * b0, 4 * b1] },
            a: { dtype: 'I32', shape: [aLen], data_offsets: [4 * a0, 4 * a1] },
          };
          const bytes = assemble(JSON.stringify(h), new Uint8Array(4 * Math.max(a1, b1)), null);
          expect(() => loadSafetensors(bytes)).toThrow(
            /^loadSafetensors: (tensor '[ab]' .* overlaps|data bytes)/,
          );
          tally('overlapping offsets', 'refused');
        },
      ),
      { numRuns: Math.min(RUNS, 100) },
    );
  });

  it('a header length past the 100 MB limit is refused before reading, even when the file is that big', () => {
    const bytes = assemble('{}', new Uint8Array(0), BigInt(MAX_HEADER_BYTES + 8));
    expect(() => loadSafetensors(bytes)).toThrow(/exceeds the limit of 100000000 bytes/);
  });

  it('a non-Uint8Array input is a clear error', () => {
    for (const bad of [null, 'abc', [1, 2, 3], new ArrayBuffer(16), new Float32Array(4)]) {
      expect(() => loadSafetensors(bad as unknown as Uint8Array)).toThrow(
        /^loadSafetensors: expected a Uint8Array/,
      );
    }
  });
});

class Net extends Module {
  fc = new Linear(3, 2);
  bn = new BatchNorm1d(2);
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.fc.forward(x));
  }
}

describe('Module.loadStateDict: hostile state dicts', () => {
  it('non-tensor values, wrong shapes, missing and extra keys: a clear error and the module unchanged', () => {
    const value = fc.oneof(
      fc.constantFrom(null, undefined, 1, 'x', {}, [1, 2]),
      fc
        .array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })
        .map((shape) => tensor(0).reshape([]).expand(shape)),
    );
    const key = fc.constantFrom(
      'fc.weight',
      'fc.bias',
      'bn.weight',
      'bn.runningMean',
      'bn.numBatchesTracked',
      'x',
    );
    fc.assert(
      fc.property(fc.dictionary(key, value), fc.boolean(), (record, strict) => {
        const net = new Net();
        const before = [...net.stateDict()].map(([k, t]) => [k, [...t.data]]);
        try {
          net.loadStateDict(record as never, { strict });
          tally('Module.loadStateDict', 'loaded');
        } catch (e) {
          expect((e as Error).message).toMatch(/^loadStateDict: /);
          expect([...net.stateDict()].map(([k, t]) => [k, [...t.data]])).toEqual(before);
          tally('Module.loadStateDict', 'refused');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a state dict that is not an object, or holds a non-tensor, names the problem', () => {
    const net = new Net();
    expect(() => net.loadStateDict(null as never)).toThrow(
      /^loadStateDict: expected a Map or a record of tensors, got null/,
    );
    const sd = net.stateDict();
    sd.set('fc.bias', { shape: [2], data: new Float32Array(2) } as never);
    expect(() => net.loadStateDict(sd)).toThrow(/^loadStateDict: 'fc.bias' is not a Tensor \(got object\)/);
  });

  it('a saved model loads back exactly after a round trip through bytes', () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(loadSafetensors(saveSafetensors(a)));
    expect([...b.stateDict()].map(([k, t]) => [k, [...t.data]])).toEqual(
      [...a.stateDict()].map(([k, t]) => [k, [...t.data]]),
    );
  });
});
