/**
 * matmul, linear and the internal matmulT against float64 scalar references (forward and both
 * gradients), their errors, and gradient / double-backward checks.
 */
import { gradcheck, gradgradcheck, linear, matmul, noGrad, randn, type Tensor } from '@tsgrad/autograd';
import { describe, expect, it } from 'vitest';
import { matmulT } from '../../src/ops/linalg.js';

/**
 * float64 results are sums of at most ~10 products of O(1) values, so they agree with the scalar
 * reference to a few ulps; 1e-12 leaves room for summation order and nothing more.
 */
const F64_TOL = 1e-12;
/** float32 inputs round to 2⁻²⁴ ≈ 6e-8 relative; sums of ≤ 10 products stay well inside 1e-5. */
const F32_TOL = 1e-5;

type Shape = readonly number[];

function sizeOf(shape: Shape): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Row-major flat index of `idx` in `shape`, where size-1 dims of `shape` broadcast (read at 0). */
function flatIndex(idx: readonly number[], shape: Shape): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + (shape[d] === 1 ? 0 : idx[d]!);
  return flat;
}

interface Reference {
  shape: number[];
  y: Float64Array;
  ga: Float64Array;
  gb: Float64Array;
}

/**
 * torch.matmul by definition, in scalar float64: promote 1-D operands to [1, k] / [k, 1], broadcast
 * the batch dims, y[…, i, j] = Σₚ op(A)[…, i, p]·op(B)[…, p, j]; the gradients for upstream g
 * come from the same loop (∂y/∂a = b, ∂y/∂b = a), summed wherever an element was reused.
 */
function reference(a: Tensor, b: Tensor, g: Float64Array | null, transA = false, transB = false): Reference {
  const aS = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bS = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const m = transA ? aS.at(-1)! : aS.at(-2)!;
  const k = transA ? aS.at(-2)! : aS.at(-1)!;
  const n = transB ? bS.at(-2)! : bS.at(-1)!;
  const aB = aS.slice(0, -2);
  const bB = bS.slice(0, -2);
  const rank = Math.max(aB.length, bB.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const aBp = pad(aB);
  const bBp = pad(bB);
  const batch = aBp.map((d, i) => Math.max(d, bBp[i]!));
  const y = new Float64Array(sizeOf(batch) * m * n);
  const ga = new Float64Array(a.size);
  const gb = new Float64Array(b.size);
  const aFull = [...aBp, aS.at(-2)!, aS.at(-1)!];
  const bFull = [...bBp, bS.at(-2)!, bS.at(-1)!];
  for (let t = 0; t < sizeOf(batch); t++) {
    const bi: number[] = [];
    for (let d = batch.length - 1, r = t; d >= 0; d--) {
      bi.unshift(r % batch[d]!);
      r = Math.floor(r / batch[d]!);
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const yi = (t * m + i) * n + j;
        for (let p = 0; p < k; p++) {
          const ai = flatIndex([...bi, ...(transA ? [p, i] : [i, p])], aFull);
          const bj = flatIndex([...bi, ...(transB ? [j, p] : [p, j])], bFull);
          y[yi] = y[yi]! + a.data[ai]! * b.data[bj]!;
          if (g) {
            ga[ai] = ga[ai]! + g[yi]! * b.data[bj]!;
            gb[bj] = gb[bj]! + g[yi]! * a.data[ai]!;
          }
        }
      }
    }
  }
  const shape = [...batch, m, n];
  if (b.ndim === 1) shape.pop();
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return { shape, y, ga, gb };
}

function expectClose(actual: Tensor | null, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.size, `${what} size`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual!.data[i]! - expected[i]!);
    if (!(diff <= tol * (1 + Math.abs(expected[i]!)))) {
      expect.fail(`${what}[${i}]: got ${actual!.data[i]}, expected ${expected[i]}`);
    }
  }
}

