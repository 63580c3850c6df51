/**
 * Hostile IDX inputs beyond idx.test.ts's fuzz (random, truncated and bit-flipped bytes):
 * headers built from adversarial parts — every type byte, 0 to 255 dims, dims near 2^32 whose
 * product overflows 2^53, lying lengths — and the MNIST decoding of what they produce.
 * Each ends in a clear error or a valid tensor no larger than the input, quickly.
 * TSGRAD_FUZZ_RUNS / TSGRAD_FUZZ_REPORT as in nn/test/hostile.test.ts.
 */
import { tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { datasets } from '../src/index.js';

const { readIdx, writeIdx, imagesFromIdx } = datasets;
const RUNS = Number(process.env.TSGRAD_FUZZ_RUNS ?? 300);
/** Per input; generous for a loaded 2-core machine, tiny next to a hang or a huge allocation. */
const MAX_MS = 1000;
const outcomes: Record<string, number> = {};
afterAll(() => {
  if (process.env.TSGRAD_FUZZ_REPORT) console.log(JSON.stringify({ data: { readIdx: outcomes } }, null, 1));
});

/** An IDX file: magic, type byte, the dims (32-bit big-endian), then `data`. */
function idx(magic: [number, number], type: number, dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[0] = magic[0];
  out[1] = magic[1];
  out[2] = type;
  out[3] = dims.length;
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d >>> 0, false);
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const dimValue = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 16, 2 ** 31, 2 ** 32 - 1, 28) },
  { weight: 1, arbitrary: fc.nat() },
);
const file = fc.record({
  magic: fc.oneof(
    { weight: 6, arbitrary: fc.constant<[number, number]>([0, 0]) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })) },
  ),
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  ),
  dims: fc.oneof(
    { weight: 6, arbitrary: fc.array(dimValue, { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.array(fc.constantFrom(1, 2, 2 ** 32 - 1), { minLength: 200, maxLength: 255 }),
    },
  ),
  data: fc.uint8Array({ maxLength: 80 }),
});

describe('IDX: adversarial headers', () => {
  it('every type byte, up to 255 dims, overflowing dim products and lying sizes: a clear error or a valid tensor', () => {
    fc.assert(
      fc.property(file, fc.constantFrom<'float32' | 'float64'>('float32', 'float64'), (f, dtype) => {
        const bytes = idx(f.magic, f.type, f.dims, f.data);
        const start = performance.now();
        try {
          const t = readIdx(bytes, { dtype });
          expect(t.shape).toEqual(f.dims);
          expect(t.size).toBeLessThanOrEqual(f.data.length); // never allocates beyond the input
          expect(t.dtype).toBe(dtype);
          outcomes.loaded = (outcomes.loaded ?? 0) + 1;
        } catch (e) {
          expect((e as Error).message).toMatch(/^readIdx: /);
          const kind = (e as Error).message
            .replace(/readIdx: /, '')
            .split(/[:(]/)[0]!
            .replace(/0x\w+|\d+/g, 'N');
          outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        }
        expect(performance.now() - start).toBeLessThan(MAX_MS);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses an unknown dtype option and a non-byte input', () => {
    const bytes = writeIdx(tensor([1, 2]));
    expect(() => readIdx(bytes, { dtype: 'int8' as never })).toThrow(/^readIdx: unknown dtype 'int8'/);
    expect(() => readIdx('abc' as never)).toThrow(
      /^readIdx: expected a Uint8Array or an ArrayBuffer, got string/,
    );
    expect(readIdx(bytes.buffer as ArrayBuffer).toArray()).toEqual([1, 2]);
  });
});

describe('MNIST decoding of hostile IDX contents', () => {
  it('pixels outside 0…255 (or NaN) and labels that are not digits are refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(-1, 256, 0.5, Number.NaN)), {
          minLength: 4,
          maxLength: 4,
        }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(-1, 10, 2.5, Number.NaN)), {
          minLength: 1,
          maxLength: 1,
        }),
        (pixels, labels) => {
          const images = readIdx(writeIdx(tensor(pixels, { shape: [1, 2, 2] }), 'float64'), {
            dtype: 'float64',
          });
          const labelTensor = tensor(labels);
          const pixelsOk = pixels.every((v) => v >= 0 && v <= 255);
          const labelsOk = labels.every((v) => Number.isInteger(v) && v >= 0 && v <= 9);
          if (pixelsOk && labelsOk) {
            const set = imagesFromIdx(images, labelTensor);
            expect(set.images.shape).toEqual([1, 1, 2, 2]);
            expect(Math.max(...set.images.data)).toBeLessThanOrEqual(1);
          } else {
            expect(() => imagesFromIdx(images, labelTensor)).toThrow(/^imagesFromIdx: (pixel|label) /);
          }
        },
      ),
      { numRuns: Math.min(RUNS, 100) },
    );
  });
});
