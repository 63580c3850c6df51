/**
 * The WebAssembly SIMD kernel module: how it is loaded, where its memory lives, and the switch
 * between the TypeScript kernels ('js') and the WebAssembly ones ('wasm').
 *
 * The module's bytes are compiled into the package (kernels.generated.ts, built from
 * packages/autograd/wasm/assembly by `pnpm build:wasm`), decoded with `atob`, and compiled
 * synchronously on first use, so no file is fetched and nothing here imports Node. Browsers may
 * refuse synchronous compilation of large modules on their main thread; then the TypeScript kernels
 * run until an asynchronous compilation finishes.
 *
 * The module is built twice from the same sources: with plain SIMD, and with relaxed SIMD, whose
 * fused multiply-add (`f32x4.relaxed_madd`) makes the gemm and convolution loops ~1.35× faster.
 * The relaxed build is used where the engine validates it (Chrome ≥ 114 and Node ≥ 22, for example;
 * Node 20 with `--experimental-wasm-relaxed-simd`) unless `setWasmFma(false)` or the environment
 * variable TSGRAD_WASM_FMA=0 asks for the plain one. Fused or not, a multiply-add is left to the
 * engine by relaxed SIMD, so the relaxed build's results may differ in the last bits between
 * machines; the plain build's are the same everywhere.
 *
 * Tensors stay plain typed arrays: a kernel copies its inputs into the module's memory, runs, and
 * copies the result out. The memory only grows (to the largest product seen), and is reused.
 */
import {
  KERNELS_WASM_BASE64,
  KERNELS_WASM_RELAXED_BASE64,
  KERNELS_WASM_RELAXED_SHARED_BASE64,
  KERNELS_WASM_SHARED_BASE64,
} from './kernels.generated.js';

/** The functions the module exports (see wasm/assembly/*.ts); pointers are byte addresses. */
export interface KernelExports {
  sgemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    accumulate: number,
    scratch: number,
  ): void;
  scratchBytes(): number;
  sgemmStrided(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    accumulate: number,
    scratch: number,
  ): void;
  relu(x: number, out: number, n: number): void;
  compareScalar(op: number, x: number, s: number, out: number, n: number): void;
  conv2dForward(
    geometry: number,
    x: number,
    weight: number,
    bias: number,
    out: number,
    col: number,
    scratch: number,
  ): void;
  conv2dInputGrad(
    geometry: number,
    gradOut: number,
    weight: number,
    gradX: number,
    col: number,
    scratch: number,
  ): void;
  conv2dWeightGrad(
    geometry: number,
    x: number,
    gradOut: number,
    gradW: number,
    col: number,
    scratch: number,
  ): void;
  conv2dWeightGradChannels(
    geometry: number,
    x: number,
    gradOut: number,
    gradW: number,
    col: number,
    scratch: number,
    o0: number,
    o1: number,
  ): void;
  convScratchBytes(geometry: number): number;
  reluBackward(gradOut: number, y: number, out: number, n: number): void;
  sumOuterInner(x: number, a: number, b: number, c: number, out: number): void;
  sumRows(x: number, a: number, b: number, out: number): void;
  maxPool2d(geometry: number, x: number, out: number, indices: number): void;
  maxPool2dScatter(geometry: number, gradOut: number, indices: number, gradX: number): void;
  channelMeanVar(x: number, n: number, c: number, inner: number, mean: number, variance: number): void;
  channelAffine(
    x: number,
    n: number,
    c: number,
    inner: number,
    mean: number,
    scale: number,
    shift: number,
    y: number,
  ): void;
  channelGradSums(
    g: number,
    x: number,
    n: number,
    c: number,
    inner: number,
    mean: number,
    sumG: number,
    sumGC: number,
  ): void;
  channelGradInput(
    g: number,
    x: number,
    n: number,
    c: number,
    inner: number,
    mean: number,
    k: number,
    meanG: number,
    slope: number,
    gradX: number,
  ): void;
  adamStep(
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    beta2: number,
    c1: number,
    c2: number,
    negStep: number,
    bc2Sqrt: number,
    eps: number,
    decay: number,
    tinyStep: number,
  ): void;
}

