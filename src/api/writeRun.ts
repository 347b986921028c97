// writeRunOutputs: RunOutputs as the files of a `plasticnet run` output directory (Node only).
import { runOutputList, writeOutputs } from '../output/writeOutputs.ts';
import type { NetworkSpec } from '../model/spec.ts';
import type { RunOutputs } from './outputs.ts';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Writes spec.json, summary.json, report.html and one `<name>.npy` per array into `dir` (created if missing),
 * and returns the file names written. Array names must be plain file stems (letters, digits, `_`, `.`, `-`).
 */
export function writeRunOutputs(dir: string, spec: NetworkSpec, outputs: RunOutputs): string[] {
  for (const a of outputs.arrays) {
    if (!SAFE_NAME.test(a.name) || a.name.includes('..')) throw new RangeError(`writeRunOutputs: array name ${JSON.stringify(a.name)}: allowed letters, digits, '_', '.', '-' (no path)`);
  }
  return writeOutputs(dir, runOutputList(spec, outputs));
}
