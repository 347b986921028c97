// Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011 (Science): conductance-based LIF neurons with
// inhibitory STDP (SPEC §1; REFERENCE_CODE §3). Units are Brian's: nS, pF, pA, mV, ms.
//   vogelsSingle:   the SOM's single neuron (ModelDB 143751 inhib_plasticity.m) with 1000 rate-modulated
//                   inputs in 8 channels, tuned excitation, plastic inhibition;
//   vogelsNetwork:  the Brian2 example Vogels_et_al_2011.py (8000 E + 2000 I, 2%, iSTDP on E<-I);
//   vogelsAssembly: that network with a Hebbian assembly (strengthened E<-E inside it) and a partial cue.
import { vogels } from '../model/rules.ts';
import type { CondLifNeuron, NetworkSpec, PopulationSpec, ProjectionSpec, RecordingSpec } from '../model/spec.ts';

/** The cond LIF of both codes: C = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = V_reset = -60, V_th = -50, 5 ms refractory. */
export const vogelsNeuron = (iBg_pA: number, vInit: [number, number]): CondLifNeuron => ({
  model: 'cond_lif',
  C_pF: 200, // memc (Brian), c_mem (Auryn TIFGroup)
  gL_nS: 10, // gl; the SOM's conductances are in units of it
  eL_mV: -60,
  vThresh_mV: -50,
  vReset_mV: -60,
  refractory_ms: 5,
  iBg_pA, // bgcurrent = 200 pA (Brian); 0 in the SOM
  vInitLow_mV: vInit[0],
  vInitHigh_mV: vInit[1],
});

/** E_AMPA = 0 mV with tau_AMPA = 5 ms; E_GABA = -80 mV with tau_GABA = 10 ms (both codes). */
export const AMPA = { tauSyn_ms: 5, reversal_mV: 0 } as const;
export const GABA = { tauSyn_ms: 10, reversal_mV: -80 } as const;

const recording = (o: Partial<RecordingSpec> & { T_s: number }): RecordingSpec => ({
  window_ms: o.window_ms ?? 250,
  statsStart_s: o.statsStart_s ?? o.T_s / 2,
  bin_ms: o.bin_ms ?? 100,
  rasterNeurons: o.rasterNeurons ?? 100,
  currentSamples: o.currentSamples ?? 20,
  weightSamples: o.weightSamples ?? 100,
  covSample: o.covSample ?? 0,
});

// ---------------------------------------------------------------- single neuron (SOM inhib_plasticity.m)

/** SOM input constants: 8 signals (noisetau = 50 ms), 5 Hz background, peak 500 Hz at a filtered noise of 0.03, 5 ms dead time. */
export const SOM = {
  nSignals: 8,
  noiseTau_ms: 50,
  background_Hz: 5, // Backgroundrate = 5*dt/1000
  gain_Hz: 500 / 0.03, // Maxrate = 500*dt/1000 divided by ApproximateNormalizingFactor = 0.03
  deadTime_ms: 5, // tRef of the spike trains
  nExc: 800, // NCells * ExFrac
  nInh: 200,
  gBarEx_nS: 0.14, // gBarEx = 0.014 g_leak
  gBarIn_nS: 0.35, // gBarIn = 0.035 g_leak
  eta: 1e-3, // eta (per spike, weights in units of gBarIn)
  alpha: 0.25, // alpha = 0.25 * eta, i.e. rho0 = alpha / (2 tau) = 6.25 Hz
  tauPlasticity_ms: 20,
} as const;

/** Excitatory tuning of signal k = 1..8 (SOM line 130: 0.3 + 1.1/(1 + (k-5)^4) + U(0, 0.1)), with U replaced by its mean 0.05. */
export const somExcWeight = (k: number): number => 0.3 + 1.1 / (1 + (k - 5) ** 4) + 0.05;

export interface SingleOptions {
  T_s?: number;
  seed?: number;
  eta?: number; // per spike in SOM units (times gBarIn for nS)
  wInh0?: number; // initial inhibitory weight in SOM units (0.1)
  wInh?: number[]; // initial inhibitory weight per signal (8 values, SOM units), overrides wInh0
  startAt_s?: number; // plasticity off before (a "before learning" window)
  rho_Hz?: number;
}

