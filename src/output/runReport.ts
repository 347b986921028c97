// report.html of a run: raster, population rates vs theory, currents (balance), covariances vs theory,
// plastic weights over time.
import { pairAxisOptions } from './runFigures.ts';
import type { RunResult } from '../pipeline/simulation.ts';
import { renderReport, type ReportSection } from '../io/report.ts';
import { linePlot, scatterPlot, PALETTE, histogramPlot } from '../io/svg.ts';
import { finalWeightHistograms } from '../stats/weightDigest.ts';
import type { RunSummary } from './runOutput.ts';
import type { RunTheory } from '../theory/adapters/theoryFor.ts';
import { spikingRecordings } from '../record/recordings.ts';

const fmt = (v: number | null | undefined, d = 4) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : Number(v).toPrecision(d));

/** Theory block of a summary, or null when it failed. */
export function theoryOf(s: RunSummary, key: 'initialWeights' | 'finalWeights' = 'initialWeights'): RunTheory | null {
  const t = (s.theory as Record<string, unknown>)[key] as RunTheory | { error: string } | undefined;
  return t && !('error' in t) ? t : null;
}

/** Rows of the simulated-vs-theory table (also printed by the CLI). */
export function comparisonRows(r: RunResult, s: RunSummary): string[][] {
  const t = theoryOf(s, Object.keys(s.plastic).length ? 'finalWeights' : 'initialWeights');
  const rows: string[][] = [['quantity', 'simulated', 'theory', 'theory (Fano-corrected)', 'rel. diff']];
  for (const p of r.spec.populations) {
    const sim = s.populations[p.name]?.rate_Hz ?? NaN;
    const th = t?.rates_Hz[p.name];
    rows.push([`rate ${p.name} (Hz)`, fmt(sim), fmt(th), '', th ? fmt((sim - th) / th, 2) : 'n/a']);
  }
  for (const [k, v] of Object.entries(s.pairs)) {
    const th = t?.cov[k];
    rows.push([`cov ${k} (spikes²)`, fmt(v.cov), fmt(th?.uncorrected), fmt(th?.corrected ?? null), th ? fmt((v.cov - th.uncorrected) / Math.abs(th.uncorrected), 2) : 'n/a']);
  }
  for (const [k, v] of Object.entries(s.pairs)) rows.push([`corr ${k}`, fmt(v.corr), '', '', '']);
  for (const p of r.spec.populations) {
    const ps = s.populations[p.name];
    rows.push([`CV ISI ${p.name}`, fmt(ps?.cv_isi), '', '', '']);
    rows.push([`Fano ${p.name}`, fmt(ps?.fano), '', '', '']);
  }
  const wp = (s.theory as Record<string, unknown>)['weightFixedPoint'] as { jStar?: Record<string, number>; rates_Hz?: Record<string, number> } | undefined;
  for (const [k, v] of Object.entries(s.plastic)) {
    const js = wp?.jStar?.[k];
    rows.push([`j ${k} (final mean)`, fmt(v.jMeanFinal), fmt(js), '', js ? fmt((v.jMeanFinal - js) / Math.abs(js), 2) : 'n/a']);
  }
  if (wp?.rates_Hz) for (const [n, rr] of Object.entries(wp.rates_Hz)) rows.push([`rate ${n} at weight fixed point (Hz)`, fmt(s.populations[n]?.rate_Hz), fmt(rr), '', fmt(((s.populations[n]?.rate_Hz ?? NaN) - rr) / rr, 2)]);
  return rows;
}