/** PyTorch's shape rules, each with the result shape torch.matmul gives. */
const CASES: Array<{ name: string; a: number[]; b: number[]; out: number[] }> = [
  { name: '1-D · 1-D (dot)', a: [4], b: [4], out: [] },
  { name: '1-D · 2-D', a: [3], b: [3, 5], out: [5] },
  { name: '1-D · batched', a: [3], b: [2, 3, 5], out: [2, 5] },
  { name: '2-D · 1-D', a: [2, 3], b: [3], out: [2] },
  { name: 'batched · 1-D', a: [2, 4, 3], b: [3], out: [2, 4] },
  { name: '2-D · 2-D', a: [2, 3], b: [3, 4], out: [2, 4] },
  { name: 'batched · batched', a: [2, 3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { name: 'batched · 2-D (shared B)', a: [2, 3, 4], b: [4, 5], out: [2, 3, 5] },
  { name: '2-D · batched (shared A)', a: [3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { name: 'batch dims broadcast both ways', a: [2, 1, 3, 4], b: [3, 4, 2], out: [2, 3, 3, 2] },
  { name: 'size-1 batch dim broadcast', a: [1, 3, 4], b: [2, 4, 5], out: [2, 3, 5] },
  { name: 'k = 1 (outer product)', a: [3, 1], b: [1, 4], out: [3, 4] },
  { name: 'empty m', a: [0, 3], b: [3, 4], out: [0, 4] },
  { name: 'empty k (zeros)', a: [2, 0], b: [0, 3], out: [2, 3] },
];

describe('matmul vs a float64 scalar reference', () => {
  for (const { name, a: aShape, b: bShape, out } of CASES) {
    it(`${name}: ${JSON.stringify(aShape)} @ ${JSON.stringify(bShape)} → ${JSON.stringify(out)}, forward and both grads`, () => {
      const a = randn(aShape, { dtype: 'float64', requiresGrad: true });
      const b = randn(bShape, { dtype: 'float64', requiresGrad: true });
      const y = matmul(a, b);
      expect(y.shape).toEqual(out);
      const g = randn(out, { dtype: 'float64' });
      const ref = reference(a, b, g.data as Float64Array);
      expect(ref.shape).toEqual(out);
      expectClose(y, ref.y, F64_TOL, 'y');
      y.backward(g);
      expect(a.grad!.shape).toEqual(aShape);
      expect(b.grad!.shape).toEqual(bShape);
      expectClose(a.grad, ref.ga, F64_TOL, '∂a');
      expectClose(b.grad, ref.gb, F64_TOL, '∂b');
    });
  }

  it('float32 forward and grads match the float64 reference', () => {
    for (const { a: aShape, b: bShape, out } of CASES) {
      const a = randn(aShape, { requiresGrad: true });
      const b = randn(bShape, { requiresGrad: true });
      const y = matmul(a, b);
      expect(y.dtype).toBe('float32');
      const g = randn(out);
      const ref = reference(a, b, Float64Array.from(g.data));
      expectClose(y, ref.y, F32_TOL, `${aShape}@${bShape} y`);
      y.backward(g);
      expectClose(a.grad, ref.ga, F32_TOL, `${aShape}@${bShape} ∂a`);
      expectClose(b.grad, ref.gb, F32_TOL, `${aShape}@${bShape} ∂b`);
    }
  });

  it('Tensor.matmul is matmul; float32 @ float64 promotes to float64', () => {
    const a = randn([2, 3]);
    const b = randn([3, 2], { dtype: 'float64' });
    const y = a.matmul(b);
    expect(y.dtype).toBe('float64');
    expectClose(y, reference(a, b, null).y, F32_TOL, 'y');
  });

  it('larger sizes go through the blocked kernel and still match', () => {
    const a = randn([3, 37, 70], { dtype: 'float64', requiresGrad: true });
    const b = randn([70, 41], { dtype: 'float64', requiresGrad: true });
    const g = randn([3, 37, 41], { dtype: 'float64' });
    const y = matmul(a, b);
    y.backward(g);
    const ref = reference(a, b, g.data as Float64Array);
    // sums of 70 (y, ∂a) or 111 (∂b) products: still a few ulps of the O(10) results.
    expectClose(y, ref.y, 1e-11, 'y');
    expectClose(a.grad, ref.ga, 1e-11, '∂a');
    expectClose(b.grad, ref.gb, 1e-11, '∂b');
  });

  it('records nothing under noGrad', () => {
    const a = randn([2, 3], { requiresGrad: true });
    const y = noGrad(() => matmul(a, randn([3, 2])));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
  });
});

describe('matmulT: transpose flags instead of transposed copies', () => {
  const shapes: Array<[number[], number[]]> = [
    [
      [3, 4],
      [4, 5],
    ],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 5],
    ],
  ];
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`transA=${transA} transB=${transB}: forward and grads, including broadcast batches`, () => {
      for (const [sa, sb] of shapes) {
        // Store each operand as its transpose when the flag is set.
        const aShape = transA ? [...sa.slice(0, -2), sa.at(-1)!, sa.at(-2)!] : sa;
        const bShape = transB ? [...sb.slice(0, -2), sb.at(-1)!, sb.at(-2)!] : sb;
        const a = randn(aShape, { dtype: 'float64', requiresGrad: true });
        const b = randn(bShape, { dtype: 'float64', requiresGrad: true });
        const y = matmulT(a, b, transA, transB);
        const ref = reference(a, b, null, transA, transB);
        expect(y.shape).toEqual(ref.shape);
        const g = randn(y.shape, { dtype: 'float64' });
        const refG = reference(a, b, g.data as Float64Array, transA, transB);
        expectClose(y, refG.y, F64_TOL, 'y');
        y.backward(g);
        expectClose(a.grad, refG.ga, F64_TOL, `${aShape} ∂a`);
        expectClose(b.grad, refG.gb, F64_TOL, `${bShape} ∂b`);
      }
    });
  }

  it('its backward is matmulT again (no transpose op in the gradient graph)', () => {
    const a = randn([3, 4], { dtype: 'float64', requiresGrad: true });
    const b = randn([4, 2], { dtype: 'float64', requiresGrad: true });
    const y = matmul(a, b);
    y.backward(randn([3, 2], { dtype: 'float64', requiresGrad: true }), { createGraph: true });
    expect(a.grad!.node?.op).toBe('matmul');
    expect(b.grad!.node?.op).toBe('matmul');
  });
});

