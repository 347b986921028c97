// Overrides of a spec's size, duration, seed and input correlation: shared by the CLI flags and the library.
import type { NetworkSpec } from './spec.ts';
import { validate } from './validate.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The common overrides of a spec: what `plasticnet run --N --T --seed --c` change. */
export interface Overrides {
  /** Network size (neurons over all populations). */
  N?: number;
  /** Simulated time in seconds; the statistics interval start (recording.statsStart_s) follows at T_s / 2. */
  T_s?: number;
  /** Master seed (an unsigned 32-bit integer). */
  seed?: number;
  /** Input correlation c of every input. */
  c?: number;
}

/**
 * Applies the common overrides (N, T, seed, input correlation c); statsStart follows T/2 when T changes.
 * Fields of the wrong shape (a recording or an input that is not an object) are left for validate() to name.
 */
export function applyOverrides(spec: Record<string, unknown>, o: Overrides): Record<string, unknown> {
  if (!isObject(spec)) validate(spec); // throws the SpecError naming 'spec'
  const s = structuredClone(spec);
  if (o.N !== undefined) s['N'] = o.N;
  if (o.seed !== undefined) s['seed'] = o.seed;
  if (o.T_s !== undefined) {
    s['T_s'] = o.T_s;
    const rec = s['recording'];
    if (isObject(rec)) rec['statsStart_s'] = o.T_s / 2;
  }
  if (o.c !== undefined && Array.isArray(s['inputs'])) for (const x of s['inputs'] as unknown[]) if (isObject(x)) x['correlation'] = o.c;
  return s;
}

/**
 * A copy of `spec` with the common overrides applied (N, T_s, seed, input correlation c); when T_s changes,
 * recording.statsStart_s becomes T_s / 2. A spec that is not an object is a {@link SpecError}; anything else is
 * checked later, by {@link validate} or {@link Simulation.create}.
 */
export function withOverrides(spec: NetworkSpec, o: Overrides): NetworkSpec {
  return applyOverrides(spec as unknown as Record<string, unknown>, o) as unknown as NetworkSpec;
}
