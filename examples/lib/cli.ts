/**
 * What every example shares on the command line: options from argv, "am I the script that was
 * run?", where output goes, and a plain-text table.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** Options every example accepts. */
export interface CommonOptions {
  /** A small, fast run (the tests and CI use it). */
  quick?: boolean;
  seed?: number;
  /** Where plots and weights go (default `out/`). */
  outDir?: string;
  /** Print tables and messages (default true). */
  verbose?: boolean;
}

/** True when `moduleUrl` (pass `import.meta.url`) is the file node/tsx was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl;
}

/**
 * Options from `--name value` / `--flag` arguments: numbers where the default is a number,
 * booleans for flags (`--no-x` turns off a flag that defaults to true), comma-separated lists
 * where it is an array, strings otherwise. Unknown options are an error listing the known ones.
 */
export function parseOptions<T extends object>(defaults: T, argv = process.argv.slice(2)): T {
  const spec: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [k, v] of Object.entries(defaults)) {
    spec[kebab(k)] = { type: typeof v === 'boolean' ? 'boolean' : 'string' };
    if (v === true) spec[`no-${kebab(k)}`] = { type: 'boolean' }; // --no-augment turns a default off
  }
  for (const k of ['quick', 'verbose']) spec[k] ??= { type: 'boolean' };
  spec.seed ??= { type: 'string' };
  spec['out-dir'] ??= { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: spec, strict: true }).values;
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\nknown options: ${Object.keys(spec)
        .map((k) => `--${k}`)
        .join(' ')}`,
    );
  }
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith('no-') && v === true) {
      out[k.slice(3).replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = false;
      continue;
    }
    const key = k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const current = out[key];
    if (typeof v === 'string' && Array.isArray(current)) {
      out[key] = v.split(',').map((s) => (typeof current[0] === 'number' ? Number(s) : s));
    } else if (typeof v === 'string' && (typeof current === 'number' || key === 'seed')) {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got '${v}'`);
      out[key] = n;
    } else out[key] = v;
  }
  return out as T;
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Absolute path of `file` in the output directory. */
export function outPath(options: CommonOptions, file: string): string {
  return resolve(options.outDir ?? 'out', file);
}

/** A table with right-aligned numbers, as text: header, rule, rows. */
export function formatTable(header: string[], rows: Array<Array<string | number>>, digits = 4): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmtNumber(c, digits) : c)));
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function fmtNumber(v: number, digits: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e5) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** Prints unless `verbose` is false. */
export function log(options: CommonOptions, ...lines: string[]): void {
  if (options.verbose !== false) console.log(lines.join('\n'));
}
