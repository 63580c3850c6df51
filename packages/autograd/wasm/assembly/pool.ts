// AssemblyScript source of the float32 max-pooling kernels (compiled by build.mjs with the other
// files). Same contracts as maxPool2d (for windows that lie inside the image) and maxPool2dScatter
// in src/kernels/pool.ts, on byte addresses in this module's memory; the caller
// (src/kernels/wasm/poolWasm.ts) copies in and out.
//
// Why these loops earn a WebAssembly version: the arg-max is a chain of comparisons that, on
// activations in random order, JavaScript compiles to branches mispredicted about half the time.
// Here every comparison becomes a lane mask and v128.bitselect/select picks value and index with
// no branch, four windows at a time for 2×2 windows of stride 2 (MaxPool2d(2)).

/** The sizes of one pooling, laid out as 13 consecutive i32 (PoolGeometry in src/kernels/pool.ts). */
@unmanaged
class PoolGeometry {
  planes: i32;
  h: i32;
  w: i32;
  kh: i32;
  kw: i32;
  sh: i32;
  sw: i32;
  ph: i32;
  pw: i32;
  dh: i32;
  dw: i32;
  oh: i32;
  ow: i32;
}

/**
 * out[p, oy, ox] = max of the window at (oy·sh, ox·sw); indices[…] = iy·w + ix of that maximum in
 * its plane (i32). Precondition: no padding and every window inside the image. As the reference:
 * the running maximum starts at the window's first pixel and a later value replaces it when
 * greater or NaN (ties keep the first, NaN wins, a later NaN replaces an earlier one).
 */
export function maxPool2d(geometry: usize, x: usize, out: usize, indices: usize): void {
  const g = changetype<PoolGeometry>(geometry);
  const h = g.h;
  const w = g.w;
  const oh = g.oh;
  const ow = g.ow;
  const pair = g.kh === 2 && g.kw === 2 && g.sh === 2 && g.sw === 2 && g.dh === 1 && g.dw === 1;
  for (let p: i32 = 0; p < g.planes; p++) {
    const plane = x + ((<usize>(p * h * w)) << 2);
    const o = (<usize>(p * oh * ow)) << 2;
    if (pair) maxPool2x2Plane(plane, w, oh, ow, out + o, indices + o);
    else maxPoolPlane(plane, g, out + o, indices + o);
  }
}

/**
 * One plane of 2×2, stride-2 windows: four windows per step from two rows of eight pixels. The
 * last step of a row may read up to 6 pixels past it (so x must be readable 32 bytes past its
 * end); only its windows inside the row are stored.
 */
