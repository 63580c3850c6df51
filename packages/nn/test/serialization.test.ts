import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxPool2d, randn, type Tensor, tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  fromPyTorchKey,
  fromPyTorchStateDict,
  Linear,
  loadSafetensors,
  MAX_HEADER_BYTES,
  Module,
  ReLU,
  readSafetensorsMetadata,
  Sequential,
  saveSafetensors,
  toPyTorchKey,
  toPyTorchStateDict,
} from '../src/index.js';
import { loadSafetensorsFile, saveSafetensorsFile } from '../src/node.js';
import { expectCloseToGolden, fromGolden, type GoldenTensor, loadGolden } from './golden.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./golden/${name}`, import.meta.url)));

/** The model of tools/golden/nn_safetensors.py, with the same field names. */
class CNN extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  fc: Linear;
  constructor(dtype: 'float32' | 'float64' = 'float64') {
    super();
    this.conv1 = new Conv2d(1, 4, 3, { padding: 1, dtype });
    this.bn1 = new BatchNorm2d(4, { dtype });
    this.fc = new Linear(4 * 3 * 3, 5, { dtype });
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(maxPool2d(this.bn1.forward(this.conv1.forward(x)).relu(), 2).flatten(1));
  }
}

const mlp = () => new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));

interface Fixture {
  input: GoldenTensor;
  output: GoldenTensor;
  keys: string[];
}
const golden = loadGolden<{ mlp: Fixture; cnn: Fixture }>('safetensors');

// float32 MLP: tsgrad's gemm and PyTorch's accumulate in different orders; 4 inputs and 8 hidden
// units keep the float32 rounding difference near 1e-7, so 1e-5 is a safe bound.
const F32_TOL = 1e-5;
// float64 CNN: differences are summation order only (~1e-15).
const F64_TOL = 1e-10;

describe('safetensors files written by the spec in Python load into tsgrad models', () => {
  it("an MLP's weights (F32, PyTorch keys) give PyTorch's outputs", () => {
    const bytes = fixture('mlp.safetensors');
    const tensors = loadSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(golden.mlp.keys);
    expect(readSafetensorsMetadata(bytes)).toEqual({ format: 'pt', model: 'mlp' });
    const model = mlp();
    model.loadStateDict(fromPyTorchStateDict(tensors));
    expectCloseToGolden(
      model.forward(fromGolden(golden.mlp.input, 'float32')),
      golden.mlp.output,
      F32_TOL,
      F32_TOL,
    );
  });

  it('a CNN with BatchNorm (F64 unaligned data, I64 num_batches_tracked, snake_case keys) gives PyTorch outputs', () => {
    const tensors = loadSafetensors(fixture('cnn.safetensors'));
    expect([...tensors.keys()]).toEqual(golden.cnn.keys);
    expect(tensors.get('bn1.num_batches_tracked')!.item()).toBe(3);
    const model = new CNN();
    model.loadStateDict(fromPyTorchStateDict(tensors));
    expect(model.bn1.numBatchesTracked!.item()).toBe(3);
    model.eval();
    expectCloseToGolden(model.forward(fromGolden(golden.cnn.input)), golden.cnn.output, F64_TOL, F64_TOL);
  });
});

describe('safetensors round trip', () => {
  it('model → bytes → fresh model gives identical outputs (float32 and float64)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const a = new CNN(dtype);
      a.forward(randn([4, 1, 6, 6], { dtype })); // moves the running statistics
      a.eval();
      const b = new CNN(dtype);
      const loaded = loadSafetensors(saveSafetensors(a));
      expect([...loaded.values()].every((t) => t.dtype === dtype)).toBe(true);
      b.loadStateDict(loaded);
      b.eval();
      const x = randn([2, 1, 6, 6], { dtype });
      expect([...b.forward(x).data]).toEqual([...a.forward(x).data]);
    }
  });

  it('preserves names, shapes, dtypes, values and metadata; data starts 8-byte aligned', () => {
    const tensors = {
      a: tensor([
        [1.5, -2],
        [3, 4],
      ]),
      b: tensor([Math.PI], { dtype: 'float64' }),
      empty: randn([0, 3]),
      s: tensor(7),
    };
    const bytes = saveSafetensors(tensors, { note: 'hi' });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0);
    const back = loadSafetensors(bytes);
    expect([...back.keys()]).toEqual(['a', 'b', 'empty', 's']);
    for (const [k, t] of Object.entries(tensors)) {
      const u = back.get(k)!;
      expect(u.shape).toEqual(t.shape);
      expect(u.dtype).toBe(t.dtype);
      expect([...u.data]).toEqual([...t.data]);
    }
    expect(readSafetensorsMetadata(bytes)).toEqual({ note: 'hi' });
  });

  it('node helpers write and read files', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsgrad-')), 'm.safetensors');
    const m = mlp();
    saveSafetensorsFile(path, m);
    const n = mlp();
    n.loadStateDict(loadSafetensorsFile(path));
    expect([...n.parameters()[0]!.data]).toEqual([...m.parameters()[0]!.data]);
  });

  it('maps PyTorch snake_case keys and back', () => {
    expect(fromPyTorchKey('layers.0.bn1.running_mean')).toBe('layers.0.bn1.runningMean');
    expect(fromPyTorchKey('bn.num_batches_tracked')).toBe('bn.numBatchesTracked');
    expect(toPyTorchKey('bn.runningVar')).toBe('bn.running_var');
    const sd = new CNN().stateDict();
    expect([...fromPyTorchStateDict(toPyTorchStateDict(sd)).keys()]).toEqual([...sd.keys()]);
    expect([...toPyTorchStateDict(sd).keys()]).toEqual(golden.cnn.keys);
  });
});

