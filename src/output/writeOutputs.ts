// The one writer of run outputs (Node only). `plasticnet run` and `resume` (executeRun), the library's
// writeRunOutputs and every sweep cell write through writeOutputs: each path through safeJoin (a name that is
// not a plain file name or leaves the output directory is refused), each file atomically, and an errno
// failure (ENOSPC, EACCES, ...) as OutputWriteError naming the output directory (exit status 5 in the CLI).
// runOutputList is the one output list of a run: spec.json, <name>.npy per runArrays entry, summary.json,
// report.html (what the app exports too). The output directory's lock and --force are src/cli/outDir.ts's.
import { writeFileAtomic, writeJson, writeNpy } from '../io/files.ts';
import type { NpyArray } from '../io/npy.ts';
import { safeJoin } from '../io/safePath.ts';
import { OutputWriteError } from '../io/checkpointFile.ts';
import type { NetworkSpec } from '../model/spec.ts';
import type { RunResult } from '../pipeline/simulation.ts';
import { renderReportFor, runArrays, summarizeRun, type RunMeta, type RunSummary } from './runOutput.ts';

/** One output file: its plain file name and content (JSON value, .npy array, or text). */
export type OutputFile =
  | { name: string; json: unknown }
  | { name: string; npy: NpyArray; shape: readonly number[] }
  | { name: string; text: string };

/**
 * Writes `files` into `dir` (created if missing) in order; returns their names. `errorDir` is the directory an
 * OutputWriteError names (the run's --out; default `dir`).
 */
export function writeOutputs(dir: string, files: readonly OutputFile[], errorDir = dir): string[] {
  const paths = files.map((f) => safeJoin(dir, f.name)); // every name checked before the first write
  try {
    files.forEach((f, i) => {
      const p = paths[i]!;
      if ('json' in f) writeJson(p, f.json);
      else if ('npy' in f) writeNpy(p, f.npy, f.shape);
      else writeFileAtomic(p, f.text);
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new OutputWriteError(errorDir, code, e);
    throw e;
  }
  return files.map((f) => f.name);
}

/** A run's outputs as values (the library's RunOutputs has this shape). */
export interface RunFileSet {
  summary: unknown;
  arrays: readonly { name: string; data: NpyArray; shape: readonly number[] }[];
  reportHtml: string;
}

/** The one output list of a run (spiking or rate), in writing order: spec.json, the arrays as <name>.npy, summary.json, report.html. */
export function runOutputList(spec: unknown, o: RunFileSet): OutputFile[] {
  return [
    { name: 'spec.json', json: spec },
    ...o.arrays.map((a) => ({ name: `${a.name}.npy`, npy: a.data, shape: a.shape })),
    { name: 'summary.json', json: o.summary },
    { name: 'report.html', text: o.reportHtml },
  ];
}

/**
 * Summarises a finished (or interrupted / guard-stopped) run of `spec` and writes its output list into `out`; returns
 * the summary (summary.meta.interrupted set when the run was stopped by a signal).
 */
export function writeRunResult(out: string, spec: NetworkSpec, result: RunResult, meta: RunMeta): RunSummary {
  const { summary, analysis } = summarizeRun(result, meta);
  if (result.interrupted) Object.assign(summary.meta, { interrupted: result.interrupted });
  writeOutputs(out, runOutputList(spec, { summary, arrays: runArrays(result, analysis), reportHtml: renderReportFor(result, summary) }));
  return summary;
}
