// Scratch timing of the WebAssembly sgemm against the TypeScript one (not part of the test suite;
// the benchmark suite proper is bench/, `pnpm bench`). Run:
//   npx tsx packages/autograd/wasm/bench.ts [N ...]
// Reports GFLOPS = 2·N³ / time for each transpose combination, the best of several runs (the
// machine is shared, so the best run is the one least disturbed), by wall clock and by process
// CPU time (which excludes time the process was descheduled). Includes the copies in and out.
import { gemmBlocked } from '../src/kernels/gemm.js';
import { gemmWasm } from '../src/kernels/wasm/gemmWasm.js';

type Gemm = typeof gemmBlocked;

const sizes = process.argv.slice(2).map(Number);
const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

function best(fn: () => void, seconds: number, minRuns: number): { wall: number; cpu: number } {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  const start = performance.now();
  for (let r = 0; r < minRuns || performance.now() - start < seconds * 1000; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const t = performance.now() - t0;
    const used = process.cpuUsage(c0);
    wall = Math.min(wall, t);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

function measure(gemm: Gemm, n: number, transA: boolean, transB: boolean): string {
  const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
  const c = new Float32Array(n * n);
  const run = () => gemm(transA, transB, n, n, n, a, 0, b, 0, c, 0, false);
  run(); // warm-up (tier-up of the Wasm and JS code)
  const { wall, cpu } = best(run, n >= 1024 ? 4 : 2, 5);
  const flops = 2 * n * n * n;
  return `${(flops / wall / 1e6).toFixed(1)} (cpu ${(flops / Math.max(cpu, 1e-3) / 1e6).toFixed(1)})`;
}

for (const n of sizes.length > 0 ? sizes : [256, 512, 1024]) {
  for (const [name, gemm] of [
    ['wasm', gemmWasm],
    ['ts', gemmBlocked],
  ] as const) {
    if (name === 'ts' && n > 512) continue;
    const cells = FLAGS.map(([ta, tb]) => `${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${measure(gemm, n, ta, tb)}`);
    console.log(`N=${n} ${name.padEnd(4)} GFLOPS  ${cells.join('  ')}`);
  }
}
