import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Tensor, tensor } from '@tsgrad/autograd';
import { datasets } from '@tsgrad/data';
import { loadMnist, readIdxFile } from '@tsgrad/data/node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const { readIdx, writeIdx, readIdxHeader } = datasets;

const dir = mkdtempSync(join(tmpdir(), 'tsgrad-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A header followed by `dataBytes` zero bytes. */
function header(type: number, dims: number[], dataBytes = 0): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + dataBytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = dims.length;
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  return bytes;
}

describe('IDX round trip through files', () => {
  const images = Tensor.empty([3, 4, 5]);
  for (let i = 0; i < images.size; i++) images.data[i] = (i * 37) % 256;
  const floats = tensor([
    [1.5, -2.25, 1e-3],
    [3e7, -0, Number.NaN],
  ]);

  for (const gz of [false, true]) {
    it(`u8 and f32 ${gz ? 'gzipped' : 'plain'}`, () => {
      const u8Path = join(dir, `u8${gz ? '.gz' : ''}`);
      const f32Path = join(dir, `f32${gz ? '.gz' : ''}`);
      const u8 = writeIdx(images, 'uint8');
      const f32 = writeIdx(floats, 'float32');
      writeFileSync(u8Path, gz ? gzipSync(u8) : u8);
      writeFileSync(f32Path, gz ? gzipSync(f32) : f32);
      const a = readIdxFile(u8Path);
      expect(a.shape).toEqual([3, 4, 5]);
      expect(Array.from(a.data)).toEqual(Array.from(images.data));
      const b = readIdxFile(f32Path);
      expect(b.shape).toEqual([2, 3]);
      expect(Array.from(b.data)).toEqual(Array.from(floats.data));
    });
  }

  it('every element type round-trips in memory, big-endian on disk', () => {
    const ints = tensor([-3, 0, 7, 100]);
    for (const type of ['int8', 'int16', 'int32', 'float64'] as const) {
      const back = readIdx(writeIdx(ints, type), { dtype: 'float64' });
      expect(Array.from(back.data)).toEqual([-3, 0, 7, 100]);
    }
    const bytes = writeIdx(tensor([258]), 'int16');
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2]);
    expect(() => writeIdx(tensor([256]), 'uint8')).toThrow(/writeIdx: value 256 at index 0 is not a uint8/);
    expect(() => writeIdx(tensor(1))).toThrow(/IDX holds 1 to 255 dims/);
  });

  it('reads a Node Buffer that is a view into a larger pool', () => {
    const file = writeIdx(tensor([1, 2, 3]), 'float32');
    const padded = new Uint8Array(file.length + 7);
    padded.set(file, 7);
    expect(Array.from(readIdx(padded.subarray(7)).data)).toEqual([1, 2, 3]);
  });

  it('loadMnist reads the official file names, gzipped or not', () => {
    const labels = tensor([0, 9, 3]);
    const mnistDir = mkdtempSync(join(dir, 'mnist-'));
    writeFileSync(join(mnistDir, 'train-images-idx3-ubyte.gz'), gzipSync(writeIdx(images, 'uint8')));
    writeFileSync(join(mnistDir, 'train-labels-idx1-ubyte'), writeIdx(labels, 'uint8'));
    const set = loadMnist(mnistDir);
    expect(set.images.shape).toEqual([3, 1, 4, 5]);
    expect(set.images.data[1]).toBeCloseTo(37 / 255, 6);
    expect(Array.from(set.labels.data)).toEqual([0, 9, 3]);
    expect(() => loadMnist(mnistDir, { train: false })).toThrow(/loadMnist: none of t10k-images-idx3-ubyte/);
  });
});

