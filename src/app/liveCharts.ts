// The interactive live series of a spiking run (uPlot via chart.ts): population rates with the Eq 3 theory,
// mean plastic weights with the mean-field curve (resampled onto the simulation's bins), and the spike-count
// covariance of each population pair against theory. A series with one point so far is drawn as a dot and the
// panel says why there is no curve yet; where the theory cannot be computed, the note under the panel says why.
import type { LiveState } from './liveState.ts';
import { Chart, resample, type SeriesDef } from './chart.ts';
import { colorOf } from './plot.ts';
import { kindsOf } from './groups.ts';
import type { RunInfo } from '../pipeline/liveRun.ts';
import { statsFromSummary } from './statsTable.ts';

const $ = (id: string): HTMLElement => document.getElementById(id)!;

/** Theory rates: at the current weights once statistics exist, else with the initial weights. */
function theoryRates(st: LiveState): Record<string, number> | null {
  if (st.stats?.theoryRates_Hz) return st.stats.theoryRates_Hz;
  return 'error' in st.info.theory ? null : st.info.theory.rates_Hz;
}

/** Says why a time series shows no curve yet (fewer than two bins), or clears the note. */
function binNote(id: string, st: LiveState): void {
  const n = st.t_s.length;
  const fix = 'A longer T or a smaller recording.bin_ms gives a curve.';
  $(id).textContent = !st.final || n >= 2 ? '' : n === 1 ? `One time bin of ${st.info.bin_ms} ms in this run (T = ${st.T_s} s): a single point, no curve. ${fix}` : `No complete time bin: bins are ${st.info.bin_ms} ms, the run is T = ${st.T_s} s, so there is nothing to plot over time. ${fix}`;
}

export class LiveCharts {
  private readonly rates: Chart;
  private readonly weights: Chart | null;
  private readonly cov: Chart;
  private readonly order: number[]; // population indices, neurons before inputs
  private readonly pairKeys: string[] = [];

  constructor(info: RunInfo) {
    const kinds = kindsOf(info.spec);
    this.order = info.populations.map((_, i) => i).sort((a, b) => Number(kinds.get(info.populations[a]!.name) === 'input') - Number(kinds.get(info.populations[b]!.name) === 'input'));
    const th = 'error' in info.theory ? null : info.theory.rates_Hz;
    const rs: SeriesDef[] = this.order.flatMap((i) => {
      const p = info.populations[i]!;
      return [{ label: kinds.get(p.name) === 'input' ? `${p.name} (input)` : p.name, color: colorOf(i), points: true }, ...(th && Number.isFinite(th[p.name]) ? [{ label: `${p.name} theory (Eq 3)`, color: colorOf(i), dashed: true }] : [])];
    });
    this.rates = new Chart($('up-rates'), { xLabel: 'time (s)', yLabel: 'rate (Hz)', series: rs });
    const names = info.plasticNames;
    const wc = info.weightCurve;
    const curve = 'error' in wc ? null : wc;
    this.weights = names.length
      ? new Chart($('up-weights'), {
          xLabel: 'time (s)',
          yLabel: 'mean j = J·√N',
          series: names.flatMap((n, k) => [{ label: `${n} simulated`, color: colorOf(k), width: 2, points: true }, ...(curve && curve.names.includes(n) ? [{ label: `${n} mean-field`, color: colorOf(k), dashed: true }] : [])]),
        })
      : null;
    if (!names.length) $('up-weights').textContent = 'No plastic projection in this spec.';
    const popNames = info.populations.filter((p) => kinds.get(p.name) !== 'input').map((p) => p.name);
    for (let a = 0; a < popNames.length; a++) for (let b = a; b < popNames.length; b++) this.pairKeys.push(`${popNames[a]}-${popNames[b]}`);
    this.cov = new Chart($('up-cov'), {
      xLabel: 'population pair',
      yLabel: 'covariance (spikes²)',
      xCategories: this.pairKeys.map((k) => (/^[^-]-[^-]$/.test(k) ? k.replace('-', '') : k)),
      series: [
        { label: 'simulated', color: colorOf(0), points: 'only' },
        { label: 'theory (Eq 5, Fano-corrected / Eq 7)', color: colorOf(1), points: 'only' },
      ],
    });
  }

  update(st: LiveState): void {
    const th = theoryRates(st);
    const x = st.t_s;
    const ys = this.order.flatMap((i) => {
      const p = st.info.populations[i]!;
      const initial = 'error' in st.info.theory ? undefined : st.info.theory.rates_Hz[p.name];
      const v = th?.[p.name];
      return [st.rate[i]!, ...(Number.isFinite(initial) ? [x.map(() => (Number.isFinite(v) ? v! : NaN))] : [])];
    });
    this.rates.set([x, ...ys]);
    binNote('rates-note', st);
    if (this.weights) {
      const wc = st.info.weightCurve;
      const curve = 'error' in wc ? null : wc;
      const wy = st.info.plasticNames.flatMap((n, k) => {
        const kc = curve ? curve.names.indexOf(n) : -1;
        return [st.jMean[k]!, ...(kc >= 0 ? [resample(curve!.t_s, curve!.j[kc]!, x)] : [])];
      });
      this.weights.set([x, ...wy]);
      // Where the mean-field curve is missing or stops early, the note says why.
      const kc = st.info.plasticNames.map((n) => (curve ? curve.names.indexOf(n) : -1)).map((k) => (k >= 0 && curve!.t_s.length > 1 && (curve!.j[k] ?? []).some(Number.isFinite) ? k : -1));
      const why = 'error' in wc ? wc.error : kc.every((k) => k < 0) ? (wc.stopped ?? 'the theory gave no finite point') : wc.stopped;
      const ends = curve && curve.t_s.length > 1 ? curve.t_s[curve.t_s.length - 1]! : 0;
      const note = $('weights-note');
      note.textContent = why ? (kc.every((k) => k < 0) ? `No mean-field curve: ${why}.` : `The mean-field curve stops at t = ${ends.toPrecision(3)} s: ${why}.`) : '';
      note.dataset['theory'] = why ? `no curve: ${why}` : 'curve';
      if (!note.textContent) binNote('weights-note', st);
    }
    const stats = st.final ? statsFromSummary(st.final.summary) : st.stats;
    const sim = this.pairKeys.map((k) => stats?.pairs[k]?.cov ?? NaN);
    const thc = this.pairKeys.map((k) => {
      const p = stats?.pairs[k];
      return p ? (p.covTheoryCorrected ?? p.covTheory ?? NaN) : NaN;
    });
    this.cov.set([this.pairKeys.map((_, i) => i + 1), sim, thc]);
    $('up-cov').dataset['pairs'] = this.pairKeys.join(',');
    $('up-cov').dataset['simulated'] = sim.map((v) => (Number.isFinite(v) ? v.toPrecision(4) : 'n/a')).join(',');
  }

  destroy(): void {
    this.rates.destroy();
    this.weights?.destroy();
    this.cov.destroy();
    for (const id of ['rates-note', 'weights-note']) {
      $(id).textContent = '';
      delete $(id).dataset['theory'];
    }
    delete $('up-cov').dataset['pairs'];
    delete $('up-cov').dataset['simulated'];
  }
}
