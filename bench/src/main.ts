/**
 * tsgrad's benchmark suite: the same workloads, shapes, data and initial weights on tsgrad,
 * TensorFlow.js (CPU and WASM backends) and jax-js (Wasm + jit), in one run; tsgrad four ways
 * (WebAssembly kernels on one thread, with and without relaxed SIMD's fused multiply-add;
 * TypeScript kernels; WebAssembly with the gemm on two threads).
 *
 * `pnpm bench` starts Node with --experimental-wasm-relaxed-simd (Node 20 has relaxed SIMD only
 * behind it; Node ≥ 22 and current browsers have it on). Every system runs in that same process.
 *
 *   pnpm bench            full run (about 30 minutes on this 2-core host, half of it the gate's waits)
 *   pnpm bench --quick    fewer samples and W5 steps
 *   pnpm bench --only=W1,W4 --systems=tsgrad,jax-js
 *   pnpm bench --no-gate  time without waiting for quiet moments of the host (QuietGate)
 *
 * Prints the tables and writes them to bench/results.md. Timings are medians of benchmark.js
 * samples with the min–max range; every timed call reads its result back into JS.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { setWasmFma, wasmFmaActive } from '@tsgrad/autograd';
import { setKernelThreads } from '@tsgrad/autograd/node';
import { gemmBlocked } from '../../packages/autograd/src/kernels/gemm.js';
import { gemmWasm } from '../../packages/autograd/src/kernels/wasm/gemmWasm.js';
import {
  fmt,
  type GateTally,
  QuietGate,
  type Stats,
  sample,
  statsOf,
  type TimingOptions,
  table,
} from './harness.js';
import type { MemoryResult } from './memory.js';
import { gemmProbe } from './quietProbe.js';
import { SYSTEMS } from './systems/index.js';
import type { Runner, System } from './systems/system.js';
import { CNN, chainData, cnnData, MLP_LARGE, MLP_SMALL, mlpData, sgemmData } from './workloads.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')[1]
    ?.split(',');
const onlyWorkloads = option('only');
const systemNames = option('systems');
const systems = SYSTEMS.filter((s) => systemNames === undefined || systemNames.includes(s.name));
const wants = (w: string) => onlyWorkloads === undefined || onlyWorkloads.includes(w);

const timing: TimingOptions = quick ? { minSamples: 3, maxTime: 0.5 } : { minSamples: 5, maxTime: 2 };
const W5_STEPS = quick ? 100 : 1000;
/** Rounds per workload (runWorkload): each system's samples come from this many separate windows. */
const ROUNDS = 2;
/** Each round's share of `timing`. */
const perRoundTiming: TimingOptions = {
  minSamples: Math.ceil(timing.minSamples / ROUNDS),
  maxTime: timing.maxTime / ROUNDS,
};
const W5_SECONDS = quick ? 10 : 60;
const SGEMM_SIZES = [128, 256, 512, 1024];

/**
 * Every timed cycle of every system starts in a quiet moment of the host (harness.ts, QuietGate):
 * when two probe readings in a row reach 90 % of the recent best, or after 5 s (a time-out).
 */
const gate = args.includes('--no-gate')
  ? undefined
  : new QuietGate(gemmProbe(), { threshold: 0.9, readings: 2, maxWaitMs: 5000, window: 3000 });
const GATE_CALIBRATION_MS = quick ? 2000 : 10_000;

/** A row's targets: `js` on tsgrad-js (issue 8), `wasm` on tsgrad and on tsgrad-simd (issue 9). */
interface Targets {
  js?: number;
  wasm?: number;
}

/** How one cell of the main table turns seconds per call into the unit shown. */
interface Metric {
  unit: string;
  /** Converts seconds per call to the unit. */
  value: (seconds: number) => number;
  higherIsBetter: boolean;
}
const ms: Metric = { unit: 'ms/step', value: (s) => s * 1e3, higherIsBetter: false };

interface Row {
  workload: string;
  metric: Metric;
  /** tsgrad's targets in the row's unit: issue 8's for the TypeScript kernels, issue 9's for the default (WebAssembly) ones. */
  target?: Targets;
  results: Map<string, Stats | string>;
  /** What the quiet gate did for the row's cycles. */
  gate?: GateTally;
}

