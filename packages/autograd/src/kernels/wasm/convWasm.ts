/**
 * The three conv2d passes in WebAssembly SIMD (wasm/assembly/conv.ts), each with the contract of
 * its TypeScript reference in kernels/conv.ts, for float32 arrays: one call per pass for the whole
 * batch. Precondition: `wasmModule()` is not null (else they throw).
 *
 * Perf: the images, weights and gradients are copied into the module's memory once per call and
 * the result copied out once; each sample's column matrix (c·kh·kw × oh·ow, nine times the image
 * for a 3×3 kernel) is built, multiplied and consumed inside the module and never crosses into
 * JavaScript (with stride 1 and at most 8 output channels per group there is none: the forward
 * and the weight gradient read the padded image in place, wasm/assembly/convDirect.ts). The weight
 * gradient unrolls x again rather than copying kept columns in: the image is a ninth of its
 * columns' size, and im2col in the module costs less than that copy.
 *
 * With worker threads (setKernelThreads, threads.ts), a pass large enough is split: the forward and
 * the input gradient by samples, the weight gradient by output channels (each thread unrolls every
 * sample for its channels); every thread has its own geometry record and column area, and the
 * results are bit-identical to one thread's.
 */
import type { ConvGeometry } from '../conv.js';
import { alignUp, requireWasm, reserveF32, type WasmKernels } from './module.js';
import { type Job, JobKind, runOnThreads, splitBlocks, THREAD_MIN_WORK, threadsFor } from './threads.js';

/** The order of the i32 fields of `ConvGeometry` in the module (wasm/assembly/conv.ts). */
const FIELDS = [
  'n',
  'c',
  'h',
  'w',
  'outC',
  'groups',
  'kh',
  'kw',
  'sh',
  'sw',
  'ph',
  'pw',
  'dh',
  'dw',
  'oh',
  'ow',
] as const satisfies readonly (keyof ConvGeometry)[];

/** A call's layout: the operands' byte addresses, and one geometry record and column area per thread. */
interface Layout {
  heap: Float32Array;
  at: number[];
  geometries: number[];
  cols: number[];
}

/**
 * Lays out a call in the module's memory, growing it to fit: `threads` geometry records from
 * heapBase (the first g; the others are rewritten per block), the operands one after another
 * (`sizes` in floats), then one column area of convScratchBytes per thread.
 */
function layout(w: WasmKernels, g: ConvGeometry, sizes: readonly number[], threads: number): Layout {
  const record = alignUp(4 * FIELDS.length);
  let end = w.heapBase + threads * record;
  const geometries = Array.from({ length: threads }, (_, t) => w.heapBase + t * record);
  writeGeometry(w, geometries[0]!, g, g.n);
  const at: number[] = [];
  for (const size of sizes) {
    at.push(end);
    end = alignUp(end + 4 * size);
  }
  const colBytes = alignUp(w.exports.convScratchBytes(w.heapBase));
  const cols = Array.from({ length: threads }, (_, t) => end + t * colBytes);
  const heap = reserveF32(w, end + threads * colBytes);
  return { heap, at, geometries, cols };
}

/** Writes g, with n samples, as the module's geometry record at byte address `at`. */
function writeGeometry(w: WasmKernels, at: number, g: ConvGeometry, n: number): void {
  const ints = new Int32Array(reserveF32(w, at + 4 * FIELDS.length).buffer, at, FIELDS.length);
  for (let i = 0; i < FIELDS.length; i++) ints[i] = g[FIELDS[i]!];
  ints[0] = n;
}

/** Threads to split a pass of `work` multiply-adds over `items` (samples or channels) into. */
function threadCount(w: WasmKernels, work: number, items: number): number {
  return work >= THREAD_MIN_WORK ? Math.min(threadsFor(w), items) : 1;
}

/** Multiply-adds of one pass (each of the three does the same number). */
function passWork(g: ConvGeometry): number {
  return g.n * g.outC * g.oh * g.ow * (g.c / g.groups) * g.kh * g.kw;
}

