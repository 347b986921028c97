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

function row(table: HTMLTableElement, label: string, cells: HTMLTableCellElement[]): void {
  const tr = table.insertRow();
  const th = document.createElement('th');
  th.textContent = label;
  tr.append(th, ...cells);
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
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of ['', 'simulated', 'theory', 'theory (Fano-corrected)']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  for (const [n, r] of Object.entries(st.rates_Hz)) row(t, `rate ${n} (Hz)`, [td(r, `stat-rate-${n}`), td(st.theoryRates_Hz?.[n] ?? null), td(undefined)]);
  for (const [n, f] of Object.entries(st.fano)) row(t, `Fano ${n}`, [td(f, `stat-fano-${n}`), td(undefined), td(undefined)]);
  for (const [k, p] of Object.entries(st.pairs)) row(t, `cov ${k} (spikes²)`, [td(p.cov, `stat-cov-${k}`), td(p.covTheory), td(p.covTheoryCorrected)]);
  for (const [k, p] of Object.entries(st.pairs)) row(t, `corr ${k}`, [td(p.corr, `stat-corr-${k}`), td(p.corrTheory), td(undefined)]);
  root.append(t, note);
}
