// AssemblyScript source of direct (no im2col) float32 convolution loops for stride 1, which conv.ts
// runs for the forward and the weight gradient when a group has at most 8 output channels (its
// header says why; compiled by build.mjs with the other files).
//
// With stride 1, tap t = (ci, ki, kj) of the kernel reads the zero-padded image xp at a fixed
// offset from the output pixel: x[ci, oy − ph + ki·dh, ox − pw + kj·dw] = xp[off(t) + oy·wp + ox],
// off(t) = (ci·hp + ki·dh)·wp + kj·dw, for padded planes of hp rows of wp floats. So
//   correlate:  out[o, oy, ox] = Σ_t W[o, t] · xp[off(t) + oy·wp + ox]                  (forward)
//   dotTaps:    acc[o, t] += Σ_{oy, ox} g[o, oy, ox] · xp[off(t) + oy·wp + ox]    (weight gradient)
// read the image in place, four output columns per f32x4, with no column matrix to build or pack.
//
// Perf: correlate keeps a 4-channel × 2-row × 4-column block of outputs in 8 accumulators; per
// tap it loads 2 image vectors and splats 4 weights (6 loads for 32 multiply-adds, as sgemm's
// 4×8 micro-kernel). dotTaps keeps 4 channels × 2 taps in 8 accumulators and loads 4 gradient
// and 2 image vectors per step (6 loads for 32 multiply-adds), summing the lanes once at the end.

import { madd } from './lib/madd';

/**
 * out[o, oy, ox] (+)= Σ_t w[o·taps + t] · xp[off[t] + oy·wp + ox] for o < rows, oy < oh, ox < ow.
 * out rows are ow apart and planes oh·ow apart; off holds `taps` i32 element offsets. xp must be
 * readable up to one row and 3 columns past the last pixel any output reads (rows are computed in
 * pairs and columns in fours; the extra lanes are never stored). accumulate ≠ 0 adds to out.
 */
export function correlate(
  xp: usize,
  wp: i32,
  off: usize,
  taps: i32,
  w: usize,
  rows: i32,
  out: usize,
  oh: i32,
  ow: i32,
  accumulate: i32,
): void {
  const rowBytes = (<usize>wp) << 2;
  const plane = (<usize>(oh * ow)) << 2;
  const wRow = (<usize>taps) << 2;
  for (let o: i32 = 0; o < rows; o += 4) {
    const count = min(4, rows - o);
    // Missing channels of the last block repeat its first row; their sums are not stored.
    const w0 = w + <usize>o * wRow;
    const w1 = count > 1 ? w0 + wRow : w0;
    const w2 = count > 2 ? w0 + 2 * wRow : w0;
    const w3 = count > 3 ? w0 + 3 * wRow : w0;
    const out0 = out + <usize>o * plane;
    for (let oy: i32 = 0; oy < oh; oy += 2) {
      const both = oy + 1 < oh;
      for (let ox: i32 = 0; ox < ow; ox += 4) {
        const at = xp + <usize>oy * rowBytes + ((<usize>ox) << 2);
        let a00 = f32x4.splat(0);
        let a01 = f32x4.splat(0);
        let a10 = f32x4.splat(0);
        let a11 = f32x4.splat(0);
        let a20 = f32x4.splat(0);
        let a21 = f32x4.splat(0);
        let a30 = f32x4.splat(0);
        let a31 = f32x4.splat(0);
        for (let t: i32 = 0; t < taps; t++) {
          const p = at + ((<usize>load<i32>(off + ((<usize>t) << 2))) << 2);
          const x0 = v128.load(p);
          const x1 = v128.load(p + rowBytes);
          const tb = (<usize>t) << 2;
          let s = v128.load32_splat(w0 + tb);
          a00 = madd(s, x0, a00);
          a01 = madd(s, x1, a01);
          s = v128.load32_splat(w1 + tb);
          a10 = madd(s, x0, a10);
          a11 = madd(s, x1, a11);
          s = v128.load32_splat(w2 + tb);
          a20 = madd(s, x0, a20);
          a21 = madd(s, x1, a21);
          s = v128.load32_splat(w3 + tb);
          a30 = madd(s, x0, a30);
          a31 = madd(s, x1, a31);
        }
        const lanes = min(4, ow - ox);
        const d = out0 + ((<usize>(oy * ow + ox)) << 2);
        const down = (<usize>ow) << 2;
        storeLanes(d, a00, lanes, accumulate);
        if (both) storeLanes(d + down, a01, lanes, accumulate);
        if (count > 1) {
          storeLanes(d + plane, a10, lanes, accumulate);
          if (both) storeLanes(d + plane + down, a11, lanes, accumulate);
        }
        if (count > 2) {
          storeLanes(d + 2 * plane, a20, lanes, accumulate);
          if (both) storeLanes(d + 2 * plane + down, a21, lanes, accumulate);
        }
        if (count > 3) {
          storeLanes(d + 3 * plane, a30, lanes, accumulate);
          if (both) storeLanes(d + 3 * plane + down, a31, lanes, accumulate);
        }
      }
    }
  }
}