const rows: Row[] = [];
/** Whether `tsgrad` ran on the relaxed-SIMD build (fused multiply-add) in this run. */
let tsgradFma: boolean | undefined;
const losses: Array<{ workload: string; values: Map<string, number | string> }> = [];
const notes: string[] = [];

const started = performance.now();
/** Prints a line, prefixed with the minutes and seconds since the run started. */
function log(line: string): void {
  const s = Math.round((performance.now() - started) / 1e3);
  const stamp = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  process.stdout.write(`[${stamp.padStart(5)}] ${line}\n`);
}

/**
 * Times every system on one workload in ROUNDS rounds, the order reversed in every other round, a
 * fresh runner per round (disposed after it, so only one system's model is alive at a time); each
 * system's samples from all rounds are pooled into its median and range. A slow phase of the
 * host then falls on the samples of several systems instead of on one system's whole row.
 * Returns the first run's value per system (compared across systems as the first-step loss).
 */
async function runWorkload(
  workload: string,
  metric: Metric,
  build: (s: System) => Runner,
  target?: Targets,
): Promise<Map<string, number | string>> {
  const row: Row = { workload, metric, results: new Map(), ...(target === undefined ? {} : { target }) };
  const first = new Map<string, number | string>();
  const pooled = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? systems : [...systems].reverse();
    for (const system of order) {
      if (first.get(system.name) === 'fails') continue;
      let runner: Runner | undefined;
      try {
        await system.activate();
        if (system.name === 'tsgrad') tsgradFma = wasmFmaActive();
        runner = build(system);
        const value = runner.run();
        if (round === 0) first.set(system.name, value);
        const r = runner;
        const samples = sample(`${workload} ${system.name}`, () => r.run(), perRoundTiming, gate);
        pooled.set(system.name, [...(pooled.get(system.name) ?? []), ...samples]);
        if (round === 0 && runner.note) notes.push(`${workload}, ${system.name}: ${runner.note}`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        first.set(system.name, 'fails');
        pooled.delete(system.name);
        notes.push(`${workload}, ${system.name}: fails: ${message.split('\n')[0]}`);
        log(`  ${workload.padEnd(16)} ${system.name.padEnd(10)} fails: ${message.split('\n')[0]}`);
      } finally {
        runner?.dispose();
      }
    }
  }
  for (const system of systems) {
    const samples = pooled.get(system.name);
    if (samples === undefined) {
      row.results.set(system.name, 'fails');
      continue;
    }
    const stats = statsOf(samples);
    row.results.set(system.name, stats);
    log(`  ${workload.padEnd(16)} ${system.name.padEnd(10)} ${cell(stats, metric)} ${metric.unit}`);
  }
  if (gate !== undefined) {
    row.gate = gate.takeTally();
    log(`  quiet gate: ${gateCell(row.gate)}`);
  }
  rows.push(row);
  return first;
}

/** "median (min–max)" in the metric's unit (min and max swap when higher is better). */
function cell(stats: Stats | string | undefined, metric: Metric): string {
  if (stats === undefined) return '–';
  if (typeof stats === 'string') return stats;
  const lo = metric.value(metric.higherIsBetter ? stats.max : stats.min);
  const hi = metric.value(metric.higherIsBetter ? stats.min : stats.max);
  return `${fmt(metric.value(stats.median))} (${fmt(lo)}–${fmt(hi)})`;
}

/** "waited 12.3 s before 40 cycles, 2 time-outs". */
function gateCell(t: GateTally): string {
  return `waited ${fmt(t.waitedMs / 1e3)} s before ${t.waits} cycles, ${t.timeouts} time-outs`;
}

/** tsgrad's median time over the other system's (< 1: tsgrad is faster). */
function ratio(row: Row, other: string): string {
  const a = row.results.get('tsgrad');
  const b = row.results.get(other);
  if (typeof a !== 'object' || typeof b !== 'object') return '–';
  return `${fmt(a.median / b.median)}×`;
}

/**
 * Issue 8's targets are for the TypeScript kernels, so they are checked on tsgrad-js; issue 9's are
 * for the WebAssembly kernels on one thread, checked on tsgrad (relaxed SIMD) and tsgrad-simd.
 */
