// What an engine records during a run: the same layout from the CPU and the WebGPU engine.
// Neurons are indexed globally: population p owns [offset_p, offset_p + size_p).
import type { FinalWeightDigest } from '../stats/weightDigest.ts';

/** Where a population sits in the global neuron index: neurons [offset, offset + size). */
export interface PopulationLayout {
  name: string;
  offset: number;
  size: number;
}

/** Spike counts per neuron per count window, over the statistics interval. */
export interface WindowCounts {
  window_ms: number;
  nWindows: number; // windows recorded so far (the last partial window is dropped)
  nNeurons: number;
  /** counts[w * nNeurons + i]: spikes of neuron i in window w. */
  counts: Uint16Array;
}

/** Spikes of a neuron subset: parallel arrays of step and global neuron index. */
export interface Raster {
  neurons: Int32Array; // the recorded subset (global indices)
  steps: Int32Array;
  ids: Int32Array;
  count: number; // entries stored in steps/ids (the arrays may have spare capacity)
  dropped: number; // spikes not stored because the raster buffer was full
}

/** Bin averages over time (bin_ms): one row per bin. */
export interface TimeSeries {
  bin_ms: number;
  nBins: number;
  /** rate_Hz[b * nPops + p]: population rate in bin b. */
  rate_Hz: Float64Array;
  /** currents[((b * nPops + p) * nChannels + c)]: mean current of the sampled neurons of p from channel c (mV/ms). */
  currents: Float64Array;
  channels: string[]; // source names of the current channels; total current is their sum
  /** jMean[b * nPlastic + k]: mean j (J times sqrt(N)) of plastic projection k at the end of bin b. */
  jMean: Float64Array;
  /** jSample[(b * nPlastic + k) * weightSamples + s]: individual sampled j values at the end of bin b. */
  jSample: Float32Array;
}

/** Per-neuron spike statistics over the statistics interval. */
export interface NeuronStats {
  spikeCount: Uint32Array; // spikes in [statsStart, T]
  isiCount: Uint32Array; // ISIs in the interval
  isiSum_ms: Float64Array;
  isiSumSq_ms2: Float64Array;
}

/**
 * What every engine records (a rate engine too): population time series (rates, currents, sampled
 * weights), the final plastic weights and the run's shape. Engine.recordings() returns at least this.
 */
export interface CoreRecordings {
  steps: number; // steps simulated
  dt_ms: number;
  statsStart_step: number;
  populations: PopulationLayout[];
  series: TimeSeries;
  plasticNames: string[]; // e.g. 'E<-I'
  /** Final weights of each plastic projection in j units, and its presynaptic indices (for Fig 3E). */
  finalWeights: { name: string; j: Float32Array; pre: Int32Array; post: Int32Array; J?: Float32Array }[]; // J: the engine's scaled f32 weights (exact)
  /**
   * Streamed final weights (RunOptions.finalWeights; src/stats/weightDigest.ts): the statistics and histograms of each
   * plastic projection read by chunks of rows, in place of its finalWeights entry (then absent), so the host never held
   * all its synapses. The arrays went to the run's sink (the CLI: the weights_<post>_from_<pre>_*.npy files).
   */
  finalWeightDigests?: FinalWeightDigest[];
}

/** What a spiking engine records in addition: spike counts per window, the raster and per-neuron ISI statistics. */
export interface SpikeRecordings {
  windows: WindowCounts;
  raster: Raster;
  neuronStats: NeuronStats;
}

/** A spiking engine's recordings (the CPU and WebGPU engines): the core part and the spike part. */
export interface Recordings extends CoreRecordings, SpikeRecordings {}

/** Whether recordings carry the spike part (a rate engine's do not). */
export function hasSpikes(r: CoreRecordings): r is Recordings {
  const s = r as Partial<SpikeRecordings>;
  return s.windows !== undefined && s.raster !== undefined && s.neuronStats !== undefined;
}

/** The recordings as spiking ones, or an error naming what needs spikes (spike statistics, raster, ISI). */
export function spikingRecordings(r: CoreRecordings, what: string): Recordings {
  if (!hasSpikes(r)) throw new Error(`${what} needs spike recordings (windows, raster, neuron statistics); this engine recorded the core part only (time series, weights)`);
  return r;
}
