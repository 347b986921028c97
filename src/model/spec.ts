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

/**
 * Conductance-based LIF (Vogels et al. 2011; Brian2 example Vogels_et_al_2011.py), in Brian's units:
 *   C dV/dt = g_L (E_L - V) + sum_c g_c (E_c - V) + I_b,
 * g_c the conductance (nS) of channel c (one per source population or input, reversal E_c from that
 * source's reversal_mV), decaying with the source's tauSyn_ms and jumping by w (nS) per spike (not w/tau).
 */
export interface CondLifNeuron {
  model: 'cond_lif';
  C_pF: number; // membrane capacitance
  gL_nS: number; // leak conductance (tau_m = C / g_L)
  eL_mV: number;
  vThresh_mV: number;
  vReset_mV: number;
  refractory_ms: number; // V held at vReset, conductances keep integrating
  iBg_pA: number; // constant background current I_b
  vInitLow_mV: number;
  vInitHigh_mV: number;
}

/**
 * A population of Poisson spike sources (not integrating neurons), so their projections can be plastic:
 * each step, a source out of its dead time spikes with probability (rate_Hz + max(0, gain_Hz * x)) * dt,
 * x the value of its channel of a rate-modulating signal (NetworkSpec.signals); Vogels' SOM inputs.
 */
export interface PoissonSourceNeuron {
  model: 'poisson';
  rate_Hz: number; // background rate (the whole rate when unmodulated)
  refractory_ms: number; // dead time after each spike (5 ms in inhib_plasticity.m)
  /** Channel `channel` of `signal` for every source, or (channel absent) equal contiguous blocks over all channels. */
  modulation?: { signal: string; channel?: number; gain_Hz: number };
}

/**
 * Adaptive LIF with white noise (Soldado-Magraner 2022 Fig 7, the co-author's Brian2 network.py; src/neurons/adaptiveLif.ts):
 *   C dV/dt = g_L (E_L - V) - a + sum_c I_c + I_b + noise,  da/dt = -a/tauAdapt,  a += betaAdapt/tauAdapt per spike.
 * Input currents are in pA (a projection's j in pA ms: each spike adds j/tauSyn pA; held internally in nA, see adaptiveLif.ts); noiseSigma_mV as Brian's
 * noiseSigma * (C/g_L)^-0.5 * xi (free stationary s.d. of V: sigma/sqrt 2).
 */
export interface AdaptiveLifNeuron {
  model: 'adaptive_lif';
  C_pF: number;
  gL_nS: number;
  eL_mV: number;
  vThresh_mV: number;
  vReset_mV: number;
  refractory_ms: number; // V held, currents keep integrating
  iBg_pA: number; // constant background current
  tauAdapt_ms: number; // > 0
  betaAdapt_pAms: number; // adaptation increment per spike times tauAdapt (pA ms); 0: no adaptation
  noiseSigma_mV: number; // 0: no noise
  vInitLow_mV: number;
  vInitHigh_mV: number;
}

/** A neuron model of a population: EIF, LIF, conductance-based LIF, adaptive LIF, or a Poisson source (SPEC §2.1). */
export type NeuronSpec = EifNeuron | LifNeuron | CondLifNeuron | AdaptiveLifNeuron | PoissonSourceNeuron;
/**
 * The built-in `neuron.model` values: 'eif', 'lif', 'cond_lif', 'poisson', 'adaptive_lif'. Each model's checks, derived
 * constants, CPU update and WGSL live in its module in src/neurons (one table: neuronModelNames() lists
 * every registered model, including ones registered at run time).
 */
export const NEURON_MODELS = ['eif', 'lif', 'cond_lif', 'poisson', 'adaptive_lif'] as const;

/**
 * Rate-modulating signal: `channels` independent low-pass-filtered uniform noises, per step
 *   x <- u - (u - x) exp(-dt/tau_ms),  u ~ U(-1/2, 1/2) from Philox,  x = 0 at step 0
 * (inhib_plasticity.m's FilteredWhiteNoise; stationary s.d. sqrt((1-a)/(1+a)/12), a = exp(-dt/tau)).
 */
export interface SignalSpec {
  name: string;
  channels: number;
  tau_ms: number;
}