function targetCell(row: Row, which: keyof Targets, system: string): string {
  const target = row.target?.[which];
  if (target === undefined) return '';
  const s = row.results.get(system);
  const bound = `${row.metric.higherIsBetter ? '≥' : '≤'} ${target}`;
  if (s === undefined) return `${bound} (not run)`;
  if (typeof s !== 'object') return `${bound} ✗`;
  const v = row.metric.value(s.median);
  const met = row.metric.higherIsBetter ? v >= target : v <= target;
  return `${bound} ${met ? '✓' : '✗'}`;
}

function recordLosses(workload: string, values: Map<string, number | string>): void {
  losses.push({ workload, values });
  const shown = [...values]
    .map(([k, v]) => `${k} ${typeof v === 'number' ? v.toPrecision(7) : v}`)
    .join(', ');
  log(`  first-step loss: ${shown}`);
}

// ---- the workloads -------------------------------------------------------------------------

log(`tsgrad bench${quick ? ' (quick)' : ''}: ${systems.map((s) => s.name).join(', ')}`);
if (gate !== undefined) {
  log(`quiet gate: calibrating for ${GATE_CALIBRATION_MS / 1e3} s`);
  gate.calibrate(GATE_CALIBRATION_MS);
  gate.takeTally();
}

if (wants('W1')) {
  log('W1 sgemm');
  for (const n of SGEMM_SIZES) {
    const d = sgemmData(n);
    const gflops: Metric = { unit: 'GFLOPS', value: (s) => (2 * n ** 3) / s / 1e9, higherIsBetter: true };
    await runWorkload(`W1 sgemm ${n}`, gflops, (s) => s.sgemm(d), {
      ...(n >= 256 ? { js: 4 } : {}),
      ...(n >= 512 ? { wasm: 30 } : {}),
    });
  }
}

/** The transpose flags (transA, transB) of the gemm tables' columns: NN, NT, TN, TT. */
const TRANSPOSES = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;
/** One table per gemm kernel: GFLOPS by transpose flags (the targets cover every combination). */
const transposeTables: Array<{ title: string; rows: string[][] }> = [];
const GEMM_KERNELS = [
  {
    title:
      "tsgrad's TypeScript gemm kernel (gemmBlocked) by transpose flags (GFLOPS; issue 8: ≥ 4 at N ≥ 256)",
    run: gemmBlocked,
    fma: true,
    sizes: quick ? [256, 512] : [256, 512, 1024],
  },
  {
    title:
      "tsgrad's WebAssembly gemm, relaxed-SIMD build (fused multiply-add; gemmWasm, one thread, copies in and out included) by transpose flags (GFLOPS; issue 9: ≥ 30)",
    run: gemmWasm,
    fma: true,
    sizes: quick ? [512] : [256, 512, 1024],
  },
  {
    title:
      "tsgrad's WebAssembly gemm, plain SIMD build (multiply, then add; gemmWasm, one thread, copies in and out included) by transpose flags (GFLOPS; issue 9: ≥ 30)",
    run: gemmWasm,
    fma: false,
    sizes: quick ? [512] : [256, 512, 1024],
  },
];
if (wants('W1') && systems.some((s) => s.name.startsWith('tsgrad'))) {
  setKernelThreads(1);
  for (const kernel of GEMM_KERNELS) {
    setWasmFma(kernel.fma);
    if (kernel.run === gemmWasm && wasmFmaActive() !== kernel.fma) {
      notes.push(`W1: ${kernel.title}: not run (this engine has no relaxed SIMD)`);
      continue;
    }
    log(`W1 ${kernel.title}`);
    const rows: string[][] = [];
    for (const n of kernel.sizes) {
      const { a, b } = sgemmData(n);
      const c = new Float32Array(n * n);
      // Sampled like the main rows: ROUNDS rounds over the four combinations, the order reversed
      // in every other round, each combination's samples pooled.
      const pooled: number[][] = TRANSPOSES.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        const order = TRANSPOSES.map((_, i) => i);
        if (round % 2 === 1) order.reverse();
        for (const i of order) {
          const [ta, tb] = TRANSPOSES[i]!;
          const run = () => kernel.run(ta, tb, n, n, n, a, 0, b, 0, c, 0, false);
          pooled[i]!.push(...sample(`gemm ${n}`, run, perRoundTiming, gate));
        }
      }
      const g = (s: number) => (2 * n ** 3) / s / 1e9;
      const cells = [
        `${n}`,
        ...pooled.map((samples) => {
          const stats = statsOf(samples);
          return `${fmt(g(stats.median))} (${fmt(g(stats.max))}–${fmt(g(stats.min))})`;
        }),
      ];
      if (gate !== undefined) cells.push(gateCell(gate.takeTally()));
      rows.push(cells);
      log(`  gemm ${n}: ${cells.slice(1, 5).join(' | ')} GFLOPS (NN | NT | TN | TT)`);
      if (gate !== undefined) log(`  quiet gate: ${cells[5]}`);
    }
    transposeTables.push({ title: kernel.title, rows });
  }
}

