// A 1-D .npy file written piece by piece (Node only): the header first (its shape known in advance), then each
// piece's bytes appended, so a writer holds one piece at a time. The bytes equal encodeNpy's of the whole array
// (the same header, then the values in order); the file appears under its name only when every value is written
// (a sibling temp file renamed), and a short or long file is refused.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { npyBody, npyDescr, npyHeader, type NpyArray, type NpyDescr } from './npy.ts';

let tmpCounter = 0;

/** Appends the values of a 1-D array of `length` elements of type `descr` to `path`, then close() renames it in place. */
export class NpyStreamWriter {
  private fd: number | null;
  private readonly tmp: string;
  private written = 0;

  constructor(readonly path: string, readonly descr: NpyDescr, readonly length: number) {
    if (!(Number.isInteger(length) && length >= 0)) throw new RangeError(`NpyStreamWriter ${path}: length ${length}: allowed a whole number >= 0`);
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = `${path}.tmp-${process.pid}-s${tmpCounter++}`;
    this.fd = openSync(this.tmp, 'w');
    try {
      writeSync(this.fd, npyHeader(descr, [length]));
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Appends the values of `piece` (its type must be `descr`'s). */
  append(piece: NpyArray): void {
    if (this.fd === null) throw new Error(`NpyStreamWriter ${this.path}: append after close`);
    if (npyDescr(piece) !== this.descr) throw new Error(`NpyStreamWriter ${this.path}: a ${npyDescr(piece)} piece, the header says ${this.descr}`);
    if (this.written + piece.length > this.length) throw new Error(`NpyStreamWriter ${this.path}: ${this.written + piece.length} values passed the header's ${this.length}`);
    const b = npyBody(piece);
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
    this.written += piece.length;
  }

  /** Closes the file and moves it to `path`; throws (and removes it) when fewer values than the header's were written. */
  close(): void {
    if (this.fd === null) return;
    if (this.written !== this.length) {
      this.abort();
      throw new Error(`NpyStreamWriter ${this.path}: ${this.written} values written, the header says ${this.length}`);
    }
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tmp, this.path);
  }

  /** Drops the partial file (nothing appears under `path`). */
  abort(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.tmp, { force: true });
  }
}
