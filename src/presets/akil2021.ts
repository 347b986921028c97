// Akil, Rosenbaum & Josić 2021: the balanced EIF network (SPEC §2.2; authors' BN_all_STDPs.m).
import type { NetworkSpec, PlasticitySpec, ProjectionSpec } from '../model/spec.ts';

/** EIF parameters of the authors' code: C_m = 1, g_L = 1/15, E_L = -72, V_T = -55, Δ_T = 1, V_th = -50, V_re = -75. */
export const akilEif = {
  model: 'eif',
  tauMem_ms: 15,
  eL_mV: -72,
  vT_mV: -55,
  deltaT_mV: 1,
  vThresh_mV: -50,
  vReset_mV: -75,
  refractory_ms: 0,
  vInitLow_mV: -75, // V0 ~ U[V_re, V_T]
  vInitHigh_mV: -55,
} as const;

export interface AkilOptions {
  name?: string;
  description?: string;
  N?: number;
  T_s?: number;
  c?: number; // input correlation c_x
  seed?: number;
  /** Unscaled recurrent weights [[jee, jei], [jie, jii]] (post x pre). */
  j?: [[number, number], [number, number]];
  plastic?: Partial<Record<'E<-E' | 'E<-I' | 'I<-E' | 'I<-I', PlasticitySpec>>;
}

/** The Akil network spec; defaults: N = 5000, T = 20 s, c = 0, static package-default weights. */
export function akilNetwork(o: AkilOptions = {}): NetworkSpec {
  const j = o.j ?? [[25, -150], [112.5, -250]];
  const proj = (pre: string, post: string, jj: number): ProjectionSpec => {
    const pl = o.plastic?.[`${post}<-${pre}` as 'E<-E'];
    return { pre, post, connectivity: 'bernoulli', p: 0.1, j: jj, scaleBySqrtN: true, ...(pl ? { plasticity: pl } : {}) };
  };
  const T_s = o.T_s ?? 20;
  return {
    name: o.name ?? 'akil-static',
    description: o.description ?? 'Akil et al. 2021 balanced EIF network, static weights (SPEC §2.2)',
    N: o.N ?? 5000,
    dt_ms: 0.1,
    T_s,
    seed: o.seed ?? 2538,
    populations: [
      { name: 'E', fraction: 0.8, neuron: { ...akilEif }, tauSyn_ms: 8 },
      { name: 'I', fraction: 0.2, neuron: { ...akilEif }, tauSyn_ms: 4 },
    ],
    inputs: [{ name: 'X', fraction: 0.2, rate_Hz: 10, correlation: o.c ?? 0, jitter_ms: 5, tauSyn_ms: 10 }],
    projections: [
      proj('E', 'E', j[0][0]),
      proj('I', 'E', j[0][1]),
      proj('E', 'I', j[1][0]),
      proj('I', 'I', j[1][1]),
      proj('X', 'E', 180),
      proj('X', 'I', 135),
    ],
    recording: {
      window_ms: 250,
      statsStart_s: T_s / 2,
      bin_ms: 100,
      rasterNeurons: 200,
      currentSamples: 100,
      weightSamples: 1000,
      covSample: 400,
    },
    maxRate_Hz: 50,
  };
}
