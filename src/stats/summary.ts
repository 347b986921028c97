// summary.json: the run's statistics over [statsStart, T] as a plain JSON-able object.
// NaN (undefined statistic) becomes null through JSON.stringify. Theory values are added by the caller.
import type { Recordings } from '../record/recordings.ts';
import { countStats, type CountStats } from './covariance.ts';
import { finiteMean, neuronCv } from './cv.ts';
import { meanRate_Hz, neuronRates_Hz, statsDuration_ms } from './rates.ts';
import { mean, weightRateCovariance, weightRateRegression } from './weights.ts';

/** Options of {@link summarize} and {@link analyze}. */
export interface SummaryOptions {
  covSample?: number; // neurons per population in the correlation sample (default 200)
  regressionCells?: number; // postsynaptic cells in the Fig 3E regression (default 3)
  /** How finalWeights' pre indices count neurons: 'global' (default, as recordings.ts) or within the pre population. */
  weightIndices?: 'global' | 'local';
}

/** Statistics of one population over the statistics interval: rate, ISI CV, Fano factor, count moments and mean currents. */
export interface PopulationSummary {
  size: number;
  rate_Hz: number;
  cv_isi: number;
  fano: number;
  meanVar: number; // <var n_i> over the count windows (spikes^2)
  meanCount: number; // <mean n_i> per window
  /** Mean current per channel over the series bins starting at or after statsStart, plus 'total' (their sum). */
  currents: Record<string, number>;
}

/** Statistics of one plastic projection: final and binned mean weight, weight-rate regression (Fig 3E) and covariance. */
export interface PlasticSummary {
  jMeanFinal: number; // mean of all final weights if recorded, else the last series bin
  jMeanSeries: number[]; // per series bin
  r2Mean?: number; // Fig 3E mean R^2 (when final weights are recorded)
  r2?: number[];
  weightRateCov?: number; // Eq 23 (j units times Hz)
}

/** A run's statistics over [statsStart, T] as plain JSON-able data (summary.json without metadata). */
export interface Summary {
  dt_ms: number;
  steps: number;
  T_ms: number;
  statsStart_ms: number;
  statsDuration_ms: number;
  window_ms: number;
  nWindows: number;
  series_bin_ms: number;
  populations: Record<string, PopulationSummary>;
  pairs: Record<string, { cov: number; corr: number }>;
  plastic: Record<string, PlasticSummary>;
  theory: Record<string, unknown>; // filled by the caller
}

/** Summary plus the arrays worth saving (.npy): per-neuron rates and CVs, the correlation sample. */
export interface Analysis {
  summary: Summary;
  rates_Hz: Float64Array;
  cv: Float64Array;
  counts: CountStats;
}

