/**
 * Timing with benchmark.js, and the statistics and tables the report prints.
 *
 * benchmark.js runs a function in cycles until it has `minSamples` samples and `maxTime`
 * seconds have passed; each sample is the mean time of one cycle's calls. We report the
 * median sample with the min–max range.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Benchmark from 'benchmark';

export interface Stats {
  /** Seconds per call. */
  median: number;
  min: number;
  max: number;
  samples: number;
}

export interface TimingOptions {
  minSamples: number;
  /** Seconds to keep sampling (at least minSamples are taken regardless). */
  maxTime: number;
}

export function statsOf(seconds: readonly number[]): Stats {
  const s = [...seconds].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, samples: s.length };
}

/** benchmark.js's samples (seconds per call, one per cycle) of `fn`; throws what `fn` throws. */
export function sample(name: string, fn: () => void, options: TimingOptions): number[] {
  const bench = new Benchmark(name, fn, {
    minSamples: options.minSamples,
    maxTime: options.maxTime,
    initCount: 1,
    // Each sample lasts at least this long (benchmark.js raises the calls per cycle to reach it).
    minTime: 0.05,
    delay: 0,
  });
  bench.run({ async: false });
  const error = (bench as unknown as { error?: unknown }).error;
  if (error !== undefined) throw error;
  return [...bench.stats.sample];
}

// ---- the host's speed ----------------------------------------------------------------------

/** Four independent multiply-add chains, `steps` steps: a fixed scalar loop. */
function probeChunk(steps: number): number {
  let a = 1.1;
  let b = 1.2;
  let c = 1.3;
  let d = 1.4;
  for (let i = 0; i < steps; i++) {
    a = a * 0.999 + 0.001;
    b = b * 0.999 + 0.001;
    c = c * 0.999 + 0.001;
    d = d * 0.999 + 0.001;
  }
  return a + b + c + d;
}

/**
 * A fixed scalar loop (20 calls of 200,000 steps of four multiply-add chains), timed five times;
 * returns the median in ms. It depends on nothing under test, so it shows how fast the host ran
 * around a measurement (≈ 10 ms on this shared 2-core host when quiet). The loop is a function
 * called in short pieces, warmed up first: one long loop timed per call (as before) ran in
 * whichever of V8's on-stack-replacement codes it got, 10 or 17 ms on a quiet host.
 */
export function hostProbe(): number {
  let sink = 0;
  for (let w = 0; w < 50; w++) sink += probeChunk(200_000);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < 20; i++) sink += probeChunk(200_000);
    times.push(performance.now() - t);
  }
  if (sink === 0) throw new Error('hostProbe: unreachable');
  return statsOf(times).median;
}

// ---- memory -------------------------------------------------------------------------------

setFlagsFromString('--expose-gc');
const gcFn = runInNewContext('gc') as () => void;

/** A full garbage collection (so heap numbers measure what is still reachable). */
export function collectGarbage(): void {
  gcFn();
  gcFn();
}

export const MB = 2 ** 20;

// ---- formatting ---------------------------------------------------------------------------

/** A number with about three significant digits. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
