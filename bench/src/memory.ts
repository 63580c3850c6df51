/**
 * W5, run in a child process per system so that each gets a clean peak RSS:
 *   node … src/memory.ts <system> <maxSteps> <maxSeconds>
 * Runs MLP-small training steps (up to maxSteps, or until maxSeconds have passed) and prints
 * one JSON line: steps done, ms/step, the process's peak RSS, RSS growth from after the first
 * step to the peak, and heap (+ external) growth after a full GC over the run.
 */
import { readFileSync } from 'node:fs';
import { collectGarbage, MB } from './harness.js';
import { systemNamed } from './systems/index.js';
import { MLP_SMALL, mlpData } from './workloads.js';

export interface MemoryResult {
  system: string;
  steps: number;
  msPerStep: number;
  peakRssMB: number;
  rssGrowthMB: number;
  heapGrowthMB: number;
  externalGrowthMB: number;
  note: string;
}

const [name = 'tsgrad', maxStepsArg = '1000', maxSecondsArg = '60'] = process.argv.slice(2);
const system = systemNamed(name);
await system.activate();
const runner = system.mlp(mlpData(MLP_SMALL));
runner.run();
collectGarbage();
const before = process.memoryUsage();
const maxSteps = Number(maxStepsArg);
const deadline = performance.now() + 1000 * Number(maxSecondsArg);
const start = performance.now();
let steps = 1;
while (steps < maxSteps && performance.now() < deadline) {
  runner.run();
  steps++;
}
const msPerStep = (performance.now() - start) / (steps - 1);
collectGarbage();
const after = process.memoryUsage();
const peakRss = peakRssBytes();
const result: MemoryResult = {
  system: name,
  steps,
  msPerStep,
  peakRssMB: peakRss / MB,
  rssGrowthMB: (peakRss - before.rss) / MB,
  heapGrowthMB: (after.heapUsed - before.heapUsed) / MB,
  externalGrowthMB: (after.external - before.external) / MB,
  note: system.memoryNote?.() ?? '',
};
runner.dispose();
console.log(JSON.stringify(result));

/**
 * This process's peak RSS. On Linux it is VmHWM of /proc/self/status: getrusage's maxRSS (Node's
 * resourceUsage) carries over the parent's peak across fork and exec, so every child reported the
 * bench process's own peak.
 */
function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024;
}
