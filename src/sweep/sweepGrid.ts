// The grid of a parameter sweep: lists of N, seeds, input correlation c and any spec field (--set path=v1,v2),
// the cells (their cross product) with stable file-safe ids, and the spec of each cell.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/canonical.ts';

/** One extra grid dimension: a spec field path and its values. */
export interface SetDimension {
  path: string;
  values: unknown[];
}

export interface SweepGrid {
  N: number[];
  seeds: number[];
  c: number[];
  set: SetDimension[];
}

/** The coordinates of one cell. */
export interface CellKey {
  N: number;
  seed: number;
  c: number;
  set: Record<string, unknown>; // path -> value
}

/** Parses a comma-separated list of finite numbers ('1000,1390' or '0, 0.1'); throws on a bad entry. */
/** A decimal number (no hex, octal or binary prefixes: 0x3e8 is not 1000 here). */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function parseNumberList(flag: string, v: string): number[] {
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new RangeError(`--${flag} '${v}': expected a comma-separated list of numbers`);
  return parts.map((s) => {
    const x = DECIMAL.test(s) ? Number(s) : NaN;
    if (!Number.isFinite(x)) throw new RangeError(`--${flag} '${v}': '${s}' is not a finite number in decimal (no 0x, 0o or 0b prefix)`);
    return x;
  });
}

/** A --set value: JSON when it parses (numbers, booleans, null, quoted strings, objects), else the raw string. */
export function parseSetValue(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * Parses 'path=value' or 'path=v1,v2,...' (a grid dimension). The path is split at the first '=' outside
 * brackets, so selectors like projections[E<-E] are allowed. Values that are JSON objects or arrays are
 * taken whole (no comma splitting).
 */
export function parseSetArg(arg: string): SetDimension {
  let depth = 0;
  let eq = -1;
  for (let i = 0; i < arg.length; i++) {
    const ch = arg[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === '=' && depth === 0) {
      eq = i;
      break;
    }
  }
  if (eq <= 0) throw new RangeError(`--set '${arg}': expected path=value (e.g. recording.window_ms=100 or projections[E<-E].j=20,25)`);
  const path = arg.slice(0, eq).trim();
  const raw = arg.slice(eq + 1).trim();
  if (raw === '') throw new RangeError(`--set '${arg}': empty value`);
  parsePath(path); // validate syntax early
  const values = raw.startsWith('{') || raw.startsWith('[') ? [parseSetValue(raw)] : raw.split(',').map((s) => parseSetValue(s.trim()));
  return { path, values };
}

type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'select'; name: string };

/**
 * Path syntax: dot-separated keys; '.3' or '[3]' index an array; '[X]' selects the array element whose
 * `name` is X, or for projections the one whose `post<-pre` is X (e.g. projections[E<-I].j).
 */
export function parsePath(path: string): Segment[] {
  if (/^\.|\.\.|\.$/.test(path)) throw new RangeError(`--set path '${path}' has an empty segment`);
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]|(\.)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null) {
    if (m.index !== consumed) break;
    consumed = re.lastIndex;
    if (m[3]) continue;
    if (m[1] !== undefined) {
      out.push(/^\d+$/.test(m[1]) ? { kind: 'index', index: Number(m[1]) } : { kind: 'key', key: m[1] });
    } else if (m[2] !== undefined) {
      const s = m[2].trim();
      if (s === '') throw new RangeError(`--set path '${path}': empty []`);
      out.push(/^\d+$/.test(s) ? { kind: 'index', index: Number(s) } : { kind: 'select', name: s });
    }
  }
  if (consumed !== path.length || out.length === 0) throw new RangeError(`--set path '${path}' is not of the form a.b[sel].c`);
  return out;
}

function selectIndex(arr: unknown[], name: string, path: string): number {
  const i = arr.findIndex((x) => {
    if (typeof x !== 'object' || x === null) return false;
    const o = x as Record<string, unknown>;
    return o['name'] === name || `${String(o['post'])}<-${String(o['pre'])}` === name;
  });
  if (i < 0) throw new RangeError(`--set path '${path}': no element named '${name}'`);
  return i;
}

/** Sets the field at `path` of a (mutable) spec object; intermediate objects must exist, the last key may be new. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = parsePath(path);
  let cur: unknown = obj;
  segs.forEach((seg, k) => {
    const last = k === segs.length - 1;
    if (seg.kind === 'key') {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) throw new RangeError(`--set path '${path}': '${seg.key}' is not inside an object`);
      const o = cur as Record<string, unknown>;
      if (last) o[seg.key] = value;
      else {
        if (!(seg.key in o)) throw new RangeError(`--set path '${path}': no field '${seg.key}'`);
        cur = o[seg.key];
      }
      return;
    }
    if (!Array.isArray(cur)) throw new RangeError(`--set path '${path}': indexing a non-array`);
    const i = seg.kind === 'index' ? seg.index : selectIndex(cur, seg.name, path);
    if (i >= cur.length) throw new RangeError(`--set path '${path}': index ${i} out of range (length ${cur.length})`);
    if (last) cur[i] = value;
    else cur = cur[i];
  });
}

/** Reads the field at `path` (undefined when absent). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of parsePath(path)) {
    if (cur === undefined || cur === null) return undefined;
    if (seg.kind === 'key') cur = (cur as Record<string, unknown>)[seg.key];
    else if (!Array.isArray(cur)) return undefined;
    else cur = cur[seg.kind === 'index' ? seg.index : selectIndex(cur, seg.name, '')];
  }
  return cur;
}

/** All cells of the grid, ordered by the set dimensions, c, seed, then N ascending (small cells first). */
export function gridCells(g: SweepGrid): CellKey[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const d of g.set) combos = combos.flatMap((c) => d.values.map((v) => ({ ...c, [d.path]: v })));
  const out: CellKey[] = [];
  const Ns = [...g.N].sort((a, b) => a - b);
  for (const set of combos) for (const c of g.c) for (const seed of g.seeds) for (const N of Ns) out.push({ N, seed, c, set });
  return out;
}

/** File-safe text of a value. */
function token(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Stable, file-safe id of a cell, e.g. N1000_seed1_c0 or N1000_seed1_c0.1_projections_E_-E_.j=20. */
export function cellId(k: CellKey): string {
  const parts = [`N${k.N}`, `seed${k.seed}`, `c${k.c}`];
  for (const [p, v] of Object.entries(k.set)) parts.push(`${token(p)}=${token(v)}`);
  return parts.join('_');
}

/** Label of the cell's group (everything but N and seed): the curves of the report. */
export function groupLabel(k: Pick<CellKey, 'c' | 'set'>): string {
  const parts = [`c=${k.c}`];
  for (const [p, v] of Object.entries(k.set)) parts.push(`${p}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.join(', ');
}

export { canonicalJson }; // src/model/canonical.ts

/** Short hash of a spec: a finished cell is reused only when its spec hash matches. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}