if (wants('W2')) {
  for (const [spec, target] of [
    [MLP_SMALL, { js: 30, wasm: 6 }],
    [MLP_LARGE, { js: 600, wasm: 100 }],
  ] as const) {
    log(`W2 ${spec.name} ${spec.sizes.join('→')}, batch ${spec.batch}`);
    const d = mlpData(spec);
    recordLosses(`W2 ${spec.name}`, await runWorkload(`W2 ${spec.name}`, ms, (s) => s.mlp(d), target));
  }
}

if (wants('W3')) {
  log('W3 CNN [64, 1, 28, 28]');
  const d = cnnData(CNN);
  recordLosses('W3 CNN', await runWorkload('W3 CNN', ms, (s) => s.cnn(d), { js: 80, wasm: 25 }));
}

if (wants('W4')) {
  const d = chainData(1000);
  log(`W4 chain of ${d.ops} ops on ${d.x.length} elements, forward + backward`);
  const perOp: Metric = { unit: 'µs/op', value: (s) => (s * 1e6) / d.ops, higherIsBetter: false };
  recordLosses('W4 Σy (forward)', await runWorkload('W4 op overhead', perOp, (s) => s.chain(d), { js: 4 }));
}

const memory: MemoryResult[] = [];
if (wants('W5')) {
  log(`W5 memory: MLP small, up to ${W5_STEPS} steps or ${W5_SECONDS} s, one child process per system`);
  const script = fileURLToPath(new URL('./memory.ts', import.meta.url));
  for (const system of systems) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, script, system.name, String(W5_STEPS), String(W5_SECONDS)],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    const line = child.stdout.trim().split('\n').pop() ?? '';
    try {
      const r = JSON.parse(line) as MemoryResult;
      memory.push(r);
      log(
        `  ${system.name.padEnd(10)} ${r.steps} steps, peak RSS ${fmt(r.peakRssMB)} MB (+${fmt(r.rssGrowthMB)}), heap growth ${fmt(r.heapGrowthMB)} MB`,
      );
    } catch {
      notes.push(`W5, ${system.name}: fails: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
      log(`  ${system.name} fails: ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
    }
  }
}

// ---- the report ----------------------------------------------------------------------------