/**
 * The SOM's single neuron: population 'post' (one cond LIF) and 16 Poisson source populations E1..E8
 * (100 each) and I1..I8 (25 each), source group k following channel k of signal 'S'. E weights are
 * tuned (peak at k = 5), I weights start flat at 0.1 gBarIn and learn by Vogels iSTDP toward rho0.
 * N = 1001 counts the sources, so population rates of E*, I* are input rates.
 */
export function vogelsSingle(o: SingleOptions = {}): NetworkSpec {
  const T_s = o.T_s ?? 150; // SOM: 101 runs of 1.5 s
  const N = SOM.nExc + SOM.nInh + 1;
  const k8 = Array.from({ length: SOM.nSignals }, (_, i) => i + 1);
  const src = (name: string, n: number, k: number, syn: typeof AMPA | typeof GABA): PopulationSpec => ({
    name,
    fraction: n / N,
    neuron: { model: 'poisson', rate_Hz: SOM.background_Hz, refractory_ms: SOM.deadTime_ms, modulation: { signal: 'S', channel: k - 1, gain_Hz: SOM.gain_Hz } },
    ...syn,
  });
  const rule = vogels({
    eta: (o.eta ?? SOM.eta) * SOM.gBarIn_nS,
    rho_Hz: o.rho_Hz ?? SOM.alpha / (2 * SOM.tauPlasticity_ms * 1e-3),
    tauSTDP_ms: SOM.tauPlasticity_ms,
    wMax: 100 * SOM.gBarIn_nS, // the SOM has no upper bound; 100 gBarIn is never reached
    sign: 1,
    ...(o.startAt_s !== undefined ? { startAt_s: o.startAt_s } : {}),
  });
  const proj = (pre: string, j: number, plastic: boolean): ProjectionSpec => ({
    pre, post: 'post', connectivity: 'bernoulli', p: 1, j, scaleBySqrtN: false, ...(plastic ? { plasticity: rule } : {}),
  });
  return {
    name: 'vogels-single',
    description: 'Vogels 2011 SOM single neuron: 800 E + 200 I rate-modulated inputs in 8 channels, tuned E, iSTDP on I -> detailed balance, rate -> rho0 = 6.25 Hz',
    N,
    dt_ms: 0.1,
    T_s,
    seed: o.seed ?? 143751,
    signals: [{ name: 'S', channels: SOM.nSignals, tau_ms: SOM.noiseTau_ms }],
    populations: [
      { name: 'post', fraction: 1 / N, neuron: vogelsNeuron(0, [-60, -60]), ...AMPA },
      ...k8.map((k) => src(`E${k}`, SOM.nExc / SOM.nSignals, k, AMPA)),
      ...k8.map((k) => src(`I${k}`, SOM.nInh / SOM.nSignals, k, GABA)),
    ],
    inputs: [],
    projections: [
      ...k8.map((k) => proj(`E${k}`, SOM.gBarEx_nS * somExcWeight(k), false)),
      ...k8.map((k) => proj(`I${k}`, SOM.gBarIn_nS * (o.wInh?.[k - 1] ?? o.wInh0 ?? 0.1), true)),
    ],
    recording: recording({ T_s, bin_ms: 1500, rasterNeurons: 1, currentSamples: 1, weightSamples: 25, statsStart_s: 0 }),
    maxRate_Hz: 500,
  };
}

// ---------------------------------------------------------------- recurrent network (Brian2 example)

/** Brian2 example constants: epsilon = 0.02 at NE = 8000, NI = 2000 (in-degrees 160 E + 40 I). */
export const BRIAN = {
  N: 10000,
  epsilon: 0.02,
  wE_nS: 0.3, // E -> all
  wII_nS: 3,
  wIE0_nS: 1e-10,
  iBg_pA: 200,
  eta: 1e-2,
  rho_Hz: 3,
  tauSTDP_ms: 20,
  wMax_nS: 100, // gmax
  plasticFrom_s: 1, // run(1*second) with eta = 0 first
} as const;

