// NumPy .npy format version 1.0, little-endian, C order: encode typed arrays to bytes and back.
// The header matches np.save byte for byte (including numpy's spare space for growing the first axis).

/** Typed arrays that .npy encoding supports. */
export type NpyArray = Float32Array | Float64Array | Int16Array | Int32Array | Uint16Array | Uint32Array;
/** NumPy dtype descriptors of {@link NpyArray} (little-endian). */
export type NpyDescr = '<f4' | '<f8' | '<i2' | '<i4' | '<u2' | '<u4';

/** A decoded .npy file: dtype, shape, memory order and the values. */
export interface NpyDecoded {
  descr: NpyDescr;
  shape: number[];
  fortranOrder: boolean;
  data: NpyArray;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE = 10; // magic + version (2) + header length (uint16)
const ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy.lib.format: spare header room so the first axis can grow

const CTORS = {
  '<f4': Float32Array,
  '<f8': Float64Array,
  '<i2': Int16Array,
  '<i4': Int32Array,
  '<u2': Uint16Array,
  '<u4': Uint32Array,
} as const;

/** The .npy dtype descriptor of a typed array. */
export function npyDescr(arr: NpyArray): NpyDescr {
  if (arr instanceof Float32Array) return '<f4';
  if (arr instanceof Float64Array) return '<f8';
  if (arr instanceof Int16Array) return '<i2';
  if (arr instanceof Int32Array) return '<i4';
  if (arr instanceof Uint16Array) return '<u2';
  return '<u4';
}

/** Python repr of a shape tuple: (), (3,), (2, 3). */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The full .npy header (preamble + dict + padding + '\n'), a multiple of 64 bytes long. */
export function npyHeader(descr: NpyDescr, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const pad = ALIGN - ((PREAMBLE + dict.length + 1) % ALIGN);
  const text = dict + ' '.repeat(pad % ALIGN) + '\n';
  if (text.length > 0xffff) throw new Error(`npy header of ${text.length} bytes does not fit format 1.0`);
  const out = new Uint8Array(PREAMBLE + text.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = text.length & 0xff;
  out[9] = text.length >> 8;
  for (let i = 0; i < text.length; i++) out[PREAMBLE + i] = text.charCodeAt(i);
  return out;
}

/** Encode arr (C order) with the given shape (default [arr.length]) as .npy bytes. */
export function encodeNpy(arr: NpyArray, shape: readonly number[] = [arr.length]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || n !== arr.length) {
    throw new Error(`npy shape (${shape.join(', ')}) does not match ${arr.length} elements`);
  }
  const header = npyHeader(npyDescr(arr), shape);
  const out = new Uint8Array(header.length + arr.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), header.length);
  if (!LITTLE_ENDIAN) swapBytes(out.subarray(header.length), arr.BYTES_PER_ELEMENT);
  return out;
}

/** The little-endian bytes of arr: a view on a little-endian machine, a byte-swapped copy otherwise (the body of its .npy). */
export function npyBody(arr: NpyArray): Uint8Array {
  const b = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  if (LITTLE_ENDIAN) return b;
  const c = b.slice();
  swapBytes(c, arr.BYTES_PER_ELEMENT);
  return c;
}

/** Decode .npy (version 1.x/2.x/3.x) bytes of one of the supported little-endian dtypes. */
export function decodeNpy(bytes: Uint8Array): NpyDecoded {
  if (bytes.length < PREAMBLE || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not an .npy file (bad magic)');
  const major = bytes[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  let hlen = 0;
  for (let i = lenBytes - 1; i >= 0; i--) hlen = hlen * 256 + bytes[8 + i]!;
  const start = 8 + lenBytes;
  const header = String.fromCharCode(...bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1]?.replace(/^\|/, '<');
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !(descr in CTORS)) throw new Error(`unsupported npy dtype ${descr ?? '(none)'}`);
  if (fortran === undefined || shapeText === undefined) throw new Error('malformed npy header');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const ctor = CTORS[descr as NpyDescr];
  const n = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + hlen;
  if (bytes.length < dataStart + n * ctor.BYTES_PER_ELEMENT) throw new Error('npy data truncated');
  const raw = bytes.slice(dataStart, dataStart + n * ctor.BYTES_PER_ELEMENT); // copy: aligned, owned
  if (!LITTLE_ENDIAN) swapBytes(raw, ctor.BYTES_PER_ELEMENT);
  return { descr: descr as NpyDescr, shape, fortranOrder: fortran === 'True', data: new ctor(raw.buffer) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverse the bytes of each `size`-byte element in place. */
function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) b.subarray(i, i + size).reverse();
}
