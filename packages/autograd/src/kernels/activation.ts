/**
 * Activation loops on typed arrays, and `erfScalar`, the error function they need.
 * No Tensor, no graph, no validation: ops/activation.ts validated. `out` may alias `x`.
 * Perf: one flat pass each, no allocation, no calls in the loops except Math.* and erfScalar
 * (small and monomorphic, so V8 inlines it).
 */
import type { Float } from './elementwise.js';
import { reluBackwardWasm } from './wasm/activationWasm.js';
import { reluWasm } from './wasm/elementwiseWasm.js';
import { useWasmKernels } from './wasm/module.js';

/**
 * Below this many elements the copies into WebAssembly memory cost more than `reluWasm` saves
 * (measured on Node 20: about even at 64 elements; from 1,024 on, ~0.5 ns per element against
 * well over 5 ns for the loop below on random signs, where its branch is mispredicted half the time).
 */
const RELU_WASM_MIN = 64;

/**
 * out[i] = max(x[i], 0); NaN stays NaN (as PyTorch's relu). float32 arrays of RELU_WASM_MIN
 * elements or more run on `reluWasm` (kernels/wasm/) when that backend is selected.
 */
export function relu(x: Float, out: Float): void {
  if (
    out.length >= RELU_WASM_MIN &&
    x instanceof Float32Array &&
    out instanceof Float32Array &&
    useWasmKernels()
  ) {
    reluWasm(x, out);
    return;
  }
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v <= 0 ? 0 : v;
  }
}

/**
 * relu's backward in one pass: out[i] = gradOut[i] · [y[i] > 0] (y = relu's output).
 * Perf: the mask is multiplied in as Number(y > 0), which V8 compiles without a branch: measured
 * on 401,408 random-sign float32 values (CPU time, loaded machine), 1.0–1.6 ms, against 3–7 ms
 * for `y > 0 ? g : 0` (a mispredicted branch per element) and 3.9 ms for the former
 * gt-then-mul pair of kernels. gradOut NaN/±∞ times a 0 mask gives NaN, as the product did.
 * float32 arrays of RELU_WASM_MIN elements or more run on `reluBackwardWasm` (same bits) when
 * that backend is selected: 0.5 ms on those 401,408 values against 1.6 ms here (even at ~64).
 */
export function reluBackward(gradOut: Float, y: Float, out: Float): void {
  if (
    out.length >= RELU_WASM_MIN &&
    gradOut instanceof Float32Array &&
    y instanceof Float32Array &&
    out instanceof Float32Array &&
    useWasmKernels()
  ) {
    reluBackwardWasm(gradOut, y, out);
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = gradOut[i]! * Number(y[i]! > 0);
}

/** out[i] = x[i] if x[i] > 0, else slope · x[i]. */
export function leakyRelu(x: Float, slope: number, out: Float): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : v * slope;
  }
}

/** out[i] = x[i] if x[i] > 0, else α(eˣ − 1), with expm1 so small |x| keeps its digits. */
export function elu(x: Float, alpha: number, out: Float): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
}

/**
 * out[i] = σ(x[i]) = 1 / (1 + e^(−x)), written to avoid overflow: for x < 0 it uses the
 * equal form eˣ / (1 + eˣ), so e^(−x) is never evaluated at a large positive argument.
 */
export function sigmoid(x: Float, out: Float): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    if (v >= 0) {
      out[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
}

/**
 * out[i] = log(1 + e^(βx)) / β, or x itself where βx > threshold (there the two agree to
 * float precision and the exp would overflow), exactly as PyTorch's softplus.
 */
export function softplus(x: Float, beta: number, threshold: number, out: Float): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    const bx = v * beta;
    out[i] = bx > threshold ? v : Math.log1p(Math.exp(bx)) / beta;
  }
}

/** out[i] = x · Φ(x) = x/2 · (1 + erf(x/√2)), the exact GELU (PyTorch's approximate='none'). */
export function gelu(x: Float, out: Float): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = 0.5 * v * (1 + erfScalar(v * Math.SQRT1_2));
  }
}

