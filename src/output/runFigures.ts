// The figures of a finished run as standalone SVG strings (for download from the app, or any report):
// raster, population rates vs Eq 3, mean plastic weights vs the mean-field trajectory, currents (balance),
// spike-count covariances and correlations vs theory, final weight histograms.
import type { RunResult } from '../pipeline/simulation.ts';
import { histogramPlot, linePlot, PALETTE, scatterPlot, type LineSeries } from '../io/svg.ts';
import { finalWeightHistograms } from '../stats/weightDigest.ts';
import type { RunSummary } from './runOutput.ts';
import { theoryOf } from './runReport.ts';
import type { WeightCurve } from '../theory/adapters/weightTrajectory.ts';
import { spikingRecordings } from '../record/recordings.ts';

export interface Figure {
  name: string; // file stem, e.g. 'rates'
  title: string;
  svg: string;
}

const color = (i: number) => PALETTE[i % PALETTE.length]!;

/** Every figure of a run; weightCurve is the mean-field weight trajectory (dashed), if there is one. */
export function runFigures(r: RunResult, s: RunSummary, weightCurve: WeightCurve | { error: string }): Figure[] {
  const rec = spikingRecordings(r.recordings, 'the run figures (raster)');
  const figs: Figure[] = [];
  const np = rec.populations.length;
  const nb = rec.series.nBins;
  const tb = Array.from({ length: nb }, (_, b) => ((b + 1) * rec.series.bin_ms) / 1000);
  const T = (rec.steps * rec.dt_ms) / 1000;

  // Raster of the last 2 s (or the whole run if shorter), one row per recorded neuron.
  const rank = new Map<number, number>();
  rec.raster.neurons.forEach((n, k) => rank.set(n, k));
  const from = Math.max(0, T - 2);
  const sets = rec.populations.map((p, i) => ({ x: [] as number[], y: [] as number[], label: p.name, color: color(i), radius: 1 }));
  for (let k = 0; k < rec.raster.count; k++) {
    const t = (rec.raster.steps[k]! * rec.dt_ms) / 1000;
    const id = rec.raster.ids[k]!;
    const p = rec.populations.findIndex((q) => id >= q.offset && id < q.offset + q.size);
    if (t >= from && p >= 0) sets[p]!.x.push(t), sets[p]!.y.push(rank.get(id) ?? 0);
  }
  figs.push({ name: 'raster', title: 'Spike raster', svg: scatterPlot(sets, { title: `Spike raster (${from.toFixed(1)}-${T.toFixed(1)} s)`, xLabel: 'time (s)', yLabel: 'neuron (recorded subset)', width: 900 }) });

  const t0 = theoryOf(s, Object.keys(s.plastic).length ? 'finalWeights' : 'initialWeights');
  const rates: LineSeries[] = rec.populations.flatMap((p, i) => {
    const y = Array.from({ length: nb }, (_, b) => rec.series.rate_Hz[b * np + i]!);
    const th = t0?.rates_Hz[p.name];
    return [{ x: tb, y, label: p.name, color: color(i) }, ...(th !== undefined ? [{ x: [0, T], y: [th, th], label: `${p.name} theory (Eq 3)`, color: color(i), dashed: true }] : [])];
  });
  figs.push({ name: 'rates', title: 'Population rates', svg: linePlot(rates, { title: 'Population rates', xLabel: 'time (s)', yLabel: 'rate (Hz)', width: 900 }) });

  const npl = rec.plasticNames.length;
  if (npl > 0) {
    const w: LineSeries[] = rec.plasticNames.flatMap((n, k) => {
      const y = Array.from({ length: nb }, (_, b) => rec.series.jMean[b * npl + k]!);
      const kc = 'error' in weightCurve ? -1 : weightCurve.names.indexOf(n);
      const th = kc >= 0 && !('error' in weightCurve) ? [{ x: weightCurve.t_s, y: weightCurve.j[kc]!, label: `${n} mean-field`, color: color(k), dashed: true }] : [];
      return [{ x: tb, y, label: `${n} simulated`, color: color(k) }, ...th];
    });
    figs.push({ name: 'weights', title: 'Mean plastic weights', svg: linePlot(w, { title: 'Mean weight j = J·√N', xLabel: 'time (s)', yLabel: 'j', width: 900 }) });
  }

  const nc = rec.series.channels.length;
  rec.populations.forEach((p, i) => {
    const cur = (b: number, c: number) => rec.series.currents[(b * np + i) * nc + c]!;
    const series: LineSeries[] = rec.series.channels.map((ch, c) => ({ x: tb, y: Array.from({ length: nb }, (_, b) => cur(b, c)), label: `from ${ch}`, color: color(c) }));
    series.push({ x: tb, y: Array.from({ length: nb }, (_, b) => rec.series.channels.reduce((a, _c, c) => a + cur(b, c), 0)), label: 'total', color: '#000' });
    figs.push({ name: `currents_${p.name}`, title: `Currents onto ${p.name}`, svg: linePlot(series, { title: `Mean currents onto ${p.name} (balance)`, xLabel: 'time (s)', yLabel: 'current (mV/ms)' }) });
  });

  const keys = Object.keys(s.pairs);
  const x = keys.map((_, i) => i + 1);
  const covTh = (k: string) => t0?.cov[k]?.corrected ?? t0?.cov[k]?.uncorrected ?? NaN;
  const covSets = [
    { x, y: keys.map((k) => Math.abs(s.pairs[k]!.cov)), label: '|simulated|', color: color(0), radius: 5 },
    { x, y: keys.map((k) => Math.abs(covTh(k))), label: `|theory| (${t0?.regime === 'correlated' ? 'Eq 7' : 'Eq 5, Fano-corrected'})`, color: color(1), radius: 4 },
  ];
  const pairAxis = pairAxisOptions(keys);
  figs.push({ name: 'covariances', title: 'Spike-count covariances', svg: scatterPlot(covSets, { title: 'Mean pair covariance', yLabel: 'covariance (spikes²)', logY: true, ...pairAxis }) });
  const sd = (k: string) => {
    const [a, b] = k.split('-');
    return Math.sqrt((s.populations[a!]?.meanVar ?? NaN) * (s.populations[b!]?.meanVar ?? NaN));
  };
  const corrSets = [
    { x, y: keys.map((k) => s.pairs[k]!.corr), label: 'simulated', color: color(0), radius: 5 },
    { x, y: keys.map((k) => covTh(k) / sd(k)), label: 'theory (cov / count s.d.)', color: color(1), radius: 4 },
  ];
  figs.push({ name: 'correlations', title: 'Spike-count correlations', svg: scatterPlot(corrSets, { title: 'Mean pair correlation', yLabel: 'correlation', ...pairAxis }) });

  finalWeightHistograms(rec, 60).forEach((h, k) => {
    figs.push({ name: `weights_hist_${h.name.replace('<-', '_from_')}`, title: `Final weights ${h.name}`, svg: histogramPlot(h.edges, h.counts, { title: `Final weights ${h.name}`, xLabel: 'j (J·√N)', yLabel: 'synapses', color: color(k) }) });
  });
  return figs;
}

/**
 * Plot options of a per-pair figure: the pairs by name on the x axis (EE, EI, II; longer names as E1-E2), and the
 * legend under the plot so it covers no point (inside, it hid the last pair).
 */
export function pairAxisOptions(keys: readonly string[]): { xTickLabels: string[]; xLabel: string; legendPlace: 'below'; xRange: [number, number] } {
  return { xTickLabels: keys.map((k) => (/^[^-]-[^-]$/.test(k) ? k.replace('-', '') : k)), xLabel: 'population pair', legendPlace: 'below', xRange: [0.5, keys.length + 0.5] };
}
