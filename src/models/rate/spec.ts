// Rate-network spec (kind: 'rate'): a batch of B independent networks of threshold-linear rate units.
// Populations of units (gain, threshold, saturation, per-unit time constant, optional OU noise), dense weight
// blocks between populations with a sign, external inputs (per-trial pulses, Poisson kicks, constant drive),
// a trial protocol (reset, trial mean over the last window, cross-trial average) and optional plasticity:
// the trial-based rules of Soldado-Magraner et al. 2022 (Eqs 6-8, SPEC §3.2) or their online variant (Fig S4).
// Binas et al. 2014 (SPEC §4, issue 17) reuses the same engine: rectified-linear populations with thresholds,
// inputs and a continuous-time rule added as another plasticity kind.

/** Threshold-linear transfer f(x) = gain * max(0, x - threshold), saturating at rateMax_Hz (SPEC §3.1 Eq 3). */
export interface RatePopulationSpec {
  name: string;
  n: number; // units in the population
  tau_ms: number; // time constant of every unit
  gain: number; // g in f(x) = g (x - theta)_+, Hz per input unit
  threshold: number; // theta
  rateMax_Hz: number; // rates are clipped at this value after each step (authors' E_MAX / I_MAX)
  /** Ornstein-Uhlenbeck noise added to the input: u += (dt/tau)(0 - u) + sigma sqrt(dt) xi (xi ~ N(0,1)). */
  noise?: { sigma: number; tau_ms: number }; // sigma in input units per sqrt(second)
  setpoint_Hz?: number; // homeostatic set point of this population (rules)
}

export type RateInit =
  | { kind: 'constant'; value: number } // every synapse of the block, every network of the batch
  | { kind: 'uniform'; lo: number; hi: number } // i.i.d. per synapse and per network (Philox stream rateInit)
  /**
   * i.i.d. normal per synapse and per network, mean + sd * N(0,1) (Philox stream rateInit, counter word 3 = 1), with no
   * floor and no absolute value, as the authors' multi-unit MATLAB (`meanw + randn*sigmaw`): a negative draw stays
   * negative for trial 1 and the first rule update floors it (W_MIN / fan-in). Autapses are 0 as for every kind.
   */
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'list'; values: number[] }; // one value per network of the batch (a grid of initial weights)

/** Dense block post <- pre: input to post unit i is sign * sum_j W[i][j] r_j (weights stored >= 0). */
export interface RateWeightSpec {
  post: string;
  pre: string;
  sign: 1 | -1; // +1 excitatory, -1 inhibitory
  init: RateInit;
  autapses?: boolean; // post === pre with n > 1: keep W[i][i] (default false: the diagonal is 0)
}

/** External input added to the input of every unit of `target`. */
export type RateInputSpec =
  | { kind: 'pulse'; target: string; onset_ms: number; duration_ms: number; amp: number } // every trial
  | { kind: 'poisson-pulse'; target: string; rate_Hz: number; duration_ms: number; amp: number; forced_ms?: number[] } // random kicks (Fig S4)
  | { kind: 'constant'; target: string; amp: number }
  /**
   * Per-trial input pattern (Binas 2014 Figs 7-8): during trial k (0-based) unit u of the concatenated `targets`
   * (in the order listed, units in order) gets values[k % values.length][u] added to its input. Every row has as
   * many entries as the targets have units. Shared by every network of the batch.
   */
  | { kind: 'pattern'; targets: string[]; values: number[][] };

export type RateRuleName = 'homeostatic' | 'cross-homeostatic' | 'two-term';

/** Soldado-Magraner rules on the four classes between an excitatory and an inhibitory population. */
export interface RatePlasticitySpec {
  kind: 'trial' | 'online'; // trial: once per trial from the cross-trial average; online: every step (Fig S4)
  rule: RateRuleName;
  excitatory: string; // population names
  inhibitory: string;
  alphaE: number; // learning rate of the weights onto E (W_EE, W_EI)
  alphaI: number; // onto I (W_IE, W_II)
  weightFloor: number; // W_MIN; a synapse's floor is W_MIN / fan-in (fan-in 1 for one-unit populations)
  rateFloor_Hz: number; // the rule uses max(rateFloor, average) (authors: 1)
  tauCa_ms?: number; // online: calcium-sensor low-pass time constant (authors: 1 s)
}

/**
 * Continuous-time weight-dependent rule on every block, every step (Binas et al. 2014 Eq 18, SPEC §4.2):
 * dw/dt = x_pre x_post [(wMax - w) x_post - w (Theta + A x_pre)] / tauS, rates in Hz, t in s, w clamped to [0, wMax].
 * Blocks with sign +1 use (thetaExc_Hz, aExc), sign -1 (thetaInh_Hz, aInh). Applied after the rates of the step.
 */
export interface RateContinuousPlasticitySpec {
  kind: 'continuous';
  rule: 'binas';
  wMax: number;
  thetaExc_Hz: number;
  thetaInh_Hz: number;
  aExc: number;
  aInh: number;
  tauS_Hz2: number; // Eq 18's tau_s in Hz^2 (s^-2)
  /**
   * Per-network rule parameters (one value per network of the batch), replacing wMax and aExc network by network: a
   * grid of (w_max, A_exc) cells run as one batch (Binas 2014 Fig 5, src/models/binas/stabilitySweep.ts).
   */
  perNetwork?: { wMax?: number[]; aExc?: number[] };
}

export interface RateTrialSpec {
  count: number; // trials
  duration_ms: number; // per trial
  window_ms: number; // trial mean over the last window (authors: 500 ms)
  tauTrial: number; // cross-trial average A += (-A + mean)/tauTrial (authors: 2 trials)
  resetRates: boolean; // rates start at 0 each trial (OU noise continues across trials, as in the authors' code)
}

export interface RateRecordingSpec {
  traceTrials: number[]; // 1-based trials whose rate traces of network 0 are recorded
  traceEvery_steps: number; // trace sampling interval
}

export interface RateSpec {
  kind: 'rate';
  name: string;
  seed: number;
  batch: number; // B independent networks
  dt_ms: number;
  update: 'sequential' | 'simultaneous'; // sequential: each population uses the already updated earlier ones (authors: E first, I uses new E)
  populations: RatePopulationSpec[];
  weights: RateWeightSpec[];
  inputs: RateInputSpec[];
  trials: RateTrialSpec;
  plasticity: RatePlasticitySpec | RateContinuousPlasticitySpec | null;
  recording: RateRecordingSpec;
}

/** True for a rate spec (the spiking NetworkSpec has no `kind`). */
export function isRateSpec(x: unknown): x is RateSpec {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'rate';
}
