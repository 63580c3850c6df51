/**
 * Max pooling in WebAssembly SIMD (wasm/assembly/pool.ts), with the contracts of maxPool2d (for
 * windows inside the image) and maxPool2dScatter in kernels/pool.ts, for float32 arrays.
 * Precondition: `wasmModule()` is not null (else they throw).
 *
 * Perf: copies in and out around branch-free loops (see the assembly file for why that wins).
 */
import type { PoolGeometry } from '../pool.js';
import { alignUp, requireWasm, reserveF32, type WasmKernels } from './module.js';

/** The order of the i32 fields of `PoolGeometry` in the module (wasm/assembly/pool.ts). */
const FIELDS = [
  'planes',
  'h',
  'w',
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
] as const satisfies readonly (keyof PoolGeometry)[];

/** Writes the geometry at heapBase; returns the first operand address after it. */
function writeGeometry(w: WasmKernels, heap: Float32Array, g: PoolGeometry): void {
  const ints = new Int32Array(heap.buffer, w.heapBase, FIELDS.length);
  for (let i = 0; i < FIELDS.length; i++) ints[i] = g[FIELDS[i]!];
}

/**
 * out = the window maxima of x, indices = their positions in each plane. Precondition: no padding
 * and every window inside the image (the case maxPool2d in kernels/pool.ts calls interior).
 */
export function maxPool2dInteriorWasm(
  x: Float32Array,
  out: Float32Array,
  indices: Int32Array,
  g: PoolGeometry,
): void {
  const w = requireWasm('maxPool2dInteriorWasm');
  const inSize = g.planes * g.h * g.w;
  const outSize = g.planes * g.oh * g.ow;
  const xPtr = alignUp(w.heapBase + 4 * FIELDS.length);
  // The 2×2 loop reads up to 32 bytes past x (see wasm/assembly/pool.ts).
  const outPtr = alignUp(xPtr + 4 * inSize + 32);
  const indexPtr = alignUp(outPtr + 4 * outSize);
  const heap = reserveF32(w, indexPtr + 4 * outSize);
  writeGeometry(w, heap, g);
  heap.set(x.subarray(0, inSize), xPtr >> 2);
  w.exports.maxPool2d(w.heapBase, xPtr, outPtr, indexPtr);
  out.set(heap.subarray(outPtr >> 2, (outPtr >> 2) + outSize));
  indices.set(new Int32Array(heap.buffer, indexPtr, outSize));
}

/** gradX = gradOut scattered to the arg-max positions, as maxPool2dScatter in kernels/pool.ts. */
export function maxPool2dScatterWasm(
  gradOut: Float32Array,
  indices: Int32Array,
  gradX: Float32Array,
  g: PoolGeometry,
): void {
  const w = requireWasm('maxPool2dScatterWasm');
  const inSize = g.planes * g.h * g.w;
  const outSize = g.planes * g.oh * g.ow;
  const gPtr = alignUp(w.heapBase + 4 * FIELDS.length);
  const indexPtr = alignUp(gPtr + 4 * outSize);
  const xPtr = alignUp(indexPtr + 4 * outSize);
  const heap = reserveF32(w, xPtr + 4 * inSize);
  writeGeometry(w, heap, g);
  heap.set(gradOut.subarray(0, outSize), gPtr >> 2);
  new Int32Array(heap.buffer, indexPtr, outSize).set(indices.subarray(0, outSize));
  w.exports.maxPool2dScatter(w.heapBase, gPtr, indexPtr, xPtr);
  gradX.set(heap.subarray(xPtr >> 2, (xPtr >> 2) + inSize));
}
