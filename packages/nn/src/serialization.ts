/**
 * Safetensors: a simple, safe file format for named tensors (github.com/huggingface/safetensors).
 *
 *   bytes 0..8      N, the header length, unsigned 64-bit little-endian
 *   bytes 8..8+N    a UTF-8 JSON object (may end in spaces, used as padding):
 *                     { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] },
 *                       "__metadata__": { "<key>": "<string value>" } }       (metadata optional)
 *   bytes 8+N..     the data buffer; each tensor's row-major little-endian bytes sit at
 *                   [begin, end) relative to the buffer's start. Tensors may not overlap, and
 *                   together they must cover the whole buffer (no holes).
 *
 * We write F32 (float32 tensors) and F64 (float64). We read F32, F64, and the integer types
 * I64/I32 (PyTorch stores `num_batches_tracked` as I64) into float64 tensors; any other dtype is
 * a clear error. Reading never trusts the file: every length and offset is checked against the
 * bytes actually present before anything is allocated, so a malformed file ends in an error,
 * not a crash or a huge allocation.
 *
 * PyTorch's state-dict keys are snake_case (`bn1.running_mean`); ours are camelCase
 * (`bn1.runningMean`). The mapping between them lives here and nowhere else.
 */
import { ArgumentError, Tensor } from '@tsgrad/autograd';
import { Module, type StateDict } from './module.js';

/** Largest header we agree to parse (the safetensors reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

type FileDType = 'F32' | 'F64' | 'I64' | 'I32';
const ITEM_SIZE: Record<FileDType, number> = { F32: 4, F64: 8, I64: 8, I32: 4 };

function fail(message: string): never {
  throw new ArgumentError('loadSafetensors', message);
}

/** Tensors to save: a state dict, a plain record of tensors, or a module (its `stateDict()`). */
export type NamedTensors = StateDict | Readonly<Record<string, Tensor>> | Module;

function toEntries(tensors: NamedTensors): Array<[string, Tensor]> {
  if (tensors instanceof Module) return [...tensors.stateDict()];
  if (tensors instanceof Map) return [...tensors];
  return Object.entries(tensors);
}

/**
 * Serializes named tensors (and optional string metadata) to safetensors bytes.
 * The header is padded with spaces to a multiple of 8 bytes so the data starts aligned.
 */
