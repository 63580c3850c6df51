/**
 * The page: builds the controls, talks to the training worker, keeps the history of the
 * curves and redraws once per animation frame when something changed.
 */
import { type Config, DEFAULT_CONFIG } from './config.js';
import { buildControls, formatValue } from './controls.js';
import { type Boundary, drawBoundary, drawChart, layerColor, type Series } from './plots.js';
import type { FromWorker, ToWorker } from './protocol.js';
import type { DataSnapshot, Snapshot } from './trainer.js';

/** Above this many points per curve, every other point is dropped. */
const MAX_HISTORY = 1500;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker) => worker.postMessage(message);

let config: Config = { ...DEFAULT_CONFIG };
let running = false;
let data: DataSnapshot | null = null;
let boundary: Boundary | null = null;
let boundaryFromSwa = false;

/** The curves: x is epochs (fractional), one array per quantity. */
const history = {
  lastStep: -1,
  x: [] as number[],
  trainLoss: [] as number[],
  valLoss: [] as number[],
  swaLoss: [] as number[],
  trainAcc: [] as number[],
  valAcc: [] as number[],
  grads: [] as number[][],
};

function clearHistory(): void {
  history.lastStep = -1;
  for (const key of ['x', 'trainLoss', 'valLoss', 'swaLoss', 'trainAcc', 'valAcc'] as const)
    history[key] = [];
  history.grads = [];
}

function thin(a: number[]): number[] {
  return a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
}

function record(s: Snapshot): void {
  if (s.step <= history.lastStep) return; // a repeated report of the same weights
  history.lastStep = s.step;
  history.x.push(s.progress);
  history.trainLoss.push(s.train.loss);
  history.valLoss.push(s.val.loss);
  history.swaLoss.push(s.swa?.loss ?? Number.NaN);
  history.trainAcc.push(s.train.accuracy);
  history.valAcc.push(s.val.accuracy);
  // gradient norms are measured over steps, so the untrained snapshot has none to show
  if (s.step > 0) {
    s.gradNorms.forEach((g, i) => {
      history.grads[i] ??= new Array<number>(history.x.length - 1).fill(Number.NaN);
      history.grads[i]!.push(g);
    });
  } else for (const g of history.grads) g.push(Number.NaN);
  if (history.x.length > MAX_HISTORY) {
    for (const key of ['x', 'trainLoss', 'valLoss', 'swaLoss', 'trainAcc', 'valAcc'] as const)
      history[key] = thin(history[key]);
    history.grads = history.grads.map(thin);
  }
}

function show(id: string, value: number, text: string): void {
  const el = $(id);
  el.textContent = text;
  el.dataset.value = String(value);
}

const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
const lossText = (l: number) => (Number.isFinite(l) ? l.toFixed(4) : 'NaN');

function showSnapshot(s: Snapshot, stepsPerSecond: number): void {
  show('epoch', s.epoch, String(s.epoch));
  show('steps-per-second', stepsPerSecond, running ? String(Math.round(stepsPerSecond)) : '–');
  show('lr', s.lr, formatValue(s.lr));
  show('train-loss', s.train.loss, lossText(s.train.loss));
  show('val-loss', s.val.loss, lossText(s.val.loss));
  show('train-acc', s.train.accuracy, pct(s.train.accuracy));
  show('val-acc', s.val.accuracy, pct(s.val.accuracy));
  $('swa-stat').hidden = s.swa === null;
  if (s.swa !== null) show('swa-acc', s.swa.accuracy, pct(s.swa.accuracy));
  $('status').textContent = Number.isFinite(s.train.loss)
    ? ''
    : 'The loss is not finite: training diverged. Lower the learning rate, clip gradients, or reset.';
}

let dirty = true;
function redraw(): void {
  dirty = false;
  drawBoundary($('boundary'), data, boundary, $<HTMLInputElement>('show-val').checked);
  $('boundary-caption').textContent =
    `Decision boundary${boundaryFromSwa ? ' of the SWA-averaged model' : ''}. ` +
    'Discs: training points; rings: validation points.';
  const x = history.x;
  const loss: Series[] = [
    { label: 'train', color: '#0877bd', xs: x, ys: history.trainLoss },
    { label: 'validation', color: '#e8710a', dash: [5, 3], xs: x, ys: history.valLoss },
  ];
  if (history.swaLoss.some(Number.isFinite))
    loss.push({ label: 'SWA val', color: '#2ca25f', dash: [2, 2], xs: x, ys: history.swaLoss });
  drawChart($('loss-chart'), loss, { title: 'Loss (cross-entropy)', xLabel: 'epochs' });
  drawChart(
    $('acc-chart'),
    [
      { label: 'train', color: '#0877bd', xs: x, ys: history.trainAcc },
      { label: 'validation', color: '#e8710a', dash: [5, 3], xs: x, ys: history.valAcc },
    ],
    { title: 'Accuracy', yMin: 0, yMax: 1, xLabel: 'epochs' },
  );
  const n = history.grads.length;
  drawChart(
    $('grad-chart'),
    history.grads.map((ys, i) => ({
      label: i === n - 1 ? 'out' : `L${i + 1}`,
      color: layerColor(i, n),
      xs: x,
      ys,
    })),
    { title: '‖∂L/∂W‖ per layer (log)', logY: true, xLabel: 'epochs' },
  );
}
function invalidate(): void {
  if (!dirty) {
    dirty = true;
    requestAnimationFrame(redraw);
  }
}

function setRunning(r: boolean): void {
  running = r;
  const button = $('btn-run');
  button.textContent = r ? 'Pause' : 'Start';
  button.dataset.running = String(r);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'data':
      data = m.data;
      boundary = null;
      clearHistory();
      break;
    case 'snapshot':
      setRunning(m.running);
      record(m.snapshot);
      showSnapshot(m.snapshot, m.stepsPerSecond);
      break;
    case 'boundary':
      boundary = { probs: m.probs, size: m.size, classes: m.classes };
      boundaryFromSwa = m.swa;
      break;
    case 'error':
      setRunning(false);
      $('status').textContent = `Error: ${m.message}`;
      break;
  }
  invalidate();
};
worker.onerror = (event) => {
  setRunning(false);
  $('status').textContent = `Worker error: ${event.message}`;
};

buildControls($('controls'), config, (next) => {
  config = next;
  send({ type: 'config', config });
});
$('btn-run').addEventListener('click', () => {
  setRunning(!running);
  send({ type: running ? 'start' : 'pause' });
});
$('btn-step').addEventListener('click', () => {
  setRunning(false);
  send({ type: 'step' });
});
$('btn-reset').addEventListener('click', () => send({ type: 'reset' }));
$('show-val').addEventListener('change', invalidate);
window.addEventListener('resize', invalidate);

send({ type: 'config', config });
redraw();
