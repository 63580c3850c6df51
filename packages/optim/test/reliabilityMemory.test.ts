import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Heap growth allowed between step 500 and the last step, measured after full GCs in a child
 * process. Measured: ~0.13 MB over 4,500 steps (JIT and inline caches settling). One retained
 * step graph costs ~3.5 kB here, and even one leaked 16×4 float32 tensor per step (~0.3 kB with
 * its object) adds ~1.3 MB over 4,500 steps, so 1 MiB separates "flat" from "leaking".
 */
const MAX_GROWTH_BYTES = 1024 * 1024;

const script = fileURLToPath(new URL('./reliabilityMemory.script.ts', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

function runLoop(env: Record<string, string>): { samples: Record<string, number>; kept: number } {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--conditions=source', '--import', 'tsx', script],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

describe('memory stability', () => {
  it('5,000 training steps (MLP, Adam, cosine schedule) keep the heap flat: growth from step 500 < 1 MiB', () => {
    const { samples } = runLoop({ STEPS: '5000' });
    const growth = samples['5000']! - samples['500']!;
    expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
  });

  it('the measurement notices a leak: keeping every loss (and its graph) grows the heap past the bound', () => {
    const { samples, kept } = runLoop({ STEPS: '1500', LEAK: '1' });
    expect(kept).toBe(1500);
    expect(samples['1500']! - samples['500']!).toBeGreaterThan(MAX_GROWTH_BYTES);
  });
});
