// AssemblyScript source of the optimizer update kernels. Pointers are byte addresses in this
// module's memory; the caller copies a chunk of each buffer in, calls, and copies the results out.
//
// Why Adam earns a WebAssembly version: its update is a square root and a division per parameter,
// which scalar JavaScript runs in double precision one at a time (~12 ns per parameter measured on
// Node 20); f32x4 runs four lanes per instruction, so with the copies it costs ~3 ns.

/**
 * One Adam/AdamW step on n parameters, in float32 with one rounding per operation, in the order of
 * PyTorch 1.13's `_single_tensor_adam`:
 *   θ ← θ·decay                        (AdamW's decoupled decay; decay = 1 for Adam: skipped)
 *   m ← m·β₁ + (1 − β₁)·g              (exp_avg.mul_(β₁).add_(g, alpha=1 − β₁))
 *   v ← v·β₂ + (1 − β₂)·g·g            (exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂))
 *   θ ← θ + (−stepSize)·m / (√v / √(1 − β₂ᵗ) + ε)   (param.addcdiv_(m, denom, value=−stepSize))
 * c1 = 1 − β₁, c2 = 1 − β₂ and negStep = −lr / (1 − β₁ᵗ) come precomputed from the caller.
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
): void {
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
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(k1, gi));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(k2, gi), gi));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bc), e);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(p + o, f32x4.add(pi, f32x4.div(f32x4.mul(step, mi), denom)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    let pi = load<f32>(p + o);
    if (decays) pi = pi * decay;
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o) * beta1 + c1 * gi;
    const vi = load<f32>(v + o) * beta2 + c2 * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, pi + (negStep * mi) / (sqrt<f32>(vi) / bc2Sqrt + eps));
  }
}