/** A recurrent population of spiking neurons. */
export interface PopulationSpec {
  name: string;
  fraction: number; // size = round(fraction * N)
  neuron: NeuronSpec;
  /** Decay time of the exponential current this population's spikes evoke (synapse 'exponential', the default). */
  tauSyn_ms?: number;
  /** Synapse model of the current this population's spikes evoke (src/synapses); 'exponential' if absent. */
  synapse?: string;
  /** synapse 'double_exponential': rise and decay times (tauRise_ms <= tauDecay_ms; src/synapses/doubleExponential.ts). */
  tauRise_ms?: number;
  tauDecay_ms?: number;
  /** Reversal potential of the conductance this population's spikes open on cond_lif targets (required there). */
  reversal_mV?: number;
}

/** A layer of external Poisson neurons (SPEC §2.3): independent (correlation 0) or a mother process. */
export interface InputSpec {
  name: string;
  fraction: number; // size = round(fraction * N)
  rate_Hz: number; // rate of every input neuron
  correlation: number; // pairwise spike-count correlation c in [0, 1)
  jitter_ms: number; // s.d. of the Gaussian jitter of copied mother spikes (correlated only)
  tauSyn_ms: number;
  /** Synapse model of this input's current (src/synapses); 'exponential' if absent. */
  synapse?: string;
  /** Reversal potential on cond_lif targets (required there); see PopulationSpec.reversal_mV. */
  reversal_mV?: number;
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

/** Recurrent connections from population `pre` to population `post` (SPEC §2.2): connection probability, weight and delay, with optional plasticity. */
export interface ProjectionSpec {
  pre: string; // population or input name
  post: string; // population name
  /** 'bernoulli-counter': Bernoulli(p) drawn with u32 arithmetic only, so the GPU can build it bit-identically (src/network/counterRows.ts). */
  connectivity: 'bernoulli' | 'bernoulli-counter' | 'fixed-indegree';
  p: number; // connection probability; fixed-indegree uses K = round(p * N_pre)
  j: number; // unscaled weight; J = j / sqrt(N) when scaleBySqrtN
  scaleBySqrtN: boolean;
  plasticity?: PlasticitySpec;
  /**
   * Synaptic delay (spike to arrival): each synapse's delay is drawn once at build, uniformly among the whole
   * steps in [round(min_ms/dt), round(max_ms/dt)] (min = max: one delay for the projection), at least one step
   * and at most MAX_DELAY_STEPS. Absent: one step (a spike at step t reaches V at step t + 1, as before).
   * A delay of d steps makes it reach V at step t + d (both engines; docs/trials-delays.md).
   */
  delay?: { min_ms: number; max_ms: number };
  /**
   * Where the synapses live (docs/device-build.md). 'stored' (default): CSR in memory. 'procedural': a static
   * 'bernoulli-counter' projection (from a population or an input), with one delay for all its synapses, keeps no
   * synapse memory; a spiker's (or spiking input source's) row is regenerated from its counter (the builder's
   * scheme, so the same targets in the same order). 'auto': procedural when the stored network would not fit the
   * memory budget (and, on the WebGPU backend, the graph's u32 indices), population projections first, input ones
   * after them (resolveAutoStorage in src/model/estimate.ts), else stored; never procedural where not allowed.
   */
  storage?: 'stored' | 'procedural' | 'auto';
}

/** What is recorded during a run: statistics interval, count windows, time-series bins, raster, current and weight samples. */
export interface RecordingSpec {
  window_ms: number; // spike-count window for covariances (250 in the paper)
  statsStart_s: number; // statistics use [statsStart_s, T_s]; the paper uses T/2
  bin_ms: number; // bin of population-rate, current and weight time courses
  rasterNeurons: number; // neurons per population kept in the raster
  currentSamples: number; // neurons per population whose currents are averaged
  weightSamples: number; // synapses per plastic projection recorded individually
  covSample: number; // neurons per population in the sampled pairwise covariance matrix
}

/** A whole network as JSON: size, time step, duration, seed, populations, inputs, projections and recording. `plasticnet spec <preset>` prints one; {@link validate} checks one. */
export interface NetworkSpec {
  name: string;
  description?: string;
  N: number; // network size (sum of population fractions = 1 for the Akil network)
  dt_ms: number;
  T_s: number; // simulated duration; must be a whole number of steps
  seed: number; // u32 master seed
  populations: PopulationSpec[];
  inputs: InputSpec[];
  signals?: SignalSpec[]; // rate-modulating signals of poisson populations
  projections: ProjectionSpec[];
  recording: RecordingSpec;
  maxRate_Hz: number; // runaway guard: stop if the mean rate over a bin exceeds it
}
