/**
 * A small, dependency-free SVG line plot: enough to look at loss curves, learning-rate
 * schedules and optimizer trajectories. `figure` lays several panels out in a grid and returns
 * one SVG document; `saveFigure` writes it to disk.
 *
 *   saveFigure('out/fitting.svg', [{ title: 'loss', series: [{ name: 'train', y: losses }] }]);
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Series {
  name: string;
  /** y values; x defaults to 0, 1, 2, … */
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  /** Draw dots at the points instead of a line. */
  dots?: boolean;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  series: Series[];
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic axes (non-positive values are dropped). */
  logX?: boolean;
  logY?: boolean;
  /** Fixed ranges instead of the data's. */
  xRange?: [number, number];
  yRange?: [number, number];
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const W = 420;
const H = 300;
const M = { left: 56, right: 12, top: 28, bottom: 40 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2) ? v.toExponential(0) : `${+v.toPrecision(3)}`;

/** The finite points of a series, in axis space (log10 where asked). */
function points(s: Series, logX: boolean, logY: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.y.length; i++) {
    let x = s.x ? s.x[i]! : i;
    let y = s.y[i]!;
    if (logX) x = x > 0 ? Math.log10(x) : Number.NaN;
    if (logY) y = y > 0 ? Math.log10(y) : Number.NaN;
    if (Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
  }
  return out;
}

/** Five round tick positions across [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const step0 = (hi - lo) / 4 || 1;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push(t);
  return out;
}

/** One panel as an SVG group of size W×H. */
function panelSvg(p: Panel): string {
  const logX = p.logX ?? false;
  const logY = p.logY ?? false;
  const pts = p.series.map((s) => points(s, logX, logY));
  const all = pts.flat();
  const range = (k: 0 | 1, fixed?: [number, number], log?: boolean): [number, number] => {
    if (fixed) return log ? [Math.log10(fixed[0]), Math.log10(fixed[1])] : fixed;
    let lo = Math.min(...all.map((q) => q[k]));
    let hi = Math.max(...all.map((q) => q[k]));
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    return [lo, hi];
  };
  const [x0, x1] = range(0, p.xRange, logX);
  const [y0, y1] = range(1, p.yRange, logY);
  const sx = (x: number): number => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const sy = (y: number): number => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const parts: string[] = [`<rect width="${W}" height="${H}" fill="white"/>`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  for (const t of ticks(x0, x1)) {
    const label = logX ? fmt(10 ** t) : fmt(t);
    parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(t)}" y="${H - M.bottom + 14}" text-anchor="middle">${label}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    const label = logY ? fmt(10 ** t) : fmt(t);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 4}" y="${sy(t) + 4}" text-anchor="end">${label}</text>`);
  }
  parts.push(
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/>`,
  );
  if (p.xLabel) parts.push(`<text x="${W / 2}" y="${H - 6}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  if (p.yLabel)
    parts.push(
      `<text transform="translate(12 ${H / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`,
    );
  const clip = `<clipPath id="c"><rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/></clipPath>`;
  parts.push(clip, '<g clip-path="url(#c)">');
  p.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const q = pts[i]!;
    if (s.dots) {
      for (const [x, y] of q) parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="2" fill="${color}"/>`);
    } else if (q.length > 0) {
      const d = q
        .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join('');
      const dash = s.dashed ? ' stroke-dasharray="5,3"' : '';
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"${dash}/>`);
    }
  });
  parts.push('</g>');
  const legendHeight = p.series.length * 14 + 6;
  parts.push(
    `<rect x="${W - M.right - 122}" y="${M.top + 2}" width="118" height="${legendHeight}" fill="white" fill-opacity="0.8"/>`,
  );
  p.series.forEach((s, i) => {
    const y = M.top + 12 + i * 14;
    const color = PALETTE[i % PALETTE.length]!;
    parts.push(`<rect x="${W - M.right - 118}" y="${y - 8}" width="10" height="10" fill="${color}"/>`);
    parts.push(`<text x="${W - M.right - 104}" y="${y + 1}">${esc(s.name)}</text>`);
  });
  return parts.join('\n');
}

/** Panels in a grid (`columns` wide) as one SVG document. */
export function figure(panels: Panel[], columns = Math.min(panels.length, 3)): string {
  const rows = Math.ceil(panels.length / columns);
  const groups = panels.map((p, i) => {
    const dx = (i % columns) * W;
    const dy = Math.floor(i / columns) * H;
    // Each panel gets its own clip-path id so panels do not clip one another.
    const svg = panelSvg(p)
      .replace(/id="c"/, `id="c${i}"`)
      .replace(/url\(#c\)/, `url(#c${i})`);
    return `<g transform="translate(${dx} ${dy})">\n${svg}\n</g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * W}" height="${rows * H}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(panels.map((p) => p.title).join('; '))}</title>`,
    ...groups,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes `figure(panels)` to `path` (creating its directory) and returns the path. */
export function saveFigure(path: string, panels: Panel[], columns?: number): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, figure(panels, columns));
  return path;
}