const others = systems.filter((s) => !s.name.startsWith('tsgrad')).map((s) => s.name);
const mainTable = table(
  [
    'workload',
    'unit',
    ...systems.map((s) => s.name),
    ...others.map((o) => `tsgrad / ${o}`),
    'tsgrad-js target (issue 8)',
    'tsgrad target (issue 9)',
    'tsgrad-simd vs issue 9',
    ...(gate === undefined ? [] : ['quiet gate']),
  ],
  rows.map((r) => [
    r.workload,
    r.metric.unit,
    ...systems.map((s) => cell(r.results.get(s.name), r.metric)),
    ...others.map((o) => ratio(r, o)),
    targetCell(r, 'js', 'tsgrad-js'),
    targetCell(r, 'wasm', 'tsgrad'),
    targetCell(r, 'wasm', 'tsgrad-simd'),
    ...(gate === undefined ? [] : [r.gate === undefined ? '' : gateCell(r.gate)]),
  ]),
);
const lossTable = table(
  ['workload', ...systems.map((s) => s.name), 'max relative Δ vs tsgrad'],
  losses.map(({ workload, values }) => {
    const t = values.get('tsgrad');
    let worst = 0;
    for (const v of values.values())
      if (typeof v === 'number' && typeof t === 'number')
        worst = Math.max(worst, Math.abs(v - t) / Math.abs(t));
    return [
      workload,
      ...systems.map((s) => {
        const v = values.get(s.name);
        return typeof v === 'number' ? v.toPrecision(7) : (v ?? '–');
      }),
      worst.toExponential(1),
    ];
  }),
);
const memoryTable = table(
  [
    'system',
    'steps',
    'ms/step',
    'peak RSS (MB)',
    'RSS growth (MB)',
    'heap growth after GC (MB)',
    'external growth (MB)',
    'backend memory',
  ],
  memory.map((m) => [
    m.system,
    String(m.steps),
    fmt(m.msPerStep),
    fmt(m.peakRssMB),
    fmt(m.rssGrowthMB),
    fmt(m.heapGrowthMB),
    fmt(m.externalGrowthMB),
    m.note,
  ]),
);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const report = [
  '# tsgrad benchmark results',
  '',
  `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpu} (${os.cpus().length} cores, shared), ${quick ? '`pnpm bench --quick`' : '`pnpm bench`'}.`,
  'Medians of benchmark.js samples, with the min–max range in parentheses, pooled from two rounds per workload',
  '(every system once per round, the order reversed in the second, a fresh model each time; in the gemm tables,',
  'every transpose combination once per round). The ratio columns are',
  "tsgrad's median time over the other system's (below 1: tsgrad is faster). Every timed call reads",
  'its result back into JS. tfjs-wasm and jax-js run single-threaded Wasm (SIMD). `tsgrad` uses its default',
  `kernels (WebAssembly, one thread; the relaxed-SIMD build with fused multiply-add where the engine has it: ${tsgradFma === undefined ? 'not run' : tsgradFma ? 'it did here' : 'it did not here'}),`,
  "on which issue 9's targets are checked; `tsgrad-simd` is the same with the plain SIMD build (as on engines",
  'without relaxed SIMD: Node 20 without --experimental-wasm-relaxed-simd, which `pnpm bench` passes to Node);',
  "`tsgrad-js` runs every kernel in TypeScript, on which issue 8's targets are checked; `tsgrad-2t` is `tsgrad`",
  'with the gemm split across two threads (`setKernelThreads(2)`, reported apart from the single-threaded targets).',
  ...(gate === undefined
    ? [
        'Run with `--no-gate`: cycles were timed whenever they came, in quiet moments of this shared host or in its',
        "slow spells (which take every system's gemm to about half speed).",
      ]
    : [
        "Quiet gate: this shared host's slow spells come and go within a second or a few and take every system's",
        'gemm to about half speed, so every timed benchmark.js cycle of every system started only once two readings',
        'in a row of a fixed probe (two small gemms, one WebAssembly SIMD and one scalar TypeScript, ≈ 20 ms each;',
        'bench/src/quietProbe.ts) reached 90 % of the recent best (the third-highest of its latest 3,000 readings), or',
        'after 5 s (a time-out). The gate never looks at what a cycle measured, and no sample is dropped; the',
        '"quiet gate" column says how long each row waited. `pnpm bench --no-gate` times without it.',
      ]),
  '',
  mainTable,
  '',
  ...transposeTables.flatMap(({ title, rows }) => [
    `## ${title}`,
    '',
    table(['N', 'NN', 'NT (Bᵀ)', 'TN (Aᵀ)', 'TT', ...(gate === undefined ? [] : ['quiet gate'])], rows),
    '',
  ]),
  ...(losses.length > 0
    ? ['## First-step losses (same data and initial weights; they must agree)', '', lossTable, '']
    : []),
  ...(memory.length > 0
    ? [
        `## W5 memory: MLP small training, up to ${W5_STEPS} steps or ${W5_SECONDS} s per system`,
        '',
        'Each system in its own process. Peak RSS is the process maximum; RSS growth is measured from',
        'after the first step; heap growth compares heapUsed after a full GC at the first and last step.',
        '',
        memoryTable,
        '',
      ]
    : []),
  ...(notes.length > 0 ? ['## Notes', '', ...notes.map((n) => `- ${n}`), ''] : []),
].join('\n');

process.stdout.write(`\n${report}\n`);
if (onlyWorkloads === undefined && systemNames === undefined) {
  writeFileSync(fileURLToPath(new URL('../results.md', import.meta.url)), report);
  log('written to bench/results.md');
}
