/**
 * The WebAssembly kernel module: SIMD detection, loading, and the 'js' / 'wasm' backend switch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getKernelBackend, setKernelBackend } from '../../src/index.js';
import {
  alignUp,
  relaxedSimdSupported,
  reserveF32,
  setWasmFma,
  simdSupported,
  wasmFmaActive,
  wasmModule,
} from '../../src/kernels/wasm/module.js';

describe('WebAssembly kernel module', () => {
  // The suite also runs with TSGRAD_KERNELS=js; leave the backend as it was.
  const initial = getKernelBackend();
  afterEach(() => setKernelBackend(initial));

  it("loads where SIMD validates; 'wasm' is the default backend unless TSGRAD_KERNELS=js", () => {
    expect(simdSupported()).toBe(true);
    const w = wasmModule();
    expect(w).not.toBeNull();
    expect(w!.heapBase % 64).toBe(0);
    expect(w!.heapBase).toBeGreaterThanOrEqual(w!.scratch + w!.exports.scratchBytes());
    expect(initial).toBe(process.env.TSGRAD_KERNELS === 'js' ? 'js' : 'wasm');
  });

  it("setKernelBackend('js') selects the TypeScript kernels, and 'wasm' brings the module back", () => {
    setKernelBackend('js');
    expect(getKernelBackend()).toBe('js');
    setKernelBackend('wasm');
    expect(getKernelBackend()).toBe('wasm');
  });

  it('loads the relaxed-SIMD build exactly where the engine validates it (unless TSGRAD_WASM_FMA=0)', () => {
    // Node 20 validates it only with --experimental-wasm-relaxed-simd; this file runs without it.
    // (wasmGemm/wasmConv/wasmThreads.test.ts run both builds in a process started with the flag.)
    const wanted = process.env.TSGRAD_WASM_FMA !== '0';
    expect(wasmFmaActive()).toBe(wanted && relaxedSimdSupported());
    setWasmFma(false);
    expect(wasmFmaActive()).toBe(false);
    expect(wasmModule()).not.toBeNull();
    setWasmFma(wanted);
    expect(wasmFmaActive()).toBe(wanted && relaxedSimdSupported());
  });

  it('setWasmFma rejects a value that is not a boolean', () => {
    expect(() => setWasmFma('yes' as unknown as boolean)).toThrow(
      /setWasmFma: enabled must be a boolean, got yes/,
    );
  });

  it('setKernelBackend rejects an unknown backend with a RangeError', () => {
    expect(() => setKernelBackend('gpu' as 'js')).toThrow(RangeError);
    expect(() => setKernelBackend('gpu' as 'js')).toThrow(
      /setKernelBackend: backend must be 'js' or 'wasm', got gpu/,
    );
    expect(getKernelBackend()).toBe(initial);
  });

  it('reserveF32 grows the memory to fit and returns a view of the current buffer', () => {
    const w = wasmModule()!;
    const before = w.memory.buffer.byteLength;
    const view = reserveF32(w, before + 3 * 65536 + 1);
    expect(w.memory.buffer.byteLength).toBeGreaterThanOrEqual(before + 3 * 65536 + 1);
    expect(view.buffer).toBe(w.memory.buffer);
    expect(reserveF32(w, 16)).toBe(view);
  });

  it('reserveF32 beyond the 4 GiB of a 32-bit memory names the fix', () => {
    expect(() => reserveF32(wasmModule()!, 2 ** 33)).toThrow(
      /cannot grow WebAssembly memory.*setKernelBackend\('js'\)/,
    );
  });

  it('alignUp rounds byte addresses up to 64', () => {
    expect([0, 1, 63, 64, 65].map(alignUp)).toEqual([0, 64, 64, 64, 128]);
  });
});
