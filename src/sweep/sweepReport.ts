// Outputs of a sweep: table.json / table.csv (one row per cell), the log-log slope fits of every pair covariance
// vs N (per group: c and --set values) with Student-t 95% confidence intervals, and report.html with the
// covariance-vs-N plots (simulation and both theory variants, Eq 7 for c > 0) and the rates vs N with Eq 3.
import { renderReport, type ReportSection } from '../io/report.ts';
import { linePlot, PALETTE, type LineSeries } from '../io/svg.ts';
import { extrapolateInvSqrtN, logLogSlope, type ScalingFit } from './fit.ts';
import type { SweepCell } from './sweep.ts';
import type { CellTheory } from './sweepTheory.ts';

/** A flat row of the table (numbers, strings, null for undefined statistics). */
export type TableRow = Record<string, number | string | null>;

export const theoryOk = (t: SweepCell['theory'] | undefined): CellTheory | null => (t && !('error' in t) ? t : null);

const num = (v: number | undefined | null): number | null => (v === undefined || v === null || !Number.isFinite(v) ? null : v);

/** One flat row per cell: coordinates, rates, pair covariances/correlations, Fano, theory variants, timing. */
export function tableRows(cells: readonly SweepCell[]): TableRow[] {
  return cells.map((c) => {
    const t = theoryOk(c.theory);
    const row: TableRow = { id: c.id, group: c.group, N: c.key.N, seed: c.key.seed, c: c.key.c };
    for (const [p, v] of Object.entries(c.key.set)) row[`set:${p}`] = typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v);
    row['T_s'] = c.T_s;
    row['statsStart_s'] = c.statsStart_s;
    row['nWindows'] = c.nWindows;
    for (const [p, r] of Object.entries(c.rates_Hz)) {
      row[`rate_${p}_Hz`] = num(r);
      row[`theory_rate_${p}_Hz`] = num(t?.rates_Hz[p]);
    }
    for (const [p, f] of Object.entries(c.fano)) row[`fano_${p}`] = num(f);
    for (const [p, f] of Object.entries(c.cv)) row[`cv_${p}`] = num(f);
    for (const [k, v] of Object.entries(c.pairs)) {
      const th = t?.cov[k];
      row[`C_${k}`] = num(v.cov);
      row[`corr_${k}`] = num(v.corr);
      row[`C_${k}_eq5u`] = num(th?.eq5u);
      row[`C_${k}_eq5c`] = num(th?.eq5c);
      row[`C_${k}_eq7`] = num(th?.eq7);
      row[`C_${k}_theory_uncorrected`] = num(th?.uncorrected);
      row[`C_${k}_theory_corrected`] = num(th?.corrected);
      row[`NC_${k}`] = num(v.cov * c.key.N);
    }
    for (const [k, v] of Object.entries(c.plastic)) {
      row[`j_${k}_final`] = num(v.jMeanFinal);
      if (v.r2Mean !== undefined) row[`r2_${k}`] = num(v.r2Mean);
    }
    row['wall_s'] = num(c.wall_s);
    row['rtf'] = num(c.rtf);
    row['backend'] = c.backend;
    row['device'] = c.device;
    row['stoppedBy'] = c.stoppedBy;
    return row;
  });
}

/** CSV text of rows (union of columns in first-seen order; RFC 4180 quoting; empty cell for null). */
/**
 * One CSV field per RFC 4180 (quoted when it holds a comma, quote, CR or LF; quotes doubled). A text
 * field starting with =, +, -, @, tab or CR is prefixed with ' so a spreadsheet shows it as text instead of
 * evaluating it as a formula (CSV injection); numbers are written as numbers.
 */
