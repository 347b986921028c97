// `plasticnet sweep`: a resumable grid of runs over N, seeds, input correlation c and any spec field.
// Writes <out>/cells/<id>.json per finished cell (rerun skips them), <out>/table.csv, table.json and report.html.
import { cellCost, cellPath, cellSpec, runSweep, type SweepCell } from '../../sweep/sweep.ts';
import { cellId, gridCells, type SetDimension } from '../../sweep/sweepGrid.ts';
import { terminalSafe } from '../../model/names.ts';
import { renderSweepReport, scalingFits, fitText, sweepTable, tableRows, toCsv } from '../../sweep/sweepReport.ts';
import type { Backend } from '../../pipeline/simulation.ts';
import { writeOutputs } from '../../output/writeOutputs.ts';
import { loadSpec, UsageError } from '../loadSpec.ts';
import { progressBar } from '../progress.ts';
import { runMeta } from '../runInfo.ts';
import { printTable } from './run.ts';
import { catchSignals } from '../interrupt.ts';
import { checkOutPath, acquireLock, createOutDir } from '../outDir.ts';
import { checkResources } from '../resources.ts';
import { isRateSpec } from '../../models/rate/spec.ts';
import { rateSweepCommand } from './rateSweep.ts';

export interface SweepFlags {
  N?: number[]; // required for spiking networks; refused for rate networks
  seeds?: number[]; // default: [1] (spiking), the spec's seed (rate)
  c?: number[]; // default [0]; refused for rate networks
  set: SetDimension[];
  T_s?: number;
  statsStart_s?: number;
  backend: Backend;
  threads?: number; // --threads: CPU engine threads per cell (default: the machine's cores)
  out: string;
  force: boolean;
  quiet: boolean;
  maxMemory?: number; // --max-memory in bytes
}

const hms = (s: number): string => (s < 60 ? `${s.toFixed(0)}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`);
const g = (v: number | undefined | null, d = 3): string => (v === undefined || v === null || !Number.isFinite(v) ? 'n/a' : v.toPrecision(d));

/** Writes table.csv, table.json and report.html of the cells. */
export function writeSweepOutputs(out: string, cells: SweepCell[], info: Record<string, unknown>, title: string): void {
  const note = `${cells.length} cells of '${String(info['spec'])}'.`;
  writeOutputs(out, [
    { name: 'table.csv', text: toCsv(tableRows(cells)) },
    { name: 'table.json', json: sweepTable(cells, info) },
    { name: 'report.html', text: renderSweepReport(cells, title, note) },
  ]);
}

