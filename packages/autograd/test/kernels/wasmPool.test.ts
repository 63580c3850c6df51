/**
 * The WebAssembly max pooling (kernels/wasm/poolWasm.ts) equals the TypeScript kernels of
 * kernels/pool.ts bit for bit (a maximum is one of its inputs, and the scatter adds the same
 * values in the same order): values and indices on every window, stride and dilation whose windows
 * lie inside the image, odd sizes around the 4-window vector step of the 2×2 / stride-2 path, ties,
 * NaN and ±0; and the scatter with overlapping windows and empty (−1) ones.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import { maxPool2d, maxPool2dScatter, type PoolGeometry } from '../../src/kernels/pool.js';
import { maxPool2dInteriorWasm, maxPool2dScatterWasm } from '../../src/kernels/wasm/poolWasm.js';
import { filled } from './adjoint.js';

const int = (min: number, max: number) => fc.integer({ min, max });

/** An unpadded geometry whose windows all lie inside an image `extra` pixels larger than one window. */
function interior(
  planes: number,
  [kh, kw]: number[],
  [sh, sw]: number[],
  [dh, dw]: number[],
  eh: number,
  ew: number,
): PoolGeometry {
  const h = dh! * (kh! - 1) + 1 + eh;
  const w = dw! * (kw! - 1) + 1 + ew;
  const oh = Math.floor((h - dh! * (kh! - 1) - 1) / sh!) + 1;
  const ow = Math.floor((w - dw! * (kw! - 1) - 1) / sw!) + 1;
  return { planes, h, w, kh: kh!, kw: kw!, sh: sh!, sw: sw!, ph: 0, pw: 0, dh: dh!, dw: dw!, oh, ow };
}

const arbInterior: fc.Arbitrary<PoolGeometry> = fc
  .record({
    planes: int(1, 3),
    kh: int(1, 4),
    kw: int(1, 4),
    sh: int(1, 3),
    sw: int(1, 3),
    dh: int(1, 2),
    dw: int(1, 2),
    eh: int(0, 6),
    ew: int(0, 20),
  })
  .map(({ planes, kh, kw, sh, sw, dh, dw, eh, ew }) =>
    interior(planes, [kh, kw], [sh, sw], [dh, dw], eh, ew),
  );

/** MaxPool2d(2) on images of 2..41 columns: whole and partial groups of four windows, odd widths. */
const arbPair: fc.Arbitrary<PoolGeometry> = fc
  .record({ planes: int(1, 3), eh: int(0, 5), ew: int(0, 39) })
  .map(({ planes, eh, ew }) => interior(planes, [2, 2], [2, 2], [1, 1], eh, ew));

