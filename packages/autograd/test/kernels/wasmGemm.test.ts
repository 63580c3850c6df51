/**
 * gemmWasm (WebAssembly SIMD: packed panels, 4×8 f32x4 micro-kernel) must equal gemmReference
 * on every size, transpose combination, offset and accumulate flag, including sizes that straddle
 * its blocks (MR = 4 rows, NR = 8 columns, KC = 256 depth, MC = 64 rows, NC = 1024 columns).
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import { gemm, gemmBlocked, gemmReference } from '../../src/kernels/gemm.js';
import { gemmWasm } from '../../src/kernels/wasm/gemmWasm.js';
import {
  relaxedSimdSupported,
  reserveF32,
  setWasmFma,
  simdSupported,
  wasmFmaActive,
  wasmModule,
} from '../../src/kernels/wasm/module.js';
import { WASM_BUILDS } from './wasmBuilds.js';

/**
 * Unit roundoff of float32. Both kernels sum each entry's k products (and C when accumulating) in
 * float32, in different orders, so each is within (k + 1)·u·(Σₚ |aᵢₚ·bₚⱼ| + |c₀|) of the exact value
 * (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1); they may differ by twice that.
 * The bound scales with k, which is why the tolerance does.
 */
const U32 = 2 ** -24;

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  accumulate: boolean;
  /** Unused elements before and after each matrix, to exercise the offsets. */
  pad: number;
}

