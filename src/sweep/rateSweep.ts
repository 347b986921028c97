// Sweeps of rate networks (kind 'rate', src/models/rate): a grid over seeds and any spec field (--set path=v1,v2),
// each cell one rate run (runRate) of the cell's spec, so a cell gives exactly the numbers of `plasticnet run` of
// that spec alone. Cells are not merged into one batch: a network's noise and initial-weight draws are keyed by its
// index in the batch (Philox counter, src/models/rate/cpu.ts), so network k of a shared batch draws other numbers
// than the same spec run alone; a batch inside a cell (spec.batch, init.kind 'list') still runs as one batch.
// Each finished cell is saved as cells/<id>.json (its record) and cells/<id>/ (the run's outputs); a rerun skips
// cells whose spec hash matches (resumable), like spiking sweeps (sweep.ts).
import { existsSync, readFileSync } from 'node:fs';
import { safeJoin } from '../io/safePath.ts';
import { SpecError } from '../model/validate.ts';
import { writeOutputs } from '../output/writeOutputs.ts';
import { deriveRate } from '../models/rate/derive.ts';
import { summarizeRate, type RateSummary } from '../models/rate/output.ts';
import { runRate, type RateResult } from '../models/rate/run.ts';
import type { RateSpec } from '../models/rate/spec.ts';
import { validateRateSpec } from '../models/rate/validate.ts';
import { writeRateOutputs } from '../models/rate/command.ts';
import { cellId, groupLabel, setPath, specHash, type CellKey, type SetDimension } from './sweepGrid.ts';
import { cellPath } from './sweep.ts';

/** The grid of a rate sweep: seeds and --set dimensions (N and c are spiking-network dimensions). */
export interface RateSweepGrid {
  seeds: number[];
  set: SetDimension[];
}

/** The saved record of one rate cell (cells/<id>.json). */
export interface RateSweepCell {
  kind: 'rate';
  id: string;
  seed: number;
  set: Record<string, unknown>;
  group: string;
  specHash: string;
  spec: string; // spec name
  batch: number;
  trials: number; // completed
  trialsRequested: number;
  backend: string;
  device: string;
  wall_s: number;
  final: RateSummary['final'];
  setpoints_Hz: RateSummary['setpoints_Hz'];
  meta: { commit: string; date: string; host: string };
}

/** The cells of the grid: --set combinations (in the order given), then seeds. */
export function rateGridCells(g: RateSweepGrid): CellKey[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const d of g.set) combos = combos.flatMap((c) => d.values.map((v) => ({ ...c, [d.path]: v })));
  return combos.flatMap((set) => g.seeds.map((seed) => ({ N: 0, seed, c: 0, set })));
}

/** A rate cell's id: seed<k>[_path=value...] (file-safe, as spiking cells without N and c). */
export function rateCellId(k: CellKey): string {
  return cellId(k).replace(/^N0_/, '').replace(/_c0(?=_|$)/, '');
}

/**
 * The validated spec of a cell: base, its seed, then the --set fields in order. A bad value is a SpecError naming
 * the cell, the field, the value and the allowed range (exit 2); a bad path a RangeError naming the path.
 */
export function rateCellSpec(base: Record<string, unknown>, k: CellKey): RateSpec {
  const s = structuredClone(base);
  s['seed'] = k.seed;
  for (const [p, v] of Object.entries(k.set)) setPath(s, p, v);
  if (s['kind'] !== 'rate') throw new RangeError(`sweep cell ${rateCellId(k)}: --set kind = ${JSON.stringify(s['kind'])}: a rate sweep keeps kind 'rate'`);
  try {
    return validateRateSpec(s);
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(e.issues.map((i) => ({ ...i, path: `sweep cell ${rateCellId(k)}: ${i.path}` })));
    throw e;
  }
}

/** The directory of a cell's run outputs (stays under out/cells). */
export const rateCellDir = (out: string, id: string): string => safeJoin(safeJoin(out, 'cells'), id);

function loadFinished(out: string, id: string, hash: string): RateSweepCell | null {
  const p = cellPath(out, id);
  if (!existsSync(p)) return null;
  try {
    const c = JSON.parse(readFileSync(p, 'utf8')) as RateSweepCell;
    return c && c.kind === 'rate' && c.id === id && c.specHash === hash && c.trials === c.trialsRequested ? c : null;
  } catch {
    return null;
  }
}

