/**
 * Optimizer update kernels: the per-parameter loops of @tsgrad/optim's hottest updates, here beside
 * the other kernels so that they can have a WebAssembly SIMD variant (kernels/wasm/).
 */
import type { Float } from './elementwise.js';
import { useWasmKernels } from './wasm/module.js';
import { adamUpdateWasm } from './wasm/optimizerWasm.js';

/** The scalars of one Adam step: β₁, β₂, ε; stepSize = lr/(1 − β₁ᵗ); bc2Sqrt = √(1 − β₂ᵗ); decay = AdamW's 1 − lr·λ (1 for Adam). */
export interface AdamCoefficients {
  beta1: number;
  beta2: number;
  stepSize: number;
  bc2Sqrt: number;
  eps: number;
  decay: number;
}

/**
 * Below this many parameters the copies into WebAssembly memory and the call cost more than the
 * SIMD update saves (measured: the loops tie near 64 elements).
 */
const WASM_MIN_PARAMS = 256;

/**
 * One step of Adam (no AMSGrad, no maximize, no L2 penalty) or AdamW (decay ≠ 1), in place on the
 * parameters p, first moment m and second moment v, given the gradient g:
 *   θ ← θ·decay;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − stepSize·m / (√v/bc2Sqrt + ε)
 * Float32 buffers of at least WASM_MIN_PARAMS run on WebAssembly SIMD when that backend is selected
 * (float32 arithmetic, one rounding per operation, as PyTorch's float32 kernels); everything else
 * on `adamUpdateReference` (double-precision arithmetic, each buffer rounded when stored).
 *
 * Subnormals: the WebAssembly kernel stores m and v below 2⁻¹²⁶ in magnitude as 0, and lets an m
 * too small for stepSize·m to be a normal float32 add nothing to θ (flush to zero, as PyTorch under
 * torch.set_flush_denormal(True)); the TypeScript loop keeps subnormals, as PyTorch by default.
 * Moments decay into that range wherever a gradient stays 0 (after ~800 steps with β₁ = 0.9), and
 * each SIMD operation on a subnormal costs ~60× (x86 microcode assists): the MLP benchmark's Adam
 * step went from 0.7 to 2.6–3.2 ms at step 700 without the flush. (Scalar JavaScript computes in
 * double precision, where these values are normal, and pays nothing.) The updates dropped are
 * below 2⁻¹²⁶/ε, so θ differs only where it is itself of subnormal size.
 */
export function adamUpdate(p: Float, g: Float, m: Float, v: Float, c: AdamCoefficients): void {
  if (
    p.length >= WASM_MIN_PARAMS &&
    p instanceof Float32Array &&
    g instanceof Float32Array &&
    m instanceof Float32Array &&
    v instanceof Float32Array &&
    useWasmKernels()
  ) {
    adamUpdateWasm(p, g, m, v, c);
  } else {
    adamUpdateReference(p, g, m, v, c);
  }
}

/**
 * The TypeScript Adam/AdamW step (see `adamUpdate`): one pass over the four buffers, loop-invariant
 * coefficients hoisted. Each buffer is stored, then read back, so float32 state rounds as PyTorch's
 * does. Its operations are those of the general loop in @tsgrad/optim's adam.ts, in the same order
 * (both divisions kept), so the two agree to the last bit (tested there, and against the plain
 * per-parameter formula in test/kernels/optimizer.test.ts).
 * Perf: four parameters per iteration, because V8 pays a fixed cost per iteration (the loop's
 * stack check, after which it reloads each typed array's map, length and data pointer): 14–17 %
 * less time than one per iteration (Node 20, 8k and 235k parameters, interleaved A/B), 29 % less
 * in a process where an ArrayBuffer has been detached (after any WebAssembly.Memory.grow, as in
 * the benchmark), where V8 also checks each access for detachment. The rest is mostly the
 * divider: one √ and two divisions per parameter.
 */
export function adamUpdateReference(p: Float, g: Float, m: Float, v: Float, c: AdamCoefficients): void {
  const { beta1, beta2, stepSize, bc2Sqrt, eps, decay } = c;
  const n = p.length;
  if (decay !== 1) for (let i = 0; i < n; i++) p[i] = p[i]! * decay; // stored: rounds as PyTorch's mul_
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const negStep = -stepSize;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    adamAt(p, g, m, v, i, beta1, beta2, c1, c2, negStep, bc2Sqrt, eps);
    adamAt(p, g, m, v, i + 1, beta1, beta2, c1, c2, negStep, bc2Sqrt, eps);
    adamAt(p, g, m, v, i + 2, beta1, beta2, c1, c2, negStep, bc2Sqrt, eps);
    adamAt(p, g, m, v, i + 3, beta1, beta2, c1, c2, negStep, bc2Sqrt, eps);
  }
  for (; i < n; i++) adamAt(p, g, m, v, i, beta1, beta2, c1, c2, negStep, bc2Sqrt, eps);
}

/**
 * Adam at parameter i (inlined by TurboFan; the scalars are passed, not an object, so a step
 * allocates nothing), with c1 = 1 − β₁, c2 = 1 − β₂, negStep = −stepSize hoisted by the caller:
 *   m ← β₁m + c1·g;  v ← β₂v + c2·g²;  θ ← θ + negStep·m / (√v/bc2Sqrt + ε)
 */
function adamAt(
  p: Float,
  g: Float,
  m: Float,
  v: Float,
  i: number,
  beta1: number,
  beta2: number,
  c1: number,
  c2: number,
  negStep: number,
  bc2Sqrt: number,
  eps: number,
): void {
  const d = g[i]!;
  m[i] = m[i]! * beta1 + c1 * d;
  v[i] = v[i]! * beta2 + c2 * d * d;
  p[i] = p[i]! + (negStep * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
}
