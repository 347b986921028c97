// A short tag naming the spec a run came from: FNV-1a (32 bits, 8 hex digits) of the spec's canonical JSON
// (keys sorted), so the same spec gives the same tag whatever its key order or formatting. Not a security hash:
// it labels results and download names so that runs of different specs cannot be mistaken for each other.

import { canonicalJson } from '../model/canonical.ts';

/** Canonical JSON (src/model/canonical.ts), kept under this name for the app. */
export const canonical = canonicalJson;

/** 8 hex digits of FNV-1a over the UTF-16 code units of the spec's canonical JSON. */
export function specTag(spec: unknown): string {
  const s = canonical(spec);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