export function csvField(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? String(v) : v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly TableRow[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return [cols.map(csvField).join(','), ...rows.map((r) => cols.map((k) => csvField(r[k])).join(','))].join('\n') + '\n';
}

/** A log-log fit of one pair covariance vs N within one group, with the theory fits on the same sizes. */
export interface PairScaling {
  group: string;
  pair: string;
  sim: ScalingFit | { error: string };
  theoryUncorrected: ScalingFit | { error: string };
  theoryCorrected: ScalingFit | { error: string };
}

const tryFit = (N: number[], v: number[]): ScalingFit | { error: string } => {
  try {
    return logLogSlope(N, v);
  } catch (e) {
    return { error: (e as Error).message };
  }
};

/** Cells grouped by their group label (c and --set values), in first-seen order. */
export function groupsOf(cells: readonly SweepCell[]): Map<string, SweepCell[]> {
  const m = new Map<string, SweepCell[]>();
  for (const c of cells) m.set(c.group, [...(m.get(c.group) ?? []), c]);
  return m;
}

/** Slope of log C vs log N for every group and pair (least squares on cell means over seeds, 95% t CI). */
export function scalingFits(cells: readonly SweepCell[]): PairScaling[] {
  const out: PairScaling[] = [];
  for (const [group, cs] of groupsOf(cells)) {
    const usable = cs.filter((c) => !c.stoppedBy);
    const pairs = Object.keys(usable[0]?.pairs ?? {});
    for (const pair of pairs) {
      const N = usable.map((c) => c.key.N);
      const th = usable.map((c) => theoryOk(c.theory)?.cov[pair]);
      out.push({
        group,
        pair,
        sim: tryFit(N, usable.map((c) => c.pairs[pair]?.cov ?? NaN)),
        theoryUncorrected: tryFit(N, th.map((t) => t?.uncorrected ?? NaN)),
        theoryCorrected: tryFit(N, th.map((t) => t?.corrected ?? NaN)),
      });
    }
  }
  return out;
}

/** Mean over seeds per N of f(cell) within a group: sorted N and the means (NaN-safe: non-finite values skipped). */
export function meanByN(cells: readonly SweepCell[], f: (c: SweepCell) => number | undefined | null): { N: number[]; mean: number[]; n: number[] } {
  const m = new Map<number, number[]>();
  for (const c of cells) {
    const v = f(c);
    const arr = m.get(c.key.N) ?? [];
    if (v !== undefined && v !== null && Number.isFinite(v)) arr.push(v);
    m.set(c.key.N, arr);
  }
  const N = [...m.keys()].sort((a, b) => a - b);
  return { N, mean: N.map((n) => { const a = m.get(n)!; return a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN; }), n: N.map((n) => m.get(n)!.length) };
}

/** Rates vs N per group and population with an r_inf + a/sqrt(N) extrapolation to N = 10^4 (when >= 3 sizes). */
export function rateExtrapolations(cells: readonly SweepCell[], target = 10000): { group: string; pop: string; N: number[]; mean: number[]; theory: number; atTarget: number | null; atTargetSe: number | null }[] {
  const out: ReturnType<typeof rateExtrapolations> = [];
  for (const [group, cs] of groupsOf(cells)) {
    const pops = Object.keys(cs[0]?.rates_Hz ?? {});
    for (const pop of pops) {
      const m = meanByN(cs.filter((c) => !c.stoppedBy), (c) => c.rates_Hz[pop]);
      const th = meanByN(cs, (c) => theoryOk(c.theory)?.rates_Hz[pop]);
      let atTarget: number | null = null;
      let atTargetSe: number | null = null;
      if (m.N.length >= 3) {
        const e = extrapolateInvSqrtN(m.N, m.mean, target);
        atTarget = e.atTarget;
        atTargetSe = Number.isFinite(e.atTargetSe) ? e.atTargetSe : null;
      }
      out.push({ group, pop, N: m.N, mean: m.mean, theory: th.mean.at(-1) ?? NaN, atTarget, atTargetSe });
    }
  }
  return out;
}

const fmt = (v: number | null | undefined, d = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : Number(v).toPrecision(d));

/** Text of a fit: slope [lo, hi] (95% CI) or the reason there is none. */
export function fitText(f: ScalingFit | { error: string }): string {
  if ('error' in f) return `n/a (${f.error})`;
  if (!(f.dof > 0)) return `${fmt(f.slope)} (2 sizes: no CI)`;
  return `${fmt(f.slope)} [${fmt(f.ci[0])}, ${fmt(f.ci[1])}]`;
}

/** The table.json object: grid, rows, fits and extrapolations. */
export function sweepTable(cells: readonly SweepCell[], info: Record<string, unknown>): Record<string, unknown> {
  return { ...info, cells: tableRows(cells), scaling: scalingFits(cells), rates: rateExtrapolations(cells) };
}

/** Series for a covariance-vs-N plot of one pair: per group the seed mean (solid), seeds (thin) and theory (dashed). */
function covSeries(groups: Map<string, SweepCell[]>, pair: string): LineSeries[] {
  const series: LineSeries[] = [];
  let k = 0;
  for (const [group, cs] of groups) {
    const color = PALETTE[k++ % PALETTE.length]!;
    const ok = cs.filter((c) => !c.stoppedBy);
    const sim = meanByN(ok, (c) => c.pairs[pair]?.cov);
    series.push({ x: sim.N, y: sim.mean, label: `sim ${group}`, color, width: 2.2 });
    for (const seed of [...new Set(ok.map((c) => c.key.seed))]) {
      const s = meanByN(ok.filter((c) => c.key.seed === seed), (c) => c.pairs[pair]?.cov);
      series.push({ x: s.N, y: s.mean, color, width: 0.6 });
    }
    const correlated = cs.some((c) => c.key.c > 0 || theoryOk(c.theory)?.regime === 'correlated');
    if (correlated) {
      const e7 = meanByN(cs, (c) => theoryOk(c.theory)?.cov[pair]?.eq7);
      series.push({ x: e7.N, y: e7.mean, label: `Eq 7 ${group}`, color, dashed: true });
    } else {
      const u = meanByN(cs, (c) => theoryOk(c.theory)?.cov[pair]?.uncorrected);
      const cc = meanByN(cs, (c) => theoryOk(c.theory)?.cov[pair]?.corrected);
      series.push({ x: u.N, y: u.mean, label: `Eq 5 uncorrected ${group}`, color, dashed: true });
      series.push({ x: cc.N, y: cc.mean, label: `Eq 5 Fano-corrected ${group}`, color, dashed: true, width: 0.9 });
    }
  }
  return series;
}

/** x range of a log-N axis padded so that round ticks (1, 2, 5 x 10^k) inside the data range show. */
export function nRange(cells: readonly SweepCell[]): [number, number] | undefined {
  const Ns = cells.map((c) => c.key.N);
  if (!Ns.length) return undefined;
  const lo = Math.min(...Ns);
  const hi = Math.max(...Ns);
  return [lo / 1.08, hi * 1.08];
}

/** Log-log plot of a pair covariance vs N (sim and theory) for all groups. */
export function covPlot(cells: readonly SweepCell[], pair: string, opts: { width?: number; height?: number; title?: string } = {}): string {
  const xr = nRange(cells);
  return linePlot(covSeries(groupsOf(cells), pair), {
    ...(xr ? { xRange: xr } : {}),
    title: opts.title ?? `C_${pair} vs N (solid: simulation, dashed: theory)`,
    xLabel: 'N',
    yLabel: `mean pair covariance C_${pair} (spikes²)`,
    logX: true,
    logY: true,
    width: opts.width ?? 620,
    height: opts.height ?? 420,
  });
}

/** Rates vs N (sim solid, Eq 3 dashed) for all groups and populations. */
export function ratePlot(cells: readonly SweepCell[], opts: { width?: number; height?: number; title?: string } = {}): string {
  const series: LineSeries[] = [];
  let k = 0;
  for (const [group, cs] of groupsOf(cells)) {
    for (const pop of Object.keys(cs[0]?.rates_Hz ?? {})) {
      const color = PALETTE[k++ % PALETTE.length]!;
      const m = meanByN(cs.filter((c) => !c.stoppedBy), (c) => c.rates_Hz[pop]);
      const t = meanByN(cs, (c) => theoryOk(c.theory)?.rates_Hz[pop]);
      series.push({ x: m.N, y: m.mean, label: `r_${pop} ${group}`, color, width: 2 });
      series.push({ x: t.N, y: t.mean, label: `Eq 3 r_${pop} ${group}`, color, dashed: true });
    }
  }
  const xr = nRange(cells);
  return linePlot(series, { title: opts.title ?? 'Rates vs N (solid: simulation, dashed: Eq 3)', xLabel: 'N', yLabel: 'rate (Hz)', logX: true, width: opts.width ?? 620, height: opts.height ?? 420, ...(xr ? { xRange: xr } : {}) });
}

/** report.html of a sweep. */
export function renderSweepReport(cells: readonly SweepCell[], title: string, note: string): string {
  const fits = scalingFits(cells);
  const pairs = [...new Set(fits.map((f) => f.pair))];
  const sections: ReportSection[] = [];
  sections.push({
    heading: 'Covariance scaling: slope of log C vs log N',
    note: `${note} Least squares on the cell means (mean over seeds at each N), 95% confidence interval from the t-distribution with (sizes - 2) degrees of freedom. Asynchronous theory: slope -1 (Eq 5-6); correlated: 0 (Eq 7). SPEC §2.10 A2: async slope in [-1.4, -0.8]; A3: correlated slope in [-0.25, 0.25].`,
    svgs: pairs.map((p) => covPlot(cells, p)),
    tableRows: [
      ['group', 'pair', 'sizes', 'simulated slope [95% CI]', 'SE', 'theory slope (uncorrected)', 'theory slope (Fano-corrected)'],
      ...fits.map((f) => [
        f.group,
        f.pair,
        'error' in f.sim ? '-' : f.sim.N.join(' '),
        fitText(f.sim),
        'error' in f.sim ? 'n/a' : fmt(f.sim.slopeSe),
        'error' in f.theoryUncorrected ? 'n/a' : fmt(f.theoryUncorrected.slope),
        'error' in f.theoryCorrected ? 'n/a' : fmt(f.theoryCorrected.slope),
      ]),
    ],
  });
  const rx = rateExtrapolations(cells);
  sections.push({
    heading: 'Rates vs N (Eq 3)',
    note: 'Balanced-state rates (Eq 3) are the N -> infinity limit; finite-N rates approach them like 1/sqrt(N). The last column extrapolates r(N) = r_inf + a/sqrt(N) to N = 10^4 (needs >= 3 sizes).',
    svgs: [ratePlot(cells)],
    tableRows: [
      ['group', 'population', 'N', 'simulated (Hz)', 'Eq 3 (Hz)', 'extrapolated to N = 10^4'],
      ...rx.map((r) => [r.group, r.pop, r.N.join(' '), r.mean.map((v) => fmt(v)).join(' '), fmt(r.theory), r.atTarget === null ? 'n/a' : `${fmt(r.atTarget)} ± ${fmt(r.atTargetSe)}`]),
    ],
  });
  const rows = tableRows(cells);
  const pairCols = pairs.flatMap((p) => [`C_${p}`, `C_${p}_theory_uncorrected`, `C_${p}_theory_corrected`, `C_${p}_eq7`]);
  const cols = ['id', 'N', 'seed', 'c', ...Object.keys(cells[0]?.rates_Hz ?? {}).map((p) => `rate_${p}_Hz`), ...pairCols, 'wall_s', 'device'];
  sections.push({
    heading: 'Cells',
    note: 'Every cell (full columns in table.csv / table.json). Theory: uncorrected = Eq 5 without the Fano term (+ Eq 7 when c > 0), corrected = with the measured Fano factors.',
    svgs: [],
    tableRows: [cols, ...rows.map((r) => cols.map((k) => (typeof r[k] === 'number' ? fmt(r[k] as number, 4) : String(r[k] ?? ''))))],
  });
  return renderReport(title, sections, `plasticnet sweep, ${cells.length} cells, ${new Date().toISOString()}`);
}