/** A safetensors file with the given header object and data bytes. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('malformed safetensors files are rejected with a clear error', () => {
  const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['too short for the length', new Uint8Array(5), /too short for the 8-byte header length/],
    [
      'header length beyond the file',
      (() => {
        const f = file(ok, new Uint8Array(8));
        new DataView(f.buffer).setUint32(0, 1000, true);
        return f;
      })(),
      /header length 1000 runs past the end of the file/,
    ],
    [
      'header larger than 100 MB',
      (() => {
        const f = new Uint8Array(16);
        new DataView(f.buffer).setUint32(0, MAX_HEADER_BYTES + 1, true);
        return f;
      })(),
      /exceeds the limit of 100000000 bytes/,
    ],
    [
      'header length ≥ 2^32',
      (() => {
        const f = new Uint8Array(16);
        new DataView(f.buffer).setUint32(4, 1, true);
        return f;
      })(),
      /exceeds the limit/,
    ],
    ['invalid JSON', file(null, new Uint8Array(0), '{"x": '), /header is not valid UTF-8 JSON/],
    [
      'invalid UTF-8',
      file(null, new Uint8Array(0), '{}').map((b, i) => (i === 8 ? 0xff : b)),
      /not valid UTF-8 JSON/,
    ],
    ['JSON that is not an object', file([1, 2]), /header is not a JSON object/],
    [
      'unknown dtype',
      file({ x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /unsupported dtype 'F16' for tensor 'x' \(supported: F32, F64, I64, I32\)/,
    ],
    [
      'missing dtype',
      file({ x: { shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /entry 'x' has no dtype/,
    ],
    [
      'bad shape',
      file({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /invalid shape \[-1\]/,
    ],
    [
      'offsets out of range',
      file(ok, new Uint8Array(4)),
      /data_offsets \[0, 8\) run past the data buffer \(4 bytes\)/,
    ],
    [
      'offsets reversed',
      file({ x: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, new Uint8Array(8)),
      /invalid data_offsets \[8,0\]/,
    ],
    [
      'offsets not matching the shape',
      file({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /shape \[3\] \(F32\) but 8 data bytes/,
    ],
    [
      'huge shape',
      file({ x: { dtype: 'F64', shape: [1e9, 1e9, 1e9], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /but 8 data bytes/,
    ],
    [
      'overlapping tensors',
      file(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        new Uint8Array(8),
      ),
      /tensor 'b' \[4, 8\) overlaps another tensor/,
    ],
    [
      'a hole in the data',
      file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /data bytes \[0, 4\) belong to no tensor/,
    ],
    ['trailing bytes', file(ok, new Uint8Array(12)), /data buffer has 12 bytes but the tensors cover 8/],
    ['metadata not strings', file({ __metadata__: { a: 1 } }), /__metadata__ value for 'a' is not a string/],
    [
      'I64 beyond 2^53',
      file({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8).fill(0x7f)),
      /beyond ±2\^53/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    it(`${name}`, () => {
      expect(() => loadSafetensors(bytes)).toThrow(message);
      expect(() => loadSafetensors(bytes)).toThrow(/^loadSafetensors: /);
    });
  }

  it('fuzz: truncated or bit-flipped files load or end in a loadSafetensors error, quickly', () => {
    const good = saveSafetensors(new CNN());
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }),
        fc.boolean(),
        (cut, flips, truncate) => {
          const bytes = truncate ? good.slice(0, cut) : good.slice();
          for (const [at, bit] of flips) if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << bit;
          const start = performance.now();
          try {
            const loaded = loadSafetensors(bytes);
            for (const t of loaded.values()) expect(t.size).toBeLessThanOrEqual(bytes.length);
          } catch (e) {
            expect((e as Error).message).toMatch(/^loadSafetensors: /);
          }
          expect(performance.now() - start).toBeLessThan(1000);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('saveSafetensors rejects a tensor named __metadata__ and non-string metadata', () => {
    expect(() => saveSafetensors({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => saveSafetensors({}, { a: 1 as unknown as string })).toThrow(
      /metadata values must be strings/,
    );
  });
});
