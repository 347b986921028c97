// The plasticnet checkpoint format (.pnck), version 1: a run's complete state at a step boundary.
// Pure (no Node APIs) so the browser app can read and write checkpoints too; src/io/checkpointFile.ts
// does the atomic file writes. docs/checkpoints.md describes the format for other readers.
//
//   offset  size  field
//   0       8     magic "PNCKPT\r\n" (50 4E 43 4B 50 54 0D 0A: the CR LF catches text-mode mangling)
//   8       4     u32 LE format version (1)
//   12      4     u32 LE header length H in bytes
//   16      H     header: UTF-8 JSON (CheckpointHeader), describing every section
//   ...           zero padding to a multiple of 8; this is dataStart
//   ...           sections in header order; section k starts at dataStart + sections[k].offset (a multiple
//                 of 8) and holds `length` little-endian elements of `dtype`; zero padding to 8 between
//   end - 4 4     u32 LE CRC-32 (IEEE 802.3 / zlib polynomial) of every byte before it
//
// A reader checks, in order: size, magic, version, CRC (any flipped bit anywhere), header JSON, section
// bounds; each failure is a CheckpointError naming the reason.
import type { ArraySource, SnapshotArray } from '../engine/snapshot.ts';
import { canonicalJson } from '../model/canonical.ts';

export const CHECKPOINT_MAGIC = Uint8Array.from([0x50, 0x4e, 0x43, 0x4b, 0x50, 0x54, 0x0d, 0x0a]); // "PNCKPT\r\n"
export const CHECKPOINT_VERSION = 1;
const PREAMBLE = 16;

export type Dtype = 'f32' | 'f64' | 'i32' | 'u32' | 'u16' | 'u8';
const CTORS = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const;

export interface SectionInfo {
  name: string;
  dtype: Dtype;
  length: number; // elements
  offset: number; // bytes from dataStart, a multiple of 8
}

/** The JSON header. `meta` carries the run's description (spec, hashes, step, reason: see checkpointRun.ts). */
export interface CheckpointHeader {
  format: 'plasticnet-checkpoint';
  version: number;
  sections: SectionInfo[];
  meta: Record<string, unknown>;
}

/** A checkpoint that cannot be used: the reason is the message. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** A checkpoint whose engine (the one that wrote it, by its registered name) is not available to resume on. */
export class CheckpointEngineError extends CheckpointError {
  constructor(
    /** The engine that wrote the checkpoint. */
    readonly engine: string,
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointEngineError';
  }
}

export function dtypeOf(a: SnapshotArray): Dtype {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Uint16Array) return 'u16';
  return 'u8';
}

// ---- CRC-32 (slice-by-4 tables) ---------------------------------------------------------------------

