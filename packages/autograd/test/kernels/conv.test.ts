/**
 * kernels/conv.ts on raw arrays: im2col against its formula, col2im as its adjoint, and the
 * three conv2d passes as adjoints of each other, ⟨B(x, W), g⟩ = ⟨x, I(g, W)⟩ = ⟨W, G(x, g)⟩.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConvGeometry,
  col2im,
  colSize,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
  im2col,
  isPointwise,
} from '../../src/kernels/conv.js';
import { dot, filled, relClose } from './adjoint.js';

const int = (min: number, max: number) => fc.integer({ min, max });

/** Random geometries with at least one output; kernels often larger than the stride. */
const arbGeometry: fc.Arbitrary<ConvGeometry> = fc
  .record({
    n: int(1, 2),
    groups: int(1, 3),
    cg: int(1, 2),
    og: int(1, 3),
    kh: int(1, 4),
    kw: int(1, 4),
    sh: int(1, 3),
    sw: int(1, 3),
    ph: int(0, 2),
    pw: int(0, 2),
    dh: int(1, 3),
    dw: int(1, 3),
    eh: int(0, 4),
    ew: int(0, 4),
  })
  .map(({ n, groups, cg, og, kh, kw, sh, sw, ph, pw, dh, dw, eh, ew }) => {
    const h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph) + eh;
    const w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw) + ew;
    const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    return { n, c: cg * groups, h, w, outC: og * groups, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
  });

describe('im2col / col2im', () => {
  it('im2col writes x at the formula position, and 0 in the padding', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const one = { ...g, n: 1 };
        const x = filled(g.c * g.h * g.w, seed);
        const col = new Float64Array(colSize(one));
        im2col(x, 0, one, col);
        const l = g.oh * g.ow;
        for (let ci = 0; ci < g.c; ci++)
          for (let ki = 0; ki < g.kh; ki++)
            for (let kj = 0; kj < g.kw; kj++)
              for (let oy = 0; oy < g.oh; oy++)
                for (let ox = 0; ox < g.ow; ox++) {
                  const iy = oy * g.sh - g.ph + ki * g.dh;
                  const ix = ox * g.sw - g.pw + kj * g.dw;
                  const inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                  const expected = inside ? x[(ci * g.h + iy) * g.w + ix]! : 0;
                  expect(col[((ci * g.kh + ki) * g.kw + kj) * l + oy * g.ow + ox]).toBe(expected);
                }
      }),
      { numRuns: 40 },
    );
  });

  it('col2im is the adjoint of im2col: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const one = { ...g, n: 1 };
        const x = filled(g.c * g.h * g.w, seed);
        const y = filled(colSize(one), seed + 1);
        const col = new Float64Array(colSize(one));
        im2col(x, 0, one, col);
        // col2im accumulates: start from a non-zero image and subtract it afterwards.
        const back = filled(x.length, seed + 2);
        const before = Float64Array.from(back);
        col2im(y, one, back, 0);
        for (let i = 0; i < back.length; i++) back[i] = back[i]! - before[i]!;
        expect(relClose(dot(col, y), dot(x, back))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('conv2d kernels', () => {
  it('forward, input grad and weight grad are adjoint: ⟨B(x, W), g⟩ = ⟨x, I(g, W)⟩ = ⟨W, G(x, g)⟩', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const x = filled(g.n * g.c * g.h * g.w, seed);
        const w = filled((g.outC * g.c * g.kh * g.kw) / g.groups, seed + 1);
        const gy = filled(g.n * g.outC * g.oh * g.ow, seed + 2);
        const col = new Float64Array(colSize(g));
        const y = new Float64Array(gy.length);
        const gx = new Float64Array(x.length).fill(7); // the kernels overwrite, never accumulate
        const gw = new Float64Array(w.length).fill(7);
        conv2dForward(x, w, null, y, g, col);
        conv2dInputGrad(gy, w, gx, g, col);
        conv2dWeightGrad(x, gy, gw, g, col);
        const yg = dot(y, gy);
        expect(relClose(yg, dot(x, gx))).toBe(true);
        expect(relClose(yg, dot(w, gw))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("forward with keepCols leaves every sample's columns, and the weight grad from them is the same", () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const x = filled(g.n * g.c * g.h * g.w, seed);
        const w = filled((g.outC * g.c * g.kh * g.kw) / g.groups, seed + 1);
        const gy = filled(g.n * g.outC * g.oh * g.ow, seed + 2);
        const y = new Float64Array(gy.length);
        const yKept = new Float64Array(gy.length);
        conv2dForward(x, w, null, y, g, new Float64Array(colSize(g)));
        const cols = new Float64Array(g.n * colSize(g));
        conv2dForward(x, w, null, yKept, g, cols, true);
        expect([...yKept]).toEqual([...y]);
        const gw = new Float64Array(w.length);
        const gwKept = new Float64Array(w.length).fill(7);
        conv2dWeightGrad(x, gy, gw, g, new Float64Array(colSize(g)));
        // x is not read when the columns are ready: poison it to prove that.
        conv2dWeightGrad(new Float64Array(x.length).fill(Number.NaN), gy, gwKept, g, cols, true);
        if (!isPointwise(g)) expect([...gwKept]).toEqual([...gw]);
      }),
      { numRuns: 40 },
    );
  });

  it('adds the bias once per output channel', () => {
    const g: ConvGeometry = {
      n: 2,
      c: 1,
      h: 2,
      w: 2,
      outC: 2,
      groups: 1,
      kh: 1,
      kw: 1,
      sh: 1,
      sw: 1,
      ph: 0,
      pw: 0,
      dh: 1,
      dw: 1,
      oh: 2,
      ow: 2,
    };
    const y = new Float64Array(16);
    conv2dForward(
      Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      Float64Array.of(1, -1),
      Float64Array.of(10, 20),
      y,
      g,
      new Float64Array(0),
    );
    expect([...y]).toEqual([11, 12, 13, 14, 19, 18, 17, 16, 15, 16, 17, 18, 15, 14, 13, 12]);
  });

  it('float32 arrays give the float64 result to float32 precision', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const x = filled(g.n * g.c * g.h * g.w, seed);
        const w = filled((g.outC * g.c * g.kh * g.kw) / g.groups, seed + 1);
        const y64 = new Float64Array(g.n * g.outC * g.oh * g.ow);
        const y32 = new Float32Array(y64.length);
        conv2dForward(x, w, null, y64, g, new Float64Array(colSize(g)));
        conv2dForward(Float32Array.from(x), Float32Array.from(w), null, y32, g, new Float32Array(colSize(g)));
        // ≤ 2·4·4 = 32 products of values in [−1, 1): float32 error ≲ 32·2⁻²⁴ ≈ 2e-6.
        for (let i = 0; i < y64.length; i++) expect(Math.abs(y32[i]! - y64[i]!)).toBeLessThan(1e-5);
      }),
      { numRuns: 30 },
    );
  });
});
