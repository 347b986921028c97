// Coefficient of variation of the inter-spike intervals, from running ISI sums.
// Rule: a neuron gets a CV only with >= 2 ISIs (>= 3 spikes) and a positive mean ISI; otherwise NaN.
// CV = sd / mean with the population (divide-by-n) ISI variance, as numpy's np.std(isi) / np.mean(isi).
import type { NeuronStats, PopulationLayout } from '../record/recordings.ts';

/** Minimum number of ISIs for a neuron's CV to be defined. */
export const MIN_ISIS_FOR_CV = 2;

/** Per-neuron CV of ISI (NaN where fewer than MIN_ISIS_FOR_CV ISIs). */
export function neuronCv(stats: Pick<NeuronStats, 'isiCount' | 'isiSum_ms' | 'isiSumSq_ms2'>): Float64Array {
  const n = stats.isiCount.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = stats.isiCount[i] ?? 0;
    const s = stats.isiSum_ms[i] ?? 0;
    if (k < MIN_ISIS_FOR_CV || !(s > 0)) {
      out[i] = NaN;
      continue;
    }
    const mean = s / k;
    // E[x^2] - E[x]^2 can round slightly below 0 for near-regular trains: clamp.
    const v = Math.max(0, (stats.isiSumSq_ms2[i] ?? 0) / k - mean * mean);
    out[i] = Math.sqrt(v) / mean;
  }
  return out;
}

/** Mean of the finite entries of values[offset, offset + size); NaN if none. */
export function finiteMean(values: ArrayLike<number>, offset = 0, size = values.length - offset): number {
  let s = 0;
  let n = 0;
  for (let i = offset, end = offset + size; i < end; i++) {
    const v = values[i] ?? NaN;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

/** Mean CV per population over its neurons that have a CV (layout order). */
export function populationCv(cv: ArrayLike<number>, pops: readonly PopulationLayout[]): number[] {
  return pops.map((p) => finiteMean(cv, p.offset, p.size));
}