const CRC_T = (() => {
  const t = new Uint32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/** CRC-32 of `data`, continuing from `crc` (the value returned for the preceding bytes; 0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  const t = CRC_T;
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  for (; i + 4 <= n; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < n; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** FNV-1a 64-bit of a string's UTF-8 bytes, as 16 hex digits (spec fingerprints). */
export function fnv1a64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

export { canonicalJson }; // moved to src/model/canonical.ts (one implementation for every spec hash)

/** The fingerprint of a spec (canonical JSON, FNV-1a 64). */
export const specHash = (spec: unknown): string => fnv1a64(canonicalJson(spec));

// ---- encoding ------------------------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const pad8 = (n: number) => (8 - (n % 8)) % 8;
const bytesOf = (a: SnapshotArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A section to encode: its name, dtype and length in elements (its bytes come from an array or a source). */
export interface SectionShape {
  name: string;
  dtype: Dtype;
  length: number;
}

/** The file's bytes before the first section (preamble, header JSON, padding) and each section's layout. */
export function checkpointHead(meta: Record<string, unknown>, shapes: SectionShape[]): { head: Uint8Array; sections: SectionInfo[] } {
  if (!LITTLE_ENDIAN) throw new CheckpointError('checkpoints are little-endian; this host is big-endian');
  const sections: SectionInfo[] = [];
  let off = 0;
  for (const { name, dtype, length } of shapes) {
    sections.push({ name, dtype, length, offset: off });
    const bytes = length * CTORS[dtype].BYTES_PER_ELEMENT;
    off += bytes + pad8(bytes);
  }
  const header: CheckpointHeader = { format: 'plasticnet-checkpoint', version: CHECKPOINT_VERSION, sections, meta };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(PREAMBLE + json.length + pad8(PREAMBLE + json.length));
  head.set(CHECKPOINT_MAGIC, 0);
  const dv = new DataView(head.buffer);
  dv.setUint32(8, CHECKPOINT_VERSION, true);
  dv.setUint32(12, json.length, true);
  head.set(json, PREAMBLE);
  return { head, sections };
}

export { pad8 as checkpointPad8 };

/**
 * The byte pieces of a checkpoint, in file order, with the CRC already computed: write them one after
 * the other (no copy of the state is made). The last piece is the 4-byte CRC.
 */
export function encodeCheckpointParts(meta: Record<string, unknown>, arrays: Record<string, SnapshotArray>): { parts: Uint8Array[]; size: number; crc: number } {
  const { head, sections } = checkpointHead(
    meta,
    Object.entries(arrays).map(([name, a]) => ({ name, dtype: dtypeOf(a), length: a.length })),
  );
  const last = sections[sections.length - 1];
  const off = last ? last.offset + last.length * CTORS[last.dtype].BYTES_PER_ELEMENT + pad8(last.length * CTORS[last.dtype].BYTES_PER_ELEMENT) : 0;
  const parts: Uint8Array[] = [head];
  const zeros = new Uint8Array(8);
  for (const a of Object.values(arrays)) {
    parts.push(bytesOf(a));
    const p = pad8(a.byteLength);
    if (p) parts.push(zeros.subarray(0, p));
  }
  let crc = 0;
  for (const p of parts) crc = crc32(p, crc);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc, true);
  parts.push(tail);
  return { parts, size: head.length + off + 4, crc };
}

/** The whole checkpoint as one buffer (tests, browser downloads). */
export function encodeCheckpoint(meta: Record<string, unknown>, arrays: Record<string, SnapshotArray>): Uint8Array {
  const { parts, size } = encodeCheckpointParts(meta, arrays);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface DecodedCheckpoint {
  header: CheckpointHeader;
  meta: Record<string, unknown>;
  arrays: Record<string, SnapshotArray>; // fresh, aligned copies
  /** Sections left in the file, read by pieces (openCheckpointFile's streamed sections; absent when none). */
  sources?: Record<string, ArraySource>;
}

/**
 * Checks the preamble and the CRC and parses the header JSON. `prefix` holds the file's first bytes (at least the
 * preamble; the header when it fits), `size` the file's length, `crc` the stored and computed CRC-32.
 */
export function parseCheckpointHeader(prefix: Uint8Array, size: number, crc: () => { stored: number; actual: number }, what = 'checkpoint'): { header: CheckpointHeader; dataStart: number } {
  if (size < PREAMBLE + 4 || prefix.length < PREAMBLE) throw new CheckpointError(`${what} is truncated (${size} bytes)`);
  for (let i = 0; i < 8; i++) if (prefix[i] !== CHECKPOINT_MAGIC[i]) throw new CheckpointError(`${what} is not a plasticnet checkpoint (bad magic bytes)`);
  const dv = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) throw new CheckpointError(`${what} has format version ${version}; this plasticnet reads version ${CHECKPOINT_VERSION}`);
  const { stored, actual } = crc();
  if (stored !== actual)
    throw new CheckpointError(`${what} is corrupt: checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}); the file was damaged or truncated after it was written`);
  const hlen = dv.getUint32(12, true);
  if (PREAMBLE + hlen > size - 4) throw new CheckpointError(`${what} header length ${hlen} exceeds the file`);
  if (PREAMBLE + hlen > prefix.length) throw new RangeError(`parseCheckpointHeader: the prefix holds ${prefix.length} bytes, the header needs ${PREAMBLE + hlen}`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(prefix.subarray(PREAMBLE, PREAMBLE + hlen))) as CheckpointHeader;
  } catch (e) {
    throw new CheckpointError(`${what} header is not valid JSON: ${(e as Error).message}`);
  }
  if (header?.format !== 'plasticnet-checkpoint' || !Array.isArray(header.sections) || typeof header.meta !== 'object' || header.meta === null)
    throw new CheckpointError(`${what} header is malformed (format, sections or meta missing)`);
  return { header, dataStart: PREAMBLE + hlen + pad8(PREAMBLE + hlen) };
}

/** The header length a file's preamble announces (read the preamble, then this many bytes more). */
export const checkpointHeaderEnd = (preamble: Uint8Array): number => PREAMBLE + (preamble.length >= PREAMBLE ? new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength).getUint32(12, true) : 0);
export const CHECKPOINT_PREAMBLE_BYTES = PREAMBLE;

/** Reads only the header (after the size, magic, version and checksum checks). */
export function decodeCheckpointHeader(bytes: Uint8Array, what = 'checkpoint'): { header: CheckpointHeader; dataStart: number } {
  const crc = () => ({ stored: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true), actual: crc32(bytes.subarray(0, bytes.length - 4)) });
  return parseCheckpointHeader(bytes, bytes.length, crc, what);
}

/** Section `s`'s element type, first byte (absolute) and byte length, checked against the data's end. */
export function sectionSpan(s: SectionInfo, dataStart: number, end: number, what: string): { ctor: (typeof CTORS)[Dtype]; start: number; len: number } {
  const ctor = CTORS[s.dtype];
  if (!ctor || typeof s.name !== 'string' || !Number.isInteger(s.length) || s.length < 0 || !Number.isInteger(s.offset) || s.offset % 8 !== 0)
    throw new CheckpointError(`${what} section ${JSON.stringify(s)} is malformed`);
  const start = dataStart + s.offset;
  const len = s.length * ctor.BYTES_PER_ELEMENT;
  if (start + len > end) throw new CheckpointError(`${what} section '${s.name}' runs past the end of the file`);
  return { ctor, start, len };
}

/** Decodes and verifies a checkpoint; throws CheckpointError with the reason when it cannot be used. */
export function decodeCheckpoint(bytes: Uint8Array, what = 'checkpoint'): DecodedCheckpoint {
  const { header, dataStart } = decodeCheckpointHeader(bytes, what);
  const end = bytes.length - 4;
  const arrays: Record<string, SnapshotArray> = {};
  for (const s of header.sections) {
    const { ctor, start, len } = sectionSpan(s, dataStart, end, what);
    const copy = new Uint8Array(len);
    copy.set(bytes.subarray(start, start + len));
    arrays[s.name] = new ctor(copy.buffer);
  }
  return { header, meta: header.meta, arrays };
}

const hex = (x: number) => x.toString(16).padStart(8, '0');