/** Which implementation the kernels with a WebAssembly variant use. */
export type KernelBackend = 'js' | 'wasm';

/** A loaded module: its exports and its memory, plus views that follow the memory's growth. */
export interface WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Byte address of the kernels' fixed scratch area (packed panels). */
  readonly scratch: number;
  /** First byte address free for a kernel's operands. */
  readonly heapBase: number;
  /** True for the relaxed-SIMD build (fused multiply-add). */
  readonly relaxed: boolean;
}

/** WebAssembly memory grows in pages of this many bytes. */
export const PAGE_BYTES = 65536;
/** Operands start on cache-line boundaries. */
const ALIGN = 64;

/**
 * A module that uses one SIMD instruction (i8x16.splat) and nothing else; it validates exactly when
 * the engine supports WebAssembly SIMD (the probe of the wasm-feature-detect package).
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/** True when this engine runs WebAssembly with the fixed-width SIMD proposal. */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

// undefined: not tried yet; null: unavailable here (no WebAssembly SIMD, or compilation failed).
let loaded: WasmKernels | null | undefined;
let pending = false;
let requested: KernelBackend = environment('TSGRAD_KERNELS') === 'js' ? 'js' : 'wasm';
/** Whether the relaxed-SIMD (fused multiply-add) build is wanted where the engine has it. */
let fmaWanted = environment('TSGRAD_WASM_FMA') !== '0';
// undefined: not probed yet.
let relaxedValid: boolean | undefined;

/** An environment variable (Node), or undefined where there is no process.env. */
function environment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name];
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Instantiates the kernels on `memory` (a fresh one by default). `threadScratches` more scratch
 * areas are laid out after the first, one per worker thread (threads.ts), before the operands.
 */
export function instantiate(
  module: WebAssembly.Module,
  relaxed: boolean,
  memory: WebAssembly.Memory = new WebAssembly.Memory({ initial: 1 }),
  threadScratches = 0,
): WasmKernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const scratch = ALIGN;
  const heapBase = alignUp(scratch + (1 + threadScratches) * alignUp(exports.scratchBytes()));
  return { exports, memory, scratch, heapBase, relaxed };
}

/** Replaces the loaded kernels (threads.ts installs its shared-memory instance this way). */
export function installKernels(kernels: WasmKernels): void {
  loaded = kernels;
}

/** True when this engine validates the relaxed-SIMD build of the kernels (it has fused multiply-add). */
export function relaxedSimdSupported(): boolean {
  if (relaxedValid === undefined) {
    relaxedValid = simdSupported() && WebAssembly.validate(decodeBase64(KERNELS_WASM_RELAXED_BASE64));
  }
  return relaxedValid;
}

/** True when the kernels loaded from now on are the relaxed-SIMD build. */
function fmaInUse(): boolean {
  return fmaWanted && relaxedSimdSupported();
}

/**
 * The kernels' WebAssembly bytes: the module for one thread, or the one whose memory is shared
 * (worker threads); of either, the relaxed-SIMD build or the plain one.
 */
export function kernelBytes(shared: boolean, relaxed: boolean): Uint8Array<ArrayBuffer> {
  if (shared) return decodeBase64(relaxed ? KERNELS_WASM_RELAXED_SHARED_BASE64 : KERNELS_WASM_SHARED_BASE64);
  return decodeBase64(relaxed ? KERNELS_WASM_RELAXED_BASE64 : KERNELS_WASM_BASE64);
}

/**
 * Chooses between the two WebAssembly builds for every later op: `true` (the default) the
 * relaxed-SIMD one, whose gemm and convolutions use fused multiply-add, where the engine has
 * relaxed SIMD; `false` the plain SIMD one (a multiply and an add, results the same bit for bit
 * on every engine). Also set by the environment variable TSGRAD_WASM_FMA=0 (Node). Throws while
 * worker threads run (stop them first with setKernelThreads(1)).
 */