describe('linear: x·Wᵀ + b', () => {
  const cases: Array<{ x: number[]; bias: boolean }> = [
    { x: [5, 3], bias: true },
    { x: [5, 3], bias: false },
    { x: [2, 4, 3], bias: true },
    { x: [3], bias: true },
    { x: [0, 3], bias: true },
  ];
  for (const { x: xShape, bias: withBias } of cases) {
    it(`x ${JSON.stringify(xShape)}, W [4, 3]${withBias ? ', b [4]' : ', no bias'}: forward and grads`, () => {
      const x = randn(xShape, { dtype: 'float64', requiresGrad: true });
      const w = randn([4, 3], { dtype: 'float64', requiresGrad: true });
      const bias = withBias ? randn([4], { dtype: 'float64', requiresGrad: true }) : undefined;
      const y = linear(x, w, bias);
      const outShape = [...xShape.slice(0, -1), 4];
      expect(y.shape).toEqual(outShape);
      const g = randn(outShape, { dtype: 'float64' });
      // y = x·Wᵀ + b is matmulT with transB, the same reference with B = W stored [out, in].
      const ref = reference(x, w, g.data as Float64Array, false, true);
      const rows = y.size / 4;
      const expectedY = Float64Array.from(ref.y, (v, i) => v + (bias ? bias.data[i % 4]! : 0));
      expectClose(y, expectedY, F64_TOL, 'y');
      y.backward(g);
      expectClose(x.grad, ref.ga, F64_TOL, '∂x');
      expectClose(w.grad, ref.gb, F64_TOL, '∂W');
      if (bias) {
        const gb = new Float64Array(4);
        for (let r = 0; r < rows; r++) for (let j = 0; j < 4; j++) gb[j] = gb[j]! + g.data[r * 4 + j]!;
        expectClose(bias.grad, gb, F64_TOL, '∂b');
      }
    });
  }

  it('float32 and records one node', () => {
    const x = randn([6, 5], { requiresGrad: true });
    const w = randn([2, 5], { requiresGrad: true });
    const y = linear(x, w, randn([2]));
    expect(y.dtype).toBe('float32');
    expect(y.node?.op).toBe('linear');
    expect(y.node?.inputs.length).toBe(3);
  });
});

