// Parameter sweeps (issue 8): run every cell of a grid over N, seeds, input correlation c and any spec field,
// one simulation per cell, each finished cell saved as cells/<id>.json so that a rerun skips it (resumable).
// The cell record holds the statistics the N-scaling analysis needs and the mean-field theory beside them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation, type Backend, type Progress, type RunResult } from '../pipeline/simulation.ts';
import { writeOutputs } from '../output/writeOutputs.ts';
import { safeJoin } from '../io/safePath.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { validate } from '../model/validate.ts';
import { analyze } from '../stats/summary.ts';
import { cellId, gridCells, groupLabel, setPath, specHash, type CellKey, type SweepGrid } from './sweepGrid.ts';
import { cellTheory, type CellTheory } from './sweepTheory.ts';
import { predictWeights, type WeightPrediction } from '../theory/adapters/weightTheory.ts';
import { spikingRecordings } from '../record/recordings.ts';
import { cellRunOptions, gpuBatchWanted, runSweepBatched } from './sweepBatch.ts';

/** The saved result of one cell (cells/<id>.json). */
export interface SweepCell {
  id: string;
  key: CellKey;
  group: string; // label of the cell's curve: c and the --set values
  specHash: string;
  spec: string; // spec name
  T_s: number;
  statsStart_s: number;
  window_ms: number;
  nWindows: number;
  backend: string;
  device: string;
  wall_s: number;
  build_s: number;
  rtf: number;
  stoppedBy: string | null;
  rates_Hz: Record<string, number>;
  cv: Record<string, number>;
  fano: Record<string, number>;
  variance: Record<string, number>; // <var n_i> per population (spikes²)
  currents: Record<string, Record<string, number>>; // population -> channel (incl. 'total') -> mean current
  pairs: Record<string, { cov: number; corr: number }>;
  plastic: Record<string, { jInitial: number; jMeanFinal: number; jMeanSeries: number[]; r2Mean?: number; weightRateCov?: number }>;
  theory: CellTheory | { error: string };
  /** Theory at the initial weights too, when some projection is plastic. */
  theoryInitial?: CellTheory | { error: string };
  weightFixedPoint?: WeightPrediction | { error: string };
  meta: { commit: string; date: string; host: string };
}

export interface SweepEvents {
  /** A cell starts (index among all cells, total cells). */
  onCellStart?: (k: CellKey, id: string, index: number, total: number, spec: NetworkSpec) => void;
  onCellProgress?: (p: Progress) => void;
  /** A cell finished (ran: true) or was skipped (ran: false, found on disk). */
  onCellDone?: (cell: SweepCell, ran: boolean, index: number, total: number) => void;
}

export interface SweepOptions extends SweepEvents {
  base: Record<string, unknown>; // spec object (preset or parsed spec.json), not yet validated
  grid: SweepGrid;
  out: string;
  T_s?: number; // overrides the spec's T (statistics start follows at T/2 unless statsStart_s)
  statsStart_s?: number;
  backend?: Backend;
  /** A WebGPU device to run on (tests, browser); else the engines acquire one. */
  device?: GPUDevice;
  /** WebGPU cells as one-dispatch batches (sweepBatch.ts): default on where the backend is webgpu (or auto on a hardware adapter); false: cell by cell. */
  gpuBatch?: boolean;
  /** The WebGPU schedule of cells run alone (RunOptions.gpuSchedule). */
  gpuSchedule?: string;
  threads?: number; // CPU engine threads (default: the machine's cores)
  force?: boolean; // recompute cells found on disk
  meta: { commit: string; date: string; host: string };
  /** Asked between chunks and cells: a reason stops the sweep (the unfinished cell is not saved). */
  shouldStop?: () => string | null;
}

export interface SweepResult {
  cells: SweepCell[];
  ran: number;
  skipped: number;
  wall_s: number;
  /** Set when shouldStop stopped the sweep. */
  interrupted?: string;
}

