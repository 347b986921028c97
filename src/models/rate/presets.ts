// Soldado-Magraner et al. 2022 presets (SPEC §3; parameters from the authors' MATLAB, REFERENCE_CODE §4.1).
import type { RateInit, RatePlasticitySpec, RateRuleName, RateSpec } from './spec.ts';

/** The four weights (W_EE, W_EI, W_IE, W_II) of the two-population model. */
export type Weights4 = [number, number, number, number];

export const SOLDADO = {
  tauE_ms: 10,
  tauI_ms: 2,
  thetaE: 4.8, // the seed's OCR "theta_F = 4.8"
  thetaI: 25,
  gainE: 1,
  gainI: 4, // the seed's OCR "q_l = 4"
  Emax_Hz: 100,
  Imax_Hz: 250,
  Eset_Hz: 5,
  Iset_Hz: 14,
  noiseSigma: 10, // OU sigma per sqrt(s): sigma sqrt(dt) = 0.1 at dt = 0.1 ms (authors' OUsigma)
  noiseTau_ms: 1, // authors' OUtau = 0.1 = dt / 1 ms
  dt_ms: 0.1,
  trial_ms: 2000,
  window_ms: 500,
  tauTrial: 2,
  Wmin: 0.1,
  kick: { onset_ms: 250, duration_ms: 10, amp: 7 },
  codeInit: [2.1, 3, 4, 1.5] as Weights4, // authors' code (captions say W_II = 2)
  fig1: [5, 1.52, 10, 2.25] as Weights4,
  setpointWeights: [5, 1.0857142857142856, 10, 1.5357142857142858] as Weights4, // Eqs 4-5 at W_EE = 5, W_IE = 10
} as const;

export interface SoldadoOptions {
  name: string;
  batch?: number;
  n?: [number, number]; // units (E, I); [1, 1] is the two-population model
  init?: [RateInit, RateInit, RateInit, RateInit];
  rule?: RateRuleName | null;
  kind?: RatePlasticitySpec['kind'];
  alphaE?: number;
  alphaI?: number;
  trials?: number;
  trial_ms?: number;
  noise?: boolean;
  seed?: number;
  traceTrials?: number[];
}

const c = (v: number): RateInit => ({ kind: 'constant', value: v });
export const constInit = (w: Weights4): [RateInit, RateInit, RateInit, RateInit] => [c(w[0]), c(w[1]), c(w[2]), c(w[3])];

/** A Soldado-Magraner network: two populations (or multi-unit), the kick every trial, optional rule. */
export function soldadoSpec(o: SoldadoOptions): RateSpec {
  const S = SOLDADO;
  const [nE, nI] = o.n ?? [1, 1];
  const init = o.init ?? constInit(S.codeInit);
  const noise = o.noise === false ? {} : { noise: { sigma: S.noiseSigma, tau_ms: S.noiseTau_ms } };
  return {
    kind: 'rate',
    name: o.name,
    seed: o.seed ?? 42,
    batch: o.batch ?? 1,
    dt_ms: S.dt_ms,
    update: 'sequential',
    populations: [
      { name: 'E', n: nE, tau_ms: S.tauE_ms, gain: S.gainE, threshold: S.thetaE, rateMax_Hz: S.Emax_Hz, setpoint_Hz: S.Eset_Hz, ...noise },
      { name: 'I', n: nI, tau_ms: S.tauI_ms, gain: S.gainI, threshold: S.thetaI, rateMax_Hz: S.Imax_Hz, setpoint_Hz: S.Iset_Hz, ...noise },
    ],
    weights: [
      { post: 'E', pre: 'E', sign: 1, init: init[0] },
      { post: 'E', pre: 'I', sign: -1, init: init[1] },
      { post: 'I', pre: 'E', sign: 1, init: init[2] },
      { post: 'I', pre: 'I', sign: -1, init: init[3] },
    ],
    inputs: [{ kind: 'pulse', target: 'E', ...S.kick }],
    trials: { count: o.trials ?? 1, duration_ms: o.trial_ms ?? S.trial_ms, window_ms: S.window_ms, tauTrial: S.tauTrial, resetRates: true },
    plasticity: o.rule
      ? {
          kind: o.kind ?? 'trial',
          rule: o.rule,
          excitatory: 'E',
          inhibitory: 'I',
          alphaE: o.alphaE ?? 5e-4,
          alphaI: o.alphaI ?? o.alphaE ?? 5e-4,
          weightFloor: S.Wmin,
          rateFloor_Hz: 1,
          ...(o.kind === 'online' ? { tauCa_ms: 1000 } : {}),
        }
      : null,
    recording: { traceTrials: o.traceTrials ?? [1], traceEvery_steps: 10 },
  };
}

