// Soldado-Magraner et al. 2022, Fig 7: the spiking network (SPEC §3.3; the co-author's Brian2 code,
// mikejseay/spiking-upstates, branch Paradoxical2022: params.py paramsJercog, network.py JercogNetwork,
// trainer.py, scripts/simulateJercogUpLearn.py). 80% E / 20% I adaptive LIF units, p = 0.25, current-based
// synapses (pA), trials of 1.5 s with a kick of 5% of the units at 100 ms, weights changed once per trial by
// the cross-homeostatic rule (src/trials) towards Up-state rates of 5 (E) and 14 (I) Hz.
//
// From params.py (Paradoxical2022): C 200 / 100 pF, g_L 10 nS, E_L 7.6 / 6.5 mV, V_th 20 mV, V_reset 14 mV,
// refractory 5 / 2 ms, adaptation tau 500 ms with beta 3 nA ms (E; the default branch has 4) and 0 (I),
// noise 2.5 mV, dt 0.1 ms, synapses E rise/decay 8/23 ms, I 1/1 ms, delays 1 ms (E) / 0.5 ms (I).
// Synapses: the reference's double exponentials (E 8/23 ms, I 1/1 ms: src/synapses/doubleExponential.ts, Brian's
// cascade); each spike delivers charge j (pA ms), as Brian's u += j / tauRise does. Delays per synapse as
// network.py draws them.
// Weights: trainer.py's 'goodCrossHomeoExamp' means W_EE 80, W_IE 100, W_EI 350, W_II 225 pA (a silent
// network) times 500 / (N p) (its netSizeConnNorm: the same total input at every size), dispersed per synapse
// by N(1, 0.2) floored at 0, bounded to [5, 750] pA (times the same factor).
import type { NetworkSpec, PlasticitySpec, ProjectionSpec } from '../model/spec.ts';
import type { TrialProtocol } from '../trials/protocol.ts';

export interface SoldadoSpikingOptions {
  N?: number; // total units (2000 in the paper)
  p?: number; // connection probability (0.25)
  seed?: number;
  weights?: { EE: number; IE: number; EI: number; II: number }; // pA at N p = 500
  trials?: number;
  rule?: 'cross-homeo-pre-scalar' | 'two-term';
  alpha?: number; // pA / Hz^2 (0.0025)
}

export const SOLDADO_INITIAL_WEIGHTS = { EE: 80, IE: 100, EI: 350, II: 225 } as const;

/** The weight scale 500 / (N p) of trainer.py (1 at the paper's N = 2000, p = 0.25). */
export const connNorm = (N: number, p: number): number => 500 / (N * p);

const alif = (C_pF: number, eL_mV: number, refractory_ms: number, betaAdapt_pAms: number) => ({
  model: 'adaptive_lif' as const, C_pF, gL_nS: 10, eL_mV, vThresh_mV: 20, vReset_mV: 14, refractory_ms, iBg_pA: 0,
  tauAdapt_ms: 500, betaAdapt_pAms, noiseSigma_mV: 2.5, vInitLow_mV: eL_mV, vInitHigh_mV: eL_mV,
});

/** The Fig 7 network for one trial (T_s = 1.5 s); weights are the initial means (see the header). */
export function soldadoSpikingNetwork(o: SoldadoSpikingOptions = {}): NetworkSpec {
  const N = o.N ?? 2000;
  const p = o.p ?? 0.25;
  const w = o.weights ?? SOLDADO_INITIAL_WEIGHTS;
  const s = connNorm(N, p);
  const bound = (sign: 1 | -1) => ({ rule: 'per-trial', bounds: sign > 0 ? { jMin: 5 * s, jMax: 750 * s, mode: 'clip' as const } : { jMin: -750 * s, jMax: -5 * s, mode: 'clip' as const } });
  // network.py: delay = (floor(U * D / dt) + 1) dt per synapse, D = 1 ms (E) and 0.5 ms (I): 1..10 and 1..5 steps at dt = 0.1 ms.
  const delay = (pre: string) => ({ min_ms: 0.1, max_ms: pre === 'E' ? 1 : 0.5 });
  const proj = (pre: string, post: string, j: number): ProjectionSpec => ({
    pre, post, connectivity: 'bernoulli', p, j, scaleBySqrtN: false, delay: delay(pre), plasticity: bound(j > 0 ? 1 : -1) as unknown as PlasticitySpec, // family 'trial': rule and bounds only
  });
  return {
    name: `soldado-fig7-N${N}`,
    description: 'Soldado-Magraner 2022 Fig 7: adaptive LIF E/I network trained per trial by the cross-homeostatic rule',
    N,
    dt_ms: 0.1,
    T_s: 1.5,
    seed: o.seed ?? 1,
    populations: [
      { name: 'E', fraction: 0.8, neuron: alif(200, 7.6, 5, 3000), synapse: 'double_exponential', tauRise_ms: 8, tauDecay_ms: 23 },
      { name: 'I', fraction: 0.2, neuron: alif(100, 6.5, 2, 0), synapse: 'double_exponential', tauRise_ms: 1, tauDecay_ms: 1 },
    ],
    inputs: [],
    projections: [proj('E', 'E', w.EE * s), proj('E', 'I', w.IE * s), proj('I', 'E', -w.EI * s), proj('I', 'I', -w.II * s)],
    recording: { window_ms: 100, statsStart_s: 0, bin_ms: 10, rasterNeurons: N, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 500,
  };
}

/**
 * The Fig 7 training protocol: trials of 1.5 s; the first 5% of N units (all E) get a pulse of charge
 * 0.98 nA x 8 ms (the reference's uExt += 0.98 nA through the 8 ms rise) at 100 ms; Up states detected on the
 * I PSTH (10 ms bins, > 0.2 Hz, >= 100 ms); moving average over tauUpFRTrials = 2 trials; alpha 0.0025 pA/Hz^2.
 */
export function soldadoTrainingProtocol(o: SoldadoSpikingOptions = {}): TrialProtocol {
  const N = o.N ?? 2000;
  const p = o.p ?? 0.25;
  const s = connNorm(N, p);
  return {
    trials: o.trials ?? 6000,
    duration_s: 1.5,
    kick: { pop: 'E', fraction: 0.05 / 0.8, at_s: 0.1, charge_pAms: 980 * 8 },
    upState: { bin_ms: 10, thresh_Hz: 0.2, minDur_ms: 100, from_s: 0.1, detectPop: 'I' },
    rule: { name: o.rule ?? 'cross-homeo-pre-scalar', alpha: (o.alpha ?? 0.0025) * s, minRate_Hz: 1, tauTrials: 2, setpoints_Hz: { E: 5, I: 14 }, wMin: 5 * s, wMax: 750 * s },
    initRelSd: 0.2,
  };
}

/**
 * The Fig 7 network driven by background currents (E 130 pA, I 70 pA) from a spread of initial V, so it
 * fires without training: the engine checks (GPU vs CPU: `plasticnet validate`, test/gpu) use it.
 */
export function soldadoDrivenNetwork(N: number, T_s: number, seed = 4): NetworkSpec {
  const s = soldadoSpikingNetwork({ N, seed });
  const populations = s.populations.map((p) => ({ ...p, neuron: { ...p.neuron, iBg_pA: p.name === 'E' ? 130 : 70, vInitLow_mV: 8, vInitHigh_mV: 19 } }));
  return { ...s, name: `soldado-driven-N${N}`, T_s, populations };
}
