/**
 * The WebAssembly conv2d passes (kernels/wasm/convWasm.ts) equal the TypeScript kernels of
 * kernels/conv.ts, run in float64 on the same float32 values, on random geometries: every
 * stride, padding, dilation and group count, odd sizes, rows long enough for the 4-lane copy
 * loops, and the pointwise (1×1) case that skips im2col. Plus the dispatch between them.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import {
  type ConvGeometry,
  colSize,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
} from '../../src/kernels/conv.js';
import {
  conv2dForwardWasm,
  conv2dInputGradWasm,
  conv2dWeightGradWasm,
} from '../../src/kernels/wasm/convWasm.js';
import { setWasmFma, wasmFmaActive } from '../../src/kernels/wasm/module.js';
import { filled } from './adjoint.js';
import { WASM_BUILDS } from './wasmBuilds.js';

/**
 * Unit roundoff of float32. The module sums in float32, so each output is within
 * (terms + 1)·u·mass of the exact value, where mass is the same sum taken over absolute values
 * (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1); the float64 reference is
 * exact to far better than that. Outputs are compared against 2× that bound.
 */
const U32 = 2 ** -24;

const int = (min: number, max: number) => fc.integer({ min, max });

/** Random geometries with at least one output; widths up to ~20 so rows hold whole vectors. */
const arbGeometry: fc.Arbitrary<ConvGeometry> = fc
  .record({
    n: int(1, 3),
    groups: int(1, 3),
    cg: int(1, 3),
    og: int(1, 5),
    kh: int(1, 4),
    kw: int(1, 4),
    sh: int(1, 3),
    sw: int(1, 3),
    ph: int(0, 2),
    pw: int(0, 2),
    dh: int(1, 3),
    dw: int(1, 3),
    eh: int(0, 6),
    ew: int(0, 14),
  })
  .map(({ n, groups, cg, og, kh, kw, sh, sw, ph, pw, dh, dw, eh, ew }) =>
    geometry(n, cg * groups, og * groups, groups, [kh, kw], [sh, sw], [ph, pw], [dh, dw], eh, ew),
  );

/** A geometry whose image is `extra` pixels larger than the smallest one with an output. */
function geometry(
  n: number,
  c: number,
  outC: number,
  groups: number,
  [kh, kw]: number[],
  [sh, sw]: number[],
  [ph, pw]: number[],
  [dh, dw]: number[],
  eh: number,
  ew: number,
): ConvGeometry {
  const h = Math.max(1, dh! * (kh! - 1) + 1 - 2 * ph!) + eh;
  const w = Math.max(1, dw! * (kw! - 1) + 1 - 2 * pw!) + ew;
  const oh = Math.floor((h + 2 * ph! - dh! * (kh! - 1) - 1) / sh!) + 1;
  const ow = Math.floor((w + 2 * pw! - dw! * (kw! - 1) - 1) / sw!) + 1;
  return {
    n,
    c,
    h,
    w,
    outC,
    groups,
    kh: kh!,
    kw: kw!,
    sh: sh!,
    sw: sw!,
    ph: ph!,
    pw: pw!,
    dh: dh!,
    dw: dw!,
    oh,
    ow,
  };
}

const f32 = (a: Float64Array) => Float32Array.from(a);
const abs = (a: Float64Array) => a.map(Math.abs);
const sizes = (g: ConvGeometry) => ({
  x: g.n * g.c * g.h * g.w,
  w: (g.outC * g.c * g.kh * g.kw) / g.groups,
  y: g.n * g.outC * g.oh * g.ow,
});

/** got within 2·(terms + 1)·u·mass of want, entry by entry; names the first that is not. */
function expectClose(got: Float32Array, want: Float64Array, mass: Float64Array, terms: number, what: string) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = 2 * (terms + 1) * U32 * mass[i]!;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      expect.fail(`${what}: element ${i}: wasm ${got[i]} vs reference ${want[i]} (tol ${tol})`);
    }
  }
}

