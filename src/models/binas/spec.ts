// Binas et al. 2014 distributed WTA circuit (SPEC §4.1, §4.4; issue 17): groups of excitatory rate populations that
// share one local inhibitory population, long-range excitatory projections between groups (onto every E and I
// population of the other groups; no I->I, inhibition stays local), input patterns held for a fixed time each, and
// the Eq 18 rule on every synapse. It compiles to a rate spec (src/models/rate) with one unit per population, so
// it runs on the rate engine (CPU reference; the WGSL twin when that exists).
import type { BinasParams } from '../../theory/binas.ts';

export interface BinasGroupSpec {
  name: string;
  excitatory: string[]; // E population names, one per input channel
  inhibitory: string; // the group's local inhibitory population (required)
}

/** Input patterns: either drawn (one level per E population, randomly assigned, +/- jitter) or listed. */
export type BinasPatterns =
  | { kind: 'random-levels'; levels_Hz: number[]; jitter_Hz: number } // SPEC §4.4: levels 5, 10, 15, 20 Hz, jitter 2 Hz
  | { kind: 'list'; values_Hz: number[][] }; // one row per pattern (cycled), one value per E population in group order

export interface BinasSpec {
  kind: 'binas';
  name: string;
  seed: number;
  batch: number; // B circuits with independent initial weights, same patterns
  dt_ms: number; // forward Euler step (paper: 1 ms)
  tau_ms: number; // E population time constant (paper Fig 5: 10 ms)
  tauI_ms: number; // I population time constant (the seed's Eqs 19-20 have tau_exc and tau_inh; values in the missing Table 2)
  thresholdE: number; // activation threshold T of the E populations (>= 0)
  thresholdI: number;
  groups: BinasGroupSpec[];
  /** Eq 18 parameters plus tau_s (Hz^2); null: weights frozen. */
  plasticity: (BinasParams & { tauS_Hz2: number }) | null;
  initialWeights: { lo: number; hi: number }; // U[lo, hi] per synapse and circuit (paper: [0.3, 1.8])
  patterns: BinasPatterns;
  protocol: { count: number; pattern_ms: number; window_ms: number }; // patterns shown; winner read over the last window_ms
  recording: { traceFirst: number; traceLast: number; traceEvery_steps: number }; // rate traces of circuit 0 for the first/last patterns
}

/** All E population names in group order (the order of pattern entries). */
export function ePops(s: BinasSpec): string[] {
  return s.groups.flatMap((g) => g.excitatory);
}
