/**
 * Worker threads for the float32 gemm: the rows (or columns) of C split into one block per thread,
 * every thread running the same WebAssembly kernel on one shared memory.
 *
 *   main thread                              worker i (one per extra thread)
 *   copy A, B (and C) into shared memory     sleeps in Atomics.wait on its state word
 *   write block i's arguments, state ← RUN   wakes, runs sgemmStrided on block i with its scratch
 *   run block 0 itself                       state ← IDLE, Atomics.notify
 *   Atomics.wait until every state is IDLE
 *   copy C out
 *
 * Each block of rows of C needs only the matching rows of op(A) and all of op(B), so the threads
 * never write the same bytes and need no locks; the only synchronisation is the state word.
 *
 * The calling thread blocks while the workers run (as a gemm call must return its result), which
 * needs `Atomics.wait` on that thread: Node's main thread allows it, a browser's main thread does
 * not. This file is host-neutral; the host supplies `spawn` (Node: `setKernelThreads` in
 * @tsgrad/autograd/node, which uses worker_threads). Off by default: one thread, no workers.
 */
import { alignUp, installKernels, instantiate, kernelBytes, type WasmKernels, wasmModule } from './module.js';

/** What a worker receives when it starts. */
export interface KernelWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** The control block: per worker SLOT 32-bit words, word 0 the state, then the arguments. */
  control: SharedArrayBuffer;
  index: number;
  /** Byte address of this worker's scratch area in the shared memory. */
  scratch: number;
}

/** Starts one worker running `source` (a JavaScript function expression) on `data`. */
export type SpawnKernelWorker = (source: string, data: KernelWorkerData) => { terminate(): unknown };

/** 32-bit words per worker in the control block: the state, then sgemmStrided's 12 arguments. */
const SLOT = 16;
const STARTING = -1;
const IDLE = 0;
const RUN = 1;
const STOP = 2;

/**
 * The worker's whole program, as source text so that it needs no module loading in the worker:
 * instantiate the kernels on the shared memory, report IDLE, then run each posted block.
 */
export const KERNEL_WORKER_SOURCE = `(data) => {
  const { module, memory, control, index, scratch } = data;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const state = new Int32Array(control);
  const args = new Uint32Array(control);
  const at = index * ${SLOT};
  Atomics.store(state, at, ${IDLE});
  Atomics.notify(state, at);
  for (;;) {
    Atomics.wait(state, at, ${IDLE});
    const job = Atomics.load(state, at);
    if (job === ${STOP}) return;
    if (job !== ${RUN}) continue;
    kernels.sgemmStrided(args[at + 1], args[at + 2], args[at + 3], args[at + 4], args[at + 5], args[at + 6],
      args[at + 7], args[at + 8], args[at + 9], args[at + 10], args[at + 11], args[at + 12], scratch);
    Atomics.store(state, at, ${IDLE});
    Atomics.notify(state, at);
  }
}`;

interface Pool {
  kernels: WasmKernels;
  state: Int32Array;
  args: Uint32Array;
  workers: Array<{ terminate(): unknown }>;
  /** The single-threaded kernels the pool replaced, reinstalled when it stops. */
  single: WasmKernels;
}
let pool: Pool | null = null;

/** How many threads the gemm uses (1: no workers). */
export function kernelThreads(): number {
  return pool === null ? 1 : pool.workers.length + 1;
}

/**
 * Runs the WebAssembly gemm on `count` threads from now on (1 stops the workers). Blocks until the
 * workers are ready. Throws where SharedArrayBuffer, blocking Atomics.wait or WebAssembly SIMD
 * are missing, or when a worker does not start within 10 s.
 */