export interface NetworkOptions {
  N?: number; // total; p is scaled to keep the in-degrees of the N = 10^4 network (epsilon * 10^4 / N)
  T_s?: number;
  seed?: number;
  eta?: number;
  wIE0_nS?: number;
  plasticFrom_s?: number;
  bin_ms?: number;
}

const connect = (pre: string, post: string, p: number, j: number, plasticity?: ProjectionSpec['plasticity']): ProjectionSpec => ({
  pre, post, connectivity: 'bernoulli', p, j, scaleBySqrtN: false, ...(plasticity ? { plasticity } : {}),
});

const istdp = (o: NetworkOptions, T_s: number) =>
  vogels({ eta: o.eta ?? BRIAN.eta, rho_Hz: BRIAN.rho_Hz, tauSTDP_ms: BRIAN.tauSTDP_ms, wMax: BRIAN.wMax_nS, sign: 1, startAt_s: Math.min(o.plasticFrom_s ?? BRIAN.plasticFrom_s, T_s) });

/** The Brian2-example network; defaults N = 10^4, T = 10 s (the example's simtime). V0 ~ U[-60, -50] mV. */
export function vogelsNetwork(o: NetworkOptions = {}): NetworkSpec {
  const T_s = o.T_s ?? 10;
  const N = o.N ?? BRIAN.N;
  const p = Math.min(1, (BRIAN.epsilon * BRIAN.N) / N);
  const neuron = vogelsNeuron(BRIAN.iBg_pA, [-60, -50]);
  return {
    name: 'vogels-network',
    description: `Vogels 2011 / Brian2 example: ${0.8 * N} E + ${0.2 * N} I cond LIF, in-degree 160 E + 40 I, iSTDP on E<-I from t = 1 s (eta = ${o.eta ?? BRIAN.eta}, rho0 = 3 Hz)`,
    N,
    dt_ms: 0.1,
    T_s,
    seed: o.seed ?? 2011,
    populations: [
      { name: 'E', fraction: 0.8, neuron, ...AMPA },
      { name: 'I', fraction: 0.2, neuron: { ...neuron }, ...GABA },
    ],
    inputs: [],
    projections: [
      connect('E', 'E', p, BRIAN.wE_nS),
      connect('E', 'I', p, BRIAN.wE_nS),
      connect('I', 'I', p, BRIAN.wII_nS),
      connect('I', 'E', p, o.wIE0_nS ?? BRIAN.wIE0_nS, istdp(o, T_s)),
    ],
    recording: recording({ T_s, bin_ms: o.bin_ms ?? 1000, statsStart_s: Math.max(0, T_s - Math.min(10, T_s / 2)), currentSamples: 50, weightSamples: 200 }),
    maxRate_Hz: 300,
  };
}

// ---------------------------------------------------------------- memory assembly

export interface AssemblyOptions extends NetworkOptions {
  assembly?: number; // assembly size as a fraction of N (half of it is cued)
  factor?: number; // E<-E weight multiplier inside the assembly
  cue?: { start_s: number; stop_s: number; rate_Hz: number; j_nS: number }; // Poisson cue onto the cued half
}

/**
 * vogelsNetwork with E split into 'Ac' (cued half of the assembly), 'Ar' (uncued half) and 'E' (the rest);
 * E<-E weights inside the assembly are `factor` times 0.3 nS (Vogels' Hebbian imprint), iSTDP runs on every
 * E<-I projection, and a Poisson input 'cue' (100 sources, p = 0.1) drives only 'Ac' during the cue window.
 * Recall = the uncued half 'Ar' rises with the cue while 'E' does not.
 */
