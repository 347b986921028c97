// writeRunOutputs: RunOutputs as the files of a `plasticnet run` output directory (Node only).
import { join } from 'node:path';
import { writeFileAtomic, writeJson, writeNpy } from '../io/files.ts';
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
  const written: string[] = [];
  writeJson(join(dir, 'spec.json'), spec);
  written.push('spec.json');
  for (const a of outputs.arrays) {
    writeNpy(join(dir, `${a.name}.npy`), a.data, a.shape);
    written.push(`${a.name}.npy`);
  }
  writeJson(join(dir, 'summary.json'), outputs.summary);
  writeFileAtomic(join(dir, 'report.html'), outputs.reportHtml);
  written.push('summary.json', 'report.html');
  return written;
}
