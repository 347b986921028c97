// What an engine records during a run: the same layout from the CPU and the WebGPU engine.
// Neurons are indexed globally: population p owns [offset_p, offset_p + size_p).

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

/** Everything a run records, identical in layout from the CPU and the WebGPU engine: count windows, spike raster, binned time series, per-neuron spike statistics and final weights. */
export interface Recordings {
  steps: number; // steps simulated
  dt_ms: number;
  statsStart_step: number;
  populations: PopulationLayout[];
  windows: WindowCounts;
  raster: Raster;
  series: TimeSeries;
  neuronStats: NeuronStats;
  plasticNames: string[]; // e.g. 'E<-I'
  /** Final weights of each plastic projection in j units, and its presynaptic indices (for Fig 3E). */
  finalWeights: { name: string; j: Float32Array; pre: Int32Array; post: Int32Array; J?: Float32Array }[]; // J: the engine's scaled f32 weights (exact)
}
