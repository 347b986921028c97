// The numbers that identify a run's spikes, compact enough to show in a page and compare with another run of
// the same spec and seed: per-population spike counts and rates over the statistics interval, and FNV-1a
// hashes of the per-window spike counts and of the raster. Equal on two CPU-engine runs of the same spec.
import type { RunResult } from '../pipeline/simulation.ts';
import type { Summary } from '../stats/summary.ts';
import { spikingRecordings } from '../record/recordings.ts';

export interface RunCheck {
  backend: string;
  device: string;
  steps: number;
  spikes: Record<string, number>; // spikes of each population in [statsStart, T]
  rates_Hz: Record<string, number>;
  cv_isi: Record<string, number>;
  pairs: Record<string, { cov: number; corr: number }>;
  jMeanFinal: Record<string, number>;
  nWindows: number;
  countsHash: string; // FNV-1a of the window counts (nWindows x N, u16 little-endian)
  rasterCount: number;
  rasterHash: string; // FNV-1a of the raster (step, neuron) pairs
}

/** 32-bit FNV-1a over the bytes of typed arrays (little-endian hosts), as 8 hex digits. */
export function fnv1a(...arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The check numbers of a finished run (summary from analyze/summarizeRun). */
export function runCheck(r: RunResult, s: Summary): RunCheck {
  const rec = spikingRecordings(r.recordings, 'the run check (spike counts, raster hash)');
  const spikes: Record<string, number> = Object.create(null); // keys are user names: no prototype
  for (const p of rec.populations) {
    let n = 0;
    for (let i = p.offset; i < p.offset + p.size; i++) n += rec.neuronStats.spikeCount[i]!;
    spikes[p.name] = n;
  }
  const pick = <T>(f: (name: string) => T) => Object.fromEntries(rec.populations.map((p) => [p.name, f(p.name)]));
  const w = rec.windows;
  return {
    backend: r.backend,
    device: r.device,
    steps: rec.steps,
    spikes,
    rates_Hz: pick((n) => s.populations[n]!.rate_Hz),
    cv_isi: pick((n) => s.populations[n]!.cv_isi),
    pairs: s.pairs,
    jMeanFinal: Object.fromEntries(Object.entries(s.plastic).map(([k, v]) => [k, v.jMeanFinal])),
    nWindows: w.nWindows,
    countsHash: fnv1a(w.counts.subarray(0, w.nWindows * w.nNeurons)),
    rasterCount: rec.raster.count,
    rasterHash: fnv1a(rec.raster.steps.subarray(0, rec.raster.count), rec.raster.ids.subarray(0, rec.raster.count)),
  };
}
