// AssemblyScript source of BatchNorm's float32 kernels (compiled by build.mjs with the other files).
// Pointers are byte addresses in this module's memory; x, g, y, gradX are float32 [n, c, inner],
// every per-channel array is float64 [c].
//
// Why they earn a WebAssembly version: scalar JavaScript spends ~2 ns per element on each of these
// passes (a float32 load, a widening, a few double operations, a rounding store); here four floats
// are widened at a time into f64x2 lanes. All arithmetic is float64, as in the TypeScript kernels
// (kernels/normalization.ts): the element-wise outputs are the same double expressions rounded once,
// so they equal the TypeScript ones bit for bit; the sums only differ in their order.

/** The low two floats of v as doubles. */
function widenLow(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** The high two floats of v as doubles. */
function widenHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** Four floats from two pairs of doubles (each rounded once). */
function narrow(low: v128, high: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

function plane(base: usize, i: i32, c: i32, ch: i32, inner: i32): usize {
  return base + ((<usize>(i * c + ch) * <usize>inner) << 2);
}

function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * Per channel: mean[ch] = Σ x / N and variance[ch] = Σ (x − mean)² / N over the n planes of the
 * channel (N = n·inner). Two passes, as the TypeScript kernel.
 * Perf: eight floats per step into four f64x2 accumulators (independent add chains).
 */
export function channelMeanVar(x: usize, n: i32, c: i32, inner: i32, mean: usize, variance: usize): void {
  const eights = inner & ~7;
  const count = <f64>n * <f64>inner;
  for (let ch: i32 = 0; ch < c; ch++) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let rest: f64 = 0;
    for (let i: i32 = 0; i < n; i++) {
      const p = plane(x, i, c, ch, inner);
      let k: i32 = 0;
      for (; k < eights; k += 8) {
        const a = v128.load(p + ((<usize>k) << 2));
        const b = v128.load(p + ((<usize>k) << 2), 16);
        s0 = f64x2.add(s0, widenLow(a));
        s1 = f64x2.add(s1, widenHigh(a));
        s2 = f64x2.add(s2, widenLow(b));
        s3 = f64x2.add(s3, widenHigh(b));
      }
      for (; k < inner; k++) rest += <f64>load<f32>(p + ((<usize>k) << 2));
    }
    const mu = (sumLanes(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3))) + rest) / count;
    const m = f64x2.splat(mu);
    let q0 = f64x2.splat(0);
    let q1 = f64x2.splat(0);
    let q2 = f64x2.splat(0);
    let q3 = f64x2.splat(0);
    let qRest: f64 = 0;
    for (let i: i32 = 0; i < n; i++) {
      const p = plane(x, i, c, ch, inner);
      let k: i32 = 0;
      for (; k < eights; k += 8) {
        const a = v128.load(p + ((<usize>k) << 2));
        const b = v128.load(p + ((<usize>k) << 2), 16);
        const d0 = f64x2.sub(widenLow(a), m);
        const d1 = f64x2.sub(widenHigh(a), m);
        const d2 = f64x2.sub(widenLow(b), m);
        const d3 = f64x2.sub(widenHigh(b), m);
        q0 = f64x2.add(q0, f64x2.mul(d0, d0));
        q1 = f64x2.add(q1, f64x2.mul(d1, d1));
        q2 = f64x2.add(q2, f64x2.mul(d2, d2));
        q3 = f64x2.add(q3, f64x2.mul(d3, d3));
      }
      for (; k < inner; k++) {
        const d = <f64>load<f32>(p + ((<usize>k) << 2)) - mu;
        qRest += d * d;
      }
    }
    store<f64>(mean + ((<usize>ch) << 3), mu);
    store<f64>(
      variance + ((<usize>ch) << 3),
      (sumLanes(f64x2.add(f64x2.add(q0, q1), f64x2.add(q2, q3))) + qRest) / count,
    );
  }
}

/**
 * y = (x − mean[ch])·scale[ch] + shift[ch], in float64, rounded once.
 * Perf: four floats per step (two f64x2 halves).
 */
export function channelAffine(
  x: usize,
  n: i32,
  c: i32,
  inner: i32,
  mean: usize,
  scale: usize,
  shift: usize,
  y: usize,
): void {
  const fours = inner & ~3;
  for (let i: i32 = 0; i < n; i++) {
    for (let ch: i32 = 0; ch < c; ch++) {
      const mu = load<f64>(mean + ((<usize>ch) << 3));
      const a = load<f64>(scale + ((<usize>ch) << 3));
      const b = load<f64>(shift + ((<usize>ch) << 3));
      const m = f64x2.splat(mu);
      const av = f64x2.splat(a);
      const bv = f64x2.splat(b);
      const px = plane(x, i, c, ch, inner);
      const py = plane(y, i, c, ch, inner);
      let k: i32 = 0;
      for (; k < fours; k += 4) {
        const o = (<usize>k) << 2;
        const v = v128.load(px + o);
        const low = f64x2.add(f64x2.mul(f64x2.sub(widenLow(v), m), av), bv);
        const high = f64x2.add(f64x2.mul(f64x2.sub(widenHigh(v), m), av), bv);
        v128.store(py + o, narrow(low, high));
      }
      for (; k < inner; k++) {
        const o = (<usize>k) << 2;
        store<f32>(py + o, <f32>((<f64>load<f32>(px + o) - mu) * a + b));
      }
    }
  }
}

