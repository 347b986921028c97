// Binas et al. 2014 presets (SPEC §4.4). The seed's Table 2 (simulation parameters, tau_s) is missing; what is not
// in the seed text is marked "ours".
import { BINAS_TYPICAL, PG2006_VISUAL_NEAREST, tripletToRule } from '../../theory/binas.ts';
import type { BinasSpec } from './spec.ts';

/** tau_s of Eq 18 (Hz^2): Eq 14 with the nearest-spike triplet fit (~2.8e4 Hz^2; the seed's Table 2 value is missing). */
export const BINAS_TAU_S_HZ2 = tripletToRule(PG2006_VISUAL_NEAREST).tauS_Hz2;

/**
 * Simulation values for Figs 7-8 (ours; Table 2 is missing): w_max 5 and A_exc 3 keep the seed's w_max - A_exc = 2
 * (the I_ext -> infinity w_E->I) and end at the paper's weights (~1, ~2, ~1.1); tau_I 5 ms (the seed's Eqs 19-20
 * allow tau_inh != tau_exc) damps the E-I loop. With the seed's typical 4 / 2 and tau_I = tau_E = 10 ms the right
 * winners are also learned, but the trained circuit keeps oscillating and w_E->I ends near 2.6 (REPRODUCTION.md,
 * binas-wta, comparison row).
 */
export const BINAS_WTA_SIM = { wMax: 5, aExc: 3, tauI_ms: 5 } as const;

/**
 * Figs 7-8: 2 groups x (2 E + 1 I), weights U[0.3, 1.8], patterns of four inputs 5, 10, 15, 20 +/- 2 Hz randomly
 * assigned, 2 s each, forward Euler at 1 ms, tau_E 10 ms (the seed's Fig 5 value), thresholds 0 (ours),
 * Theta_exc 6 Hz, Theta_inh 18 Hz, A_inh 0 [S], with BINAS_WTA_SIM (or, `typical`, the seed's w_max 4, A_exc 2 and
 * tau_I = tau_E). `patterns`: 1000 in the paper.
 */
export function binasWta(o: { patterns?: number; batch?: number; seed?: number; name?: string; typical?: boolean } = {}): BinasSpec {
  const count = o.patterns ?? 1000;
  return {
    kind: 'binas',
    name: o.name ?? 'binas-wta',
    seed: o.seed ?? 2014,
    batch: o.batch ?? 1,
    dt_ms: 1,
    tau_ms: 10,
    tauI_ms: o.typical ? 10 : BINAS_WTA_SIM.tauI_ms,
    thresholdE: 0,
    thresholdI: 0,
    groups: [
      { name: 'G1', excitatory: ['E11', 'E12'], inhibitory: 'I1' },
      { name: 'G2', excitatory: ['E21', 'E22'], inhibitory: 'I2' },
    ],
    plasticity: { ...BINAS_TYPICAL, ...(o.typical ? {} : { wMax: BINAS_WTA_SIM.wMax, aExc: BINAS_WTA_SIM.aExc }), tauS_Hz2: BINAS_TAU_S_HZ2 },
    initialWeights: { lo: 0.3, hi: 1.8 },
    patterns: { kind: 'random-levels', levels_Hz: [5, 10, 15, 20], jitter_Hz: 2 },
    protocol: { count, pattern_ms: 2000, window_ms: 500 },
    recording: { traceFirst: Math.min(10, count), traceLast: Math.min(10, count), traceEvery_steps: 10 },
  };
}