function maxPool2x2Plane(plane: usize, w: i32, oh: i32, ow: i32, out: usize, indices: usize): void {
  const ramp = i32x4(0, 2, 4, 6);
  for (let oy: i32 = 0; oy < oh; oy++) {
    const rowStart = 2 * oy * w;
    const top = plane + ((<usize>rowStart) << 2);
    const bottom = top + ((<usize>w) << 2);
    const o = (<usize>(oy * ow)) << 2;
    for (let ox: i32 = 0; ox < ow; ox += 4) {
      const at = (<usize>(2 * ox)) << 2;
      const t0 = v128.load(top + at);
      const t1 = v128.load(top + at, 16);
      const b0 = v128.load(bottom + at);
      const b1 = v128.load(bottom + at, 16);
      // Window j's four pixels, in the reference's order: (0,0), (0,1), (1,0), (1,1).
      const v00 = f32x4.shuffle(t0, t1, 0, 2, 4, 6);
      const v01 = f32x4.shuffle(t0, t1, 1, 3, 5, 7);
      const v10 = f32x4.shuffle(b0, b1, 0, 2, 4, 6);
      const v11 = f32x4.shuffle(b0, b1, 1, 3, 5, 7);
      const i00 = i32x4.add(i32x4.splat(rowStart + 2 * ox), ramp);
      let best = v00;
      let bestIndex = i00;
      let take = v128.or(f32x4.gt(v01, best), f32x4.ne(v01, v01));
      best = v128.bitselect(v01, best, take);
      bestIndex = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), bestIndex, take);
      take = v128.or(f32x4.gt(v10, best), f32x4.ne(v10, v10));
      best = v128.bitselect(v10, best, take);
      bestIndex = v128.bitselect(i32x4.add(i00, i32x4.splat(w)), bestIndex, take);
      take = v128.or(f32x4.gt(v11, best), f32x4.ne(v11, v11));
      best = v128.bitselect(v11, best, take);
      bestIndex = v128.bitselect(i32x4.add(i00, i32x4.splat(w + 1)), bestIndex, take);
      const d = o + ((<usize>ox) << 2);
      const lanes = ow - ox;
      if (lanes >= 4) {
        v128.store(out + d, best);
        v128.store(indices + d, bestIndex);
      } else {
        store<f32>(out + d, f32x4.extract_lane(best, 0));
        store<i32>(indices + d, i32x4.extract_lane(bestIndex, 0));
        if (lanes > 1) {
          store<f32>(out + d, f32x4.extract_lane(best, 1), 4);
          store<i32>(indices + d, i32x4.extract_lane(bestIndex, 1), 4);
        }
        if (lanes > 2) {
          store<f32>(out + d, f32x4.extract_lane(best, 2), 8);
          store<i32>(indices + d, i32x4.extract_lane(bestIndex, 2), 8);
        }
      }
    }
  }
}

/** One plane of any window inside the image, one window at a time, branch-free selects. */
function maxPoolPlane(plane: usize, g: PoolGeometry, out: usize, indices: usize): void {
  const w = g.w;
  let o: usize = 0;
  for (let oy: i32 = 0; oy < g.oh; oy++) {
    for (let ox: i32 = 0; ox < g.ow; ox++) {
      const first = oy * g.sh * w + ox * g.sw;
      let best = load<f32>(plane + ((<usize>first) << 2));
      let bestIndex = first;
      for (let ki: i32 = 0; ki < g.kh; ki++) {
        const row = first + ki * g.dh * w;
        for (let kj: i32 = ki === 0 ? 1 : 0; kj < g.kw; kj++) {
          const index = row + kj * g.dw;
          const v = load<f32>(plane + ((<usize>index) << 2));
          const take = v > best || Number.isNaN(v);
          best = select(v, best, take);
          bestIndex = select(index, bestIndex, take);
        }
      }
      store<f32>(out + o, best);
      store<i32>(indices + o, bestIndex);
      o += 4;
    }
  }
}

/**
 * gradX[p, indices[p, o]] += gradOut[p, o] after zeroing gradX: each output's gradient goes to its
 * arg-max (indices < 0, windows with no pixel, are skipped). Perf: memory.fill, then one pass over
 * gradOut. A branch-free 2×2 variant that writes every pixel once (the gradient or 0, four windows
 * per step, no fill) measured 1.5–3× slower on [512, 28, 28] and [1024, 14, 14].
 */
export function maxPool2dScatter(geometry: usize, gradOut: usize, indices: usize, gradX: usize): void {
  const g = changetype<PoolGeometry>(geometry);
  const inPlane = g.h * g.w;
  const outPlane = g.oh * g.ow;
  memory.fill(gradX, 0, (<usize>(g.planes * inPlane)) << 2);
  for (let p: i32 = 0; p < g.planes; p++) {
    const base = gradX + ((<usize>(p * inPlane)) << 2);
    const from = (<usize>(p * outPlane)) << 2;
    for (let o: i32 = 0; o < outPlane; o++) {
      const at = from + ((<usize>o) << 2);
      const index = load<i32>(indices + at);
      if (index >= 0) {
        const d = base + ((<usize>index) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(gradOut + at));
      }
    }
  }
}
