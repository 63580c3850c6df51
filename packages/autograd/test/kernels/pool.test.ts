/**
 * kernels/pool.ts on raw arrays: each backward kernel is the adjoint of its forward
 * (⟨A(x), g⟩ = ⟨x, Aᵀ(g)⟩), and maxPool's scatter and gather are adjoint to each other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dGather,
  maxPool2dScatter,
  type PoolGeometry,
} from '../../src/kernels/pool.js';
import { dot, filled, relClose } from './adjoint.js';

const int = (min: number, max: number) => fc.integer({ min, max });

/** Random pooling geometries (padding ≤ k/2), with PyTorch's floor or ceil output size. */
const arbGeometry: fc.Arbitrary<PoolGeometry> = fc
  .record({
    planes: int(1, 3),
    kh: int(1, 4),
    kw: int(1, 4),
    sh: int(1, 3),
    sw: int(1, 3),
    padH: fc.boolean(),
    padW: fc.boolean(),
    dh: int(1, 2),
    dw: int(1, 2),
    eh: int(0, 4),
    ew: int(0, 4),
    ceil: fc.boolean(),
  })
  .map(({ planes, kh, kw, sh, sw, padH, padW, dh, dw, eh, ew, ceil }) => {
    const ph = padH ? Math.floor(kh / 2) : 0;
    const pw = padW ? Math.floor(kw / 2) : 0;
    const h = dh * (kh - 1) + 1 + eh;
    const w = dw * (kw - 1) + 1 + ew;
    const size = (i: number, k: number, s: number, p: number, d: number) => {
      const o = Math.floor((i + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
      return ceil && (o - 1) * s >= i + p ? o - 1 : o;
    };
    return {
      planes,
      h,
      w,
      kh,
      kw,
      sh,
      sw,
      ph,
      pw,
      dh,
      dw,
      oh: size(h, kh, sh, ph, dh),
      ow: size(w, kw, sw, pw, dw),
    };
  });

describe('pool kernels', () => {
  it('maxPool2d outputs x at its indices; scatter and gather are adjoint', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const inSize = g.planes * g.h * g.w;
        const outSize = g.planes * g.oh * g.ow;
        const x = filled(inSize, seed);
        const y = new Float64Array(outSize);
        const indices = new Int32Array(outSize);
        maxPool2d(x, y, indices, g);
        const gathered = new Float64Array(outSize);
        maxPool2dGather(x, indices, gathered, g);
        expect([...gathered]).toEqual([...y]);
        const gy = filled(outSize, seed + 1);
        const gx = new Float64Array(inSize).fill(7); // overwritten, not accumulated
        maxPool2dScatter(gy, indices, gx, g);
        const z = filled(inSize, seed + 2);
        maxPool2dGather(z, indices, gathered, g);
        expect(relClose(dot(gathered, gy), dot(z, gx))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('maxPool2d equals a window-by-window scan (ties keep the first, NaN wins; both paths)', () => {
    // Values on a coarse grid (many ties) with some NaN; the scan below is PyTorch's rule.
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), (g, seed) => {
        const x = filled(g.planes * g.h * g.w, seed).map((v, i) =>
          i % 7 === 3 ? Number.NaN : Math.round(v * 2),
        );
        const y = new Float64Array(g.planes * g.oh * g.ow);
        const indices = new Int32Array(y.length);
        maxPool2d(x, y, indices, g);
        let o = 0;
        for (let p = 0; p < g.planes; p++) {
          for (let oy = 0; oy < g.oh; oy++) {
            for (let ox = 0; ox < g.ow; ox++, o++) {
              let best = Number.NEGATIVE_INFINITY;
              let bestIndex = -1;
              for (let ki = 0; ki < g.kh; ki++) {
                for (let kj = 0; kj < g.kw; kj++) {
                  const iy = oy * g.sh - g.ph + ki * g.dh;
                  const ix = ox * g.sw - g.pw + kj * g.dw;
                  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                  const v = x[p * g.h * g.w + iy * g.w + ix]!;
                  if (bestIndex < 0 || v > best || Number.isNaN(v)) {
                    best = v;
                    bestIndex = iy * g.w + ix;
                  }
                }
              }
              expect(indices[o]).toBe(bestIndex);
              expect(Object.is(y[o], best)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('avgPool2dBackward is the adjoint of avgPool2d (every divisor mode)', () => {
    fc.assert(
      fc.property(arbGeometry, int(1, 1000), fc.boolean(), fc.option(int(1, 5)), (g0, seed, cip, div) => {
        const g = { ...g0, dh: 1, dw: 1 };
        const mode = { countIncludePad: cip, divisorOverride: div };
        const x = filled(g.planes * g.h * g.w, seed);
        const gy = filled(g.planes * g.oh * g.ow, seed + 1);
        const y = new Float64Array(gy.length);
        const gx = new Float64Array(x.length).fill(7);
        avgPool2d(x, y, g, mode);
        avgPool2dBackward(gy, gx, g, mode);
        expect(relClose(dot(y, gy), dot(x, gx))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('adaptiveAvgPool2dBackward is the adjoint of adaptiveAvgPool2d', () => {
    fc.assert(
      fc.property(
        int(1, 3),
        int(1, 8),
        int(1, 8),
        int(1, 5),
        int(1, 5),
        int(1, 1000),
        (p, h, w, oh, ow, seed) => {
          const x = filled(p * h * w, seed);
          const gy = filled(p * oh * ow, seed + 1);
          const y = new Float64Array(gy.length);
          const gx = new Float64Array(x.length).fill(7);
          adaptiveAvgPool2d(x, y, p, h, w, oh, ow);
          adaptiveAvgPool2dBackward(gy, gx, p, h, w, oh, ow);
          expect(relClose(dot(y, gy), dot(x, gx))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