const SPECIAL = [Number.NaN, 0, -0, 1, 1, 2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** Pixels drawn from a few values (ties everywhere), NaN and ±0 among them, or distinct random ones. */
function image(size: number, seed: number, ties: boolean): Float32Array {
  const random = filled(size, seed);
  return Float32Array.from(random, (v) => (ties ? SPECIAL[Math.floor((v + 1) * 4)]! : v));
}

function expectSameBits(got: Float32Array, want: Float32Array | Float64Array, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    // NaN payloads may differ; NaN-ness and every other value (incl. the sign of 0) may not.
    const same = Number.isNaN(want[i]!) ? Number.isNaN(got[i]!) : Object.is(got[i], want[i]);
    if (!same) expect.fail(`${what} element ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** maxPool2dInteriorWasm against the TypeScript maxPool2d (run on float64, so never dispatched). */
function checkForward(g: PoolGeometry, seed: number, ties: boolean): void {
  const x = image(g.planes * g.h * g.w, seed, ties);
  const outSize = g.planes * g.oh * g.ow;
  const want = new Float64Array(outSize);
  const wantIndices = new Int32Array(outSize);
  maxPool2d(Float64Array.from(x), want, wantIndices, g);
  const got = new Float32Array(outSize).fill(7);
  const gotIndices = new Int32Array(outSize).fill(-7);
  maxPool2dInteriorWasm(x, got, gotIndices, g);
  const label = JSON.stringify(g);
  expectSameBits(got, want, label);
  expect([...gotIndices], label).toEqual([...wantIndices]);
}

/**
 * maxPool2dScatterWasm against the TypeScript scatter on float32 arrays under 'js': both add the
 * same float32 values in the same order (a JavaScript add of two float32 values, rounded to float32
 * on store, is the float32 add), so the bits agree even where windows overlap.
 */
function checkScatter(g: PoolGeometry, indices: Int32Array, seed: number): void {
  const gy = Float32Array.from(filled(indices.length, seed));
  const backend = getKernelBackend();
  setKernelBackend('js');
  const want = new Float32Array(g.planes * g.h * g.w).fill(7);
  maxPool2dScatter(gy, indices, want, g);
  setKernelBackend(backend);
  const got = new Float32Array(want.length).fill(7); // overwritten, not accumulated
  maxPool2dScatterWasm(gy, indices, got, g);
  expectSameBits(got, want, JSON.stringify(g));
}

describe('maxPool2dInteriorWasm', () => {
  it('equals maxPool2d on random interior geometries, with ties, NaN and ±0 (property)', () => {
    fc.assert(
      fc.property(arbInterior, int(1, 1000), fc.boolean(), (g, seed, ties) => checkForward(g, seed, ties)),
      { numRuns: 150 },
    );
  });

  it('equals maxPool2d on 2×2 windows of stride 2 (the vector path) at every width 2..41 (property)', () => {
    fc.assert(
      fc.property(arbPair, int(1, 1000), fc.boolean(), (g, seed, ties) => checkForward(g, seed, ties)),
      { numRuns: 150 },
    );
  });

  it('equals maxPool2d on the benchmark CNN shapes, and after a larger call', () => {
    checkForward(interior(64 * 8, [2, 2], [2, 2], [1, 1], 27, 27), 3, false);
    checkForward(interior(5, [2, 2], [2, 2], [1, 1], 12, 12), 4, true);
    checkForward(interior(2, [3, 2], [1, 2], [2, 1], 1, 3), 5, true);
  });
});

describe('maxPool2dScatterWasm', () => {
  it('equals maxPool2dScatter on the indices of random interior poolings, overlapping ones included (property)', () => {
    fc.assert(
      fc.property(arbInterior, int(1, 1000), (g, seed) => {
        const indices = new Int32Array(g.planes * g.oh * g.ow);
        maxPool2d(filled(g.planes * g.h * g.w, seed), new Float64Array(indices.length), indices, g);
        checkScatter(g, indices, seed + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('skips windows with no pixel (index −1)', () => {
    const g = interior(2, [2, 2], [1, 1], [1, 1], 2, 2);
    const indices = Int32Array.from({ length: g.planes * g.oh * g.ow }, (_, i) => (i % 3 === 0 ? -1 : i % 9));
    checkScatter(g, indices, 6);
  });
});

describe('max pooling dispatch', () => {
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  it("float32 interior pooling and its scatter give the same results under 'wasm' and 'js'", () => {
    const g = interior(6, [2, 2], [2, 2], [1, 1], 13, 13);
    const x = image(g.planes * g.h * g.w, 9, true);
    const results = (['wasm', 'js'] as const).map((backend) => {
      setKernelBackend(backend);
      const y = new Float32Array(g.planes * g.oh * g.ow);
      const indices = new Int32Array(y.length);
      maxPool2d(x, y, indices, g);
      const gx = new Float32Array(x.length);
      maxPool2dScatter(
        y.map((v, i) => i - v),
        indices,
        gx,
        g,
      );
      return { y, indices, gx };
    });
    expectSameBits(results[0]!.y, results[1]!.y, 'values');
    expect(results[0]!.indices).toEqual(results[1]!.indices);
    expectSameBits(results[0]!.gx, results[1]!.gx, 'scatter');
  });
});
