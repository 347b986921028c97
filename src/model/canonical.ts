// Canonical JSON: the one text of a value that its hashes (checkpoint spec hash, sweep cell hash, the app's
// spec tag) are taken over. Pure, no Node imports, so the browser app uses it too.

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
  ) ?? 'null';
}