/** out = x ⋆ weight (+ bias), as conv2dForward in kernels/conv.ts. */
export function conv2dForwardWasm(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  g: ConvGeometry,
): void {
  const w = requireWasm('conv2dForwardWasm');
  const inSize = g.c * g.h * g.w;
  const outSample = g.outC * g.oh * g.ow;
  const threads = threadCount(w, passWork(g), g.n);
  const { heap, at, geometries, cols } = layout(
    w,
    g,
    [g.n * inSize, weight.length, g.outC, g.n * outSample],
    threads,
  );
  const [xPtr, wPtr, bPtr, outPtr] = at as [number, number, number, number];
  heap.set(x.subarray(0, g.n * inSize), xPtr >> 2);
  heap.set(weight, wPtr >> 2);
  if (bias !== null) heap.set(bias.subarray(0, g.outC), bPtr >> 2);
  const biasAt = bias === null ? 0 : bPtr;
  if (threads === 1) {
    w.exports.conv2dForward(geometries[0]!, xPtr, wPtr, biasAt, outPtr, cols[0]!, w.scratch);
  } else {
    // Samples s0..s1 of each block: a geometry of s1 − s0 samples on the operands from sample s0.
    const jobs = splitBlocks(g.n, threads, 1).map(([s0, s1], t): Job => {
      writeGeometry(w, geometries[t]!, g, s1 - s0);
      const args = [
        geometries[t]!,
        xPtr + 4 * s0 * inSize,
        wPtr,
        biasAt,
        outPtr + 4 * s0 * outSample,
        cols[t]!,
      ];
      return { kind: JobKind.ConvForward, args };
    });
    runOnThreads(w, jobs);
  }
  out.set(heap.subarray(outPtr >> 2, (outPtr >> 2) + g.n * outSample));
}

/** gradX = I(gradOut, weight), overwriting gradX, as conv2dInputGrad in kernels/conv.ts. */
export function conv2dInputGradWasm(
  gradOut: Float32Array,
  weight: Float32Array,
  gradX: Float32Array,
  g: ConvGeometry,
): void {
  const w = requireWasm('conv2dInputGradWasm');
  const inSize = g.c * g.h * g.w;
  const outSample = g.outC * g.oh * g.ow;
  const threads = threadCount(w, passWork(g), g.n);
  const { heap, at, geometries, cols } = layout(
    w,
    g,
    [g.n * outSample, weight.length, g.n * inSize],
    threads,
  );
  const [gPtr, wPtr, xPtr] = at as [number, number, number];
  heap.set(gradOut.subarray(0, g.n * outSample), gPtr >> 2);
  heap.set(weight, wPtr >> 2);
  if (threads === 1) {
    w.exports.conv2dInputGrad(geometries[0]!, gPtr, wPtr, xPtr, cols[0]!, w.scratch);
  } else {
    const jobs = splitBlocks(g.n, threads, 1).map(([s0, s1], t): Job => {
      writeGeometry(w, geometries[t]!, g, s1 - s0);
      const args = [geometries[t]!, gPtr + 4 * s0 * outSample, wPtr, xPtr + 4 * s0 * inSize, cols[t]!];
      return { kind: JobKind.ConvInputGrad, args };
    });
    runOnThreads(w, jobs);
  }
  gradX.set(heap.subarray(xPtr >> 2, (xPtr >> 2) + g.n * inSize));
}

/** gradW = G(x, gradOut), overwriting gradW, as conv2dWeightGrad in kernels/conv.ts. */
export function conv2dWeightGradWasm(
  x: Float32Array,
  gradOut: Float32Array,
  gradW: Float32Array,
  g: ConvGeometry,
): void {
  const w = requireWasm('conv2dWeightGradWasm');
  const xSize = g.n * g.c * g.h * g.w;
  const outSize = g.n * g.outC * g.oh * g.ow;
  const wSize = (g.outC * g.c * g.kh * g.kw) / g.groups;
  // Blocks of output channels, in fours where there are enough (the direct loops' block of rows).
  const threads = threadCount(w, passWork(g), Math.ceil(g.outC / 4));
  const { heap, at, geometries, cols } = layout(w, g, [xSize, outSize, wSize], threads);
  const [xPtr, gPtr, wPtr] = at as [number, number, number];
  heap.set(x.subarray(0, xSize), xPtr >> 2);
  heap.set(gradOut.subarray(0, outSize), gPtr >> 2);
  if (threads === 1) {
    w.exports.conv2dWeightGrad(geometries[0]!, xPtr, gPtr, wPtr, cols[0]!, w.scratch);
  } else {
    const jobs = splitBlocks(g.outC, threads, 4).map(
      ([o0, o1], t): Job => ({
        kind: JobKind.ConvWeightGrad,
        args: [geometries[0]!, xPtr, gPtr, wPtr, cols[t]!, o0, o1],
      }),
    );
    runOnThreads(w, jobs);
  }
  gradW.set(heap.subarray(wPtr >> 2, (wPtr >> 2) + wSize));
}
