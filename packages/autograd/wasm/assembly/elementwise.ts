// AssemblyScript source of the element-wise float32 kernels (compiled by build.mjs with sgemm.ts).
// Pointers are byte addresses in this module's memory; the caller copies operands in and out.
//
// Why these loops earn a WebAssembly version: in JavaScript `v <= 0 ? 0 : v` compiles to a branch,
// which on activations of random sign is mispredicted half the time (measured: ~7 ns per element on
// Node 20). The SIMD loop below has no branch per element (~0.1 ns), so even with the copies into
// and out of this memory (~0.5 ns per element) it is an order of magnitude faster.

/**
 * out[i] = max(x[i], 0) for i < n, four lanes at a time; NaN stays NaN (f32x4.max propagates it,
 * as PyTorch's relu does). x and out may be the same address.
 */
export function relu(x: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const vectors = n & ~3;
  let i: i32 = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.max(v128.load(x + o), zero));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    // f32.max, like f32x4.max, returns NaN when either operand is NaN.
    store<f32>(out + o, max(load<f32>(x + o), 0));
  }
}

/**
 * out[i] = 1 if (x[i] op s) else 0 for i < n, where op is 0: >, 1: >=, 2: <, 3: <=, 4: ==, 5: !=
 * (IEEE: every comparison with NaN is false except !=). The lane mask of the comparison, ANDed with
 * the bits of 1.0, gives 1 or +0 with no branch. x and out may be the same address.
 */
export function compareScalar(op: i32, x: usize, s: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  const one = f32x4.splat(1);
  const vectors = n & ~3;
  let i: i32 = 0;
  for (; i < vectors; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    let mask: v128;
    if (op === 0) mask = f32x4.gt(v, sv);
    else if (op === 1) mask = f32x4.ge(v, sv);
    else if (op === 2) mask = f32x4.lt(v, sv);
    else if (op === 3) mask = f32x4.le(v, sv);
    else if (op === 4) mask = f32x4.eq(v, sv);
    else mask = f32x4.ne(v, sv);
    v128.store(out + o, v128.and(mask, one));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const v = load<f32>(x + o);
    let r: bool;
    if (op === 0) r = v > s;
    else if (op === 1) r = v >= s;
    else if (op === 2) r = v < s;
    else if (op === 3) r = v <= s;
    else if (op === 4) r = v === s;
    else r = v !== s;
    store<f32>(out + o, r ? 1 : 0);
  }
}