/** Thrown by runCell when shouldStop stopped its run. */
export class CellInterrupted extends Error {}

/** The validated spec of a cell: base + N, seed, T, c (every input layer) and the --set fields, in that order. */
export function cellSpec(base: Record<string, unknown>, k: CellKey, o: { T_s?: number; statsStart_s?: number } = {}): NetworkSpec {
  const s = structuredClone(base);
  s['N'] = k.N;
  s['seed'] = k.seed;
  const rec = s['recording'] as Record<string, unknown> | undefined;
  if (o.T_s !== undefined) {
    s['T_s'] = o.T_s;
    if (rec && typeof rec === 'object') rec['statsStart_s'] = o.T_s / 2;
  }
  if (Array.isArray(s['inputs'])) for (const x of s['inputs'] as Record<string, unknown>[]) x['correlation'] = k.c;
  for (const [p, v] of Object.entries(k.set)) setPath(s, p, v);
  if (o.statsStart_s !== undefined && rec && typeof rec === 'object') rec['statsStart_s'] = o.statsStart_s;
  return validate(s);
}

/** Path of a cell's JSON inside a sweep folder. */
export const cellPath = (out: string, id: string): string => safeJoin(safeJoin(out, 'cells'), `${id}.json`);

/** The finished cell on disk if it exists and was computed from the same spec, else null. */
export function loadFinishedCell(out: string, id: string, hash: string): SweepCell | null {
  const p = cellPath(out, id);
  if (!existsSync(p)) return null;
  try {
    const c = JSON.parse(readFileSync(p, 'utf8')) as SweepCell;
    return c && c.id === id && c.specHash === hash ? c : null;
  } catch {
    return null;
  }
}

const numOr = (v: number | undefined | null): number => (v === undefined || v === null ? NaN : v);

/** Runs one cell and returns its record (does not write it). */
export async function runCell(
  spec: NetworkSpec,
  k: CellKey,
  opts: { backend?: Backend; device?: GPUDevice; gpuSchedule?: string; threads?: number; meta: SweepCell['meta']; onProgress?: (p: Progress) => void; shouldStop?: () => string | null },
): Promise<SweepCell> {
  const r = await runSimulation(spec, {
    backend: opts.backend ?? 'auto',
    ...(opts.device ? { device: opts.device } : {}),
    ...(opts.gpuSchedule ? { gpuSchedule: opts.gpuSchedule } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.shouldStop ? { shouldStop: opts.shouldStop } : {}),
  });
  if (r.interrupted) throw new CellInterrupted(r.interrupted.reason);
  return cellRecord(spec, k, r, opts.meta);
}

