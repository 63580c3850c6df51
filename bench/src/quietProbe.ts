/**
 * The quiet gate's probe (harness.ts, QuietGate): two fixed small gemms, timed.
 *  - WebAssembly SIMD: 128×256×784 (A·Bᵀ, as an MLP's first layer) on a private instance of
 *    tsgrad's plain-SIMD kernel module, with its own memory and operands placed once, so nothing
 *    the run switches (kernel build, threads, backend) changes what it measures;
 *  - scalar JavaScript: 96×96×96 on the TypeScript gemm (a pure function).
 * Both are throughput-bound like every system's gemm, which is what this host's slow spells slow
 * down (a latency-bound scalar loop hardly notices them). Each reading takes about 20 ms.
 */
import { gemmBlocked } from '../../packages/autograd/src/kernels/gemm.js';
import {
  alignUp,
  instantiate,
  kernelBytes,
  PAGE_BYTES,
} from '../../packages/autograd/src/kernels/wasm/module.js';

const WASM = { m: 128, n: 256, k: 784, calls: 6 };
const TS = { size: 96, calls: 25 };

/** Returns the probe: each call gives [WebAssembly GFLOPS, TypeScript GFLOPS]. */
export function gemmProbe(): () => readonly number[] {
  const { m, n, k } = WASM;
  const kernels = instantiate(new WebAssembly.Module(kernelBytes(false, false)), false);
  const aPtr = kernels.heapBase;
  const bPtr = alignUp(aPtr + 4 * m * k);
  const cPtr = alignUp(bPtr + 4 * k * n);
  const bytes = cPtr + 4 * m * n;
  const have = kernels.memory.buffer.byteLength;
  if (bytes > have) kernels.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  const heap = new Float32Array(kernels.memory.buffer);
  heap.set(fixedValues(m * k), aPtr >> 2);
  heap.set(fixedValues(k * n), bPtr >> 2);

  const s = TS.size;
  const a = fixedValues(s * s);
  const b = a.slice().reverse();
  const c = new Float32Array(s * s);

  const wasmRun = () => kernels.exports.sgemm(0, 1, m, n, k, aPtr, bPtr, cPtr, 0, kernels.scratch);
  const tsRun = () => gemmBlocked(false, false, s, s, s, a, 0, b, 0, c, 0, false);
  const gflops = (run: () => void, calls: number, flops: number) => {
    const t = performance.now();
    for (let i = 0; i < calls; i++) run();
    return (calls * flops) / (performance.now() - t) / 1e6;
  };
  return () => [gflops(wasmRun, WASM.calls, 2 * m * n * k), gflops(tsRun, TS.calls, 2 * s * s * s)];
}

/** Deterministic values in [-0.5, 0.5). */
function fixedValues(length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
}