/** All three passes on one geometry: wasm on float32 against the float64 reference. */
function checkPasses(g: ConvGeometry, seed: number, withBias: boolean): void {
  const s = sizes(g);
  const label = JSON.stringify(g);
  // float32 values held in float64 arrays, so both kernels see the same numbers.
  const x = Float64Array.from(f32(filled(s.x, seed)));
  const w = Float64Array.from(f32(filled(s.w, seed + 1)));
  const b = withBias ? Float64Array.from(f32(filled(g.outC, seed + 2))) : null;
  const gy = Float64Array.from(f32(filled(s.y, seed + 3)));
  const col = new Float64Array(colSize(g));
  const k = (g.c / g.groups) * g.kh * g.kw;

  const y = new Float64Array(s.y);
  const yMass = new Float64Array(s.y);
  conv2dForward(x, w, b, y, g, col);
  conv2dForward(abs(x), abs(w), b === null ? null : abs(b), yMass, g, col);
  const yWasm = new Float32Array(s.y).fill(7);
  conv2dForwardWasm(f32(x), f32(w), b === null ? null : f32(b), yWasm, g);
  expectClose(yWasm, y, yMass, k + 1, `forward ${label}`);

  const gx = new Float64Array(s.x);
  const gxMass = new Float64Array(s.x);
  conv2dInputGrad(gy, w, gx, g, col);
  conv2dInputGrad(abs(gy), abs(w), gxMass, g, col);
  const gxWasm = new Float32Array(s.x).fill(7); // overwritten, never accumulated
  conv2dInputGradWasm(f32(gy), f32(w), gxWasm, g);
  expectClose(gxWasm, gx, gxMass, (g.outC / g.groups) * g.kh * g.kw, `input grad ${label}`);

  const gw = new Float64Array(s.w);
  const gwMass = new Float64Array(s.w);
  conv2dWeightGrad(x, gy, gw, g, col);
  conv2dWeightGrad(abs(x), abs(gy), gwMass, g, col);
  const gwWasm = new Float32Array(s.w).fill(7);
  conv2dWeightGradWasm(f32(x), f32(gy), gwWasm, g);
  expectClose(gwWasm, gw, gwMass, g.n * g.oh * g.ow, `weight grad ${label}`);
}

describe.each(WASM_BUILDS)('convWasm ($build build)', ({ fma }) => {
  beforeAll(() => setWasmFma(fma));
  afterAll(() => setWasmFma(true));

  it('runs on this build', () => {
    expect(wasmFmaActive()).toBe(fma);
  });

  it('forward, input grad and weight grad equal the TypeScript kernels on random geometries (property)', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), fc.boolean(), (g, seed, withBias) =>
        checkPasses(g, seed, withBias),
      ),
      { numRuns: 150 },
    );
  });

  it('equals them with stride 1 and up to 8 output channels per group, the direct loops (property)', () => {
    const arbDirect = fc
      .record({
        n: int(1, 3),
        groups: int(1, 2),
        cg: int(1, 3),
        og: int(1, 8),
        kh: int(1, 4),
        kw: int(2, 4),
        ph: int(0, 2),
        pw: int(0, 2),
        dh: int(1, 2),
        dw: int(1, 2),
        eh: int(0, 5),
        ew: int(0, 13),
      })
      .map(({ n, groups, cg, og, kh, kw, ph, pw, dh, dw, eh, ew }) =>
        geometry(n, cg * groups, og * groups, groups, [kh, kw], [1, 1], [ph, pw], [dh, dw], eh, ew),
      );
    fc.assert(
      fc.property(arbDirect, int(1, 1000), fc.boolean(), (g, seed, withBias) =>
        checkPasses(g, seed, withBias),
      ),
      { numRuns: 150 },
    );
  });

  it('an infinite pixel gives the same infinities, and no NaN from the lanes past a row (stride 1)', () => {
    // 13 output columns: the last vector of each row has 3 lanes past the row, which read the
    // image's last column (and padding); 0·∞ there would be NaN where the reference has ±∞.
    const g = geometry(2, 1, 5, 1, [3, 3], [1, 1], [1, 1], [1, 1], 6, 12);
    const s = sizes(g);
    const x = f32(filled(s.x, 11));
    for (let row = 0; row < g.n * g.h; row += 3) x[row * g.w + g.w - 1] = Number.POSITIVE_INFINITY;
    const gy = f32(filled(s.y, 12));
    const want = new Float64Array(s.w);
    conv2dWeightGrad(Float64Array.from(x), Float64Array.from(gy), want, g, new Float64Array(colSize(g)));
    const got = new Float32Array(s.w);
    conv2dWeightGradWasm(x, gy, got, g);
    for (let i = 0; i < s.w; i++) {
      if (Number.isFinite(want[i]!)) expect(Number.isFinite(got[i]!), `element ${i}`).toBe(true);
      else expect(got[i], `element ${i}`).toBe(want[i]);
    }
  });

  it('equals them on every stride × padding × dilation combination of a 3×3 kernel', () => {
    let seed = 1;
    for (const stride of [1, 2, 3])
      for (const padding of [0, 1, 2])
        for (const dilation of [1, 2])
          for (const [eh, ew] of [
            [0, 0],
            [3, 9],
          ]) {
            const g = geometry(
              2,
              3,
              4,
              1,
              [3, 3],
              [stride, stride],
              [padding, padding],
              [dilation, dilation],
              eh!,
              ew!,
            );
            checkPasses(g, seed++, seed % 2 === 0);
          }
  });

  it('equals them on the pointwise (1×1, stride 1) case that skips im2col, with groups', () => {
    checkPasses(geometry(3, 6, 4, 2, [1, 1], [1, 1], [0, 0], [1, 1], 4, 9), 5, true);
    checkPasses(geometry(2, 5, 7, 1, [1, 1], [1, 1], [0, 0], [1, 1], 6, 0), 6, false);
  });

  it('equals them on the benchmark CNN shapes (28×28 and 14×14, 3×3, padding 1)', () => {
    checkPasses(geometry(4, 1, 8, 1, [3, 3], [1, 1], [1, 1], [1, 1], 26, 26), 7, true);
    checkPasses(geometry(4, 8, 16, 1, [3, 3], [1, 1], [1, 1], [1, 1], 12, 12), 8, true);
  });

  it('a pass after a larger one (memory already grown) reads only its own operands', () => {
    checkPasses(geometry(8, 4, 8, 1, [5, 5], [1, 1], [2, 2], [1, 1], 30, 30), 9, true);
    checkPasses(geometry(1, 1, 1, 1, [2, 3], [1, 2], [0, 1], [1, 1], 0, 1), 10, true);
  });
});