/** The record of a cell from its finished run (alone, or a member of a GPU batch: sweepBatch.ts). */
export function cellRecord(spec: NetworkSpec, k: CellKey, r: Pick<RunResult, 'recordings' | 'backend' | 'device' | 'wall_s' | 'build_s' | 'stoppedBy'>, meta: SweepCell['meta']): SweepCell {
  const a = analyze(spikingRecordings(r.recordings, 'a sweep cell (spike statistics)'), { covSample: spec.recording.covSample });
  const s = a.summary;
  const names = spec.populations.map((p) => p.name);
  const fano = names.map((n) => s.populations[n]?.fano ?? 1);
  const jFinal: Record<string, number> = Object.create(null); // keys are user names: no prototype
  for (const [name, v] of Object.entries(s.plastic)) jFinal[name] = v.jMeanFinal;
  const safe = <T>(f: () => T): T | { error: string } => {
    try {
      return f();
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const plastic: SweepCell['plastic'] = Object.create(null); // keys are user names: no prototype
  for (const [name, v] of Object.entries(s.plastic)) {
    const pr = spec.projections.find((p) => `${p.post}<-${p.pre}` === name);
    plastic[name] = {
      jInitial: pr?.j ?? NaN,
      jMeanFinal: v.jMeanFinal,
      jMeanSeries: v.jMeanSeries,
      ...(v.r2Mean !== undefined ? { r2Mean: v.r2Mean } : {}),
      ...(v.weightRateCov !== undefined ? { weightRateCov: v.weightRateCov } : {}),
    };
  }
  const isPlastic = Object.keys(jFinal).length > 0;
  const simT = (r.recordings.steps * r.recordings.dt_ms) / 1000;
  const pop = <T>(f: (p: (typeof s.populations)[string]) => T): Record<string, T> =>
    Object.fromEntries(names.map((n) => [n, f(s.populations[n]!)]));
  return {
    id: cellId(k),
    key: k,
    group: groupLabel(k),
    specHash: specHash(spec),
    spec: spec.name,
    T_s: spec.T_s,
    statsStart_s: spec.recording.statsStart_s,
    window_ms: s.window_ms,
    nWindows: s.nWindows,
    backend: r.backend,
    device: r.device,
    wall_s: r.wall_s,
    build_s: r.build_s,
    rtf: simT > 0 ? r.wall_s / simT : NaN,
    stoppedBy: r.stoppedBy ? r.stoppedBy.message : null,
    rates_Hz: pop((p) => p.rate_Hz),
    cv: pop((p) => p.cv_isi),
    fano: pop((p) => p.fano),
    variance: pop((p) => p.meanVar),
    currents: pop((p) => p.currents),
    pairs: s.pairs,
    plastic,
    theory: safe(() => cellTheory(spec, fano, isPlastic ? jFinal : undefined)),
    ...(isPlastic ? { theoryInitial: safe(() => cellTheory(spec, fano)), weightFixedPoint: predictWeights(spec) } : {}),
    meta,
  };
}

/** Runs the grid; finished cells (same id and spec hash) are loaded instead of rerun unless `force`. */
export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  if (await gpuBatchWanted(o)) return runSweepBatched(o);
  const keys = gridCells(o.grid);
  const t0 = performance.now();
  const cells: SweepCell[] = [];
  let ran = 0;
  let skipped = 0;
  const so = { ...(o.T_s !== undefined ? { T_s: o.T_s } : {}), ...(o.statsStart_s !== undefined ? { statsStart_s: o.statsStart_s } : {}) };
  for (const [i, k] of keys.entries()) {
    const stop = o.shouldStop?.() ?? null;
    if (stop !== null) return { cells, ran, skipped, wall_s: (performance.now() - t0) / 1000, interrupted: stop };
    const spec = cellSpec(o.base, k, so);
    const id = cellId(k);
    const hash = specHash(spec);
    const done = o.force ? null : loadFinishedCell(o.out, id, hash);
    if (done) {
      cells.push(done);
      skipped++;
      o.onCellDone?.(done, false, i, keys.length);
      continue;
    }
    o.onCellStart?.(k, id, i, keys.length, spec);
    let cell: SweepCell;
    try {
      cell = await runCell(spec, k, { ...cellRunOptions(o), ...(o.threads !== undefined ? { threads: o.threads } : {}), meta: o.meta, ...(o.onCellProgress ? { onProgress: o.onCellProgress } : {}), ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}) });
    } catch (e) {
      if (e instanceof CellInterrupted) return { cells, ran, skipped, wall_s: (performance.now() - t0) / 1000, interrupted: e.message };
      throw e;
    }
    writeOutputs(safeJoin(o.out, 'cells'), [{ name: `${id}.json`, json: cell }], o.out); // cellPath(o.out, id)
    cells.push(cell);
    ran++;
    o.onCellDone?.(cell, true, i, keys.length);
  }
  return { cells, ran, skipped, wall_s: (performance.now() - t0) / 1000 };
}

/** Relative cost of a cell for ETAs: synapses (∝ N²) times simulated time. */
export const cellCost = (N: number, T_s: number): number => N * N * T_s;

export { numOr };
