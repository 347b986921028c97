// The grammar of user-chosen names (spec, populations, inputs, signals): they become file names
// (weights_<post>_from_<pre>_j.npy), object keys, CSV headers and terminal output, so only a safe set is
// accepted. A projection's name is `<post><-<pre>` of two such names.

/** 1 to 64 characters: a letter, then letters, digits, '_', '.' or '-'; never '..'. */
const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The rule as error messages state it. */
export const NAME_RULE = "a name of 1 to 64 characters: a letter (A-Z, a-z), then letters, digits, '_', '.' or '-', without '..'";

/** The key of the summed current in per-population current tables; no population or input may take this name. */
export const TOTAL_CHANNEL = 'total';

export function isSafeName(v: unknown): v is string {
  return typeof v === 'string' && NAME_RE.test(v) && !v.includes('..');
}

/** Whether `v` is a projection name `<post><-<pre>` of two safe names. */
export function isSafeProjectionName(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const parts = v.split('<-');
  return parts.length === 2 && isSafeName(parts[0]) && isSafeName(parts[1]);
}

/**
 * Text safe to print on a terminal: C0/C1 control characters (ESC of ANSI sequences, BEL, CR, ...) other
 * than newline and tab become '?', and bidirectional overrides are dropped.
 */
export function terminalSafe(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?').replace(/[\u202a-\u202e\u2066-\u2069]/g, '');
}
