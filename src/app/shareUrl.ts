// Shareable state for a custom spec: the fields where it differs from the preset it started from, as
// path=value pairs (the CLI's --set syntax), so a URL reopens an edited spec without carrying all of it.
// Paths are built from the spec's own keys; reading a URL refuses keys that could reach a prototype.

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Keys a path may use: plain identifiers (no '.', '[', ']', '=' and never __proto__, constructor, prototype). */
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** More differences than this are not worth a URL (download spec.json instead). */
export const MAX_SETS = 40;

/** path=value pairs turning `base` into `spec` (values as JSON), or null when too many or not expressible. */
export function specDiff(base: Json, spec: Json): [string, string][] | null {
  const out: [string, string][] = [];
  const walk = (a: Json, b: Json, path: string): boolean => {
    if (JSON.stringify(a) === JSON.stringify(b)) return true;
    if (path && isObj(a) && isObj(b) && Object.keys(a).every((k) => k in b)) {
      for (const k of Object.keys(b)) {
        if (!SAFE_KEY.test(k) || FORBIDDEN.has(k)) return false;
        if (!walk(a[k], b[k], `${path}.${k}`)) return false;
      }
      return true;
    }
    if (path && Array.isArray(a) && Array.isArray(b) && a.length === b.length) return b.every((v, i) => walk(a[i], v, `${path}[${i}]`));
    if (!path) {
      if (!isObj(a) || !isObj(b) || !Object.keys(a).every((k) => k in b)) return false;
      for (const k of Object.keys(b)) {
        if (!SAFE_KEY.test(k) || FORBIDDEN.has(k)) return false;
        if (!walk(a[k], b[k], k)) return false;
      }
      return true;
    }
    out.push([path, JSON.stringify(b)]);
    return true;
  };
  if (!walk(base, spec, '')) return null;
  return out.length <= MAX_SETS ? out : null;
}

/** Sets `path` (a.b[2].c; keys already checked) in obj; every step but the last must exist. */
function setPath(obj: Record<string, Json>, path: string, value: Json): void {
  const keys = path.split(/[.[\]]+/).filter(Boolean);
  let cur: Json = obj;
  keys.forEach((k, i) => {
    const last = i === keys.length - 1;
    if (Array.isArray(cur) && /^\d+$/.test(k) && Number(k) < cur.length) {
      if (last) cur[Number(k)] = value;
      else cur = cur[Number(k)];
    } else if (isObj(cur) && !/^\d+$/.test(k) && (last || Object.hasOwn(cur, k))) {
      if (last) cur[k] = value;
      else cur = cur[k];
    } else throw new RangeError(`no field '${k}' in ${path}`);
  });
}

/** Applies URL path=value pairs to a copy of `base`; a pair with an unsafe key or a bad path is reported, not applied. */
export function applySets(base: Record<string, Json>, sets: string[]): { spec: Record<string, Json>; refused: string[] } {
  const spec = structuredClone(base);
  const refused: string[] = [];
  for (const s of sets) {
    const eq = s.indexOf('=');
    const path = eq > 0 ? s.slice(0, eq) : '';
    const keys = path.split(/[.[\]]+/).filter(Boolean);
    if (!path || keys.some((k) => FORBIDDEN.has(k) || !(SAFE_KEY.test(k) || /^\d+$/.test(k)))) {
      refused.push(s);
      continue;
    }
    try {
      setPath(spec, path, JSON.parse(s.slice(eq + 1)));
    } catch {
      refused.push(s);
    }
  }
  return { spec, refused };
}