/** Stores (or adds, when accumulate ≠ 0) the first `lanes` lanes of v at p. */
function storeLanes(p: usize, v: v128, lanes: i32, accumulate: i32): void {
  if (lanes === 4) {
    v128.store(p, accumulate !== 0 ? f32x4.add(v128.load(p), v) : v);
    return;
  }
  for (let i: i32 = 0; i < lanes; i++) {
    const q = p + ((<usize>i) << 2);
    const value = f32x4.extract_lane(v, 0);
    store<f32>(q, accumulate !== 0 ? load<f32>(q) + value : value);
    v = v128.shuffle<f32>(v, v, 1, 2, 3, 0);
  }
}

/**
 * acc[o·taps + t] (4 lanes each) += Σ_{oy < oh, ox < ow} g[o, oy, ox] · xp[off[t] + oy·wp + ox] for
 * o < rows, t < taps. g planes are oh·gw floats with rows gw ≥ ⌈ow/4⌉·4 apart, zero past ow; the
 * image lanes past ow are masked to 0 (so an ∞ there cannot make 0·∞ = NaN). acc is 16-byte
 * vectors, summed across lanes by the caller.
 */
export function dotTaps(
  g: usize,
  gw: i32,
  rows: i32,
  oh: i32,
  ow: i32,
  xp: usize,
  wp: i32,
  off: usize,
  taps: i32,
  acc: usize,
): void {
  const rowBytes = (<usize>wp) << 2;
  const gRow = (<usize>gw) << 2;
  const plane = <usize>oh * gRow;
  const full = ow & ~3;
  const tail = ow - full;
  // All-ones in the lanes below `tail`, zero above.
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(tail));
  for (let o: i32 = 0; o < rows; o += 4) {
    const count = min(4, rows - o);
    // Missing channels of the last block read plane o again; their sums are not stored.
    const g0 = g + <usize>o * plane;
    const g1 = count > 1 ? g0 + plane : g0;
    const g2 = count > 2 ? g0 + 2 * plane : g0;
    const g3 = count > 3 ? g0 + 3 * plane : g0;
    for (let t: i32 = 0; t < taps; t += 2) {
      const t1 = min(t + 1, taps - 1);
      const p0 = xp + ((<usize>load<i32>(off + ((<usize>t) << 2))) << 2);
      const p1 = xp + ((<usize>load<i32>(off + ((<usize>t1) << 2))) << 2);
      let a00 = f32x4.splat(0);
      let a01 = f32x4.splat(0);
      let a10 = f32x4.splat(0);
      let a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0);
      let a21 = f32x4.splat(0);
      let a30 = f32x4.splat(0);
      let a31 = f32x4.splat(0);
      for (let oy: i32 = 0; oy < oh; oy++) {
        const xr = <usize>oy * rowBytes;
        const gr = <usize>oy * gRow;
        for (let ox: i32 = 0; ox < ow; ox += 4) {
          const xo = xr + ((<usize>ox) << 2);
          const go = gr + ((<usize>ox) << 2);
          let x0 = v128.load(p0 + xo);
          let x1 = v128.load(p1 + xo);
          if (ox === full) {
            x0 = v128.and(x0, mask);
            x1 = v128.and(x1, mask);
          }
          let s = v128.load(g0 + go);
          a00 = madd(s, x0, a00);
          a01 = madd(s, x1, a01);
          s = v128.load(g1 + go);
          a10 = madd(s, x0, a10);
          a11 = madd(s, x1, a11);
          s = v128.load(g2 + go);
          a20 = madd(s, x0, a20);
          a21 = madd(s, x1, a21);
          s = v128.load(g3 + go);
          a30 = madd(s, x0, a30);
          a31 = madd(s, x1, a31);
        }
      }
      const two = t1 > t;
      const base = acc + ((<usize>(o * taps + t)) << 4);
      const next = (<usize>taps) << 4;
      addVector(base, a00);
      if (two) addVector(base + 16, a01);
      if (count > 1) {
        addVector(base + next, a10);
        if (two) addVector(base + next + 16, a11);
      }
      if (count > 2) {
        addVector(base + 2 * next, a20);
        if (two) addVector(base + 2 * next + 16, a21);
      }
      if (count > 3) {
        addVector(base + 3 * next, a30);
        if (two) addVector(base + 3 * next + 16, a31);
      }
    }
  }
}

/** p[0..3] += v. */
function addVector(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}
