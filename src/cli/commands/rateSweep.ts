// `plasticnet sweep <rate spec>`: a resumable grid of rate runs over seeds and any spec field (--set), one rate run
// per cell (src/sweep/rateSweep.ts). Writes <out>/cells/<id>.json and <out>/cells/<id>/ (the run's summary.json,
// .npy arrays, report.html) per finished cell, then <out>/table.csv, table.json and report.html.
import { totalmem } from 'node:os';
import { renderReport } from '../../io/report.ts';
import { terminalSafe } from '../../model/names.ts';
import { writeOutputs } from '../../output/writeOutputs.ts';
import { deriveRate } from '../../models/rate/derive.ts';
import { runRateBackend } from '../../models/rate/command.ts';
import { checkRateBatchFits } from '../../models/rate/resources.ts';
import { preflightRateSweep, rateTableRows, runRateSweep, type RateSweepCell } from '../../sweep/rateSweep.ts';
import { toCsv } from '../../sweep/sweepReport.ts';
import { UsageError } from '../loadSpec.ts';
import { catchSignals } from '../interrupt.ts';
import { acquireLock, checkOutPath, createOutDir } from '../outDir.ts';
import { runMeta } from '../runInfo.ts';
import type { SweepFlags } from './sweep.ts';

/** Writes table.csv, table.json and report.html of the finished rate cells. */
function writeRateSweepOutputs(out: string, cells: RateSweepCell[], info: Record<string, unknown>, title: string): void {
  const rows = rateTableRows(cells);
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const fmt = (v: string | number | null | undefined): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(5)) : (v ?? ''));
  const report = renderReport(title, [
    {
      heading: 'Cells',
      note: `${cells.length} cells of '${String(info['spec'])}', one rate run each (cells/<id>/ holds its summary.json, .npy arrays and report.html). Final trial means: mean, sd, min and max over the networks of the cell's batch.`,
      tableRows: [cols, ...rows.map((r) => cols.map((k) => fmt(r[k])))],
      svgs: [],
    },
  ], `${String(info['commit'])} ${String(info['date'])} ${String(info['host'])}`);
  writeOutputs(out, [
    { name: 'table.csv', text: toCsv(rows) },
    { name: 'table.json', json: { ...info, cells } },
    { name: 'report.html', text: report },
  ]);
}

/** The sweep of a rate spec; returns the exit status (130 / 143 when stopped by a signal). */
export async function rateSweepCommand(ref: string, base: Record<string, unknown>, f: SweepFlags): Promise<number> {
  for (const [flag, v] of [['--N', f.N], ['--c', f.c], ['--T', f.T_s], ['--stats-start', f.statsStart_s], ['--threads', f.threads]] as const) {
    if (v !== undefined) throw new UsageError(`${flag} does not apply to a rate network (kind 'rate'): sweep its fields with --set (e.g. --set plasticity.alphaE=1e-4,5e-4 or --set trials.count=100) and --seeds`);
  }
  if (f.backend !== 'auto' && f.backend !== 'cpu' && f.backend !== 'webgpu') throw new UsageError(`--backend '${f.backend}': allowed for a rate network auto, cpu, webgpu`);
  const backend = f.backend === 'webgpu' ? 'webgpu' : 'cpu'; // auto: the CPU reference (as plasticnet run of a rate spec)
  checkOutPath(f.out);
  const grid = { seeds: f.seeds ?? [typeof base['seed'] === 'number' ? (base['seed'] as number) : 1], set: f.set };
  let total: number;
  try {
    total = preflightRateSweep(base, grid, f.out, (spec) => checkRateBatchFits(deriveRate(spec), f.maxMemory, totalmem()));
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message); // a --set path that does not exist (exit 2)
    throw e;
  }
  const log = (s: string) => !f.quiet && process.stderr.write(`${terminalSafe(s)}\n`);
  log(`sweep ${ref} (rate network): ${total} cells -> ${f.out}`);
  createOutDir(f.out, (code) => code !== 'ENOTDIR' && code !== 'EEXIST');
  const lock = acquireLock(f.out);
  const intr = catchSignals();
  try {
    const meta = runMeta();
    const res = await runRateBackend(() => runRateSweep({
      base,
      grid,
      out: f.out,
      backend,
      force: f.force,
      meta,
      shouldStop: intr.requested,
      onCellStart: (_k, id, i, n, spec) => log(`[${i + 1}/${n}] ${id}: ${spec.batch} network(s) x ${spec.trials.count} trials`),
      onCellDone: (c, ran, i, n) => log(`[${i + 1}/${n}] ${ran ? 'done' : 'skipped (finished earlier)'} ${c.id}: ${Object.entries(c.final.trialMean_Hz).map(([p, v]) => `${p} ${v.mean.toPrecision(4)} Hz`).join(', ')}${ran ? `; wall ${c.wall_s.toFixed(1)} s` : ''}`),
    }));
    const info = { spec: ref, kind: 'rate', grid, backend, ran: res.ran, skipped: res.skipped, wall_s: res.wall_s, ...(res.interrupted ? { interrupted: res.interrupted } : {}), ...meta };
    writeRateSweepOutputs(f.out, res.cells, info, `plasticnet sweep: ${ref}${res.interrupted ? ' (interrupted)' : ''}`);
    if (res.interrupted) {
      console.error(`plasticnet: sweep stopped by ${res.interrupted} after ${res.cells.length} of ${total} cells; finished cells are in ${f.out}/cells (rerun the same command to continue)`);
      return intr.exitCode();
    }
    log(`${res.ran} cells run, ${res.skipped} skipped; wrote ${f.out}/table.csv, table.json, report.html`);
    return 0;
  } finally {
    intr.dispose();
    lock.release();
  }
}
