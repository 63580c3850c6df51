/**
 * End to end in a real browser: build the playground, serve the static build with `vite
 * preview`, open it in Debian's headless Chromium (driven by playwright-core), train a few
 * seconds on moons, and check that the loss shown fell and the accuracy shown rose. Takes the
 * screenshot the README shows (docs/playground.png; see SCREENSHOT below).
 *
 * Needs /usr/bin/chromium (apps/playground/scripts/install-chromium.sh installs it). Without
 * it the test is skipped, except under CI, where it must run.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(APP, '../..');
const VITE = join(APP, 'node_modules/vite/bin/vite.js');
/**
 * The README's screenshot is (re)written when it is missing or UPDATE_SCREENSHOT=1; otherwise
 * each run writes out/playground.png (ignored by git), so a test run leaves no tracked file changed.
 */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1' || !existsSync(join(ROOT, 'docs/playground.png'))
    ? join(ROOT, 'docs/playground.png')
    : join(ROOT, 'out/playground.png');
/** Training time before the check; moons with the default Adam fits well within it. */
const TRAIN_MS = 5000;

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`playground e2e: ${CHROMIUM} is missing; run apps/playground/scripts/install-chromium.sh`);
}
if (!haveChromium) {
  console.warn(
    `playground e2e: skipped, ${CHROMIUM} not found (install it with apps/playground/scripts/install-chromium.sh)`,
  );
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/** Starts `vite preview` and resolves once it answers HTTP on `port`. */
async function startPreview(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [VITE, 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: APP, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`vite preview did not answer on port ${port} within 30 s:\n${output}`);
}

async function readStat(page: Page, id: string): Promise<number> {
  const value = await page.getAttribute(`#${id}`, 'data-value');
  return Number(value);
}

describe.skipIf(!haveChromium)('playground in headless Chromium', () => {
  let preview: ChildProcess | null = null;
  let browser: Browser | null = null;
  let url = '';

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: APP });
    const port = await freePort();
    preview = await startPreview(port);
    url = `http://127.0.0.1:${port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    preview?.kill();
  });

  it('trains on moons: the displayed loss falls and the accuracy rises', async () => {
    const page = await browser!.newPage({ viewport: { width: 1320, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(url);
    await page.selectOption('#ctl-dataset', 'moons');
    // the untrained network's first report
    await page.waitForFunction(() => document.getElementById('train-loss')?.dataset.value !== undefined);
    expect(await readStat(page, 'epoch')).toBe(0);
    const loss0 = await readStat(page, 'train-loss');
    const acc0 = await readStat(page, 'train-acc');
    expect(Number.isFinite(loss0)).toBe(true);

    await page.click('#btn-run');
    await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset.value) > 0);
    // The page stays responsive while the worker trains: a round trip through its main thread is quick.
    const t0 = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    expect(Date.now() - t0).toBeLessThan(2000);
    await page.waitForTimeout(TRAIN_MS);
    await page.click('#btn-run'); // pause
    await page.waitForFunction(() => document.getElementById('btn-run')?.dataset.running === 'false');
    await page.waitForTimeout(300); // the last snapshot and boundary arrive and get drawn

    const loss1 = await readStat(page, 'train-loss');
    const acc1 = await readStat(page, 'train-acc');
    const valAcc1 = await readStat(page, 'val-acc');
    const epochs = await readStat(page, 'epoch');
    console.info(
      `playground e2e: ${epochs} epochs; train loss ${loss0.toFixed(3)} → ${loss1.toFixed(3)}, ` +
        `accuracy ${acc0.toFixed(3)} → ${acc1.toFixed(3)} (validation ${valAcc1.toFixed(3)})`,
    );
    expect(loss1).toBeLessThan(loss0 * 0.7);
    expect(acc1).toBeGreaterThan(acc0);
    expect(acc1).toBeGreaterThan(0.85);
    expect(valAcc1).toBeGreaterThan(0.8);

    // The decision boundary was drawn: the canvas holds both class colors, not a blank plane.
    const colors = await page.evaluate(() => {
      const canvas = document.getElementById('boundary') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let orange = 0;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i]! > data[i + 2]! + 30) orange++;
        else if (data[i + 2]! > data[i]! + 30) blue++;
      }
      return { orange, blue, total: data.length / 4 };
    });
    expect(colors.orange / colors.total).toBeGreaterThan(0.1);
    expect(colors.blue / colors.total).toBeGreaterThan(0.1);
    expect(errors).toEqual([]);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  }, 60_000);
});