/** Compute every statistic of a run once (see Summary / Analysis). */
export function analyze(rec: Recordings, opts: SummaryOptions = {}): Analysis {
  const dur = statsDuration_ms(rec);
  const statsStart_ms = rec.statsStart_step * rec.dt_ms;
  const rates = neuronRates_Hz(rec.neuronStats.spikeCount, dur);
  const cv = neuronCv(rec.neuronStats);
  const counts = countStats(rec.windows, rec.populations, opts.covSample !== undefined ? { covSample: opts.covSample } : {});
  const currents = meanCurrents(rec, statsStart_ms);

  const populations: Record<string, PopulationSummary> = Object.create(null); // keys are user names: no prototype
  rec.populations.forEach((p, i) => {
    populations[p.name] = {
      size: p.size,
      rate_Hz: meanRate_Hz(rec.neuronStats.spikeCount, p.offset, p.size, dur),
      cv_isi: finiteMean(cv, p.offset, p.size),
      fano: counts.fano[i]!,
      meanVar: counts.meanVar[i]!,
      meanCount: counts.meanCount[i]!,
      currents: currents[i]!,
    };
  });

  const plastic: Record<string, PlasticSummary> = Object.create(null); // keys are user names: no prototype
  const { series } = rec;
  const nk = rec.plasticNames.length;
  rec.plasticNames.forEach((name, k) => {
    const jMeanSeries = Array.from({ length: series.nBins }, (_, b) => series.jMean[b * nk + k]!);
    plastic[name] = { jMeanFinal: jMeanSeries.length ? jMeanSeries[jMeanSeries.length - 1]! : NaN, jMeanSeries };
  });
  for (const w of rec.finalWeights) {
    const entry: PlasticSummary = plastic[w.name] ?? { jMeanFinal: NaN, jMeanSeries: [] };
    entry.jMeanFinal = mean(w.j);
    const preRates = preRateLookup(rec, w.name, rates, opts.weightIndices ?? 'global');
    if (preRates) {
      const fit = weightRateRegression(w, preRates, opts.regressionCells ?? 3);
      entry.r2Mean = fit.meanR2;
      entry.r2 = Array.from(fit.r2);
      entry.weightRateCov = weightRateCovariance(w, preRates);
    }
    plastic[w.name] = entry;
  }
  for (const g of rec.finalWeightDigests ?? []) {
    // Streamed final weights: the digest's numbers, computed by weightDigest.ts with the same sums in the same order.
    if ((opts.weightIndices ?? 'global') !== 'global') throw new Error(`summary of ${g.name}: its final weights were streamed against global pre indices; weightIndices '${opts.weightIndices}' needs finalWeights`);
    if ((opts.regressionCells ?? 3) !== g.regressionCells) throw new Error(`summary of ${g.name}: its final weights were streamed with regressionCells ${g.regressionCells}, asked ${opts.regressionCells}`);
    const entry: PlasticSummary = plastic[g.name] ?? { jMeanFinal: NaN, jMeanSeries: [] };
    entry.jMeanFinal = g.jMean;
    entry.r2Mean = g.fit.meanR2;
    entry.r2 = Array.from(g.fit.r2);
    entry.weightRateCov = g.weightRateCov;
    plastic[g.name] = entry;
  }

  const summary: Summary = {
    dt_ms: rec.dt_ms,
    steps: rec.steps,
    T_ms: rec.steps * rec.dt_ms,
    statsStart_ms,
    statsDuration_ms: dur,
    window_ms: rec.windows.window_ms,
    nWindows: rec.windows.nWindows,
    series_bin_ms: series.bin_ms,
    populations,
    pairs: counts.pairs,
    plastic,
    theory: {},
  };
  return { summary, rates_Hz: rates, cv, counts };
}

/** The summary.json object of a run (analyze(...).summary). */
export function summarize(rec: Recordings, opts: SummaryOptions = {}): Summary {
  return analyze(rec, opts).summary;
}

/** Per population: mean of each current channel over bins with start time b*bin_ms >= statsStart, and 'total'. */
export function meanCurrents(rec: Pick<Recordings, 'series' | 'populations'>, statsStart_ms: number): Record<string, number>[] {
  const { series } = rec;
  const np = rec.populations.length;
  const nc = series.channels.length;
  const first = Math.max(0, Math.ceil(statsStart_ms / series.bin_ms - 1e-9));
  const nb = Math.max(0, series.nBins - first);
  return rec.populations.map((_, p) => {
    const out: Record<string, number> = Object.create(null); // keys are user names: no prototype
    let total = 0;
    series.channels.forEach((ch, c) => {
      let s = 0;
      for (let b = first; b < series.nBins; b++) s += series.currents[(b * np + p) * nc + c]!;
      const m = nb > 0 ? s / nb : NaN;
      out[ch] = m;
      total += m;
    });
    out['total'] = nc > 0 ? total : NaN;
    return out;
  });
}

/** Rates indexed like a projection's pre indices: all neurons ('global') or the pre population's slice ('local'). */
function preRateLookup(rec: Recordings, name: string, rates: Float64Array, mode: 'global' | 'local'): Float64Array | undefined {
  if (mode === 'global') return rates;
  const preName = name.split('<-')[1];
  const pop = rec.populations.find((p) => p.name === preName);
  return pop ? rates.subarray(pop.offset, pop.offset + pop.size) : undefined;
}
