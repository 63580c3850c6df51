/**
 * The two objectives of the optimizer golden tests (tools/golden/optim.py), with gradients
 * written as the same float operations in the same order as the generator, so that both
 * sides feed the optimizers bit-identical gradients.
 */

/** ∇f for f(x) = (1 − x₀)² + 100·(x₁ − x₀²)². */
export function rosenbrockGrad(x: ArrayLike<number>, out: Float64Array): void {
  const x0 = x[0]!;
  const x1 = x[1]!;
  out[0] = -2 * (1 - x0) - 400 * x0 * (x1 - x0 * x0);
  out[1] = 200 * (x1 - x0 * x0);
}

/** ∇ of ½·mean over rows of ‖X·Wᵀ + b − Y‖², for W [2, 3] (row-major) and b [2]. */
export function quadraticGrads(
  X: number[][],
  Y: number[][],
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  gw: Float64Array,
  gb: Float64Array,
): void {
  const n = X.length;
  const r = X.map(() => [0, 0]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += X[i]![k]! * w[j * 3 + k]!;
      r[i]![j] = s + b[j]! - Y[i]![j]!;
    }
  }
  for (let j = 0; j < 2; j++) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += r[i]![j]! * X[i]![k]!;
      gw[j * 3 + k] = s / n;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += r[i]![j]!;
    gb[j] = s / n;
  }
}
