// NetworkSpec: the plain-JSON description of a network run. Field names carry their units.
// Conventions (Akil 2021 code units): time in ms, voltage in mV, C_m = 1 so currents are mV/ms,
// rates given in Hz. Populations are sized as fractions of the top-level N so `--N` rescales all.

/** Exponential integrate-and-fire neuron (SPEC §2.1). C_m = 1, g_L = 1/tauMem_ms. */
export interface EifNeuron {
  model: 'eif';
  tauMem_ms: number; // membrane time constant C_m/g_L
  eL_mV: number; // leak reversal
  vT_mV: number; // soft threshold of the exponential term
  deltaT_mV: number; // slope factor of the exponential term
  vThresh_mV: number; // spike detection threshold (V >= vThresh)
  vReset_mV: number; // reset value after a spike
  refractory_ms: number; // absolute refractory period (0 in the Akil code)
  vInitLow_mV: number; // initial V ~ U[vInitLow, vInitHigh)
  vInitHigh_mV: number;
}

/** Leaky integrate-and-fire neuron, current based: the EIF without its exponential term. */
export interface LifNeuron {
  model: 'lif';
  tauMem_ms: number;
  eL_mV: number;
  vThresh_mV: number;
  vReset_mV: number;
  refractory_ms: number;
  vInitLow_mV: number;
  vInitHigh_mV: number;
}

export type NeuronSpec = EifNeuron | LifNeuron;
export const NEURON_MODELS = ['eif', 'lif'] as const;

/** A recurrent population of spiking neurons. */
export interface PopulationSpec {
  name: string;
  fraction: number; // size = round(fraction * N)
  neuron: NeuronSpec;
  tauSyn_ms: number; // decay time of the exponential current this population's spikes evoke
}

/** A layer of external Poisson neurons (SPEC §2.3): independent (correlation 0) or a mother process. */
export interface InputSpec {
  name: string;
  fraction: number; // size = round(fraction * N)
  rate_Hz: number; // rate of every input neuron
  correlation: number; // pairwise spike-count correlation c in [0, 1)
  jitter_ms: number; // s.d. of the Gaussian jitter of copied mother spikes (correlated only)
  tauSyn_ms: number;
  /** Active only inside [start_s, stop_s) (e.g. optogenetic stimulation); always active if absent. */
  activeWindow_s?: { start_s: number; stop_s: number };
}

/**
 * Per-event term of the general pair rule (Akil Eq 10), applied to the weight J of each existing synapse:
 *   dJ = eta * s * f * (a + bPre*x_pre + bPost*x_post),  f = 1 ('none') or j / jRef ('linear'),
 * with j = J * sqrt(N) on scaled projections, and s = 1/sqrt(N) when `scaled` (coefficients that are
 * weights, such as Kohonen's beta or a Hebbian jMax, given in j units) else 1 (as the authors' code).
 * Traces x jump by 1 per spike and decay with tauSTDP_ms, so x ~ rate * tauSTDP.
 */
export interface RuleTerm {
  a: number; // constant (first-order A term, or -alpha for homeostatic rules)
  bPre: number; // coefficient of the presynaptic trace
  bPost: number; // coefficient of the postsynaptic trace
  /** Weight dependence f(J): 'none' -> 1, 'linear' -> J / jRef (jRef in j units, i.e. times sqrt(N) when scaled). */
  weightDep: 'none' | 'linear';
  jRef?: number;
  scaled?: boolean;
}

/** A plasticity rule in the general form, applied on pre- and postsynaptic spikes of a projection. */
export interface PlasticitySpec {
  rule: string; // preset name (e.g. 'kohonen', 'istdp-ei') or 'general'
  tauSTDP_ms: number; // eligibility trace time constant
  /** Learning rate per spike (the authors' code convention). Exactly one of eta / learningTimescale_ms. */
  eta?: number;
  /** The paper's 1/eta in ms; eta_per_spike = 1 ms / learningTimescale_ms (see docs in plasticity). */
  learningTimescale_ms?: number;
  onPre: RuleTerm; // applied to every synapse of a presynaptic spiker
  onPost: RuleTerm; // applied to every synapse onto a postsynaptic spiker
  /** Bounds in j units; 'clip' clamps after each update, 'gate' skips updates outside (authors' hard Hebb). */
  bounds?: { jMin: number; jMax: number; mode: 'clip' | 'gate' };
  startAt_s?: number; // plasticity off before this time (e.g. Vogels protocol)
}

export interface ProjectionSpec {
  pre: string; // population or input name
  post: string; // population name
  connectivity: 'bernoulli' | 'fixed-indegree';
  p: number; // connection probability; fixed-indegree uses K = round(p * N_pre)
  j: number; // unscaled weight; J = j / sqrt(N) when scaleBySqrtN
  scaleBySqrtN: boolean;
  plasticity?: PlasticitySpec;
}

export interface RecordingSpec {
  window_ms: number; // spike-count window for covariances (250 in the paper)
  statsStart_s: number; // statistics use [statsStart_s, T_s]; the paper uses T/2
  bin_ms: number; // bin of population-rate, current and weight time courses
  rasterNeurons: number; // neurons per population kept in the raster
  currentSamples: number; // neurons per population whose currents are averaged
  weightSamples: number; // synapses per plastic projection recorded individually
  covSample: number; // neurons per population in the sampled pairwise covariance matrix
}

export interface NetworkSpec {
  name: string;
  description?: string;
  N: number; // network size (sum of population fractions = 1 for the Akil network)
  dt_ms: number;
  T_s: number; // simulated duration; must be a whole number of steps
  seed: number; // u32 master seed
  populations: PopulationSpec[];
  inputs: InputSpec[];
  projections: ProjectionSpec[];
  recording: RecordingSpec;
  maxRate_Hz: number; // runaway guard: stop if the mean rate over a bin exceeds it
}
