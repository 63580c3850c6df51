/**
 * Checkpoints: model, optimizer, LR scheduler and RNG state in one safetensors file, so that a
 * run stopped at step k and resumed continues bit for bit as if it had never stopped.
 *
 *   const bytes = saveCheckpoint({ model, optimizer, scheduler, generator: defaultGenerator,
 *                                  extra: { epoch, batch } });
 *   …
 *   const { extra } = loadCheckpoint(bytes, { model, optimizer, scheduler, generator: defaultGenerator });
 *
 * Layout (plain safetensors; PyTorch can read the tensors):
 *   model.<key>                    each tensor of model.stateDict() (parameters and buffers)
 *   optimizer.<param>.<name>       each buffer of the optimizer state (Adam's expAvg, …),
 *                                  <param> numbering the parameters across groups, as stateDict does
 *   __metadata__["tsgrad.checkpoint"]  JSON: format version, optimizer param groups and scalar
 *                                  state (step counts), scheduler state, RNG state, `extra`
 * Numbers round-trip exactly: tensors keep their dtype, JSON writes doubles in shortest
 * round-trip form, and ±Infinity/NaN (which JSON lacks) are written as {"$number": "Infinity"}.
 *
 * A DataLoader resumes from its seed, the epoch and the batch index inside it: save them in
 * `extra`, then run `loader.iterEpoch(epoch)` and skip `batch` batches (see the checkpoint test).
 */
import {
  ArgumentError,
  describeValue,
  type Generator,
  type GeneratorState,
  Tensor,
  type TypedArray,
} from '@tsgrad/autograd';
import { loadSafetensors, type Module, readSafetensorsMetadata, saveSafetensors } from '@tsgrad/nn';
import type { OptimizerStateDict, ParamState } from './optimizer.js';
import type { AnyOptimizer } from './schedulers/lrScheduler.js';

/** A JSON value; `extra` holds whatever else the training loop needs to resume. */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Anything with PyTorch-style state dicts of plain data: every LR scheduler, EarlyStopping, … */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

export interface CheckpointParts {
  model?: Module;
  optimizer?: AnyOptimizer;
  scheduler?: Stateful;
  /** Usually `defaultGenerator` (dropout, init and shuffles without a seed draw from it). */
  generator?: Generator;
  extra?: JsonValue;
}

const METADATA_KEY = 'tsgrad.checkpoint';
const FORMAT_VERSION = 1;

interface CheckpointHeader {
  format: number;
  optimizer: { paramGroups: unknown; state: Record<string, Record<string, number | null | string>> } | null;
  scheduler: unknown;
  generator: GeneratorState | null;
  extra: JsonValue | null;
  hasModel: boolean;
}

/** Serializes the given parts to safetensors bytes. */
export function saveCheckpoint(parts: CheckpointParts): Uint8Array {
  const tensors = new Map<string, Tensor>();
  if (parts.model) for (const [k, t] of parts.model.stateDict()) tensors.set(`model.${k}`, t);
  let optimizer: CheckpointHeader['optimizer'] = null;
  if (parts.optimizer) {
    const sd = parts.optimizer.stateDict();
    const state: Record<string, Record<string, number | null | string>> = {};
    for (const [index, s] of Object.entries(sd.state)) {
      const scalars: Record<string, number | null | string> = {};
      for (const [name, v] of Object.entries(s)) {
        if (v === null || typeof v === 'number') scalars[name] = v;
        else {
          tensors.set(`optimizer.${index}.${name}`, new Tensor(v, [v.length]));
          scalars[name] = '$tensor'; // a buffer, stored as a tensor of the same dtype
        }
      }
      state[index] = scalars;
    }
    optimizer = { paramGroups: sd.paramGroups, state };
  }
  const header: CheckpointHeader = {
    format: FORMAT_VERSION,
    optimizer,
    scheduler: parts.scheduler ? parts.scheduler.stateDict() : null,
    generator: parts.generator ? parts.generator.getState() : null,
    extra: parts.extra ?? null,
    hasModel: parts.model !== undefined,
  };
  return saveSafetensors(tensors, { [METADATA_KEY]: encodeJson('saveCheckpoint', header) });
}

