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
 */
import type { ConvGeometry } from '../conv.js';
import { alignUp, requireWasm, reserveF32, type WasmKernels } from './module.js';

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

/**
 * Writes the geometry at heapBase, then lays out a call's operands one after another (`sizes` in
 * floats), followed by the scratch the module asks for (convScratchBytes); grows the memory to
 * fit. Returns the operands' byte addresses, the scratch's last.
 */
function layout(
  w: WasmKernels,
  g: ConvGeometry,
  sizes: readonly number[],
): { heap: Float32Array; at: number[] } {
  let end = alignUp(w.heapBase + 4 * FIELDS.length);
  const ints = new Int32Array(reserveF32(w, end).buffer, w.heapBase, FIELDS.length);
  for (let i = 0; i < FIELDS.length; i++) ints[i] = g[FIELDS[i]!];
  const at: number[] = [];
  for (const size of sizes) {
    at.push(end);
    end = alignUp(end + 4 * size);
  }
  at.push(end);
  const heap = reserveF32(w, end + w.exports.convScratchBytes(w.heapBase));
  return { heap, at };
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
  const xSize = g.n * g.c * g.h * g.w;
  const outSize = g.n * g.outC * g.oh * g.ow;
  const { heap, at } = layout(w, g, [xSize, weight.length, g.outC, outSize]);
  const [xPtr, wPtr, bPtr, outPtr, colPtr] = at as [number, number, number, number, number];
  heap.set(x.subarray(0, xSize), xPtr >> 2);
  heap.set(weight, wPtr >> 2);
  if (bias !== null) heap.set(bias.subarray(0, g.outC), bPtr >> 2);
  w.exports.conv2dForward(w.heapBase, xPtr, wPtr, bias === null ? 0 : bPtr, outPtr, colPtr, w.scratch);
  out.set(heap.subarray(outPtr >> 2, (outPtr >> 2) + outSize));
}

/** gradX = I(gradOut, weight), overwriting gradX, as conv2dInputGrad in kernels/conv.ts. */
export function conv2dInputGradWasm(
  gradOut: Float32Array,
  weight: Float32Array,
  gradX: Float32Array,
  g: ConvGeometry,
): void {
  const w = requireWasm('conv2dInputGradWasm');
  const xSize = g.n * g.c * g.h * g.w;
  const outSize = g.n * g.outC * g.oh * g.ow;
  const { heap, at } = layout(w, g, [outSize, weight.length, xSize]);
  const [gPtr, wPtr, xPtr, colPtr] = at as [number, number, number, number];
  heap.set(gradOut.subarray(0, outSize), gPtr >> 2);
  heap.set(weight, wPtr >> 2);
  w.exports.conv2dInputGrad(w.heapBase, gPtr, wPtr, xPtr, colPtr, w.scratch);
  gradX.set(heap.subarray(xPtr >> 2, (xPtr >> 2) + xSize));
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
  const { heap, at } = layout(w, g, [xSize, outSize, wSize]);
  const [xPtr, gPtr, wPtr, colPtr] = at as [number, number, number, number];
  heap.set(x.subarray(0, xSize), xPtr >> 2);
  heap.set(gradOut.subarray(0, outSize), gPtr >> 2);
  w.exports.conv2dWeightGrad(w.heapBase, xPtr, gPtr, wPtr, colPtr, w.scratch);
  gradW.set(heap.subarray(wPtr >> 2, (wPtr >> 2) + wSize));
}
