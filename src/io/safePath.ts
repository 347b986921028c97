// Output paths built from names: every writer joins through safeJoin, which refuses a name that is not
// a plain file name or whose resolved path leaves the output directory (a population named '../x').
import { isAbsolute, join, relative, resolve } from 'node:path';

/** A file name that would leave its directory (exit status 2: bad input). */
export class UnsafePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafePathError';
  }
}

/** `outDir/name`, refused when `name` holds a separator, NUL, '..' or resolves outside outDir. */
export function safeJoin(outDir: string, name: string): string {
  if (name.length === 0 || name.length > 255 || /[\\/\u0000]/.test(name) || name === '.' || name === '..')
    throw new UnsafePathError(`refused output file name ${JSON.stringify(name.slice(0, 80))}: not a plain file name (no '/', '\\\\', NUL, '.' or '..'; at most 255 characters)`);
  const base = resolve(outDir);
  const p = resolve(base, name);
  const rel = relative(base, p);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UnsafePathError(`refused output file name ${JSON.stringify(name.slice(0, 80))}: it resolves outside '${outDir}'`);
  return join(outDir, name);
}