/** Runs the sweep; returns the exit status (3 when a cell was stopped by a guard). */
export async function sweepCommand(ref: string, flags: SweepFlags): Promise<number> {
  const base = loadSpec(ref);
  if (isRateSpec(base)) return rateSweepCommand(ref, base, flags); // one rate run per cell (src/sweep/rateSweep.ts)
  if (flags.N === undefined) throw new UsageError('sweep: --N is required (e.g. --N 1000,2000)');
  const f: SpikingSweepFlags = { ...flags, N: flags.N, seeds: flags.seeds ?? [1], c: flags.c ?? [0] };
  checkOutPath(f.out);
  const grid = { N: f.N, seeds: f.seeds, c: f.c, set: f.set };
  // Pre-flight: every cell's spec must build and validate before the first (long) run starts.
  const so = { ...(f.T_s !== undefined ? { T_s: f.T_s } : {}), ...(f.statsStart_s !== undefined ? { statsStart_s: f.statsStart_s } : {}) };
  for (const k of gridCells(grid)) {
    try {
      checkResources(cellSpec(base, k, so), f.maxMemory);
      cellPath(f.out, cellId(k)); // its file name must stay under --out (UnsafePathError: exit 2)
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
  }
  const total = f.N.length * f.seeds.length * f.c.length * f.set.reduce((a, d) => a * d.values.length, 1);
  const T = f.T_s ?? (typeof base['T_s'] === 'number' ? (base['T_s'] as number) : NaN);
  const log = (s: string) => !f.quiet && process.stderr.write(`${terminalSafe(s)}\n`);
  log(`sweep ${ref}: ${total} cells -> ${f.out}`);
  createOutDir(f.out, (code) => code !== 'ENOTDIR' && code !== 'EEXIST');
  const lock = acquireLock(f.out);
  const intr = catchSignals();
  try {
    return await sweepLocked(ref, f, base, grid, total, T, intr.requested, intr.exitCode, log);
  } finally {
    intr.dispose();
    lock.release();
  }
}

type SpikingSweepFlags = SweepFlags & Required<Pick<SweepFlags, 'N' | 'seeds' | 'c'>>;

async function sweepLocked(
  ref: string,
  f: SpikingSweepFlags,
  base: Record<string, unknown>,
  grid: Parameters<typeof gridCells>[0],
  total: number,
  T: number,
  shouldStop: () => string | null,
  stopCode: () => number,
  log: (s: string) => void,
): Promise<number> {
  let bar: ReturnType<typeof progressBar> | null = null;
  const t0 = performance.now();
  let doneCost = 0;
  let doneWall = 0;
  let remainingCost = f.N.reduce((a, n) => a + cellCost(n, T), 0) * (total / f.N.length);
  const res = await runSweep({
    shouldStop,
    base,
    grid,
    out: f.out,
    backend: f.backend,
    ...(f.threads !== undefined ? { threads: f.threads } : {}),
    force: f.force,
    meta: runMeta(),
    ...(f.T_s !== undefined ? { T_s: f.T_s } : {}),
    ...(f.statsStart_s !== undefined ? { statsStart_s: f.statsStart_s } : {}),
    onCellStart: (k, id, i, n, spec) => {
      log(`[${i + 1}/${n}] ${id}: N = ${k.N}, seed ${k.seed}, c = ${k.c}, T = ${spec.T_s} s`);
      bar = progressBar(`  cell ${i + 1}/${n}`, spec.T_s, f.quiet);
    },
    onCellProgress: (p) => bar?.update(p),
    onCellDone: (cell, ran, i, n) => {
      bar?.stop();
      bar = null;
      const cost = cellCost(cell.key.N, cell.T_s);
      remainingCost -= cost;
      if (ran) {
        doneCost += cost;
        doneWall += cell.wall_s + cell.build_s;
      }
      const eta = doneCost > 0 ? (doneWall / doneCost) * remainingCost : NaN;
      const rates = Object.entries(cell.rates_Hz).map(([p, r]) => `r_${p} ${g(r)}`).join(', ');
      const covs = Object.entries(cell.pairs).map(([k, v]) => `C_${k} ${g(v.cov)}`).join(', ');
      log(
        `[${i + 1}/${n}] ${ran ? 'done' : 'skipped (finished earlier)'} ${cell.id}: ${rates}; ${covs}${ran ? `; wall ${hms(cell.wall_s)}` : ''}` +
          ` | overall ${i + 1}/${n} cells, elapsed ${hms((performance.now() - t0) / 1000)}, ETA ${Number.isFinite(eta) ? hms(eta) : '-'}`,
      );
    },
  });
  if (res.interrupted) {
    (bar as ReturnType<typeof progressBar> | null)?.stop();
    const info = { spec: ref, grid, T_s: f.T_s ?? null, statsStart_s: f.statsStart_s ?? null, ran: res.ran, skipped: res.skipped, wall_s: res.wall_s, interrupted: res.interrupted, ...runMeta() };
    writeSweepOutputs(f.out, res.cells, info, `plasticnet sweep: ${ref} (interrupted)`);
    console.error(`plasticnet: sweep stopped by ${res.interrupted} after ${res.cells.length} of ${total} cells; finished cells are in ${f.out}/cells (rerun the same command to continue)`);
    return stopCode();
  }
  const info = { spec: ref, grid, T_s: f.T_s ?? null, statsStart_s: f.statsStart_s ?? null, ran: res.ran, skipped: res.skipped, wall_s: res.wall_s, ...runMeta() };
  writeSweepOutputs(f.out, res.cells, info, `plasticnet sweep: ${ref}`);
  if (!f.quiet) {
    const rows: string[][] = [['group', 'pair', 'slope of log C vs log N [95% CI]', 'theory (uncorrected)']];
    for (const s of scalingFits(res.cells)) rows.push([s.group, s.pair, fitText(s.sim), 'error' in s.theoryUncorrected ? 'n/a' : g(s.theoryUncorrected.slope)]);
    console.log('');
    printTable(rows);
    console.log(terminalSafe(`\n${res.ran} cells run, ${res.skipped} skipped; wrote ${f.out}/table.csv, table.json, report.html`));
  }
  return res.cells.some((c) => c.stoppedBy) ? 3 : 0;
}