function randomArray(len: number, seed: number): Float32Array {
  const out = new Float32Array(len);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

function label(cs: Case): string {
  const { transA, transB, m, n, k, accumulate, pad } = cs;
  return `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} m=${m} n=${n} k=${k} acc=${accumulate} pad=${pad}`;
}

/** Runs both kernels on the same inputs; checks every entry of C and that nothing else moved. */
function check(cs: Case, seed = 1): void {
  const { transA, transB, m, n, k, accumulate, pad } = cs;
  const a = randomArray(pad + m * k + pad, seed);
  const b = randomArray(pad + k * n + pad, seed + 1);
  const c0 = randomArray(pad + m * n + pad, seed + 2);
  const aCopy = a.slice();
  const bCopy = b.slice();
  const cRef = c0.slice();
  const cWasm = c0.slice();
  gemmReference(transA, transB, m, n, k, a, pad, b, pad, cRef, pad, accumulate);
  gemmWasm(transA, transB, m, n, k, a, pad, b, pad, cWasm, pad, accumulate);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let mass = accumulate ? Math.abs(c0[pad + i * n + j]!) : 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[pad + p * m + i]! : a[pad + i * k + p]!;
        const bpj = transB ? b[pad + j * k + p]! : b[pad + p * n + j]!;
        mass += Math.abs(aip * bpj);
      }
      const tol = 2 * (k + 1) * U32 * mass;
      const got = cWasm[pad + i * n + j]!;
      const want = cRef[pad + i * n + j]!;
      if (!(Math.abs(got - want) <= tol)) {
        expect.fail(`${label(cs)}: C[${i}, ${j}] wasm ${got} vs reference ${want} (tol ${tol})`);
      }
    }
  }
  for (let i = 0; i < pad; i++) {
    expect(cWasm[i], `${label(cs)}: element before C changed`).toBe(c0[i]);
    expect(cWasm[pad + m * n + i], `${label(cs)}: element after C changed`).toBe(c0[pad + m * n + i]);
  }
  expect(sameBits(a, aCopy), `${label(cs)}: A changed`).toBe(true);
  expect(sameBits(b, bCopy), `${label(cs)}: B changed`).toBe(true);
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  return Buffer.compare(new Uint8Array(x.buffer), new Uint8Array(y.buffer)) === 0;
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe.each(WASM_BUILDS)('gemmWasm ($build build)', ({ fma }) => {
  beforeAll(() => setWasmFma(fma));
  afterAll(() => setWasmFma(true));

  it('WebAssembly SIMD is available in the Node that runs the tests, and this build is loaded', () => {
    expect(simdSupported()).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
    expect(wasmModule()).not.toBeNull();
    expect(wasmFmaActive()).toBe(fma);
  });

  it(fma ? 'fuses each multiply-add (one rounding)' : 'rounds each product before adding it', () => {
    // C = −(1 + 2⁻¹¹)·1 + (1 + 2⁻¹²)²; the square is 1 + 2⁻¹¹ + 2⁻²⁴ exactly, which float32 rounds
    // to 1 + 2⁻¹¹ (a tie, to even). Fused: 2⁻²⁴; product rounded first: 0.
    const e = 1 + 2 ** -12;
    const a = Float32Array.of(-(1 + 2 ** -11), e);
    const b = Float32Array.of(1, e);
    const c = new Float32Array(1);
    gemmWasm(false, false, 1, 1, 2, a, 0, b, 0, c, 0, false);
    expect(c[0]).toBe(fma ? 2 ** -24 : 0);
  });

  it('equals gemmReference on every transpose combination of small odd sizes', () => {
    for (const [transA, transB] of FLAGS) {
      for (const [m, n, k] of [
        [1, 1, 1],
        [3, 5, 7],
        [5, 9, 3],
        [7, 17, 33],
        [4, 8, 1],
      ] as const) {
        check({ transA, transB, m, n, k, accumulate: false, pad: 0 });
        check({ transA, transB, m, n, k, accumulate: true, pad: 3 });
      }
    }
  });

  it('equals gemmReference on sizes straddling the 4×8 tile and the KC/MC blocks', () => {
    // m: 63/64/65 rows around MC, 129 = two blocks + 1, 131 = 32 tiles + 3;
    // n: 7/9 around NR, 41 = 5 panels + 1; k: 255/256/257 around KC, 513 = three slices, the last of 1.
    const cases: [number, number, number][] = [
      [129, 41, 257],
      [64, 9, 256],
      [63, 7, 255],
      [65, 8, 33],
      [131, 16, 513],
      [4, 8, 257],
    ];
    for (const [transA, transB] of FLAGS) {
      for (const [m, n, k] of cases)
        check({ transA, transB, m, n, k, accumulate: transA, pad: transB ? 5 : 0 });
    }
  });

  it('equals gemmReference across the NC column block (n = 1031)', () => {
    for (const [transA, transB] of FLAGS)
      check({ transA, transB, m: 6, n: 1031, k: 19, accumulate: true, pad: 2 });
  });

  it('equals gemmReference on random sizes, flags, offsets and accumulate (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          transA: fc.boolean(),
          transB: fc.boolean(),
          m: fc.integer({ min: 1, max: 40 }),
          n: fc.integer({ min: 1, max: 40 }),
          k: fc.integer({ min: 1, max: 70 }),
          accumulate: fc.boolean(),
          pad: fc.integer({ min: 0, max: 4 }),
        }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (cs, seed) => check(cs, seed),
      ),
      { numRuns: 60 },
    );
  });

  it('k = 0 gives zeros, or leaves C as it was when accumulating; m = 0 or n = 0 writes nothing', () => {
    for (const [transA, transB] of FLAGS) {
      check({ transA, transB, m: 3, n: 5, k: 0, accumulate: false, pad: 1 });
      check({ transA, transB, m: 3, n: 5, k: 0, accumulate: true, pad: 1 });
      check({ transA, transB, m: 0, n: 5, k: 4, accumulate: false, pad: 2 });
      check({ transA, transB, m: 3, n: 0, k: 4, accumulate: false, pad: 2 });
    }
  });

  it('a product after a larger one (memory already grown) reads only its own operands', () => {
    check({ transA: false, transB: false, m: 200, n: 300, k: 50, accumulate: false, pad: 0 }, 7);
    check({ transA: true, transB: false, m: 2, n: 3, k: 2, accumulate: true, pad: 1 }, 8);
    check({ transA: false, transB: true, m: 9, n: 1, k: 300, accumulate: false, pad: 0 }, 9);
  });
});