/**
 * BatchNorm backward, first pass: sumG[ch] = Σ g and sumGC[ch] = Σ g·(x − mean[ch]) (float64).
 * Perf: four floats per step into four f64x2 accumulators.
 */
export function channelGradSums(
  g: usize,
  x: usize,
  n: i32,
  c: i32,
  inner: i32,
  mean: usize,
  sumG: usize,
  sumGC: usize,
): void {
  const fours = inner & ~3;
  for (let ch: i32 = 0; ch < c; ch++) {
    const mu = load<f64>(mean + ((<usize>ch) << 3));
    const m = f64x2.splat(mu);
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let b0 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let aRest: f64 = 0;
    let bRest: f64 = 0;
    for (let i: i32 = 0; i < n; i++) {
      const pg = plane(g, i, c, ch, inner);
      const px = plane(x, i, c, ch, inner);
      let k: i32 = 0;
      for (; k < fours; k += 4) {
        const o = (<usize>k) << 2;
        const gv = v128.load(pg + o);
        const xv = v128.load(px + o);
        const gLow = widenLow(gv);
        const gHigh = widenHigh(gv);
        a0 = f64x2.add(a0, gLow);
        a1 = f64x2.add(a1, gHigh);
        b0 = f64x2.add(b0, f64x2.mul(gLow, f64x2.sub(widenLow(xv), m)));
        b1 = f64x2.add(b1, f64x2.mul(gHigh, f64x2.sub(widenHigh(xv), m)));
      }
      for (; k < inner; k++) {
        const o = (<usize>k) << 2;
        const gk = <f64>load<f32>(pg + o);
        aRest += gk;
        bRest += gk * (<f64>load<f32>(px + o) - mu);
      }
    }
    store<f64>(sumG + ((<usize>ch) << 3), sumLanes(f64x2.add(a0, a1)) + aRest);
    store<f64>(sumGC + ((<usize>ch) << 3), sumLanes(f64x2.add(b0, b1)) + bRest);
  }
}

/**
 * BatchNorm backward, second pass: gradX = k[ch]·(g − meanG[ch]) − slope[ch]·(x − mean[ch]), in
 * float64, rounded once.
 * Perf: four floats per step (two f64x2 halves).
 */
export function channelGradInput(
  g: usize,
  x: usize,
  n: i32,
  c: i32,
  inner: i32,
  mean: usize,
  k: usize,
  meanG: usize,
  slope: usize,
  gradX: usize,
): void {
  const fours = inner & ~3;
  for (let i: i32 = 0; i < n; i++) {
    for (let ch: i32 = 0; ch < c; ch++) {
      const o8 = (<usize>ch) << 3;
      const mu = load<f64>(mean + o8);
      const kc = load<f64>(k + o8);
      const mg = load<f64>(meanG + o8);
      const sc = load<f64>(slope + o8);
      const m = f64x2.splat(mu);
      const kv = f64x2.splat(kc);
      const mgv = f64x2.splat(mg);
      const sv = f64x2.splat(sc);
      const pg = plane(g, i, c, ch, inner);
      const px = plane(x, i, c, ch, inner);
      const po = plane(gradX, i, c, ch, inner);
      let j: i32 = 0;
      for (; j < fours; j += 4) {
        const o = (<usize>j) << 2;
        const gv = v128.load(pg + o);
        const xv = v128.load(px + o);
        const low = f64x2.sub(
          f64x2.mul(kv, f64x2.sub(widenLow(gv), mgv)),
          f64x2.mul(sv, f64x2.sub(widenLow(xv), m)),
        );
        const high = f64x2.sub(
          f64x2.mul(kv, f64x2.sub(widenHigh(gv), mgv)),
          f64x2.mul(sv, f64x2.sub(widenHigh(xv), m)),
        );
        v128.store(po + o, narrow(low, high));
      }
      for (; j < inner; j++) {
        const o = (<usize>j) << 2;
        const v = kc * (<f64>load<f32>(pg + o) - mg) - sc * (<f64>load<f32>(px + o) - mu);
        store<f32>(po + o, <f32>v);
      }
    }
  }
}
