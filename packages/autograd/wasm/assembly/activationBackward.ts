// AssemblyScript source of the float32 activation backward kernels (compiled by build.mjs with the
// other files). Pointers are byte addresses in this module's memory; the caller copies in and out.

/**
 * relu's backward: out[i] = gradOut[i] · [y[i] > 0] for i < n (y = relu's output, or its input:
 * the mask is the same). The comparison's lane mask ANDed with the bits of 1.0 gives 1 or +0, and
 * the product keeps the reference's IEEE results bit for bit (−g·0 = −0, NaN·0 = NaN, ∞·0 = NaN).
 * out may be the same address as gradOut or y.
 */
export function reluBackward(gradOut: usize, y: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const vectors = n & ~3;
  let i: i32 = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const mask = v128.and(f32x4.gt(v128.load(y + o), zero), one);
    v128.store(out + o, f32x4.mul(v128.load(gradOut + o), mask));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const mask: f32 = load<f32>(y + o) > 0 ? 1 : 0;
    store<f32>(out + o, load<f32>(gradOut + o) * mask);
  }
}
