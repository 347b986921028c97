// Names and paths in exports: spec names become file names, HDF5 group names and Python identifiers,
// so each is checked against one safe grammar, Python string literals are escaped, and every file an
// export writes is checked to lie under its output directory.
import { resolve, sep } from 'node:path';
import { UsageError } from '../../cli/loadSpec.ts';

/** A letter, then letters, digits or '_' (63 characters at most): safe as a file name, HDF5 name and Python identifier. */
export const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** Checks that `value` (the spec field `field`) is a safe name; exit 2 naming the field otherwise. */
export function checkName(field: string, value: string): string {
  if (!SAFE_NAME.test(value) || PY_KEYWORDS.has(value))
    throw new UsageError(`${field} '${value}': an exported name must be a letter followed by letters, digits or '_' (at most 63 characters) and not a Python keyword`);
  return value;
}

/** A Python string literal for any string: printable ASCII as is, everything else as \\U escapes. */
export function pyStr(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

/** A Python float literal (repr-exact for finite doubles; JavaScript's shortest round-trip form). */
export function pyNum(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} as a Python number`);
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** `rel` joined under `out`; throws if the result would leave `out` (absolute paths, '..'). */
export function under(out: string, rel: string): string {
  const root = resolve(out);
  const p = resolve(root, rel);
  if (p !== root && !p.startsWith(root + sep)) throw new UsageError(`refusing to write '${rel}': it lies outside the output directory '${out}'`);
  return p;
}

/** The export tag of a projection 'post<-pre': 'post_from_pre' (both names already checked). */
export const projTag = (post: string, pre: string) => `${post}_from_${pre}`;
