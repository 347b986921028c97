// Loads a spec from a preset name or a JSON file and applies command-line overrides; every failure is
// a UsageError (exit status 2) with a message naming the problem.
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { getPreset } from '../presets/index.ts';
import { getRatePreset } from '../models/rate/presets.ts';
import { jsonErrorOffset } from './jsonPosition.ts';
import { DECIMAL, setPath, type SetDimension } from '../sweep/sweepGrid.ts';
import { applyOverrides as applyModelOverrides, type Overrides as ModelOverrides } from '../model/overrides.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Line and column of a character offset in text. */
function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Largest spec file read (bytes): presets are about 5 KB, the largest hand-written specs tens of KB. */
export const MAX_SPEC_BYTES = 8 * 2 ** 20;
/** Deepest nesting of objects and arrays in a spec file (a spec needs 5). */
export const MAX_SPEC_DEPTH = 64;

/** Offset of the first '{' or '[' nested deeper than maxDepth (strings skipped), or -1. */
export function tooDeepAt(text: string, maxDepth: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inStr = false;
    } else if (c === 0x22) inStr = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** Parses JSON, reporting syntax errors with line and column; a leading UTF-8 byte order mark is skipped. */
export function parseJsonWithPosition(textIn: string, file: string): unknown {
  const text = textIn.charCodeAt(0) === 0xfeff ? textIn.slice(1) : textIn;
  const deep = tooDeepAt(text, MAX_SPEC_DEPTH);
  if (deep >= 0) throw new UsageError(`${file}: nested deeper than ${MAX_SPEC_DEPTH} levels of objects and arrays at ${lineCol(text, deep)} (a spec needs about 5)`);
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = jsonErrorOffset(text);
    const where = at >= 0 ? ` at ${lineCol(text, at)}` : '';
    throw new UsageError(`${file}: invalid JSON${where}: ${(e as Error).message}`);
  }
}

/** A spec object from a preset name or a .json path. */
export function loadSpec(ref: string): Record<string, unknown> {
  if (ref.endsWith('.json') || ref.includes('/')) {
    const text = readSpecText(ref);
    const v = parseJsonWithPosition(text, ref);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`${ref}: a spec must be a JSON object`);
    return v as Record<string, unknown>;
  }
  const rate = getRatePreset(ref); // rate networks (issue 16): their own preset list until the engine registry lands
  if (rate) return rate as unknown as Record<string, unknown>;
  try {
    return getPreset(ref) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * The text of a spec file: a regular file of at most MAX_SPEC_BYTES, not under /proc or /sys (devices such
 * as /dev/zero, FIFOs and directories are refused before reading).
 */
export function readSpecText(ref: string): string {
  let st;
  try {
    st = statSync(ref);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`spec file '${ref}' does not exist`);
    throw new UsageError(`cannot read spec file '${ref}': ${(e as Error).message}`);
  }
  if (st.isDirectory()) throw new UsageError(`cannot read spec file '${ref}': EISDIR, it is a directory (pass a .json file or a preset name)`);
  if (!st.isFile()) throw new UsageError(`spec file '${ref}' is not a regular file (a device, pipe or socket): pass a .json file`);
  let real = ref;
  try {
    real = realpathSync(ref);
  } catch {
    // keep ref
  }
  if (/^\/(proc|sys)\//.test(real)) throw new UsageError(`spec file '${ref}' lies under /${real.split('/')[1]}, a virtual file system: pass a .json file on disk`);
  if (st.size > MAX_SPEC_BYTES) throw new UsageError(`spec file '${ref}' has ${st.size} bytes; at most ${MAX_SPEC_BYTES} are read (a spec is a few KB)`);
  let fd: number;
  try {
    fd = openSync(ref, 'r');
  } catch (e) {
    throw new UsageError(`cannot read spec file '${ref}': ${(e as Error).message}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`spec file '${ref}' is not a regular file`);
    const buf = Buffer.alloc(MAX_SPEC_BYTES + 1);
    let n = 0;
    for (;;) {
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) break;
      n += k;
      if (n > MAX_SPEC_BYTES) throw new UsageError(`spec file '${ref}' is longer than ${MAX_SPEC_BYTES} bytes (a spec is a few KB)`);
    }
    return buf.subarray(0, n).toString('utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read spec file '${ref}': ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** Parses a duration like '20s', '500ms', '20' (seconds) into seconds. */
export function parseSeconds(flag: string, v: string): number {
  const m = /^([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(ms|s|min)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`--${flag} '${v}': expected a duration such as 20s, 500ms or 2min`);
  const x = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'ms' ? x / 1000 : unit === 'min' ? x * 60 : x;
}

/** Parses a finite number flag. */
export function parseNumber(flag: string, v: string): number {
  const x = DECIMAL.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(x)) throw new UsageError(`--${flag} '${v}': expected a finite number in decimal (digits, '.', an exponent such as 1e3; no 0x, 0o or 0b prefix)`);
  return x;
}

/** The spec overrides of `run`: the common ones (src/model/overrides.ts) and `--set path=value`. */
export interface Overrides extends ModelOverrides {
  /** `--set path=value` (sweep's syntax, one value each), applied after the common overrides. */
  set?: SetDimension[];
}

/** Applies the common overrides (N, T, seed, input correlation c), then each `--set`. */
export function applyOverrides(spec: Record<string, unknown>, o: Overrides): Record<string, unknown> {
  const s = applyModelOverrides(spec, o);
  for (const d of o.set ?? []) {
    if (d.values.length !== 1) throw new UsageError(`--set '${d.path}': one value per --set in a run (${d.values.length} given; a list of values is a sweep: plasticnet sweep --set)`);
    try {
      setPath(s, d.path, d.values[0]);
    } catch (e) {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    }
  }
  return s;
}
