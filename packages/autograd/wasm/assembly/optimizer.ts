// AssemblyScript source of the optimizer update kernels. Pointers are byte addresses in this
// module's memory; the caller copies a chunk of each buffer in, calls, and copies the results out.
//
// Why Adam earns a WebAssembly version: its update is a square root and a division per parameter,
// which scalar JavaScript runs in double precision one at a time (~12 ns per parameter measured on
// Node 20); f32x4 runs four lanes per instruction, so with the copies it costs ~3 ns.

/** The smallest positive normal float32, 2⁻¹²⁶. */
const MIN_NORMAL: f32 = 1.1754943508222875e-38;

/**
 * One Adam/AdamW step on n parameters, in float32 with one rounding per operation, in the order of
 * PyTorch 1.13's `_single_tensor_adam`:
 *   θ ← θ·decay                        (AdamW's decoupled decay; decay = 1 for Adam: skipped)
 *   m ← m·β₁ + (1 − β₁)·g              (exp_avg.mul_(β₁).add_(g, alpha=1 − β₁))
 *   v ← v·β₂ + (1 − β₂)·g·g            (exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂))
 *   θ ← θ + (−stepSize)·m / (√v / √(1 − β₂ᵗ) + ε)   (param.addcdiv_(m, denom, value=−stepSize))
 * c1 = 1 − β₁, c2 = 1 − β₂ and negStep = −lr / (1 − β₁ᵗ) come precomputed from the caller.
 *
 * Subnormals: a float32 below 2⁻¹²⁶ in magnitude makes each SIMD multiply or divide that reads or
 * writes it take a microcode assist on x86 (~60× slower, measured), and moments decay into that
 * range wherever a gradient stays 0 (β₁ᵗ < 2⁻¹²⁶ after ~800 steps). So m and v are stored as 0
 * when below minNormal (flush to zero; NaN stays NaN), and an m with |negStep·m| below minNormal
 * adds nothing to θ (tinyStep = minNormal/|negStep| from the caller): that update would have been
 * below 2⁻¹²⁶/ε, invisible beside any θ but a subnormal-sized one. (The TypeScript reference keeps
 * subnormals: in JavaScript's double precision they are normal numbers and cost nothing.)
 */
export function adamStep(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  beta1: f32,
  beta2: f32,
  c1: f32,
  c2: f32,
  negStep: f32,
  bc2Sqrt: f32,
  eps: f32,
  decay: f32,
  tinyStep: f32,
): void {
  const minNormal = f32x4.splat(MIN_NORMAL);
  const stepMin = f32x4.splat(tinyStep);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const k1 = f32x4.splat(c1);
  const k2 = f32x4.splat(c2);
  const step = f32x4.splat(negStep);
  const bc = f32x4.splat(bc2Sqrt);
  const e = f32x4.splat(eps);
  const dv = f32x4.splat(decay);
  const decays = decay !== 1;
  const vectors = n & ~3;
  let i: i32 = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    let pi = v128.load(p + o);
    if (decays) pi = f32x4.mul(pi, dv);
    const gi = v128.load(g + o);
    let mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(k1, gi));
    let vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(k2, gi), gi));
    // Lanes below the thresholds become +0: andnot clears the lanes whose compare mask is all ones
    // (a NaN compares false, so it stays NaN).
    const mAbs = f32x4.abs(mi);
    mi = v128.andnot(mi, f32x4.lt(mAbs, minNormal));
    vi = v128.andnot(vi, f32x4.lt(vi, minNormal));
    const mStep = v128.andnot(mi, f32x4.lt(mAbs, stepMin));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bc), e);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(p + o, f32x4.add(pi, f32x4.div(f32x4.mul(step, mStep), denom)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    let pi = load<f32>(p + o);
    if (decays) pi = pi * decay;
    const gi = load<f32>(g + o);
    let mi = load<f32>(m + o) * beta1 + c1 * gi;
    let vi = load<f32>(v + o) * beta2 + c2 * gi * gi;
    const mAbs = abs<f32>(mi);
    if (mAbs < MIN_NORMAL) mi = 0;
    if (vi < MIN_NORMAL) vi = 0;
    const mStep: f32 = mAbs < tinyStep ? 0 : mi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, pi + (negStep * mStep) / (sqrt<f32>(vi) / bc2Sqrt + eps));
  }
}