describe('gradients of gradients', () => {
  // Small inputs: gradcheck and gradgradcheck compare every Jacobian entry with central differences.
  it('matmul passes gradcheck and gradgradcheck (batched, broadcast, 1-D)', () => {
    // biome-ignore format: one [a shape, b shape] pair per line
    const pairs: Array<[number[], number[]]> = [
      [[2, 3], [3, 2]],
      [[2, 1, 2, 3], [2, 3, 2]],
      [[2, 3], [3]],
      [[3], [3]],
    ];
    for (const [sa, sb] of pairs) {
      const a = randn(sa, { dtype: 'float64', requiresGrad: true });
      const b = randn(sb, { dtype: 'float64', requiresGrad: true });
      expect(gradcheck(matmul, [a, b])).toBe(true);
      expect(gradgradcheck(matmul, [a, b])).toBe(true);
    }
  });

  it('matmulT with every flag pair passes gradgradcheck', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        // op(A) [2, 3, 2] (batched), op(B) [2, 4] (shared): stored transposed when flagged.
        const a = randn(transA ? [2, 2, 3] : [2, 3, 2], { dtype: 'float64', requiresGrad: true });
        const b = randn(transB ? [4, 2] : [2, 4], { dtype: 'float64', requiresGrad: true });
        expect(gradgradcheck((x, y) => matmulT(x!, y!, transA, transB), [a, b])).toBe(true);
      }
    }
  });

  it('linear passes gradcheck and gradgradcheck, with and without bias', () => {
    const x = randn([2, 2, 3], { dtype: 'float64', requiresGrad: true });
    const w = randn([2, 3], { dtype: 'float64', requiresGrad: true });
    const b = randn([2], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck(linear, [x, w, b])).toBe(true);
    expect(gradgradcheck(linear, [x, w, b])).toBe(true);
    expect(gradgradcheck((u, v) => linear(u!, v!), [x, w])).toBe(true);
  });
});

describe('errors', () => {
  it('inner dimensions differ, with both shapes', () => {
    expect(() => matmul(randn([32, 784]), randn([100, 10]))).toThrow(
      'matmul: inner dimensions differ: [32, 784] @ [100, 10]',
    );
    expect(() => matmul(randn([3]), randn([4]))).toThrow('matmul: inner dimensions differ: [3] @ [4]');
    expect(() => matmul(randn([2, 3]), randn([2]))).toThrow(
      /matmul: inner dimensions differ: \[2, 3\] @ \[2\]/,
    );
  });

  it('rank-0 operands are rejected', () => {
    expect(() => matmul(randn([]), randn([3]))).toThrow(
      /matmul: both operands need at least 1 dim, got \[\] @ \[3\]/,
    );
    expect(() => matmul(randn([3, 3]), randn([]))).toThrow(/matmul: .*\[3, 3\] @ \[\]/);
  });

  it('batch dims that do not broadcast name both shapes', () => {
    expect(() => matmul(randn([2, 3, 4]), randn([5, 4, 6]))).toThrow(
      'matmul: batch dims cannot be broadcast: [2, 3, 4] @ [5, 4, 6]',
    );
  });

  it('linear checks weight rank, feature count and bias shape', () => {
    expect(() => linear(randn([2, 3]), randn([3]))).toThrow(
      /linear: weight must be 2-D \[out, in\], got \[3\]/,
    );
    expect(() => linear(randn([32, 784]), randn([10, 100]))).toThrow(
      'linear: input features differ from weight: input [32, 784], weight [10, 100]',
    );
    expect(() => linear(randn([2, 3]), randn([4, 3]), randn([3]))).toThrow(
      /linear: bias must have shape \[4\], got \[3\]/,
    );
  });
});
