// Checkpoint files on disk (Node): atomic writes (temp file, fsync, rename: a crash or a full disk
// mid-write leaves the previous checkpoint intact and no partial file) and verified reads.
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { SnapshotArray } from '../engine/snapshot.ts';
import { CheckpointError, decodeCheckpoint, decodeCheckpointHeader, encodeCheckpointParts, type DecodedCheckpoint, type CheckpointHeader } from './checkpoint.ts';

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
    if (fd >= 0) {
      try {
        io.closeSync(fd);
      } catch {
        // already failing; the temp file is removed below
      }
    }
    io.rmSync(tmp, { force: true });
    throw new OutputWriteError(path, (e as NodeJS.ErrnoException).code ?? 'EIO', e);
  }
}

/** Writes a checkpoint (meta + named arrays) atomically; returns its size in bytes. */
export function writeCheckpointFile(path: string, meta: Record<string, unknown>, arrays: Record<string, SnapshotArray>, io: WriteIo = nodeIo): number {
  const { parts, size } = encodeCheckpointParts(meta, arrays);
  writePartsAtomic(path, parts, io);
  return size;
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