/**
 * Restores each given part from checkpoint bytes and returns `extra`. Every part asked for must
 * be in the file. A malformed or mismatching file throws an error naming what is wrong; the
 * file is parsed whole first, and each part checks its own state before changing anything, but
 * parts restored before a failing one (in the order model, optimizer, scheduler, generator) stay restored.
 */
export function loadCheckpoint(bytes: Uint8Array, parts: CheckpointParts): { extra: JsonValue | null } {
  const raw = readSafetensorsMetadata(bytes)[METADATA_KEY];
  if (raw === undefined) fail(`no '${METADATA_KEY}' metadata: not a tsgrad checkpoint`);
  const header = decodeJson(raw) as Partial<CheckpointHeader>;
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('metadata is not a JSON object');
  if (header.format !== FORMAT_VERSION)
    fail(`unsupported checkpoint format ${describeValue(header.format)} (expected ${FORMAT_VERSION})`);
  const tensors = loadSafetensors(bytes);

  if (parts.model) {
    if (header.hasModel !== true) fail('the checkpoint has no model');
    const sd = new Map<string, Tensor>();
    for (const [k, t] of tensors) if (k.startsWith('model.')) sd.set(k.slice(6), t);
    parts.model.loadStateDict(sd);
  }
  if (parts.optimizer) {
    const saved = header.optimizer;
    if (saved === null || saved === undefined || typeof saved !== 'object')
      fail('the checkpoint has no optimizer');
    if (typeof saved.state !== 'object' || saved.state === null) fail('optimizer state is not an object');
    const state: Record<number, ParamState> = {};
    for (const [index, scalars] of Object.entries(saved.state)) {
      if (typeof scalars !== 'object' || scalars === null) fail(`optimizer state ${index} is not an object`);
      const s: ParamState = {};
      for (const [name, v] of Object.entries(scalars)) {
        if (v === '$tensor') {
          const t = tensors.get(`optimizer.${index}.${name}`);
          if (t === undefined) fail(`optimizer buffer '${name}' of parameter ${index} is missing`);
          s[name] = t.data as TypedArray;
        } else if (v === null || typeof v === 'number') s[name] = v;
        else fail(`optimizer state ${index}.${name} has an invalid value ${JSON.stringify(v)}`);
      }
      state[Number(index)] = s;
    }
    parts.optimizer.loadStateDict({ state, paramGroups: saved.paramGroups } as OptimizerStateDict);
  }
  if (parts.scheduler) {
    if (header.scheduler === null || header.scheduler === undefined) fail('the checkpoint has no scheduler');
    parts.scheduler.loadStateDict(header.scheduler as never);
  }
  if (parts.generator) {
    if (header.generator === null || header.generator === undefined)
      fail('the checkpoint has no generator state');
    parts.generator.setState(header.generator);
  }
  return { extra: header.extra ?? null };
}

function fail(message: string): never {
  throw new ArgumentError('loadCheckpoint', message);
}

/** JSON.stringify, with non-finite numbers kept as {"$number": "…"} instead of becoming null. */
function encodeJson(op: string, value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
    if (typeof v === 'function')
      throw new ArgumentError(op, 'state dicts must hold plain data, got a function');
    if (ArrayBuffer.isView(v))
      throw new ArgumentError(op, 'state dicts outside the optimizer must not hold typed arrays');
    return v;
  });
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text, (_key, v: unknown) => {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const keys = Object.keys(v);
        const n = (v as { $number?: unknown }).$number;
        if (keys.length === 1 && (n === 'Infinity' || n === '-Infinity' || n === 'NaN')) return Number(n);
      }
      return v;
    });
  } catch (e) {
    return fail(`metadata is not valid JSON (${(e as Error).message})`);
  }
}