describe('gemm dispatch', () => {
  // The suite also runs with TSGRAD_KERNELS=js; leave the backend as it was.
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  type Kernel = typeof gemm;
  /** C from one kernel on fixed random inputs (NT, accumulate, offset 1). */
  function run(
    kernel: Kernel,
    dtype: 'float32' | 'float64',
    m: number,
    n: number,
    k: number,
  ): Float32Array | Float64Array {
    const make = (len: number, seed: number) =>
      dtype === 'float32' ? randomArray(len, seed) : Float64Array.from(randomArray(len, seed));
    const a = make(1 + m * k, 11);
    const b = make(1 + n * k, 12);
    const c = make(1 + m * n, 13);
    kernel(false, true, m, n, k, a, 1, b, 1, c, 1, true);
    return c;
  }

  it("float32 products of 8³ or more run on gemmWasm under 'wasm', on gemmBlocked under 'js'", () => {
    setKernelBackend('wasm');
    // gemmWasm sums in float32 and gemmBlocked in double, so on these inputs their last bits differ
    // and bitwise equality tells which one ran.
    expect(run(gemmWasm as Kernel, 'float32', 9, 10, 11)).not.toEqual(run(gemmBlocked, 'float32', 9, 10, 11));
    expect(run(gemm, 'float32', 9, 10, 11)).toEqual(run(gemmWasm as Kernel, 'float32', 9, 10, 11));
    setKernelBackend('js');
    expect(run(gemm, 'float32', 9, 10, 11)).toEqual(run(gemmBlocked, 'float32', 9, 10, 11));
  });

  it('float64 products and tiny float32 ones always run on gemmBlocked', () => {
    expect(run(gemm, 'float64', 9, 10, 11)).toEqual(run(gemmBlocked, 'float64', 9, 10, 11));
    expect(run(gemm, 'float32', 3, 4, 5)).toEqual(run(gemmBlocked, 'float32', 3, 4, 5));
  });
});

/**
 * sgemmStrided (the per-thread entry of wasm/assembly/sgemm.ts) on blocks of larger stored
 * matrices: with leading dimensions lda, ldb, ldc wider than the block, it must write exactly the
 * block's product (equal to `sgemm` on dense copies of the blocks, bit for bit, since both run the
 * same kernel in the same order) and leave the rest of C untouched.
 */
describe.runIf(wasmModule() !== null)('sgemmStrided', () => {
  it('computes a block of C from blocks of A and B, all transpose combinations', () => {
    const w = wasmModule()!;
    const arb = fc.record({
      transA: fc.boolean(),
      transB: fc.boolean(),
      m: fc.integer({ min: 1, max: 40 }),
      n: fc.integer({ min: 1, max: 40 }),
      k: fc.integer({ min: 1, max: 300 }),
      extra: fc.integer({ min: 0, max: 9 }),
      accumulate: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ transA, transB, m, n, k, extra, accumulate }) => {
        // Stored shapes of op(A)'s and op(B)'s blocks, each row `extra` elements wider.
        const [aRows, aCols] = transA ? [k, m] : [m, k];
        const [bRows, bCols] = transB ? [n, k] : [k, n];
        const lda = aCols + extra;
        const ldb = bCols + extra;
        const ldc = n + extra;
        const a = randomArray(aRows * lda, 3);
        const b = randomArray(bRows * ldb, 4);
        const c = randomArray(m * ldc, 5);
        // Dense copies of the blocks, for the plain sgemm.
        const dense = (x: Float32Array, rows: number, cols: number, ld: number) =>
          Float32Array.from({ length: rows * cols }, (_, i) => x[Math.floor(i / cols) * ld + (i % cols)]!);
        const aDense = dense(a, aRows, aCols, lda);
        const bDense = dense(b, bRows, bCols, ldb);
        const cDense = dense(c, m, n, ldc);
        const heap = reserveF32(w, w.heapBase + 4 * (a.length + b.length + c.length) + 64);
        const aAt = w.heapBase;
        const bAt = aAt + 4 * a.length;
        const cAt = bAt + 4 * b.length;
        heap.set(a, aAt >> 2);
        heap.set(b, bAt >> 2);
        heap.set(c, cAt >> 2);
        w.exports.sgemmStrided(
          +transA,
          +transB,
          m,
          n,
          k,
          aAt,
          lda,
          bAt,
          ldb,
          cAt,
          ldc,
          +accumulate,
          w.scratch,
        );
        const strided = heap.slice(cAt >> 2, (cAt >> 2) + c.length);
        const expected = cDense.slice();
        gemmWasm(transA, transB, m, n, k, aDense, 0, bDense, 0, expected, 0, accumulate);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < ldc; j++) {
            const got = strided[i * ldc + j]!;
            const want = j < n ? expected[i * n + j]! : c[i * ldc + j]!;
            if (!Object.is(got, want)) expect.fail(`C[${i}, ${j}]: ${got} vs ${want} (ld ${ldc}, n ${n})`);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
