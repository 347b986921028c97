// The simulated-vs-theory table: population rates, Fano factors, and spike-count covariances and
// correlations per population pair, live (statistics so far) and final (summary.json's numbers).
import type { LiveStats } from '../pipeline/liveRun.ts';
import type { RunSummary } from '../output/runOutput.ts';
import { theoryOf } from '../output/runReport.ts';

/** A number to 4 significant digits; null (no value) is 'n/a', undefined (not applicable) is blank. */
const fmt = (v: number | null | undefined, d = 4): string => (v === undefined ? '' : v === null || !Number.isFinite(v) ? 'n/a' : Number(v).toPrecision(d));

/** The final summary in the live-statistics shape (theory at the final mean weights when plastic). */
export function statsFromSummary(s: RunSummary): LiveStats {
  const t = theoryOf(s, Object.keys(s.plastic).length ? 'finalWeights' : 'initialWeights');
  const pairs: LiveStats['pairs'] = {};
  for (const [k, v] of Object.entries(s.pairs)) {
    const [a, b] = k.split('-');
    const th = t?.cov[k];
    const best = th ? (th.corrected ?? th.uncorrected) : null;
    const sd = Math.sqrt((s.populations[a!]?.meanVar ?? NaN) * (s.populations[b!]?.meanVar ?? NaN));
    pairs[k] = { cov: v.cov, corr: v.corr, covTheory: th?.uncorrected ?? null, covTheoryCorrected: th?.corrected ?? null, corrTheory: best !== null && sd > 0 ? best / sd : null };
  }
  return {
    nWindows: s.nWindows,
    rates_Hz: Object.fromEntries(Object.entries(s.populations).map(([n, p]) => [n, p.rate_Hz])),
    fano: Object.fromEntries(Object.entries(s.populations).map(([n, p]) => [n, p.fano])),
    pairs,
    theoryRates_Hz: t?.rates_Hz ?? null,
    theoryNote: t?.note ?? 'theory unavailable',
  };
}

/** A table cell; numeric cells carry the full value in data-value and an id for tests. */
function td(v: number | null | undefined, id?: string): HTMLTableCellElement {
  const c = document.createElement('td');
  c.textContent = fmt(v);
  if (id) c.id = id;
  if (typeof v === 'number') c.dataset['value'] = String(v);
  return c;
}

interface Row {
  label: string;
  cells: HTMLTableCellElement[];
  pair: boolean; // a covariance / correlation row
}

/** Whether any cell of the row holds a finite number. */
const hasValue = (r: Row): boolean => r.cells.some((c) => c.dataset['value'] !== undefined && Number.isFinite(Number(c.dataset['value'])));

/** Pair rows shown in the main table at most; more go into a collapsed section. */
const MAX_PAIR_ROWS = 24;

function table(rows: Row[]): HTMLTableElement {
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of ['', 'simulated', 'theory', 'theory (Fano-corrected)']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  for (const r of rows) {
    const tr = t.insertRow();
    const th = document.createElement('th');
    th.textContent = r.label;
    tr.append(th, ...r.cells);
  }
  return t;
}

/** A collapsed section holding rows (a count in its summary). */
function collapsed(id: string, summary: string, rows: Row[]): HTMLDetailsElement {
  const d = document.createElement('details');
  d.id = id;
  const s = document.createElement('summary');
  s.textContent = summary;
  d.append(s, table(rows));
  return d;
}

/** Renders the table into `root` (replacing it); a note says which interval and regime it covers. */
export function renderStats(root: HTMLElement, st: LiveStats | null, info: { statsStart_s: number; window_ms: number; final: boolean }): void {
  root.replaceChildren();
  const note = document.createElement('p');
  note.className = 'note';
  if (!st) {
    note.textContent = `Statistics start at t = ${info.statsStart_s} s (statsStart_s) and need two count windows of ${info.window_ms} ms.`;
    root.append(note);
    return;
  }
  note.textContent = `${info.final ? 'Final' : 'So far'}: ${st.nWindows} windows of ${info.window_ms} ms from t = ${info.statsStart_s} s. Theory: ${st.theoryNote}.`;
  const rows: Row[] = [];
  for (const [n, r] of Object.entries(st.rates_Hz)) rows.push({ label: `rate ${n} (Hz)`, cells: [td(r, `stat-rate-${n}`), td(st.theoryRates_Hz?.[n] ?? null), td(undefined)], pair: false });
  for (const [n, f] of Object.entries(st.fano)) rows.push({ label: `Fano ${n}`, cells: [td(f, `stat-fano-${n}`), td(undefined), td(undefined)], pair: false });
  for (const [k, p] of Object.entries(st.pairs)) rows.push({ label: `cov ${k} (spikes²)`, cells: [td(p.cov, `stat-cov-${k}`), td(p.covTheory), td(p.covTheoryCorrected)], pair: true });
  for (const [k, p] of Object.entries(st.pairs)) rows.push({ label: `corr ${k}`, cells: [td(p.corr, `stat-corr-${k}`), td(p.corrTheory), td(undefined)], pair: true });
  // Rows without any value collapse into one line; many pair rows into another (large models have hundreds).
  const valued = rows.filter(hasValue);
  const empty = rows.filter((r) => !hasValue(r));
  const pairs = valued.filter((r) => r.pair);
  const main = pairs.length > MAX_PAIR_ROWS ? valued.filter((r) => !r.pair) : valued;
  root.append(table(main));
  if (main !== valued) root.append(collapsed('stats-pairs', `${pairs.length} covariance and correlation rows`, pairs));
  if (empty.length) root.append(collapsed('stats-na', `${empty.length} rows without a value (n/a)`, empty));
  root.append(note);
}
