// Running spike-count statistics of a run in progress (rates, Fano factors, pair covariances and
// correlations over [statsStart, now]) beside the mean-field theory at the latest mean weights.
import type { Recordings } from '../record/recordings.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { countStats } from '../stats/covariance.ts';
import { meanRate_Hz, statsDuration_ms } from '../stats/rates.ts';
import { theoryFor } from '../theory/adapters/theoryFor.ts';

/** Running statistics over [statsStart, now] against theory at the current mean weights. */
export interface LiveStats {
  nWindows: number;
  rates_Hz: Record<string, number>;
  fano: Record<string, number>;
  pairs: Record<string, { cov: number; corr: number; covTheory: number | null; covTheoryCorrected: number | null; corrTheory: number | null }>;
  theoryRates_Hz: Record<string, number> | null;
  theoryNote: string;
}

/** Rates, Fano factors, pair covariances/correlations so far, with theory at the latest mean weights. */
export function liveStats(spec: NetworkSpec, rec: Recordings): LiveStats {
  const cs = countStats(rec.windows, rec.populations, { covSample: spec.recording.covSample });
  const dur = statsDuration_ms(rec);
  const names = rec.populations.map((p) => p.name);
  const nk = rec.plasticNames.length;
  const last = rec.series.nBins - 1;
  const jNow: Record<string, number> = Object.create(null); // keys are user names: no prototype
  if (last >= 0) rec.plasticNames.forEach((n, k) => (jNow[n] = rec.series.jMean[last * nk + k]!));
  const th = theoryFor(spec, cs.fano, nk > 0 ? jNow : undefined);
  const ok = 'error' in th ? null : th;
  const pairs: LiveStats['pairs'] = {};
  names.forEach((a, i) =>
    names.forEach((b, k) => {
      if (k < i) return;
      const key = `${a}-${b}`;
      const sim = cs.pairs[key]!;
      const t = ok?.cov[key];
      const best = t ? (t.corrected ?? t.uncorrected) : null;
      // Theory correlation: theory covariance over the measured count standard deviations.
      const sd = Math.sqrt(cs.meanVar[i]! * cs.meanVar[k]!);
      pairs[key] = { cov: sim.cov, corr: sim.corr, covTheory: t?.uncorrected ?? null, covTheoryCorrected: t?.corrected ?? null, corrTheory: best !== null && sd > 0 ? best / sd : null };
    }),
  );
  return {
    nWindows: cs.nWindows,
    rates_Hz: Object.fromEntries(rec.populations.map((p) => [p.name, meanRate_Hz(rec.neuronStats.spikeCount, p.offset, p.size, dur)])),
    fano: Object.fromEntries(names.map((n, i) => [n, cs.fano[i]!])),
    pairs,
    theoryRates_Hz: ok?.rates_Hz ?? null,
    theoryNote: ok ? ok.note : (th as { error: string }).error,
  };
}
