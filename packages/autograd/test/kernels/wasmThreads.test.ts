/**
 * setKernelThreads (@tsgrad/autograd/node): the WebAssembly gemm split across worker threads gives
 * exactly the single-threaded result (each element of C is summed by one thread, in the same order),
 * for row splits and column splits, every transpose combination, accumulate, sizes that do not
 * divide into whole tiles, and a product large enough to grow the shared memory after the start;
 * the other WebAssembly kernels keep working on the shared memory; bad counts are clear errors.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matmul, Tensor } from '../../src/index.js';
import type { ConvGeometry } from '../../src/kernels/conv.js';
import {
  conv2dForwardWasm,
  conv2dInputGradWasm,
  conv2dWeightGradWasm,
} from '../../src/kernels/wasm/convWasm.js';
import { gemmWasm } from '../../src/kernels/wasm/gemmWasm.js';
import { setWasmFma, wasmFmaActive, wasmModule } from '../../src/kernels/wasm/module.js';
import { THREAD_MIN_WORK } from '../../src/kernels/wasm/threads.js';
import { kernelThreads, setKernelThreads } from '../../src/node.js';
import { WASM_BUILDS } from './wasmBuilds.js';

function product(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  seed: number,
  acc: boolean,
) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const a = Float32Array.from({ length: m * k }, rand);
  const b = Float32Array.from({ length: k * n }, rand);
  const c = Float32Array.from({ length: m * n }, rand);
  gemmWasm(transA, transB, m, n, k, a, 0, b, 0, c, 0, acc);
  return c;
}

describe.runIf(wasmModule() !== null).each(WASM_BUILDS)('setKernelThreads ($build build)', ({ fma }) => {
  beforeAll(() => setWasmFma(fma));
  afterAll(() => {
    setKernelThreads(1);
    setWasmFma(true);
  });

  it('the threads run the same build as one thread; switching builds waits for them to stop', () => {
    setKernelThreads(2);
    expect(wasmFmaActive()).toBe(fma);
    expect(() => setWasmFma(!fma)).toThrow(
      /setWasmFma: worker threads are running; call setKernelThreads\(1\) first/,
    );
    setKernelThreads(1);
    expect(wasmFmaActive()).toBe(fma);
  });

  it('splits large products across threads with bit-identical results', () => {
    const shape = fc.record({
      transA: fc.boolean(),
      transB: fc.boolean(),
      // at least 64³ multiply-adds in most cases, so the split really happens; m < n gives column splits
      m: fc.integer({ min: 1, max: 150 }),
      n: fc.integer({ min: 1, max: 150 }),
      k: fc.integer({ min: 30, max: 200 }),
      seed: fc.integer({ min: 1, max: 1e6 }),
      acc: fc.boolean(),
    });
    const cases = fc.sample(shape, { numRuns: 25, seed: 7 });
    cases.push({ transA: false, transB: true, m: 260, n: 1030, k: 300, seed: 3, acc: false }); // grows memory
    cases.push({ transA: true, transB: false, m: 3, n: 700, k: 257, seed: 4, acc: true }); // column split
    setKernelThreads(1);
    const single = cases.map((c) => product(c.transA, c.transB, c.m, c.n, c.k, c.seed, c.acc));
    setKernelThreads(2);
    expect(kernelThreads()).toBe(2);
    cases.forEach((c, i) => {
      const threaded = product(c.transA, c.transB, c.m, c.n, c.k, c.seed, c.acc);
      expect(threaded, JSON.stringify(c)).toEqual(single[i]);
    });
  });

  it('splits the conv2d passes (samples; output channels for ∂W) with bit-identical results', () => {
    // Geometries for every path of wasm/assembly/conv.ts: direct loops (stride 1, ≤ 8 channels
    // per group), im2col + sgemm (more channels, or stride 2), pointwise 1×1, groups.
    const geometry = fc
      .record({
        n: fc.integer({ min: 3, max: 12 }),
        groups: fc.integer({ min: 1, max: 2 }),
        cg: fc.integer({ min: 1, max: 4 }),
        og: fc.integer({ min: 1, max: 13 }),
        k: fc.integer({ min: 1, max: 4 }),
        stride: fc.integer({ min: 1, max: 2 }),
        pad: fc.integer({ min: 0, max: 1 }),
        size: fc.integer({ min: 10, max: 24 }),
        seed: fc.integer({ min: 1, max: 1e6 }),
      })
      .map(({ n, groups, cg, og, k, stride, pad, size, seed }) => {
        const o = Math.floor((size + 2 * pad - k) / stride) + 1;
        const g: ConvGeometry = {
          n,
          c: cg * groups,
          h: size,
          w: size + 1,
          outC: og * groups,
          groups,
          kh: k,
          kw: k,
          sh: stride,
          sw: stride,
          ph: pad,
          pw: pad,
          dh: 1,
          dw: 1,
          oh: o,
          ow: Math.floor((size + 1 + 2 * pad - k) / stride) + 1,
        };
        return { g, seed };
      });
    const cases = fc.sample(fc.noBias(geometry), { numRuns: 16, seed: 11 }); // (no bias to small sizes)
    // the benchmark CNN's layers (direct forward and ∂W with 8 channels; im2col with 16)
    const cnn = (c: number, outC: number, side: number): ConvGeometry => ({
      n: 16,
      c,
      h: side,
      w: side,
      outC,
      groups: 1,
      kh: 3,
      kw: 3,
      sh: 1,
      sw: 1,
      ph: 1,
      pw: 1,
      dh: 1,
      dw: 1,
      oh: side,
      ow: side,
    });
    cases.push({ g: cnn(1, 8, 28), seed: 5 }, { g: cnn(8, 16, 14), seed: 6 });
    const work = (g: ConvGeometry) => g.n * g.outC * g.oh * g.ow * (g.c / g.groups) * g.kh * g.kw;
    expect(cases.filter(({ g }) => work(g) >= THREAD_MIN_WORK).length).toBeGreaterThanOrEqual(5);
    const passes = ({ g, seed }: { g: ConvGeometry; seed: number }) => {
      let s = seed;
      const rand = () => {
        s = (s * 1103515245 + 12345) % 2147483648;
        return s / 2147483648 - 0.5;
      };
      const x = Float32Array.from({ length: g.n * g.c * g.h * g.w }, rand);
      const weight = Float32Array.from({ length: (g.outC * g.c * g.kh * g.kw) / g.groups }, rand);
      const bias = Float32Array.from({ length: g.outC }, rand);
      const gradOut = Float32Array.from({ length: g.n * g.outC * g.oh * g.ow }, rand);
      const out = new Float32Array(gradOut.length);
      const gradX = new Float32Array(x.length);
      const gradW = new Float32Array(weight.length);
      conv2dForwardWasm(x, weight, bias, out, g);
      conv2dInputGradWasm(gradOut, weight, gradX, g);
      conv2dWeightGradWasm(x, gradOut, gradW, g);
      return { out, gradX, gradW };
    };
    setKernelThreads(1);
    const single = cases.map(passes);
    setKernelThreads(2);
    cases.forEach((c, i) => {
      const threaded = passes(c);
      expect(threaded.out, `forward ${JSON.stringify(c.g)}`).toEqual(single[i]!.out);
      expect(threaded.gradX, `input grad ${JSON.stringify(c.g)}`).toEqual(single[i]!.gradX);
      expect(threaded.gradW, `weight grad ${JSON.stringify(c.g)}`).toEqual(single[i]!.gradW);
    });
    setKernelThreads(1);
  });

  it('keeps the ops working on the shared memory (matmul, relu, Adam-sized buffers)', () => {
    setKernelThreads(2);
    const x = new Tensor(
      Float32Array.from({ length: 96 * 80 }, (_, i) => Math.sin(i)),
      [96, 80],
    );
    const w = new Tensor(
      Float32Array.from({ length: 80 * 70 }, (_, i) => Math.cos(i)),
      [80, 70],
    );
    const threaded = matmul(x, w).relu().toArray();
    setKernelThreads(1);
    expect(kernelThreads()).toBe(1);
    expect(matmul(x, w).relu().toArray()).toEqual(threaded);
  });

  it('rejects counts that are not whole numbers in [1, 64]', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 65]) {
      expect(() => setKernelThreads(bad)).toThrow(/setKernelThreads: count must be an integer in \[1, 64\]/);
    }
  });
});
