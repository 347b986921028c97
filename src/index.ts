/// <reference types="@webgpu/types" preserve="true" />
/**
 * plasticnet: simulate large plastic spiking networks on WebGPU or the CPU reference engine, and compare
 * their statistics with mean-field theory. This module is the whole public API; everything it does not
 * export is internal and may change. It runs in Node (>= 20) and in browsers; it reads no files.
 *
 * ```ts
 * import { Simulation, getPreset, withOverrides } from 'plasticnet';
 * const sim = await Simulation.create(withOverrides(getPreset('akil-static'), { N: 2000, T_s: 0.5 }));
 * await sim.run();
 * console.log((await sim.summary()).populations);
 * sim.dispose();
 * ```
 *
 * Node-only file writers (run outputs as .npy, JSON and HTML files) are in `plasticnet/node`.
 * @module plasticnet
 */

// A thin re-export layer: names are stable here even when the modules behind them move.

// Specs and presets
export type {
  CondLifNeuron,
  EifNeuron,
  InputSpec,
  LifNeuron,
  NetworkSpec,
  NeuronSpec,
  PlasticitySpec,
  PoissonSourceNeuron,
  PopulationSpec,
  ProjectionSpec,
  RecordingSpec,
  RuleTerm,
  SignalSpec,
} from './model/spec.ts';
export { NEURON_MODELS } from './model/spec.ts';
export {
  RULE_NAMES,
  antiHebbian,
  hardHebbian,
  hebbian,
  hebbianIE,
  homeostaticIE,
  homeostaticInhibitory,
  kohonen,
  oja,
  softHebbian,
  vogels,
  type RateOpts,
} from './model/rules.ts';
export { getPreset, presets, type Preset } from './presets/index.ts';
export { withOverrides, type Overrides } from './model/overrides.ts';

// Validation and building
export { SpecError, validate, type SpecIssue } from './model/validate.ts';
export { build } from './api/network.ts';
export type { BuiltNetwork } from './network/network.ts';

// Running
export { Simulation, type Backend, type Progress, type SimulationOptions, type SimulationRunOptions, type StoppedBy } from './api/simulation.ts';
export { acquireDevice, releaseDevice, type AcquireOptions, type AcquiredDevice, type AdapterSummary } from './engine/webgpu/device.ts';

// Recordings
export type { NeuronStats, PopulationLayout, Raster, Recordings, TimeSeries, WindowCounts } from './record/recordings.ts';

// Statistics
export { analyze, summarize, type Analysis, type PlasticSummary, type PopulationSummary, type Summary, type SummaryOptions } from './stats/summary.ts';
export { meanRate_Hz, neuronRates_Hz, populationRates_Hz } from './stats/rates.ts';
export { neuronCv, populationCv } from './stats/cv.ts';
export { countStats, type CountStats, type CountStatsOptions, type PairStats } from './stats/covariance.ts';
export { histogram, linearRegression, type Regression } from './stats/weights.ts';
export type { FinalWeightDigest } from './stats/weightDigest.ts';

// Theory
export * as theory from './theory/index.ts';
export { theoryFor, type RunTheory } from './theory/adapters/theoryFor.ts';

// Writers
export { npyFiles, type NamedArray, type RunMeta, type RunOutputs, type RunSummary } from './api/outputs.ts';
export { decodeNpy, encodeNpy, type NpyArray, type NpyDecoded, type NpyDescr } from './io/npy.ts';
export { histogramPlot, linePlot, scatterPlot, type LineSeries, type PlotOptions, type PointSeries } from './io/svg.ts';
