// Node file helpers for run outputs: atomic writes (temp file + rename), .npy and JSON.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { decodeNpy, encodeNpy, type NpyArray, type NpyDecoded } from './npy.ts';

let tmpCounter = 0;

/** Write data to path atomically: create parent folders, write a sibling temp file, rename over path. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Save a typed array as .npy (shape defaults to [arr.length]). */
export function writeNpy(path: string, arr: NpyArray, shape?: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(arr, shape));
}

/** Load a .npy file written by writeNpy or numpy (supported dtypes only). */
export function readNpy(path: string): NpyDecoded {
  return decodeNpy(new Uint8Array(readFileSync(path)));
}

/** Save a value as pretty-printed JSON (NaN and Infinity become null; typed arrays become arrays). */
export function writeJson(path: string, value: unknown): void {
  const text = JSON.stringify(value, jsonReplacer, 2);
  writeFileAtomic(path, `${text}\n`);
}

/** JSON.stringify replacer: numeric typed arrays become plain arrays. */
function jsonReplacer(_key: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) {
    return Array.from(v as unknown as ArrayLike<number>);
  }
  return v;
}

/** Parse a JSON file. */
export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
