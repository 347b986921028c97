// `plasticnet export-weights <src> --out <dir>`: learned weights (exact scaled J, j, synapses) and the spec
// from a finished run, a checkpoint or a weights directory, for `plasticnet run --init-weights <dir>`.
// `plasticnet checkpoint-info <file|dir>`: a checkpoint's header (step, reason, guard, spec, sections).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpointHeader } from '../../io/checkpointFile.ts';
import { exportWeights, loadWeights } from '../../io/weightsFile.ts';
import { checkOutPath, prepareOut } from '../outDir.ts';
import { CHECKPOINT_FILE, GUARD_CHECKPOINT_FILE } from '../runSession.ts';

export function exportWeightsCommand(src: string, flags: { out: string; force: boolean; quiet: boolean }): number {
  checkOutPath(flags.out);
  const w = loadWeights(src);
  const lock = prepareOut(flags.out, flags.force);
  let files: string[];
  try {
    files = exportWeights(w, flags.out);
  } finally {
    lock.release();
  }
  if (!flags.quiet) {
    for (const p of w.projections) console.log(`${p.name}: ${p.j.length} synapses${p.J ? '' : ' (j only: the source has no exact Jscaled weights)'}`);
    console.log(`wrote ${files.length} files to ${flags.out} from ${w.source}; start a run from them with --init-weights ${flags.out}`);
  }
  return 0;
}

export function checkpointInfoCommand(path: string): number {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) file = existsSync(join(path, CHECKPOINT_FILE)) ? join(path, CHECKPOINT_FILE) : join(path, GUARD_CHECKPOINT_FILE);
  const h = readCheckpointHeader(file);
  const m = h.meta as Record<string, unknown> & { spec?: { name?: string; N?: number } };
  const { spec, scalars, connectivity, ...rest } = m;
  void scalars;
  console.log(JSON.stringify({ file, version: h.version, ...rest, spec: spec ? { name: spec.name, N: spec.N } : null, projections: connectivity, sections: h.sections.map((s) => `${s.name} ${s.dtype}[${s.length}]`) }, null, 2));
  return 0;
}
