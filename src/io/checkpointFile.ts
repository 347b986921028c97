// Checkpoint files on disk (Node): atomic writes (temp file, fsync, rename: a crash or a full disk
// mid-write leaves the previous checkpoint intact and no partial file) and verified reads.
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { isSource, SOURCE_CHUNK_ELEMS, type ArraySource, type SnapshotArray } from '../engine/snapshot.ts';
import {
  CHECKPOINT_PREAMBLE_BYTES,
  CheckpointError,
  checkpointHead,
  checkpointHeaderEnd,
  checkpointPad8,
  crc32,
  decodeCheckpoint,
  decodeCheckpointHeader,
  dtypeOf,
  encodeCheckpointParts,
  parseCheckpointHeader,
  sectionSpan,
  type CheckpointHeader,
  type DecodedCheckpoint,
} from './checkpoint.ts';

/** The file operations the writer uses (injectable so tests can simulate a full disk). */
export interface WriteIo {
  openSync: (path: string, flags: string) => number;
  writeSync: (fd: number, data: Uint8Array) => number;
  fsyncSync: (fd: number) => void;
  closeSync: (fd: number) => void;
  renameSync: (from: string, to: string) => void;
  rmSync: (path: string, opts: { force: boolean }) => void;
}

export const nodeIo: WriteIo = {
  openSync: (p, f) => fs.openSync(p, f),
  writeSync: (fd, d) => fs.writeSync(fd, d),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  rmSync: (p, o) => fs.rmSync(p, o),
};

/** A write that failed (disk full, permissions): nothing partial was left behind at `path`. */
export class OutputWriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(`cannot write '${path}': ${code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : (cause as Error)?.message ?? String(cause)}`);
    this.name = 'OutputWriteError';
  }
}

let counter = 0;

/** Writes `parts` to `path` atomically: temp file in the same directory, fsync, rename over `path`. */
export function writePartsAtomic(path: string, parts: Uint8Array[], io: WriteIo = nodeIo): void {
  fs.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  let fd = -1;
  try {
    fd = io.openSync(tmp, 'w');
    for (const p of parts) {
      let at = 0;
      while (at < p.length) at += io.writeSync(fd, at === 0 ? p : p.subarray(at));
    }
    io.fsyncSync(fd);
    io.closeSync(fd);
    fd = -1;
    io.renameSync(tmp, path);
  } catch (e) {
    abandonTemp(io, fd, tmp);
    throw new OutputWriteError(path, (e as NodeJS.ErrnoException).code ?? 'EIO', e);
  }
}

/** After a failed write: closes fd (if open; a second failure is ignored, the first one is reported) and removes the temp file. */
function abandonTemp(io: WriteIo, fd: number, tmp: string): void {
  if (fd >= 0) {
    try {
      io.closeSync(fd);
    } catch {
      // already failing; the temp file is removed below
    }
  }
  io.rmSync(tmp, { force: true });
}

/** Writes a checkpoint (meta + named arrays) atomically; returns its size in bytes. */
export function writeCheckpointFile(path: string, meta: Record<string, unknown>, arrays: Record<string, SnapshotArray>, io: WriteIo = nodeIo): number {
  const { parts, size } = encodeCheckpointParts(meta, arrays);
  writePartsAtomic(path, parts, io);
  return size;
}

/** Streaming options: elements per piece of a source, and the allocator of the one piece buffer (tests count with it). */
export interface StreamOptions {
  chunkElems?: number;
  alloc?: (elems: number) => Float32Array;
}

