// Runs of this tab, newest first, side by side in one table (spec name and tag, size, duration, seed, engine,
// wall time, rates, final weights), and two chosen runs overlaid in one chart (their rates over time, or over
// trials for rate models). Built from text nodes (names come from user specs).
import { Chart, resample } from './chart.ts';
import { colorOf } from './plot.ts';

/** A series a run contributes to the comparison chart: x (time or trial) and one y per population. */
export interface CompareSeries {
  xLabel: string;
  x: number[];
  ys: { label: string; y: number[] }[];
}

export interface HistoryEntry {
  run: number;
  name: string;
  tag: string;
  stopped: boolean;
  /** size (N, or networks x units), duration, seed, engine, wall (s), rates, final weights */
  cells: string[];
  series: CompareSeries;
}

/** At most this many runs are kept (oldest dropped). */
export const HISTORY_MAX = 20;

/** Runs ticked for comparison (run numbers, at most two: a third replaces the older). */
const picked: number[] = [];
let chart: Chart | null = null;

export function renderHistory(root: HTMLElement, entries: HistoryEntry[], compareRoot: HTMLElement): void {
  root.replaceChildren();
  for (let k = picked.length - 1; k >= 0; k--) if (!entries.some((e) => e.run === picked[k])) picked.splice(k, 1);
  if (!entries.length) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = 'Finished runs are listed here, newest first, to compare them.';
    root.append(p);
    renderCompare(compareRoot, entries);
    return;
  }
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of ['run', 'spec', 'size', 'T (s) or trials', 'seed', 'engine', 'wall (s)', 'rates (Hz)', 'final mean weights', 'compare']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = t.createTBody();
  for (const e of [...entries].reverse()) {
    const tr = body.insertRow();
    tr.dataset['tag'] = e.tag;
    for (const c of [`${e.run}${e.stopped ? ' (stopped early)' : ''}`, `${e.name} #${e.tag}`, ...e.cells]) tr.insertCell().textContent = c;
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: picked.includes(e.run), title: 'overlay this run in the comparison chart (two at a time)' });
    box.dataset['run'] = String(e.run);
    box.addEventListener('change', () => {
      const i = picked.indexOf(e.run);
      if (box.checked && i < 0) picked.push(e.run);
      if (!box.checked && i >= 0) picked.splice(i, 1);
      if (picked.length > 2) picked.shift();
      renderHistory(root, entries, compareRoot);
    });
    tr.insertCell().append(box);
  }
  root.append(t);
  renderCompare(compareRoot, entries);
}

/** The two ticked runs overlaid: every population of each, on the union of their x values. */
function renderCompare(root: HTMLElement, entries: HistoryEntry[]): void {
  chart?.destroy();
  chart = null;
  const runs = picked.map((r) => entries.find((e) => e.run === r)!).filter(Boolean);
  root.dataset['runs'] = runs.map((r) => r.run).join(',');
  if (runs.length < 2) {
    root.replaceChildren(Object.assign(document.createElement('p'), { className: 'note', textContent: 'Tick two runs in the table above to overlay their rates here.' }));
    return;
  }
  if (runs[0]!.series.xLabel !== runs[1]!.series.xLabel) {
    root.replaceChildren(Object.assign(document.createElement('p'), { className: 'note', textContent: `Runs ${runs[0]!.run} and ${runs[1]!.run} have different x axes (${runs[0]!.series.xLabel}, ${runs[1]!.series.xLabel}): compare them in the table.` }));
    return;
  }
  const x = [...new Set([...runs[0]!.series.x, ...runs[1]!.series.x])].sort((a, b) => a - b);
  const series = runs.flatMap((r, n) => r.series.ys.map((s, k) => ({ label: `run ${r.run} ${s.label}`, color: colorOf(k), dashed: n === 1, width: n === 0 ? 2 : 1.5 })));
  const ys = runs.flatMap((r) => r.series.ys.map((s) => resample(r.series.x, s.y, x)));
  const div = document.createElement('div');
  root.replaceChildren(Object.assign(document.createElement('p'), { className: 'note', textContent: `Run ${runs[0]!.run} solid, run ${runs[1]!.run} dashed; drag to zoom, double-click to reset.` }), div);
  chart = new Chart(div, { xLabel: runs[0]!.series.xLabel, yLabel: 'rate (Hz)', series });
  chart.set([x, ...ys]);
}