export function setWasmFma(enabled: boolean): void {
  if (typeof enabled !== 'boolean') {
    throw new TypeError(`setWasmFma: enabled must be a boolean, got ${String(enabled)}`);
  }
  if (enabled === fmaWanted) return;
  if (
    loaded != null &&
    typeof SharedArrayBuffer === 'function' &&
    loaded.memory.buffer instanceof SharedArrayBuffer
  ) {
    throw new Error('setWasmFma: worker threads are running; call setKernelThreads(1) first');
  }
  fmaWanted = enabled;
  // Load the other build on next use (a fresh memory; the old one is garbage collected). A
  // background compilation still running checks the choice when it finishes.
  if (!pending) loaded = undefined;
}

/** True when the loaded WebAssembly kernels are the relaxed-SIMD build (fused multiply-add). */
export function wasmFmaActive(): boolean {
  return wasmModule()?.relaxed === true;
}

function load(): WasmKernels | null {
  if (!simdSupported()) return null;
  const relaxed = fmaInUse();
  const bytes = kernelBytes(false, relaxed);
  try {
    return instantiate(new WebAssembly.Module(bytes), relaxed);
  } catch (error) {
    // A browser main thread refuses to compile large modules synchronously (RangeError): compile
    // in the background and switch over when done. Any other failure leaves the TS kernels on.
    if (error instanceof RangeError && !pending) {
      pending = true;
      WebAssembly.compile(bytes).then(
        (module) => {
          pending = false;
          // Install it unless setWasmFma asked for the other build meanwhile (then load anew).
          loaded = fmaInUse() === relaxed ? instantiate(module, relaxed) : undefined;
        },
        () => {
          loaded = null;
        },
      );
    }
    return null;
  }
}

/** The loaded module (whatever backend is selected), or null where it cannot run. */
export function wasmModule(): WasmKernels | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

/** The loaded module, for a kernel wrapper named `op`; throws where it cannot run. */
export function requireWasm(op: string): WasmKernels {
  const w = wasmModule();
  if (w === null) throw new Error(`${op}: WebAssembly SIMD is not available in this engine`);
  return w;
}

/** True when ops should call the WebAssembly kernels: selected, and loaded. */
export function useWasmKernels(): boolean {
  return requested === 'wasm' && wasmModule() !== null;
}

/**
 * Selects the TypeScript ('js') or WebAssembly SIMD ('wasm') kernels for every later op. 'wasm' is
 * the default where WebAssembly SIMD exists; 'js' is the readable reference path (also selected by
 * the environment variable TSGRAD_KERNELS=js). Throws when 'wasm' is asked for and unavailable.
 */
export function setKernelBackend(backend: KernelBackend): void {
  if (backend !== 'js' && backend !== 'wasm') {
    throw new RangeError(`setKernelBackend: backend must be 'js' or 'wasm', got ${String(backend)}`);
  }
  if (backend === 'wasm') {
    if (wasmModule() === null && !pending) {
      throw new Error('setKernelBackend: WebAssembly SIMD is not available in this engine');
    }
  }
  requested = backend;
}

/** The backend that kernels run on right now ('wasm' only once the module is loaded). */
export function getKernelBackend(): KernelBackend {
  return useWasmKernels() ? 'wasm' : 'js';
}

/**
 * A Float32Array view of the module's memory that is at least `bytes` long, growing the memory
 * first if needed (growing detaches old views, so always take a fresh one from here).
 */
export function reserveF32(w: WasmKernels, bytes: number): Float32Array {
  const have = w.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      w.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    } catch {
      throw new RangeError(
        `wasm kernels: cannot grow WebAssembly memory to ${bytes} bytes (limit 4 GiB); ` +
          "setKernelBackend('js') runs the TypeScript kernels instead",
      );
    }
  }
  if (f32View === null || f32View.buffer !== w.memory.buffer) f32View = new Float32Array(w.memory.buffer);
  return f32View;
}
let f32View: Float32Array | null = null;

/** Rounds a byte address up to the operand alignment. */
export function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}
