// Runs of this tab, newest first, side by side in one table: spec name and tag, N, T, seed, engine, wall time,
// population rates and final mean plastic weights. Built from text nodes (names come from user specs).
import type { RunSummary } from '../output/runOutput.ts';

export interface HistoryEntry {
  run: number;
  name: string;
  tag: string;
  T_s: number;
  summary: RunSummary;
  stopped: boolean;
}

const fmt = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toPrecision(4) : 'n/a');

/** At most this many runs are kept (oldest dropped). */
export const HISTORY_MAX = 20;

export function renderHistory(root: HTMLElement, entries: HistoryEntry[]): void {
  root.replaceChildren();
  if (!entries.length) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = 'Finished runs are listed here, newest first, to compare them.';
    root.append(p);
    return;
  }
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of ['run', 'spec', 'N', 'T (s)', 'seed', 'engine', 'wall (s)', 'rates (Hz)', 'final mean j']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = t.createTBody();
  for (const e of [...entries].reverse()) {
    const s = e.summary;
    const tr = body.insertRow();
    tr.dataset['tag'] = e.tag;
    const cells = [
      `${e.run}${e.stopped ? ' (stopped early)' : ''}`,
      `${e.name} #${e.tag}`,
      String(s.meta.N),
      String(e.T_s),
      String(s.meta.seed),
      s.meta.backend,
      s.meta.wall_s.toFixed(2),
      Object.entries(s.populations).map(([n, p]) => `${n} ${fmt(p.rate_Hz)}`).join(', '),
      Object.entries(s.plastic).map(([n, p]) => `${n} ${fmt(p.jMeanFinal)}`).join(', ') || '–',
    ];
    for (const c of cells) tr.insertCell().textContent = c;
  }
  root.append(t);
}