export function saveSafetensors(
  tensors: NamedTensors,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries = toEntries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new ArgumentError(
          'saveSafetensors',
          `metadata values must be strings, got ${typeof v} for '${k}'`,
        );
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__')
      throw new ArgumentError('saveSafetensors', `'__metadata__' is reserved and cannot name a tensor`);
    const bytes = t.data.byteLength;
    header[name] = {
      dtype: t.dtype === 'float64' ? 'F64' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    const is64 = t.dtype === 'float64';
    for (let i = 0; i < t.size; i++) {
      if (is64) view.setFloat64(at + 8 * i, t.data[i]!, true);
      else view.setFloat32(at + 4 * i, t.data[i]!, true);
    }
    at += t.data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: FileDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and validates the header; returns the entries, the metadata and where data starts. */
function readHeader(bytes: Uint8Array): {
  entries: Entry[];
  metadata: Record<string, string>;
  dataStart: number;
} {
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  if (8 + headerLength > bytes.length)
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null || Array.isArray(info))
        fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== 'string') fail(`__metadata__ value for '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(readEntry(name, info, dataLength));
  }
  // No two tensors may share bytes, and together they must cover the buffer (no holes).
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of sorted) {
    if (e.begin < covered) fail(`tensor '${e.name}' [${e.begin}, ${e.end}) overlaps another tensor`);
    if (e.begin > covered)
      fail(`data bytes [${covered}, ${e.begin}) belong to no tensor (holes are not allowed)`);
    covered = e.end;
  }
  if (covered !== dataLength) fail(`data buffer has ${dataLength} bytes but the tensors cover ${covered}`);
  return { entries, metadata, dataStart };
}

function readEntry(name: string, info: unknown, dataLength: number): Entry {
  if (typeof info !== 'object' || info === null || Array.isArray(info))
    fail(`entry '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== 'string') fail(`entry '${name}' has no dtype string`);
  if (!(dtype in ITEM_SIZE))
    fail(
      `unsupported dtype '${dtype}' for tensor '${name}' (supported: ${Object.keys(ITEM_SIZE).join(', ')})`,
    );
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    fail(`tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  )
    fail(`tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  const [begin, end] = offsets as [number, number];
  if (end > dataLength)
    fail(`tensor '${name}' data_offsets [${begin}, ${end}) run past the data buffer (${dataLength} bytes)`);
  const itemSize = ITEM_SIZE[dtype as FileDType];
  // Compare bytes, not element counts, and stop early: a shape's product can exceed 2^53.
  let elements = (shape as number[]).includes(0) ? 0 : 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (elements * itemSize > end - begin) break;
  }
  if (elements * itemSize !== end - begin)
    fail(`tensor '${name}' has shape [${shape.join(', ')}] (${dtype}) but ${end - begin} data bytes`);
  return { name, dtype: dtype as FileDType, shape: shape as number[], begin, end };
}

/**
 * Reads safetensors bytes into named tensors (float32 for F32, float64 for the rest), in the
 * order of their data. Any malformed input throws an `ArgumentError` naming the problem.
 */
export function loadSafetensors(bytes: Uint8Array): Map<string, Tensor> {
  const { entries, dataStart } = readHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Tensor>();
  for (const e of [...entries].sort((a, b) => a.begin - b.begin)) {
    const at = dataStart + e.begin;
    const n = (e.end - e.begin) / ITEM_SIZE[e.dtype];
    // DataView reads handle any alignment and are little-endian on every platform.
    const data = e.dtype === 'F32' ? new Float32Array(n) : new Float64Array(n);
    if (e.dtype === 'F32') for (let i = 0; i < n; i++) data[i] = view.getFloat32(at + 4 * i, true);
    else if (e.dtype === 'F64') for (let i = 0; i < n; i++) data[i] = view.getFloat64(at + 8 * i, true);
    else if (e.dtype === 'I32') for (let i = 0; i < n; i++) data[i] = view.getInt32(at + 4 * i, true);
    else {
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(at + 8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
          fail(`tensor '${e.name}' holds an I64 value ${v} beyond ±2^53, which a float64 cannot represent`);
        data[i] = Number(v);
      }
    }
    out.set(e.name, new Tensor(data, e.shape));
  }
  return out;
}

/** The `__metadata__` strings of a safetensors file (empty if it has none). */
export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  return readHeader(bytes).metadata;
}

// ---- PyTorch key names ----------------------------------------------------------------------

/** `bn1.running_mean` → `bn1.runningMean`, `num_batches_tracked` → `numBatchesTracked`. */
export function fromPyTorchKey(key: string): string {
  return key
    .split('.')
    .map((part) => part.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
    .join('.');
}

/** `bn1.runningMean` → `bn1.running_mean` (the inverse of `fromPyTorchKey`). */
export function toPyTorchKey(key: string): string {
  return key
    .split('.')
    .map((part) => part.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
    .join('.');
}

/** A PyTorch state dict (snake_case keys) with our camelCase keys, ready for `loadStateDict`. */
export function fromPyTorchStateDict(sd: ReadonlyMap<string, Tensor>): StateDict {
  return new Map([...sd].map(([k, t]) => [fromPyTorchKey(k), t]));
}

/** Our state dict with PyTorch's snake_case keys, ready for `torch.nn.Module.load_state_dict`. */
export function toPyTorchStateDict(sd: ReadonlyMap<string, Tensor>): StateDict {
  return new Map([...sd].map(([k, t]) => [toPyTorchKey(k), t]));
}