/** √(2/π), the scale inside GELU's tanh approximation. */
export const GELU_TANH_SCALE = Math.sqrt(2 / Math.PI);
/** The cubic coefficient of GELU's tanh approximation (Hendrycks & Gimpel 2016, §2). */
export const GELU_TANH_CUBIC = 0.044715;

/** out[i] = x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's approximate='tanh'. */
export function geluTanh(x: Float, out: Float): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    const inner = GELU_TANH_SCALE * (v + GELU_TANH_CUBIC * v * v * v);
    out[i] = 0.5 * v * (1 + Math.tanh(inner));
  }
}

/** out[i] = erf(x[i]). */
export function erf(x: Float, out: Float): void {
  for (let i = 0; i < out.length; i++) out[i] = erfScalar(x[i]!);
}

// erf coefficients of Sun's fdlibm s_erf.c (1993), the rational approximations that glibc
// and FreeBSD (and so PyTorch on Linux) use; each interval's error is below 2⁻⁵⁷.
// [0, 0.84375):  erf(x) = x + x·P(x²)/Q(x²)
const PP = [
  0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442,
  -0.000023763016656650163,
] as const;
const QQ = [
  0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164,
  -0.000003960228278775368,
] as const;
// [0.84375, 1.25):  erf(x) = c + P(s)/Q(s), s = x − 1, c = 0.8450629115104675
const ERX = 0.8450629115104675;
const PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668,
  0.035478304325618236, -0.002166375594868791,
] as const;
const QA = [
  0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905,
  0.011984499846799107,
] as const;
// [1.25, 1/0.35):  erfc(x) = e^(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x
const RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347,
  -184.60509290671104, -81.2874355063066, -9.814329344169145,
] as const;
const SA = [
  19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783,
  108.63500554177944, 6.570249770319282, -0.0604244152148581,
] as const;
// [1/0.35, 6):  same form, other coefficients
const RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896,
  -1025.0951316110772, -483.5191916086514,
] as const;
const SB = [
  30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644,
  474.52854120695537, -22.44095244658582,
] as const;

/** p[0] + t·p[1] + t²·p[2] + … (Horner). */
function poly(p: readonly number[], t: number): number {
  let acc = p[p.length - 1]!;
  for (let k = p.length - 2; k >= 0; k--) acc = acc * t + p[k]!;
  return acc;
}

/** 1 + t·q[0] + t²·q[1] + … (the denominators all start at 1). */
function poly1(q: readonly number[], t: number): number {
  return 1 + t * poly(q, t);
}

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, accurate to about 1 ulp in float64.
 * Method (fdlibm): odd symmetry; a rational approximation on each of four intervals of |x|;
 * erf(x) = ±1 to double precision beyond |x| = 6. In the tail, e^(−x²) is evaluated as
 * e^(−z²) · e^((z−x)(z+x)) with z the top 26 bits of x (Veltkamp split), so z² is exact and
 * the rounding of x² does not leak into the result.
 */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  let r: number;
  if (a < 0.84375) {
    if (a < 2 ** -28) return x + PP[0] * x;
    const z = x * x;
    return x + (x * poly(PP, z)) / poly1(QQ, z);
  }
  if (a < 1.25) {
    const s = a - 1;
    r = ERX + poly(PA, s) / poly1(QA, s);
  } else if (a >= 6) {
    r = 1;
  } else {
    const s = 1 / (a * a);
    const ratio = a < 1 / 0.35 ? poly(RA, s) / poly1(SA, s) : poly(RB, s) / poly1(SB, s);
    const c = a * 134217729; // 2²⁷ + 1: Veltkamp split, z keeps the top 26 bits of a
    const z = c - (c - a);
    r = 1 - (Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + ratio)) / a;
  }
  return x < 0 ? -r : r;
}
