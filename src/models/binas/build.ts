// binasToRateSpec(spec): the Binas circuit as a rate spec: one unit per population (gain 1, threshold T, no
// saturation in practice, no noise), simultaneous Euler updates (Eq 2), and the blocks
//   E <- E' for every pair of E populations (all groups, self-excitation included),
//   I <- E  for every E onto every group's I (long-range E->I included),
//   E <- I  only within a group (inhibition is local), no I <- I;
// every block U[lo, hi] initially and plastic by Eq 18 (continuous), patterns as a per-trial pattern input.
import { uniformIndex } from '../../rng/dist.ts';
import { RngStream, STREAM } from '../../rng/streams.ts';
import type { RateSpec, RateWeightSpec } from '../rate/spec.ts';
import { validateRateSpec } from '../rate/validate.ts';
import { ePops, type BinasSpec } from './spec.ts';
import { validateBinasSpec } from './validate.ts';

/** Rates are clipped here (Hz): far above anything a stable circuit reaches; an unstable one stops growing. */
export const BINAS_RATE_MAX_HZ = 1e4;

/**
 * The pattern rows (Hz), one per pattern, one value per E population (group order). 'random-levels': pattern k
 * assigns the levels in a random order (Fisher-Yates, Philox stream ratePattern, counter (i, k, 0, 0)) and adds
 * U(-jitter, +jitter) to each.
 */
export function binasPatterns(s: BinasSpec): number[][] {
  const p = s.patterns;
  if (p.kind === 'list') return p.values_Hz.map((r) => [...r]);
  const rows: number[][] = [];
  for (let k = 0; k < s.protocol.count; k++) {
    const rng = new RngStream(s.seed, STREAM.ratePattern, k);
    const order = p.levels_Hz.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = uniformIndex(rng.nextU32(), i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    rows.push(order.map((li) => p.levels_Hz[li]! + p.jitter_Hz * (2 * rng.uniform53() - 1)));
  }
  return rows;
}

export function binasToRateSpec(raw: unknown): RateSpec {
  const s = validateBinasSpec(raw);
  const E = ePops(s);
  const groupOf = new Map<string, number>();
  s.groups.forEach((g, k) => [...g.excitatory, g.inhibitory].forEach((n) => groupOf.set(n, k)));
  const init = { kind: 'uniform' as const, lo: s.initialWeights.lo, hi: s.initialWeights.hi };
  const weights: RateWeightSpec[] = [];
  for (const g of s.groups) {
    for (const post of g.excitatory) {
      for (const pre of E) weights.push({ post, pre, sign: 1, init });
      weights.push({ post, pre: g.inhibitory, sign: -1, init });
    }
    for (const pre of E) weights.push({ post: g.inhibitory, pre, sign: 1, init });
  }
  const pop = (name: string, threshold: number, tau_ms: number) => ({ name, n: 1, tau_ms, gain: 1, threshold, rateMax_Hz: BINAS_RATE_MAX_HZ });
  const traceTrials = [
    ...Array.from({ length: Math.min(s.recording.traceFirst, s.protocol.count) }, (_, k) => k + 1),
    ...Array.from({ length: Math.min(s.recording.traceLast, s.protocol.count) }, (_, k) => s.protocol.count - k),
  ];
  const spec: RateSpec = {
    kind: 'rate',
    name: s.name,
    seed: s.seed,
    batch: s.batch,
    dt_ms: s.dt_ms,
    update: 'simultaneous',
    populations: s.groups.flatMap((g) => [...g.excitatory.map((e) => pop(e, s.thresholdE, s.tau_ms)), pop(g.inhibitory, s.thresholdI, s.tauI_ms)]),
    weights,
    inputs: [{ kind: 'pattern', targets: E, values: binasPatterns(s) }],
    trials: { count: s.protocol.count, duration_ms: s.protocol.pattern_ms, window_ms: s.protocol.window_ms, tauTrial: 1, resetRates: false },
    plasticity: s.plasticity ? { kind: 'continuous', rule: 'binas', ...s.plasticity } : null,
    recording: { traceTrials: [...new Set(traceTrials)].sort((a, b) => a - b), traceEvery_steps: s.recording.traceEvery_steps },
  };
  return validateRateSpec(spec);
}
