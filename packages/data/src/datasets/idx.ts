/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 *
 *   bytes 0–1   0x00 0x00                     magic
 *   byte  2     element type                  0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 *   byte  3     number of dims d
 *   then        d sizes, 32-bit big-endian unsigned
 *   then        the elements, row-major, big-endian
 *
 * readIdx checks every size against the bytes actually present before allocating, so a corrupt
 * or truncated file is a clear error, never a crash, a hang or a huge allocation.
 */
import { ArgumentError, type DType, formatShape, Tensor } from '@tsgrad/autograd';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

interface IdxTypeInfo {
  name: IdxType;
  code: number;
  bytes: number;
  /** Smallest and largest storable value (integer types). */
  min: number;
  max: number;
}

const TYPES: readonly IdxTypeInfo[] = [
  { name: 'uint8', code: 0x08, bytes: 1, min: 0, max: 255 },
  { name: 'int8', code: 0x09, bytes: 1, min: -128, max: 127 },
  { name: 'int16', code: 0x0b, bytes: 2, min: -32768, max: 32767 },
  { name: 'int32', code: 0x0c, bytes: 4, min: -2147483648, max: 2147483647 },
  { name: 'float32', code: 0x0d, bytes: 4, min: -Infinity, max: Infinity },
  { name: 'float64', code: 0x0e, bytes: 8, min: -Infinity, max: Infinity },
];

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

export interface ReadIdxOptions {
  /** dtype of the returned tensor (default float32; float64 keeps int32/float64 data exact). */
  dtype?: DType;
}

/** The header of an IDX file: element type, dims, and where the elements start. */
export interface IdxHeader {
  type: IdxType;
  shape: number[];
  dataOffset: number;
}

/** Parses and checks the header against the byte count; throws a clear error if they disagree. */
export function readIdxHeader(bytes: Uint8Array): IdxHeader {
  const op = 'readIdx';
  if (bytes.length < 4) {
    throw new ArgumentError(op, `file too short for the 4-byte header: ${bytes.length} bytes`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new ArgumentError(
      op,
      'data is gzip-compressed (starts 0x1f 0x8b); decompress it first, or use readIdxFile',
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const got = [...bytes.subarray(0, 4)].map(hex).join(' ');
    throw new ArgumentError(op, `wrong magic number: expected 0x00 0x00 <type> <ndim>, got ${got}`);
  }
  const info = TYPES.find((t) => t.code === bytes[2]);
  if (!info) {
    throw new ArgumentError(
      op,
      `unknown element type ${hex(bytes[2]!)} (expected 0x08 u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64)`,
    );
  }
  const ndim = bytes[3]!;
  if (ndim === 0) throw new ArgumentError(op, 'header declares 0 dimensions');
  const dataOffset = 4 + 4 * ndim;
  if (bytes.length < dataOffset) {
    throw new ArgumentError(
      op,
      `truncated header: ${ndim} dims need ${dataOffset} header bytes, the data has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  // Compare the element count with what the bytes can hold, dim by dim, so the product never
  // grows past the file size (and past 2^53) before we notice.
  const available = (bytes.length - dataOffset) / info.bytes;
  let count = shape.includes(0) ? 0 : 1;
  for (const d of shape) {
    count *= d;
    if (count > available) break;
  }
  const expectedBytes = count * info.bytes;
  const actualBytes = bytes.length - dataOffset;
  if (count > available || expectedBytes !== actualBytes) {
    const need = count > available ? `more than ${actualBytes}` : `${expectedBytes}`;
    const what = count > available ? 'truncated or corrupt' : 'trailing or missing bytes';
    throw new ArgumentError(
      op,
      `${what}: dims ${formatShape(shape)} of ${info.name} need ${need} data bytes, the data has ${actualBytes}`,
    );
  }
  return { type: info.name, shape, dataOffset };
}

/**
 * Decodes an IDX file (already decompressed) into a tensor of its shape. Values keep their
 * meaning: MNIST images come out as 0…255 (see datasets/mnist.ts to scale them to [0, 1]).
 */
export function readIdx(bytes: Uint8Array | ArrayBuffer, options: ReadIdxOptions = {}): Tensor {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new ArgumentError('readIdx', `unknown dtype '${String(dtype)}' (use 'float32' or 'float64')`);
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer))
    throw new ArgumentError('readIdx', `expected a Uint8Array or an ArrayBuffer, got ${typeof bytes}`);
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { type, shape, dataOffset } = readIdxHeader(u8);
  const out = Tensor.empty(shape, dtype);
  const dst = out.data;
  const n = dst.length;
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  switch (type) {
    case 'uint8':
      for (let i = 0; i < n; i++) dst[i] = u8[dataOffset + i]!;
      break;
    case 'int8':
      for (let i = 0; i < n; i++) dst[i] = view.getInt8(dataOffset + i);
      break;
    case 'int16':
      for (let i = 0; i < n; i++) dst[i] = view.getInt16(dataOffset + 2 * i, false);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) dst[i] = view.getInt32(dataOffset + 4 * i, false);
      break;
    case 'float32':
      for (let i = 0; i < n; i++) dst[i] = view.getFloat32(dataOffset + 4 * i, false);
      break;
    case 'float64':
      for (let i = 0; i < n; i++) dst[i] = view.getFloat64(dataOffset + 8 * i, false);
      break;
  }
  return out;
}

/**
 * Encodes a tensor as an IDX file of element type `type` (default uint8). Integer types need
 * whole numbers in range; a tensor of rank 0 or above 255 cannot be written.
 */
export function writeIdx(t: Tensor, type: IdxType = 'uint8'): Uint8Array {
  const op = 'writeIdx';
  const info = TYPES.find((x) => x.name === type);
  if (!info) throw new ArgumentError(op, `unknown element type '${String(type)}'`);
  if (t.ndim < 1 || t.ndim > 255) {
    throw new ArgumentError(op, `IDX holds 1 to 255 dims, got shape ${formatShape(t.shape)}`);
  }
  const dataOffset = 4 + 4 * t.ndim;
  const bytes = new Uint8Array(dataOffset + t.size * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = t.ndim;
  for (let i = 0; i < t.ndim; i++) view.setUint32(4 + 4 * i, t.shape[i]!, false);
  const src = t.data;
  const integer = info.name !== 'float32' && info.name !== 'float64';
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (integer && (!Number.isInteger(v) || v < info.min || v > info.max)) {
      throw new RangeError(`${op}: value ${v} at index ${i} is not a ${info.name}`);
    }
    const at = dataOffset + i * info.bytes;
    if (info.name === 'uint8') bytes[at] = v;
    else if (info.name === 'int8') view.setInt8(at, v);
    else if (info.name === 'int16') view.setInt16(at, v, false);
    else if (info.name === 'int32') view.setInt32(at, v, false);
    else if (info.name === 'float32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return bytes;
}
