/**
 * The Web Worker that trains, so the page stays responsive. It runs steps in slices of about
 * SLICE_MS, sends a snapshot after each slice and the decision boundary at most every
 * BOUNDARY_MS, and yields between slices so that messages from the page get through.
 */
import { DEFAULT_CONFIG, GRID_SIZE } from './config.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { Trainer } from './trainer.js';

const SLICE_MS = 60;
const BOUNDARY_MS = 200;

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

let trainer: Trainer | null = null;
let running = false;
let scheduled = false;
let bounds: [number, number, number, number] = [-1, 1, -1, 1];
let lastBoundary = 0;
let stepsPerSecond = 0;

function report(steps: number, ms: number): void {
  if (trainer === null) return;
  if (steps > 0) stepsPerSecond = (1000 * steps) / Math.max(ms, 1);
  post({ type: 'snapshot', snapshot: trainer.snapshot(), running, stepsPerSecond });
  const now = performance.now();
  if (!running || now - lastBoundary >= BOUNDARY_MS) {
    lastBoundary = now;
    const probs = trainer.grid(GRID_SIZE, bounds);
    const classes = probs.length / (GRID_SIZE * GRID_SIZE);
    post({ type: 'boundary', probs, size: GRID_SIZE, classes, swa: trainer.showsSwa() }, [probs.buffer]);
  }
}

function sendData(): void {
  if (trainer === null) return;
  const data = trainer.data();
  bounds = data.bounds;
  post({ type: 'data', data });
  report(0, 0);
}

/** One slice of training, then a report; reschedules itself while running. */
function slice(): void {
  scheduled = false;
  if (!running || trainer === null) return;
  const t0 = performance.now();
  let steps = 0;
  try {
    do {
      trainer.trainStep();
      steps++;
    } while (performance.now() - t0 < SLICE_MS);
  } catch (e) {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
  report(steps, performance.now() - t0);
  schedule();
}

function schedule(): void {
  if (running && !scheduled) {
    scheduled = true;
    setTimeout(slice, 0);
  }
}

function guarded(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  guarded(() => {
    switch (message.type) {
      case 'config': {
        if (trainer === null) {
          trainer = new Trainer(message.config);
          sendData();
        } else if (trainer.update(message.config) === 'reset') sendData();
        else report(0, 0);
        break;
      }
      case 'reset':
        trainer ??= new Trainer(DEFAULT_CONFIG);
        trainer.reset();
        sendData();
        break;
      case 'start':
        running = true;
        schedule();
        break;
      case 'pause':
        running = false;
        report(0, 0);
        break;
      case 'step': {
        if (trainer === null) break;
        running = false;
        const t0 = performance.now();
        const before = trainer.step;
        trainer.trainEpoch();
        report(trainer.step - before, performance.now() - t0);
        break;
      }
    }
  });
};