export interface RateSweepOptions {
  base: Record<string, unknown>;
  grid: RateSweepGrid;
  out: string;
  backend: string;
  force?: boolean;
  meta: { commit: string; date: string; host: string };
  shouldStop?: () => string | null;
  onCellStart?: (k: CellKey, id: string, index: number, total: number, spec: RateSpec) => void;
  onTrial?: (trial: number, total: number) => void;
  onCellDone?: (cell: RateSweepCell, ran: boolean, index: number, total: number) => void;
  /** Each finished run (tests compare it with the cell's spec run alone). */
  onResult?: (cell: RateSweepCell, r: RateResult) => void;
}

export interface RateSweepResult {
  cells: RateSweepCell[];
  ran: number;
  skipped: number;
  wall_s: number;
  interrupted?: string;
}

/** Runs every cell (skipping finished ones unless force); a stop request ends the sweep without saving the unfinished cell. */
export async function runRateSweep(o: RateSweepOptions): Promise<RateSweepResult> {
  const keys = rateGridCells(o.grid);
  const cells: RateSweepCell[] = [];
  let ran = 0;
  let skipped = 0;
  const t0 = performance.now();
  const wall = (): number => (performance.now() - t0) / 1000;
  for (const [i, k] of keys.entries()) {
    const spec = rateCellSpec(o.base, k);
    const id = rateCellId(k);
    const hash = specHash(spec);
    const done = o.force ? null : loadFinished(o.out, id, hash);
    if (done) {
      cells.push(done);
      skipped++;
      o.onCellDone?.(done, false, i, keys.length);
      continue;
    }
    const stop = o.shouldStop?.() ?? null;
    if (stop !== null) return { cells, ran, skipped, wall_s: wall(), interrupted: stop };
    o.onCellStart?.(k, id, i, keys.length, spec);
    const r = await runRate(spec, { backend: o.backend, ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}), ...(o.onTrial ? { onTrial: o.onTrial } : {}) });
    if (r.interrupted) return { cells, ran, skipped, wall_s: wall(), interrupted: r.interrupted.reason };
    const s = summarizeRate(r, o.meta);
    const cell: RateSweepCell = { kind: 'rate', id, seed: k.seed, set: k.set, group: groupLabel({ c: 0, set: k.set }).replace(/^c=0(, )?/, '') || 'all', specHash: hash, spec: spec.name, batch: spec.batch, trials: s.trials, trialsRequested: s.trialsRequested, backend: r.backend, device: r.device, wall_s: r.wall_s, final: s.final, setpoints_Hz: s.setpoints_Hz, meta: o.meta };
    writeRateOutputs(rateCellDir(o.out, id), r, s);
    writeOutputs(safeJoin(o.out, 'cells'), [{ name: `${id}.json`, json: cell }]); // last: a cell with a record is finished
    o.onResult?.(cell, r);
    cells.push(cell);
    ran++;
    o.onCellDone?.(cell, true, i, keys.length);
  }
  return { cells, ran, skipped, wall_s: wall() };
}

/** Checks every cell's spec and output path before the first run (exit 2 on a bad value or path); returns the cell count. */
export function preflightRateSweep(base: Record<string, unknown>, grid: RateSweepGrid, out: string, fits: (spec: RateSpec) => void): number {
  const keys = rateGridCells(grid);
  for (const k of keys) {
    const spec = rateCellSpec(base, k);
    deriveRate(spec);
    fits(spec);
    cellPath(out, rateCellId(k));
    rateCellDir(out, rateCellId(k));
  }
  return keys.length;
}

/** One table row per cell: coordinates, final trial means (over networks) and total input weights. */
export function rateTableRows(cells: readonly RateSweepCell[]): Record<string, string | number | null>[] {
  return cells.map((c) => {
    const row: Record<string, string | number | null> = { id: c.id, seed: c.seed };
    for (const [p, v] of Object.entries(c.set)) row[p] = typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
    row['batch'] = c.batch;
    row['trials'] = c.trials;
    for (const [n, f] of Object.entries(c.final.trialMean_Hz)) Object.assign(row, { [`${n}_mean_Hz`]: f.mean, [`${n}_sd_Hz`]: f.sd, [`${n}_min_Hz`]: f.min, [`${n}_max_Hz`]: f.max });
    for (const [n, w] of Object.entries(c.final.weightSum)) row[`W_${n}`] = w.mean;
    row['wall_s'] = c.wall_s;
    return row;
  });
}
