/**
 * Drawing on <canvas>: the decision boundary with the points, and small line charts (loss,
 * accuracy, gradient norms). Plain 2-D canvas calls; sizes follow the element's CSS size and
 * the device pixel ratio so lines stay sharp.
 */
import type { DataSnapshot } from './trainer.js';

/** Class colors: orange, blue, green, purple (RGB). */
export const CLASS_COLORS: ReadonlyArray<readonly [number, number, number]> = [
  [245, 147, 34],
  [8, 119, 189],
  [44, 162, 95],
  [136, 86, 167],
];

const css = ([r, g, b]: readonly [number, number, number], a = 1) => `rgba(${r}, ${g}, ${b}, ${a})`;

/** Makes the canvas's backing store match its CSS box; returns a context in CSS pixels. */
function fit(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

export interface Boundary {
  probs: Float32Array;
  size: number;
  classes: number;
}

const scratch = document.createElement('canvas');

/**
 * The plane colored by the predicted class: each cell mixes the class colors by their
 * probabilities and fades toward white where the model is unsure, so the boundary shows as a
 * pale band. Training points are filled discs, validation points rings.
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  data: DataSnapshot | null,
  boundary: Boundary | null,
  showVal: boolean,
): void {
  const { ctx, w, h } = fit(canvas);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  if (boundary !== null) {
    const { probs, size, classes } = boundary;
    scratch.width = size;
    scratch.height = size;
    const sctx = scratch.getContext('2d')!;
    const image = sctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let top = 0;
      for (let c = 0; c < classes; c++) {
        const p = probs[i * classes + c]!;
        const color = CLASS_COLORS[c % CLASS_COLORS.length]!;
        r += p * color[0];
        g += p * color[1];
        b += p * color[2];
        if (p > top) top = p;
      }
      // confidence 0 at chance level (1/classes), 1 when certain
      const confidence = Number.isFinite(top) ? (top - 1 / classes) / (1 - 1 / classes) : 0;
      const k = 0.25 + 0.45 * confidence; // how much class color vs white
      const ok = Number.isFinite(r + g + b); // a diverged model: pale grey, not black
      image.data[i * 4] = ok ? 255 + k * (r - 255) : 225;
      image.data[i * 4 + 1] = ok ? 255 + k * (g - 255) : 225;
      image.data[i * 4 + 2] = ok ? 255 + k * (b - 255) : 225;
      image.data[i * 4 + 3] = 255;
    }
    sctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(scratch, 0, 0, w, h);
  }
  if (data === null) return;
  const [x0, x1, y0, y1] = data.bounds;
  const px = (x: number) => ((x - x0) / (x1 - x0)) * w;
  const py = (y: number) => ((y1 - y) / (y1 - y0)) * h;
  const drawSet = (set: DataSnapshot['train'], filled: boolean) => {
    for (let i = 0; i < set.y.length; i++) {
      const color = CLASS_COLORS[set.y[i]! % CLASS_COLORS.length]!;
      ctx.beginPath();
      ctx.arc(px(set.x[2 * i]!), py(set.x[2 * i + 1]!), filled ? 3.6 : 3, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = css(color);
        ctx.fill();
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 1;
      } else {
        ctx.strokeStyle = css(color);
        ctx.lineWidth = 1.5;
      }
      ctx.stroke();
    }
  };
  if (showVal) drawSet(data.val, false);
  drawSet(data.train, true);
}

export interface Series {
  label: string;
  color: string;
  dash?: number[];
  xs: readonly number[];
  ys: readonly number[];
}

export interface ChartOptions {
  title: string;
  /** Logarithmic y axis (values ≤ 0 or non-finite are skipped). */
  logY?: boolean;
  /** Fixed y range; by default the range of the data (from 0 for a linear axis). */
  yMin?: number;
  yMax?: number;
  xLabel?: string;
}

const niceNumber = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0)
    ? v.toExponential(0)
    : String(Number(v.toPrecision(2)));

/** A line chart with axes, a few ticks and a legend. */
export function drawChart(canvas: HTMLCanvasElement, series: readonly Series[], options: ChartOptions): void {
  const { ctx, w, h } = fit(canvas);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const left = 46;
  const right = 10;
  const top = 22;
  const bottom = 22;
  const pw = w - left - right;
  const ph = h - top - bottom;
  const logY = options.logY ?? false;
  const ty = (y: number) => (logY ? Math.log10(y) : y);
  const ok = (y: number) => Number.isFinite(y) && (!logY || y > 0);

  let xMax = 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      xMax = Math.max(xMax, s.xs[i]!);
      if (ok(s.ys[i]!)) {
        lo = Math.min(lo, ty(s.ys[i]!));
        hi = Math.max(hi, ty(s.ys[i]!));
      }
    }
  }
  if (options.yMin !== undefined) lo = ty(options.yMin);
  else if (!logY) lo = Math.min(0, lo);
  if (options.yMax !== undefined) hi = ty(options.yMax);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (logY) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  if (hi - lo < 1e-9) hi = lo + 1;
  const X = (x: number) => left + (x / xMax) * pw;
  const Y = (y: number) => top + ph - ((ty(y) - lo) / (hi - lo)) * ph;

  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#222';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(options.title, left, 14);
  // grid lines and y ticks
  ctx.strokeStyle = '#e4e4e4';
  ctx.lineWidth = 1;
  ctx.fillStyle = '#666';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const ticks = logY ? Math.min(hi - lo, 6) : 4;
  for (let i = 0; i <= ticks; i++) {
    const t = lo + ((hi - lo) * i) / ticks;
    const y = top + ph - (ph * i) / ticks;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + pw, y);
    ctx.stroke();
    ctx.fillText(logY ? `1e${Math.round(t)}` : niceNumber(t), left - 4, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0', left, top + ph + 4);
  ctx.textAlign = 'right';
  ctx.fillText(`${niceNumber(xMax)} ${options.xLabel ?? ''}`.trim(), left + pw, top + ph + 4);
  ctx.strokeStyle = '#999';
  ctx.strokeRect(left, top, pw, ph);

  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, pw, ph);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.6;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      if (!ok(y)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(X(s.xs[i]!), Y(y));
      else ctx.moveTo(X(s.xs[i]!), Y(y));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);

  // legend, right-aligned on the title line
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  let x = w - right;
  for (let i = series.length - 1; i >= 0; i--) {
    const s = series[i]!;
    x -= ctx.measureText(s.label).width + 24;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    ctx.moveTo(x, 10);
    ctx.lineTo(x + 16, 10);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#333';
    ctx.fillText(s.label, x + 19, 14);
  }
}

/** Color of layer i of n, from blue (input side) to red (output side). */
export function layerColor(i: number, n: number): string {
  const t = n <= 1 ? 1 : i / (n - 1);
  return `hsl(${Math.round(220 - 220 * t)}, 70%, 45%)`;
}