describe('conv2d kernels dispatch', () => {
  // The suite also runs with TSGRAD_KERNELS=js; leave the backend as it was.
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));
  const g = geometry(2, 3, 4, 1, [3, 3], [1, 1], [1, 1], [1, 1], 5, 6);
  const s = sizes(g);
  const x = f32(filled(s.x, 1));
  const w = f32(filled(s.w, 2));
  const b = f32(filled(g.outC, 3));
  const gy = f32(filled(s.y, 4));

  it("float32 passes run on the module under 'wasm', on the TypeScript loops under 'js'", () => {
    const run = () => {
      const y = new Float32Array(s.y);
      const gx = new Float32Array(s.x);
      const gw = new Float32Array(s.w);
      const col = new Float32Array(colSize(g));
      conv2dForward(x, w, b, y, g, col);
      conv2dInputGrad(gy, w, gx, g, col);
      conv2dWeightGrad(x, gy, gw, g, col);
      return [y, gx, gw];
    };
    const yWasm = new Float32Array(s.y);
    const gxWasm = new Float32Array(s.x);
    const gwWasm = new Float32Array(s.w);
    conv2dForwardWasm(x, w, b, yWasm, g);
    conv2dInputGradWasm(gy, w, gxWasm, g);
    conv2dWeightGradWasm(x, gy, gwWasm, g);
    setKernelBackend('wasm');
    expect(run()).toEqual([yWasm, gxWasm, gwWasm]);
    setKernelBackend('js');
    // The TypeScript gemm sums in double, so its last bits differ and tell which one ran.
    expect(run()).not.toEqual([yWasm, gxWasm, gwWasm]);
  });

  it("columns kept by a forward on 'wasm' (left unwritten) still give the weight grad on 'js'", () => {
    setKernelBackend('js');
    const want = new Float32Array(s.w);
    conv2dWeightGrad(x, gy, want, g, new Float32Array(colSize(g)));
    setKernelBackend('wasm');
    const cols = new Float32Array(g.n * colSize(g));
    conv2dForward(x, w, b, new Float32Array(s.y), g, cols, true);
    setKernelBackend('js');
    const got = new Float32Array(s.w);
    conv2dWeightGrad(x, gy, got, g, cols, true);
    expect(got).toEqual(want);
  });
});
