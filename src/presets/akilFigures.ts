// Presets for each Akil 2021 figure configuration (SPEC §2.8; REFERENCE_CODE §1.5). Durations default to
// CI-friendly values; the paper's durations are noted and can be set with --T.
import { homeostaticInhibitory, kohonen } from '../model/rules.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { akilEif, akilNetwork } from './akil2021.ts';

/** Fig 1 (Kohonen on E<-E, j = [1 -100; 112.5 -250], beta = 2/sqrt(N)); paper: N sweep 10^3..10^4, T = 3000 s, eta = 1e-3. */
export const fig1Kohonen = (c = 0, eta = 1e-2): NetworkSpec =>
  akilNetwork({
    name: c > 0 ? 'akil-fig1-kohonen-corr' : 'akil-fig1-kohonen',
    description: `Akil 2021 Fig 1${c > 0 ? 'G-I (correlated, c = 0.1)' : 'D-F (asynchronous)'}: Kohonen E<-E, beta = 2/sqrt(N); theory j_ee* = 3, r = (7.5, 18.9) Hz`,
    N: 5000, T_s: 150, c, seed: 2538,
    j: [[1, -100], [112.5, -250]],
    plastic: { 'E<-E': kohonen({ eta, beta: 2 }) },
  });

/** Fig 2 (Kohonen vs input correlation, j = [5 -100; 112.5 -250]); paper: c in linspace(0, 1, 10), T = 200 s, eta = 0.25. */
export const fig2KohonenCx = (c = 0.1): NetworkSpec =>
  akilNetwork({
    name: 'akil-fig2-kohonen-cx',
    description: 'Akil 2021 Fig 2B: Kohonen E<-E steady j_ee vs input correlation c_x (correlations raise j_ee by 10-20%)',
    N: 5000, T_s: 100, c, seed: 2538,
    j: [[5, -100], [112.5, -250]],
    plastic: { 'E<-E': kohonen({ eta: 1e-2, beta: 2 }) },
  });

/** Fig 3 (EI iSTDP, Eq 22, j = [25 j_ei0; 112.5 -250], Jnorm = -200/sqrt(N), rho_e = 10 Hz); theory j_ei* = -119.66. */
export const fig3IstdpEi = (jEi0 = -150, eta = 1e-2): NetworkSpec =>
  akilNetwork({
    name: 'akil-fig3-istdp-ei',
    description: `Akil 2021 Fig 3B-E: homeostatic iSTDP on E<-I from j_ei0 = ${jEi0}; r_e -> rho_e = 10 Hz, j_ei* = -119.66 (Eq 25)`,
    N: 5000, T_s: 20, seed: 2513,
    j: [[25, jEi0], [112.5, -250]],
    plastic: { 'E<-I': homeostaticInhibitory('istdp-ei', { eta, rho_Hz: 10, jNorm: -200 }) },
  });

/** Fig 3F (EI + II iSTDP, j = [25 -100; 112.5 -200], EI Jnorm -200, II Jnorm -500, rho = 10/20 Hz); theory (-140.0, -292.5). */
export const fig3fIstdpEiIi = (): NetworkSpec =>
  akilNetwork({
    name: 'akil-fig3f-istdp-ei-ii',
    description: 'Akil 2021 Fig 3F: iSTDP on E<-I and I<-I, N = 10^4; theory j_ei* = -140.0, j_ii* = -292.5 (rho_i = 20 Hz)',
    N: 10000, T_s: 100, seed: 39,
    j: [[25, -100], [112.5, -200]],
    plastic: {
      'E<-I': homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200 }),
      'I<-I': homeostaticInhibitory('istdp-ii', { eta: 1e-2, rho_Hz: 20, jNorm: -500 }),
    },
  });

/**
 * Fig 4 (optogenetic stimulation): E1 (stimulated, 0.4N), E2 (0.4N), I (0.2N); X1 drives all, X2 (5 Hz) only E1
 * during [stimOn, stimOff); iSTDP on E1<-I and E2<-I (initial -250). Paper: N = 10^4, 4000 s with stim 2000-3000 s.
 */
export function fig4Opto(o: { N?: number; T_s?: number; stim?: [number, number]; eta?: number } = {}): NetworkSpec {
  const T_s = o.T_s ?? 60;
  const [on, off] = o.stim ?? [T_s / 3, (2 * T_s) / 3];
  const eta = o.eta ?? 1e-2;
  const E = { ...akilEif };
  const ist = () => homeostaticInhibitory('istdp-ei', { eta, rho_Hz: 10, jNorm: -200 });
  const pr = (pre: string, post: string, j: number, plastic = false) => ({
    pre, post, connectivity: 'bernoulli' as const, p: 0.1, j, scaleBySqrtN: true, ...(plastic ? { plasticity: ist() } : {}),
  });
  return {
    name: 'akil-fig4-opto',
    description: `Akil 2021 Fig 4: stimulation of E1 (40% of N) by X2 during [${on}, ${off}) s; iSTDP on E<-I; theory j_e1i* = -158.12 during, -119.66 outside`,
    N: o.N ?? 10000,
    dt_ms: 0.1,
    T_s,
    seed: 215,
    populations: [
      { name: 'E1', fraction: 0.4, neuron: E, tauSyn_ms: 8 },
      { name: 'E2', fraction: 0.4, neuron: { ...E }, tauSyn_ms: 8 },
      { name: 'I', fraction: 0.2, neuron: { ...E }, tauSyn_ms: 4 },
    ],
    inputs: [
      { name: 'X1', fraction: 0.2, rate_Hz: 10, correlation: 0, jitter_ms: 5, tauSyn_ms: 10 },
      { name: 'X2', fraction: 0.2, rate_Hz: 5, correlation: 0, jitter_ms: 5, tauSyn_ms: 10, activeWindow_s: { start_s: on, stop_s: off } },
    ],
    projections: [
      pr('E1', 'E1', 25), pr('E2', 'E1', 25), pr('I', 'E1', -250, true),
      pr('E1', 'E2', 25), pr('E2', 'E2', 25), pr('I', 'E2', -250, true),
      pr('E1', 'I', 112.5), pr('E2', 'I', 112.5), pr('I', 'I', -250),
      pr('X1', 'E1', 180), pr('X1', 'E2', 180), pr('X1', 'I', 135), pr('X2', 'E1', 180),
    ],
    recording: { window_ms: 250, statsStart_s: T_s / 2, bin_ms: 1000, rasterNeurons: 100, currentSamples: 100, weightSamples: 500, covSample: 200 },
    maxRate_Hz: 50,
  };
}

/** The demo: EI iSTDP at N = 5000 with a fast per-spike rate so learning shows within 20 s simulated. */
export const demoIstdp = (): NetworkSpec => ({
  ...fig3IstdpEi(-150, 1e-2),
  name: 'akil-istdp-demo',
  description: 'Demo: Akil 2021 EI iSTDP (eta = 1e-2 per spike), N = 5000, 20 s: r_e -> 10 Hz, j_ei -> about -120 (Eq 25: -119.66)',
});