describe('IDX errors', () => {
  it('names each kind of corruption', () => {
    expect(() => readIdx(new Uint8Array([0, 0, 8]))).toThrow(
      /readIdx: file too short for the 4-byte header: 3 bytes/,
    );
    expect(() => readIdx(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0]))).toThrow(
      /readIdx: wrong magic number: expected 0x00 0x00 <type> <ndim>, got 0x01 0x02 0x08 0x01/,
    );
    expect(() => readIdx(gzipSync(writeIdx(tensor([1]))))).toThrow(/gzip-compressed/);
    expect(() => readIdx(header(0x0a, [1], 1))).toThrow(/readIdx: unknown element type 0x0a/);
    expect(() => readIdx(header(0x08, []))).toThrow(/header declares 0 dimensions/);
    expect(() => readIdx(header(0x08, [2, 2]).subarray(0, 9))).toThrow(
      /truncated header: 2 dims need 12 header bytes, the data has 9/,
    );
    expect(() => readIdx(header(0x08, [2, 3], 5))).toThrow(
      /readIdx: truncated or corrupt: dims \[2, 3\] of uint8 need more than 5 data bytes, the data has 5/,
    );
    expect(() => readIdx(header(0x0d, [2], 9))).toThrow(
      /readIdx: trailing or missing bytes: dims \[2\] of float32 need 8 data bytes, the data has 9/,
    );
  });

  it('absurd dims are rejected without allocating', () => {
    const huge = header(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], 16);
    expect(() => readIdx(huge)).toThrow(
      /truncated or corrupt: dims \[4294967295, 4294967295, 4294967295\] of float64/,
    );
    const empty = readIdx(header(0x08, [0xffffffff, 0]));
    expect(empty.shape).toEqual([0xffffffff, 0]);
    expect(empty.size).toBe(0);
  });

  it('a corrupt gzip file and a missing file are clear errors', () => {
    const gz = gzipSync(writeIdx(tensor([1, 2, 3])));
    const path = join(dir, 'broken.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 6));
    expect(() => readIdxFile(path)).toThrow(/readIdxFile: .*broken.gz: cannot gunzip/);
    expect(() => readIdxFile(join(dir, 'missing'))).toThrow(/readIdxFile: cannot read .*missing/);
    const bomb = join(dir, 'bomb.gz');
    writeFileSync(bomb, gzipSync(header(0x08, [1 << 20], 1 << 20)));
    expect(() => readIdxFile(bomb, { maxBytes: 1 << 16 })).toThrow(/larger than 65536 bytes/);
    const bad = join(dir, 'bad');
    writeFileSync(bad, header(0x08, [4], 3));
    expect(() => readIdxFile(bad)).toThrow(/readIdxFile: .*bad: readIdx: truncated or corrupt/);
  });

  it('random, truncated and bit-flipped bytes end in a clear error or a valid tensor no larger than the input (fuzz)', () => {
    const valid = writeIdx(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      'int16',
    );
    const mutated = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.integer({ min: 0, max: valid.length - 1 }).map((k) => valid.slice(0, k)),
      fc
        .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 7 })), {
          minLength: 1,
          maxLength: 4,
        })
        .map((flips) => {
          const b = valid.slice();
          for (const [at, bit] of flips) b[at]! ^= 1 << bit;
          return b;
        }),
      fc.uint8Array({ minLength: 0, maxLength: 40 }).map((tail) => {
        const b = new Uint8Array(4 + tail.length);
        b[2] = 0x08;
        b[3] = tail.length > 0 ? tail[0]! % 8 : 1;
        b.set(tail, 4);
        return b;
      }),
    );
    fc.assert(
      fc.property(mutated, (bytes) => {
        try {
          const t = readIdx(bytes);
          // A valid parse holds exactly the elements the bytes describe.
          const { type, shape, dataOffset } = readIdxHeader(bytes);
          const size = { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[type];
          expect(t.shape).toEqual(shape);
          expect(dataOffset + t.size * size).toBe(bytes.length);
          expect(t.size).toBeLessThanOrEqual(bytes.length); // never allocates beyond the input
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).message).toMatch(/^readIdx: /);
        }
      }),
      { numRuns: 300 },
    );
  });
});
