// Firing rates over the statistics interval [statsStart, T] from the per-neuron spike counts.
import type { PopulationLayout, Recordings } from '../record/recordings.ts';

/** Length of the statistics interval [statsStart, T] in ms. */
export function statsDuration_ms(rec: Pick<Recordings, 'steps' | 'dt_ms' | 'statsStart_step'>): number {
  return Math.max(0, rec.steps - rec.statsStart_step) * rec.dt_ms;
}

/** Per-neuron rate in Hz: spikeCount / duration (NaN for every neuron if duration <= 0). */
export function neuronRates_Hz(spikeCount: ArrayLike<number>, duration_ms: number): Float64Array {
  const out = new Float64Array(spikeCount.length);
  const scale = duration_ms > 0 ? 1000 / duration_ms : NaN;
  for (let i = 0; i < out.length; i++) out[i] = (spikeCount[i] ?? 0) * scale;
  return out;
}

/** Mean rate in Hz of neurons [offset, offset + size): total spikes / (size * duration); NaN if empty. */
export function meanRate_Hz(spikeCount: ArrayLike<number>, offset: number, size: number, duration_ms: number): number {
  if (size <= 0 || !(duration_ms > 0)) return NaN;
  let s = 0;
  for (let i = offset, end = offset + size; i < end; i++) s += spikeCount[i] ?? 0;
  return (s * 1000) / (size * duration_ms);
}

/** Mean rate in Hz of each population, in layout order. */
export function populationRates_Hz(
  spikeCount: ArrayLike<number>,
  pops: readonly PopulationLayout[],
  duration_ms: number,
): number[] {
  return pops.map((p) => meanRate_Hz(spikeCount, p.offset, p.size, duration_ms));
}
