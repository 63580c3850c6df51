/**
 * Worker threads for the float32 gemm and conv2d passes: each product or pass split into one block
 * per thread, every thread running the same WebAssembly kernels on one shared memory.
 *
 *   main thread                              worker i (one per extra thread)
 *   copy the operands into shared memory     sleeps in Atomics.wait on its state word
 *   write block i's job, state ← RUN         wakes, runs the job's kernel on block i with its scratch
 *   run block 0 itself                       state ← IDLE, Atomics.notify
 *   Atomics.wait until every state is IDLE
 *   copy the result out
 *
 * The blocks: for a gemm, rows (or columns) of C, which need only the matching rows of op(A) and
 * all of op(B); for conv2d's forward and input gradient, samples of the batch; for its weight
 * gradient, output channels (rows of ∂W), each summed over every sample exactly as on one thread.
 * So the threads never write the same bytes, need no locks, and every result is bit-identical to
 * one thread's; the only synchronisation is the state word.
 *
 * The calling thread blocks while the workers run (as a kernel call must return its result), which
 * needs `Atomics.wait` on that thread: Node's main thread allows it, a browser's main thread does
 * not. This file is host-neutral; the host supplies `spawn` (Node: `setKernelThreads` in
 * @tsgrad/autograd/node, which uses worker_threads). Off by default: one thread, no workers.
 */
import {
  alignUp,
  installKernels,
  instantiate,
  type KernelExports,
  kernelBytes,
  type WasmKernels,
  wasmModule,
} from './module.js';

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

/** 32-bit words per worker in the control block: the state, the job's kind, then its arguments. */
const SLOT = 16;
const STARTING = -1;
const IDLE = 0;
const RUN = 1;
const STOP = 2;

/** What a job runs (the kernel export); a job is a kind and up to 14 unsigned 32-bit arguments. */
export const JobKind = { Sgemm: 1, ConvForward: 2, ConvInputGrad: 3, ConvWeightGrad: 4 } as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

export interface Job {
  kind: JobKind;
  args: readonly number[];
}

/**
 * Runs one job on `kernels` with this thread's `scratch` (sgemm's packing area). Self-contained
 * (literal kinds, no outside names), because the workers run its source text (KERNEL_WORKER_SOURCE).
 */
export function runJob(kernels: KernelExports, kind: number, a: ArrayLike<number>, scratch: number): void {
  switch (kind) {
    case 1: // JobKind.Sgemm: transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate
      kernels.sgemmStrided(
        a[0]!,
        a[1]!,
        a[2]!,
        a[3]!,
        a[4]!,
        a[5]!,
        a[6]!,
        a[7]!,
        a[8]!,
        a[9]!,
        a[10]!,
        a[11]!,
        scratch,
      );
      return;
    case 2: // JobKind.ConvForward: geometry, x, weight, bias, out, col
      kernels.conv2dForward(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, scratch);
      return;
    case 3: // JobKind.ConvInputGrad: geometry, gradOut, weight, gradX, col
      kernels.conv2dInputGrad(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, scratch);
      return;
    case 4: // JobKind.ConvWeightGrad: geometry, x, gradOut, gradW, col, o0, o1
      kernels.conv2dWeightGradChannels(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, scratch, a[5]!, a[6]!);
      return;
    default:
      throw new Error(`kernel threads: unknown job kind ${kind}`);
  }
}

/**
 * The worker's whole program, as source text so that it needs no module loading in the worker:
 * instantiate the kernels on the shared memory, report IDLE, then run each posted job.
 */
export const KERNEL_WORKER_SOURCE = `(data) => {
  const runJob = ${runJob.toString()};
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
    runJob(kernels, args[at + 1], args.subarray(at + 2, at + ${SLOT}), scratch);
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
  // The shared twin of the build running now, so threads change no result.
  const module = new WebAssembly.Module(kernelBytes(true, single.relaxed));
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
 * Below this many multiply-adds a product or conv pass stays on one thread: waking a worker and
 * waiting for it costs a few tens of microseconds, and 64³ multiply-adds take about 20 µs at 30 GFLOPS.
 */
export const THREAD_MIN_WORK = 64 * 64 * 64;
/** Blocks are whole micro-tiles of the kernel (wasm/assembly/sgemm.ts: 4 rows × 8 columns). */
const TILE_ROWS = 4;
const TILE_COLS = 8;

/**
 * How many threads kernels on `w` may use: the pool's size when `w` is the pool's module (kernels
 * loaded before the pool started run alone), else 1.
 */
export function threadsFor(w: WasmKernels): number {
  return pool !== null && w === pool.kernels ? pool.workers.length + 1 : 1;
}

/**
 * Runs jobs[0] on the calling thread and jobs[t] on worker t, and returns when all are done.
 * At most threadsFor(w) jobs; their operands must already be in the pool's shared memory.
 */
export function runOnThreads(w: WasmKernels, jobs: readonly Job[]): void {
  if (pool === null || w !== pool.kernels || jobs.length > pool.workers.length + 1) {
    throw new Error(`kernel threads: ${jobs.length} jobs for ${threadsFor(w)} thread(s)`);
  }
  const { state, args } = pool;
  for (let t = 1; t < jobs.length; t++) {
    const at = (t - 1) * SLOT;
    const job = jobs[t]!;
    args[at + 1] = job.kind;
    args.set(job.args, at + 2);
    Atomics.store(state, at, RUN);
    Atomics.notify(state, at);
  }
  if (jobs.length > 0) runJob(w.exports, jobs[0]!.kind, jobs[0]!.args, w.scratch);
  for (let t = 1; t < jobs.length; t++) {
    const at = (t - 1) * SLOT;
    while (Atomics.load(state, at) === RUN) Atomics.wait(state, at, RUN);
  }
}

/**
 * [start, end) blocks of `length` for `threads` threads, each a whole number of `unit`s (the last
 * may be shorter; empty blocks are dropped).
 */
export function splitBlocks(length: number, threads: number, unit: number): Array<[number, number]> {
  const step = Math.ceil(Math.ceil(length / threads) / unit) * unit;
  const blocks: Array<[number, number]> = [];
  for (let start = 0; start < length; start += step) blocks.push([start, Math.min(length, start + step)]);
  return blocks;
}

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
  const threads = threadsFor(w);
  if (threads === 1 || m * n * k < THREAD_MIN_WORK) return false;
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  // Split the longer side of C, in whole tiles; op(A)[i, p] sits at row i (or column i if transA).
  const byRows = m >= n;
  const blocks = splitBlocks(byRows ? m : n, threads, byRows ? TILE_ROWS : TILE_COLS);
  const jobs = blocks.map(([start, end]): Job => {
    const size = end - start;
    const [rows, cols, aAt, bAt, cAt] = byRows
      ? [size, n, a + 4 * (transA ? start : start * lda), b, c + 4 * start * n]
      : [m, size, a, b + 4 * (transB ? start * ldb : start), c + start * 4];
    return {
      kind: JobKind.Sgemm,
      args: [+transA, +transB, rows, cols, k, aAt, lda, bAt, ldb, cAt, n, +accumulate],
    };
  });
  runOnThreads(w, jobs);
  return true;
}