export function startKernelThreads(count: number, spawn: SpawnKernelWorker): void {
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new RangeError(`setKernelThreads: count must be an integer in [1, 64], got ${count}`);
  }
  stopKernelThreads();
  if (count === 1) return;
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') {
    throw new Error(
      'setKernelThreads: needs SharedArrayBuffer and Atomics.wait (unavailable in this engine)',
    );
  }
  const single = wasmModule();
  if (single === null) throw new Error('setKernelThreads: WebAssembly SIMD is not available in this engine');
  const module = new WebAssembly.Module(kernelBytes(true));
  // Shared memories state their maximum; 65536 pages is wasm32's whole 4 GiB (address space only).
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const kernels = instantiate(module, single.relaxed, memory, count - 1);
  const scratchStride = alignUp(kernels.exports.scratchBytes());
  const control = new SharedArrayBuffer(4 * SLOT * (count - 1));
  const state = new Int32Array(control);
  const workers: Array<{ terminate(): unknown }> = [];
  for (let i = 0; i < count - 1; i++) {
    state[i * SLOT] = STARTING;
    const scratch = kernels.scratch + (i + 1) * scratchStride;
    workers.push(spawn(KERNEL_WORKER_SOURCE, { module, memory, control, index: i, scratch }));
  }
  for (let i = 0; i < count - 1; i++) {
    if (Atomics.wait(state, i * SLOT, STARTING, 10_000) === 'timed-out') {
      for (const w of workers) w.terminate();
      throw new Error(`setKernelThreads: worker ${i + 1} did not start within 10 s`);
    }
  }
  pool = { kernels, state, args: new Uint32Array(control), workers, single };
  installKernels(kernels);
}

/** Stops the workers (if any) and returns to one thread, on the kernels (and memory) used before. */
export function stopKernelThreads(): void {
  if (pool === null) return;
  for (let i = 0; i < pool.workers.length; i++) {
    Atomics.store(pool.state, i * SLOT, STOP);
    Atomics.notify(pool.state, i * SLOT);
  }
  for (const w of pool.workers) w.terminate();
  installKernels(pool.single);
  pool = null;
}

/**
 * Below this many multiply-adds (m·n·k) a gemm stays on one thread: waking a worker and waiting
 * for it costs a few tens of microseconds, and 64³ multiply-adds take about 20 µs at 30 GFLOPS.
 */
const THREAD_MIN_WORK = 64 * 64 * 64;
/** Blocks are whole micro-tiles of the kernel (wasm/assembly/sgemm.ts: 4 rows × 8 columns). */
const TILE_ROWS = 4;
const TILE_COLS = 8;

/**
 * C = op(A)·op(B) (+ C) on the operands already in `w`'s memory, split across the pool's threads;
 * returns false (having done nothing) when there is no pool or the product is too small, so the
 * caller runs the single-threaded kernel. Same arguments as the module's `sgemm`.
 */
export function sgemmOnThreads(
  w: WasmKernels,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: number,
  b: number,
  c: number,
  accumulate: boolean,
): boolean {
  if (pool === null || w !== pool.kernels || m * n * k < THREAD_MIN_WORK) return false;
  const threads = pool.workers.length + 1;
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  // Split the longer side of C, in whole tiles; a block may be empty when C is narrow.
  const byRows = m >= n;
  const tile = byRows ? TILE_ROWS : TILE_COLS;
  const length = byRows ? m : n;
  const step = Math.ceil(Math.ceil(length / threads) / tile) * tile;
  const block = (t: number) => {
    const start = Math.min(length, t * step);
    const size = Math.min(length, start + step) - start;
    if (byRows) {
      // Rows start..start+size of C and of op(A): op(A)[i, p] sits at row i (or column i if transA).
      const aAt = a + 4 * (transA ? start : start * lda);
      return [size, n, aAt, b, c + 4 * start * n] as const;
    }
    const bAt = b + 4 * (transB ? start * ldb : start);
    return [m, size, a, bAt, c + start * 4] as const;
  };
  const { state, args } = pool;
  for (let t = 1; t < threads; t++) {
    const [rows, cols, aAt, bAt, cAt] = block(t);
    if (rows === 0 || cols === 0) continue;
    const at = (t - 1) * SLOT;
    args.set([+transA, +transB, rows, cols, k, aAt, lda, bAt, ldb, cAt, n, +accumulate], at + 1);
    Atomics.store(state, at, RUN);
    Atomics.notify(state, at);
  }
  const [rows, cols, aAt, bAt, cAt] = block(0);
  w.exports.sgemmStrided(+transA, +transB, rows, cols, k, aAt, lda, bAt, ldb, cAt, n, +accumulate, w.scratch);
  for (let t = 1; t < threads; t++) {
    const at = (t - 1) * SLOT;
    while (Atomics.load(state, at) === RUN) Atomics.wait(state, at, RUN);
  }
  return true;
}