export function vogelsAssembly(o: AssemblyOptions = {}): NetworkSpec {
  const base = vogelsNetwork(o);
  const T_s = base.T_s;
  const N = base.N;
  const p = Math.min(1, (BRIAN.epsilon * BRIAN.N) / N);
  const fa = o.assembly ?? 0.05;
  const factor = o.factor ?? 5;
  const cue = o.cue ?? { start_s: T_s - 2, stop_s: T_s - 1, rate_Hz: 50, j_nS: 0.3 };
  const [eNeuron, iNeuron] = [base.populations[0]!.neuron, base.populations[1]!.neuron];
  const E = ['Ac', 'Ar', 'E'];
  const inA = (x: string) => x === 'Ac' || x === 'Ar';
  return {
    ...base,
    name: 'vogels-assembly',
    description: `Vogels 2011 memory assembly: ${Math.round(fa * N)} E cells with E<-E x${factor}, iSTDP on E<-I restores balance, a cue to half of them in [${cue.start_s}, ${cue.stop_s}) s recalls the rest`,
    populations: [
      { name: 'Ac', fraction: fa / 2, neuron: { ...eNeuron }, ...AMPA },
      { name: 'Ar', fraction: fa / 2, neuron: { ...eNeuron }, ...AMPA },
      { name: 'E', fraction: 0.8 - fa, neuron: { ...eNeuron }, ...AMPA },
      { name: 'I', fraction: 0.2, neuron: { ...iNeuron }, ...GABA },
    ],
    inputs: [{ name: 'cue', fraction: 100 / N, rate_Hz: cue.rate_Hz, correlation: 0, jitter_ms: 0, tauSyn_ms: 5, reversal_mV: 0, activeWindow_s: { start_s: cue.start_s, stop_s: cue.stop_s } }],
    projections: [
      ...E.flatMap((post) => E.map((pre) => connect(pre, post, p, inA(pre) && inA(post) ? factor * BRIAN.wE_nS : BRIAN.wE_nS))),
      ...E.map((pre) => connect(pre, 'I', p, BRIAN.wE_nS)),
      connect('I', 'I', p, BRIAN.wII_nS),
      ...E.map((post) => connect('I', post, p, o.wIE0_nS ?? BRIAN.wIE0_nS, istdp(o, T_s))),
      connect('cue', 'Ac', 0.1, cue.j_nS),
    ],
    recording: recording({ T_s, bin_ms: o.bin_ms ?? 250, statsStart_s: 0, currentSamples: 20, weightSamples: 100 }),
  };
}

// ---------------------------------------------------------------- rate fixed point (SPEC V3)

/**
 * SPEC V3 probe: one cond LIF with 400 E and 100 I unmodulated 10 Hz Poisson inputs (0.5 nS excitatory,
 * plastic inhibitory from wInh0_nS); iSTDP drives the output rate to about rho0 from any initial weight.
 */
export function vogelsRateProbe(o: { wInh0_nS: number; eta?: number; rho_Hz?: number; T_s?: number; seed?: number }): NetworkSpec {
  const N = 501;
  const T_s = o.T_s ?? 20;
  const src = (rate_Hz: number) => ({ model: 'poisson' as const, rate_Hz, refractory_ms: 0 });
  return {
    name: 'vogels-rate-probe',
    description: 'Vogels iSTDP on a single cond LIF with unmodulated Poisson inputs: output rate -> rho0 (SPEC V3)',
    N,
    dt_ms: 0.1,
    T_s,
    seed: o.seed ?? 5,
    populations: [
      { name: 'post', fraction: 1 / N, neuron: vogelsNeuron(0, [-60, -60]), ...AMPA },
      { name: 'E', fraction: 400 / N, neuron: src(10), ...AMPA },
      { name: 'I', fraction: 100 / N, neuron: src(10), ...GABA },
    ],
    inputs: [],
    projections: [
      connect('E', 'post', 1, 0.5),
      connect('I', 'post', 1, o.wInh0_nS, vogels({ eta: o.eta ?? 0.05, rho_Hz: o.rho_Hz ?? 5, tauSTDP_ms: 20, wMax: 100, sign: 1 })),
    ],
    recording: recording({ T_s, bin_ms: 1000, rasterNeurons: 0, currentSamples: 1, weightSamples: 0, statsStart_s: T_s / 2 }),
    maxRate_Hz: 1000,
  };
}
