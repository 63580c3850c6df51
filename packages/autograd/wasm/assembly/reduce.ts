// AssemblyScript source of the float32 sums that the bias gradients of conv2d and linear need
// (compiled by build.mjs with the other files). Pointers are byte addresses in this module's memory.

/**
 * out[j] = Σ_{i < a} Σ_{k < c} x[(i·b + j)·c + k] for j < b: x viewed as [a, b, c], summed over its
 * first and last dims (sumToShape's [n, c, h·w] → [c] after merging dims). Sums are kept in
 * float64, as the TypeScript loop keeps them in JavaScript numbers, and rounded once at the end.
 * Perf: each row of c floats is read four at a time and widened into two f64x2 accumulators.
 */
export function sumOuterInner(x: usize, a: i32, b: i32, c: i32, out: usize): void {
  const vectors = c & ~3;
  for (let j: i32 = 0; j < b; j++) {
    let lo = f64x2.splat(0);
    let hi = f64x2.splat(0);
    let rest: f64 = 0;
    for (let i: i32 = 0; i < a; i++) {
      const row = x + ((<usize>(i * b + j) * <usize>c) << 2);
      for (let k: i32 = 0; k < vectors; k += 4) {
        const v = v128.load(row + ((<usize>k) << 2));
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
        hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
      }
      for (let k: i32 = vectors; k < c; k++) rest += <f64>load<f32>(row + ((<usize>k) << 2));
    }
    const sum = f64x2.add(lo, hi);
    store<f32>(
      out + ((<usize>j) << 2),
      <f32>(f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1) + rest),
    );
  }
}

/**
 * out[j] += Σ_{i < a} x[i·b + j] for j < b: x viewed as [a, b], summed over its rows (a linear
 * layer's bias gradient, [batch, features] → [features]). Each row is added into out in float32,
 * in row order, exactly as sumToShape's TypeScript loop does, so the two agree bit for bit.
 * Perf: four columns per f32x4 add; out (b floats) stays in L1 while the rows stream past.
 */
export function sumRows(x: usize, a: i32, b: i32, out: usize): void {
  const vectors = b & ~3;
  for (let i: i32 = 0; i < a; i++) {
    const row = x + ((<usize>i * <usize>b) << 2);
    let j: i32 = 0;
    for (; j < vectors; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < b; j++) {
      const o = (<usize>j) << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
    }
  }
}