/** Random initial weights of the two-population figures (each network of the batch its own draw). */
export const RANDOM_INIT_2POP: [RateInit, RateInit, RateInit, RateInit] = [
  { kind: 'uniform', lo: 1, hi: 4 },
  { kind: 'uniform', lo: 1, hi: 4 },
  { kind: 'uniform', lo: 2, hi: 8 },
  { kind: 'uniform', lo: 0.5, hi: 2.5 },
];

/** Multi-unit initial weights of the authors' MATLAB (Fig5/Fig6 scripts, lines 58-69): N(0.1, 0.04), no autapses, no floor. */
export const MULTI_INIT: [RateInit, RateInit, RateInit, RateInit] = [0, 0, 0, 0].map(() => ({ kind: 'normal', mean: 0.1, sd: 0.04 })) as [RateInit, RateInit, RateInit, RateInit];

export const ratePresets: { name: string; figure: string; build: () => RateSpec }[] = [
  { name: 'soldado-fig1', figure: 'Soldado-Magraner 2022 Fig 1B/C: static (5, 1.52, 10, 2.25), one trial with the kick', build: () => soldadoSpec({ name: 'soldado-fig1', init: constInit(SOLDADO.fig1) }) },
  { name: 'soldado-fig2', figure: 'Soldado-Magraner 2022 Fig 2: standard homeostatic rules from (2.1, 3, 4, 1.5), alpha 1e-4, 1000 trials', build: () => soldadoSpec({ name: 'soldado-fig2', rule: 'homeostatic', alphaE: 1e-4, trials: 1000, traceTrials: [1, 200, 600, 1000] }) },
  { name: 'soldado-fig4', figure: 'Soldado-Magraner 2022 Fig 4: cross-homeostatic from (2.1, 3, 4, 1.5), alpha 5e-4, 500 trials', build: () => soldadoSpec({ name: 'soldado-fig4', rule: 'cross-homeostatic', alphaE: 5e-4, trials: 500, traceTrials: [1, 20, 100, 500] }) },
  {
    name: 'soldado-fig5',
    figure: 'Soldado-Magraner 2022 Fig 5: 80 E + 20 I units, normal initial weights (0.1, sd 0.04), cross-homeostatic, alpha 2e-5, 250 trials',
    build: () => soldadoSpec({ name: 'soldado-fig5', n: [80, 20], init: MULTI_INIT, rule: 'cross-homeostatic', alphaE: 2e-5, trials: 250, seed: 44, traceTrials: [1, 250] }),
  },
  {
    name: 'soldado-fig6',
    figure: 'Soldado-Magraner 2022 Fig 6: 80 E + 20 I units, normal initial weights (0.1, sd 0.04), two-term rule, alpha 1e-5, 250 trials',
    build: () => soldadoSpec({ name: 'soldado-fig6', n: [80, 20], init: MULTI_INIT, rule: 'two-term', alphaE: 1e-5, trials: 250, seed: 44, traceTrials: [1, 250] }),
  },
  {
    name: 'soldado-figS4',
    figure: 'Soldado-Magraner 2022 Fig S4: online cross-homeostatic rule, 100 s, Poisson kicks 0.1 Hz, alpha 5e-7 per step',
    build: () => {
      const s = soldadoSpec({ name: 'soldado-figS4', init: constInit([2.1, 3, 4, 2]), rule: 'cross-homeostatic', kind: 'online', alphaE: 5e-7, trials: 1, trial_ms: 100_000, traceTrials: [1] });
      s.inputs = [{ kind: 'poisson-pulse', target: 'E', rate_Hz: 0.1, duration_ms: 10, amp: 7, forced_ms: [200] }];
      s.trials.window_ms = 10_000;
      s.recording.traceEvery_steps = 100;
      return s;
    },
  },
];

/** A rate preset by name, or undefined. */
export function getRatePreset(name: string): RateSpec | undefined {
  return ratePresets.find((p) => p.name === name)?.build();
}
