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

/**
 * benchmark.js's samples (seconds per call, one per cycle) of `fn`; throws what `fn` throws. With a
 * gate, every timed cycle starts only when the gate lets it (before the first and after each
 * cycle, outside the timed loop; waits count toward `maxTime`, so gating means fewer samples
 * rather than a longer window, but never fewer than `minSamples`).
 */
export function sample(name: string, fn: () => void, options: TimingOptions, gate?: QuietGate): number[] {
  const bench = new Benchmark(name, fn, {
    minSamples: options.minSamples,
    maxTime: options.maxTime,
    initCount: 1,
    // Each sample lasts at least this long (benchmark.js raises the calls per cycle to reach it).
    minTime: 0.05,
    delay: 0,
  });
  if (gate !== undefined) {
    bench.on('cycle', () => gate.wait());
    gate.wait();
  }
  bench.run({ async: false });
  const error = (bench as unknown as { error?: unknown }).error;
  if (error !== undefined) throw error;
  return [...bench.stats.sample];
}

// ---- waiting for a quiet host ------------------------------------------------------------

export interface QuietGateOptions {
  /** A cycle may start once every probe value is at least this share of its recent best. */
  threshold: number;
  /** Consecutive quiet readings needed. */
  readings: number;
  /** Longest wait before a cycle starts anyway (counted as a time-out). */
  maxWaitMs: number;
  /** "Best" is the third-highest of this many latest readings (a few minutes of the run). */
  window: number;
}

/** What the gate did before the cycles of one row or table. */
export interface GateTally {
  /** Cycles gated. */
  waits: number;
  waitedMs: number;
  timeouts: number;
}

/**
 * Starts each timed cycle in a quiet moment of the host. This shared host's slow spells come and
 * go within a second or a few and take throughput-bound work (every system's gemm) to about half
 * speed, so without this, one system's samples can fall in spells and the next one's not. Before
 * each cycle the gate takes probe readings (fixed small workloads, about 20 ms each) until
 * `readings` consecutive ones reach `threshold` of the recent best (the third-highest of the
 * latest `window` readings, so that neither an outlier nor a host that turned slower for good
 * sets a bar never reached again), or `maxWaitMs` passes. Every system's cycles go through the
 * same gate, and the gate never looks at what a cycle measured: no sample is dropped.
 */
export class QuietGate {
  /** The latest readings of each probe value, a ring of `window` entries. */
  private readonly recent: number[][] = [];
  private readings = 0;
  private tally: GateTally = { waits: 0, waitedMs: 0, timeouts: 0 };

  constructor(
    /** Fixed workloads' throughputs (higher is faster), always the same number of them. */
    private readonly probe: () => readonly number[],
    private readonly options: QuietGateOptions,
  ) {}

  /** Reads the probe for `ms` to learn the host's quiet speed before the first cycle. */
  calibrate(ms: number): void {
    const t = performance.now();
    while (performance.now() - t < ms) this.read();
  }

  /** Waits for a quiet moment (see the class comment). */
  wait(): void {
    const t = performance.now();
    let quietInARow = 0;
    while (quietInARow < this.options.readings) {
      if (performance.now() - t > this.options.maxWaitMs) {
        this.tally.timeouts++;
        break;
      }
      quietInARow = this.read() ? quietInARow + 1 : 0;
    }
    this.tally.waits++;
    this.tally.waitedMs += performance.now() - t;
  }

  /** The tally since the last call, which starts a new one. */
  takeTally(): GateTally {
    const t = this.tally;
    this.tally = { waits: 0, waitedMs: 0, timeouts: 0 };
    return t;
  }

  /** One reading: records it and says whether it is quiet. */
  private read(): boolean {
    const slot = this.readings++ % this.options.window;
    let quiet = true;
    this.probe().forEach((v, i) => {
      const recent = this.recent[i] ?? [];
      this.recent[i] = recent;
      recent[slot] = v;
      if (v < this.options.threshold * thirdHighest(recent)) quiet = false;
    });
    return quiet;
  }
}

/** The third-highest value (the lowest when there are fewer than three). */
function thirdHighest(values: readonly number[]): number {
  let first = Number.NEGATIVE_INFINITY;
  let second = Number.NEGATIVE_INFINITY;
  let third = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v > first) [first, second, third] = [v, first, second];
    else if (v > second) [second, third] = [v, second];
    else if (v > third) third = v;
  }
  return values.length >= 3 ? third : Math.min(...values);
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