const bytesOf = (a: SnapshotArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Writes a checkpoint atomically (as writeCheckpointFile, the same bytes) whose arrays may be sources: each source is
 * read and written piece by piece through one buffer of at most `chunkElems` elements, so the host holds one piece of
 * it, never all of it. Returns the size in bytes.
 */
export async function writeCheckpointStream(path: string, meta: Record<string, unknown>, arrays: Record<string, SnapshotArray | ArraySource>, io: WriteIo = nodeIo, opts: StreamOptions = {}): Promise<number> {
  const entries = Object.entries(arrays);
  const { head } = checkpointHead(
    meta,
    entries.map(([name, a]) => ({ name, dtype: isSource(a) ? a.dtype : dtypeOf(a), length: a.length })),
  );
  const chunkElems = Math.max(1, Math.floor(opts.chunkElems ?? SOURCE_CHUNK_ELEMS));
  const maxSource = Math.max(0, ...entries.map(([, a]) => (isSource(a) ? a.length : 0)));
  const piece = maxSource > 0 ? (opts.alloc ?? ((n: number) => new Float32Array(n)))(Math.min(chunkElems, maxSource)) : new Float32Array(0);
  fs.mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  let fd = -1;
  let crc = 0;
  let size = 0;
  const put = (p: Uint8Array): void => {
    crc = crc32(p, crc);
    size += p.length;
    let at = 0;
    while (at < p.length) at += io.writeSync(fd, at === 0 ? p : p.subarray(at));
  };
  const zeros = new Uint8Array(8);
  try {
    fd = io.openSync(tmp, 'w');
    put(head);
    for (const [, a] of entries) {
      if (isSource(a)) {
        for (let at = 0; at < a.length; at += piece.length) {
          const out = piece.subarray(0, Math.min(piece.length, a.length - at));
          try {
            await a.read(at, out);
          } catch (e) {
            throw new SourceReadError(e);
          }
          put(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
        }
      } else if (a.length) put(bytesOf(a));
      const pad = checkpointPad8(a.length * (isSource(a) ? 4 : a.BYTES_PER_ELEMENT));
      if (pad) put(zeros.subarray(0, pad));
    }
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, crc, true);
    put(tail);
    io.fsyncSync(fd);
    io.closeSync(fd);
    fd = -1;
    io.renameSync(tmp, path);
    return size;
  } catch (e) {
    abandonTemp(io, fd, tmp);
    if (e instanceof CheckpointError) throw e;
    if (e instanceof SourceReadError) throw e.cause;
    throw new OutputWriteError(path, (e as NodeJS.ErrnoException).code ?? 'EIO', e);
  }
}

/** A source's read failed (a lost device): rethrown as it was, not as a write error. */
class SourceReadError extends Error {
  constructor(readonly cause: unknown) {
    super('source read failed');
  }
}

/** Reads exactly out.length bytes at `pos` (a short file is a truncated checkpoint). */
function readAt(fd: number, out: Uint8Array, pos: number, what: string): void {
  let got = 0;
  while (got < out.length) {
    const n = fs.readSync(fd, out, got, out.length - got, pos + got);
    if (n === 0) throw new CheckpointError(`${what} is truncated (it changed while being read)`);
    got += n;
  }
}

/**
 * Opens a checkpoint file without reading it whole: the CRC is checked by pieces, sections named by `stream` (f32
 * only) stay in the file as sources read by pieces (DecodedCheckpoint.sources), every other section is read into
 * `arrays`. The host holds the non-streamed sections and one piece. A source reads the file again when asked: the
 * caller reads it before the file is replaced (resume restores before the first new checkpoint).
 */
export function openCheckpointFile(path: string, stream: (name: string, header: CheckpointHeader) => boolean, opts: { chunkBytes?: number } = {}): DecodedCheckpoint {
  const what = `checkpoint '${path}'`;
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(code === 'ENOENT' ? `no checkpoint at '${path}'` : `cannot read checkpoint '${path}': ${(e as Error).message}`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const pre = new Uint8Array(Math.min(size, CHECKPOINT_PREAMBLE_BYTES));
    readAt(fd, pre, 0, what);
    const hEnd = size >= CHECKPOINT_PREAMBLE_BYTES + 4 ? Math.min(checkpointHeaderEnd(pre), size - 4) : pre.length;
    const prefix = new Uint8Array(hEnd);
    readAt(fd, prefix, 0, what);
    const chunk = Math.max(8, Math.floor(opts.chunkBytes ?? 4 * SOURCE_CHUNK_ELEMS));
    const crc = () => {
      const buf = new Uint8Array(Math.min(chunk, Math.max(4, size)));
      let c = 0;
      for (let at = 0; at < size - 4; at += buf.length) {
        const b = buf.subarray(0, Math.min(buf.length, size - 4 - at));
        readAt(fd, b, at, what);
        c = crc32(b, c);
      }
      const tail = new Uint8Array(4);
      readAt(fd, tail, size - 4, what);
      return { stored: new DataView(tail.buffer).getUint32(0, true), actual: c };
    };
    const { header, dataStart } = parseCheckpointHeader(prefix, size, crc, what);
    const arrays: DecodedCheckpoint['arrays'] = {};
    const sources: Record<string, ArraySource> = {};
    for (const s of header.sections) {
      const { ctor, start, len } = sectionSpan(s, dataStart, size - 4, what);
      if (s.dtype === 'f32' && stream(s.name, header)) {
        sources[s.name] = fileSource(path, start, s.length, what);
        continue;
      }
      const copy = new Uint8Array(len);
      readAt(fd, copy, start, what);
      arrays[s.name] = new ctor(copy.buffer);
    }
    return { header, meta: header.meta, arrays, ...(Object.keys(sources).length ? { sources } : {}) };
  } finally {
    fs.closeSync(fd);
  }
}

/** f32 elements [0, length) at byte `start` of the file `path`, read by pieces. */
function fileSource(path: string, start: number, length: number, what: string): ArraySource {
  return {
    kind: 'source',
    dtype: 'f32',
    length,
    read(at: number, out: Float32Array): void {
      if (!(at >= 0 && at + out.length <= length)) throw new RangeError(`${what}: elements [${at}, ${at + out.length}) outside [0, ${length})`);
      const fd = fs.openSync(path, 'r');
      try {
        readAt(fd, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), start + 4 * at, what);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

function readBytes(path: string): Uint8Array {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(code === 'ENOENT' ? `no checkpoint at '${path}'` : `cannot read checkpoint '${path}': ${(e as Error).message}`);
  }
}

/** Reads and verifies a checkpoint file (CheckpointError with the reason when unusable). */
export function readCheckpointFile(path: string): DecodedCheckpoint {
  return decodeCheckpoint(readBytes(path), `checkpoint '${path}'`);
}

/** Reads and verifies only the header of a checkpoint file. */
export function readCheckpointHeader(path: string): CheckpointHeader {
  return decodeCheckpointHeader(readBytes(path), `checkpoint '${path}'`).header;
}
