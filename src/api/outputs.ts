// The outputs of a finished run, in memory (no file system): what `plasticnet run` writes as files.
import { renderReportFor, runArrays, summarizeRun, type RunMeta, type RunSummary } from '../analysis/runOutput.ts';
import type { RunResult } from '../engine/simulation.ts';
import { encodeNpy, type NpyArray } from '../io/npy.ts';

export type { RunMeta, RunSummary };

/** One named array of a run, ready for a .npy file (`<name>.npy`). */
export interface NamedArray {
  /** File stem, e.g. `rates_Hz`, `raster_step`, `weights_E_from_I_j`. */
  name: string;
  /** The values (a view: copy it before the run advances further). */
  data: NpyArray;
  /** Array shape, row-major. */
  shape: number[];
}

/** A run's outputs: what `plasticnet run` writes to its output directory, as values. */
export interface RunOutputs {
  /** The object of summary.json: statistics, mean-field theory beside them, run metadata. */
  summary: RunSummary;
  /** The arrays written as `<name>.npy` (see {@link npyFiles}). */
  arrays: NamedArray[];
  /** The self-contained report.html (inline SVG figures). */
  reportHtml: string;
}

/** Computes a run's outputs; missing `meta` fields become `'unknown'` (commit, host) and now (date). */
export function runOutputs(r: RunResult, meta: Partial<RunMeta> = {}): RunOutputs {
  const full: RunMeta = { commit: meta.commit ?? 'unknown', date: meta.date ?? new Date().toISOString(), host: meta.host ?? 'unknown' };
  const { summary, analysis } = summarizeRun(r, full);
  return { summary, arrays: runArrays(r, analysis), reportHtml: renderReportFor(r, summary) };
}

/** The arrays of {@link RunOutputs} as .npy files: file name (`<name>.npy`) and bytes. */
export function npyFiles(outputs: Pick<RunOutputs, 'arrays'>): { file: string; bytes: Uint8Array }[] {
  return outputs.arrays.map((a) => ({ file: `${a.name}.npy`, bytes: encodeNpy(a.data, a.shape) }));
}
