// a·b + c on four float32 lanes: the multiply–accumulate step of every gemm-like loop.
//
// Built twice (see build.mjs): with relaxed SIMD, `f32x4.relaxed_madd` (one fused multiply-add
// instruction, vfmadd231ps on x86 with FMA: one rounding, twice the arithmetic per cycle of a
// separate multiply and add); without it, a multiply then an add (two roundings). Relaxed SIMD
// leaves fused-or-not to the engine, so results may differ from the plain build in the last bit.
// This file is in lib/ so it is not an entry of the build (entries' exports become the module's).

/** a·b + c, lane-wise (fused where the module was built with relaxed SIMD); -O3 inlines it. */
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