/** The standalone report.html of a run. */
export function renderReportFor(r: RunResult, s: RunSummary): string {
  const rec = spikingRecordings(r.recordings, 'the run report (raster)');
  const dtS = rec.dt_ms / 1000;
  const sections: ReportSection[] = [];
  const plasticRun = Object.keys(s.plastic).length > 0;
  const t0 = theoryOf(s, plasticRun ? 'finalWeights' : 'initialWeights');
  const wp = (s.theory as Record<string, unknown>)['weightFixedPoint'] as { jStar?: Record<string, number>; rates_Hz?: Record<string, number> } | undefined;
  sections.push({
    heading: 'Simulated vs mean-field theory',
    note: `${r.spec.name}: N = ${r.spec.N}, T = ${r.spec.T_s} s, seed ${r.spec.seed}; statistics over [${(s.statsStart_ms / 1000).toFixed(1)} s, ${(s.T_ms / 1000).toFixed(1)} s], ${s.nWindows} windows of ${s.window_ms} ms. Backend ${r.backend} (${r.device}); wall ${r.wall_s.toFixed(1)} s, real-time factor ${s.meta.rtf.toFixed(3)}.${r.stoppedBy ? ' STOPPED: ' + r.stoppedBy.message : ''}`,
    svgs: [],
    tableRows: comparisonRows(r, s),
  });
  const ids = rec.raster.ids.subarray(0, rec.raster.count);
  const steps = rec.raster.steps.subarray(0, rec.raster.count);
  const rasterSets = rec.populations.map((p, i) => {
    const x: number[] = [];
    const y: number[] = [];
    const rank = new Map<number, number>();
    Array.from(rec.raster.neurons).forEach((n, k) => rank.set(n, k));
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (id >= p.offset && id < p.offset + p.size && steps[k]! * dtS >= s.T_ms / 1000 - 2) {
        x.push(steps[k]! * dtS);
        y.push(rank.get(id)!);
      }
    }
    return { x, y, label: p.name, color: PALETTE[i % PALETTE.length]!, radius: 1 };
  });
  sections.push({ heading: 'Raster (last 2 s)', svgs: [scatterPlot(rasterSets, { title: 'Spike raster', xLabel: 'time (s)', yLabel: 'neuron (recorded subset)', width: 900 })] });
  const nb = rec.series.nBins;
  const np = rec.populations.length;
  const tb = Array.from({ length: nb }, (_, b) => ((b + 1) * rec.series.bin_ms) / 1000);
  const rateSeries = rec.populations.flatMap((p, i) => {
    const y = Array.from({ length: nb }, (_, b) => rec.series.rate_Hz[b * np + i]!);
    const color = PALETTE[i % PALETTE.length]!;
    const th = plasticRun ? wp?.rates_Hz?.[p.name] : t0?.rates_Hz[p.name];
    const thLabel = plasticRun ? `${p.name} at weight fixed point` : `${p.name} theory (Eq 3)`;
    return [{ x: tb, y, label: `${p.name} simulated`, color }, ...(th ? [{ x: [0, tb[nb - 1] ?? 0], y: [th, th], label: thLabel, color, dashed: true }] : [])];
  });
  sections.push({ heading: 'Population rates', svgs: [linePlot(rateSeries, { title: 'Population rates', xLabel: 'time (s)', yLabel: 'rate (Hz)', width: 900 })] });
  const nc = rec.series.channels.length;
  const curSvgs = rec.populations.map((p, i) => {
    const series = rec.series.channels.map((ch, c) => ({ x: tb, y: Array.from({ length: nb }, (_, b) => rec.series.currents[(b * np + i) * nc + c]!), label: `from ${ch}`, color: PALETTE[c % PALETTE.length]! }));
    series.push({ x: tb, y: Array.from({ length: nb }, (_, b) => rec.series.channels.reduce((a, _c, c) => a + rec.series.currents[(b * np + i) * nc + c]!, 0)), label: 'total', color: '#000' });
    return linePlot(series, { title: `Mean currents onto ${p.name} (balance)`, xLabel: 'time (s)', yLabel: 'current (mV/ms)', width: 560 });
  });
  sections.push({ heading: 'Currents', svgs: curSvgs });
  const keys = Object.keys(s.pairs);
  const x = keys.map((_, i) => i + 1);
  const covSets = [
    { x, y: keys.map((k) => Math.abs(s.pairs[k]!.cov)), label: '|simulated|', color: PALETTE[0]!, radius: 5 },
    ...(t0 ? [{ x, y: keys.map((k) => Math.abs(t0.cov[k]?.uncorrected ?? NaN)), label: '|theory| (uncorrected)', color: PALETTE[1]!, radius: 4 }] : []),
    ...(t0 && t0.regime === 'asynchronous' ? [{ x, y: keys.map((k) => Math.abs(t0.cov[k]?.corrected ?? NaN)), label: '|theory| (Fano-corrected)', color: PALETTE[2]!, radius: 4 }] : []),
  ];
  sections.push({
    heading: 'Spike-count covariances vs theory',
    note: `Log scale of absolute values. Theory at the ${plasticRun ? 'final mean weights' : 'spec weights'}; the two Eq 5 variants coincide off the diagonal (E-I).`,
    svgs: [scatterPlot(covSets, { title: 'Mean pair covariance', yLabel: 'covariance (spikes²)', logY: true, ...pairAxisOptions(keys) })],
  });
  if (rec.plasticNames.length) {
    const npl = rec.plasticNames.length;
    const wSeries = rec.plasticNames.flatMap((n, k) => {
      const color = PALETTE[k % PALETTE.length]!;
      const js = wp?.jStar?.[n];
      return [
        { x: tb, y: Array.from({ length: nb }, (_, b) => rec.series.jMean[b * npl + k]!), label: `${n} simulated`, color },
        ...(js !== undefined ? [{ x: [0, tb[nb - 1] ?? 0], y: [js, js], label: `${n} fixed point (theory)`, color, dashed: true }] : []),
      ];
    });
    const hists = finalWeightHistograms(rec, 50).map((h) => histogramPlot(h.edges, h.counts, { title: `Final weights ${h.name}`, xLabel: 'j (J·√N)', yLabel: 'synapses' }));
    sections.push({ heading: 'Plastic weights', svgs: [linePlot(wSeries, { title: 'Mean weight j = J·√N', xLabel: 'time (s)', yLabel: 'j', width: 900 }), ...hists] });
  }
  return renderReport(`plasticnet run: ${r.spec.name}`, sections, `generated ${s.meta.date} by plasticnet ${s.meta.commit}`);
}
