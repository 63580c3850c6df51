// AssemblyScript source of the float32 sum that conv2d's bias gradient needs (compiled by build.mjs
// with the other files). Pointers are byte addresses in this module's memory.

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
