// Every preset scaled down for the fuzz tests: N = 60, bins of 1 ms, small samples; T, the window and the
// statistics start set by the caller (fuzz.test: 4 ms runs; fuzzOutputs.test: 20 ms runs with statistics).
import type { NetworkSpec } from '../../src/model/spec.ts';
import { presets } from '../../src/presets/index.ts';

export type Json = Record<string, unknown>;

export interface TinySize {
  T_s: number;
  window_ms: number;
  statsStart_s: number;
}

/** A copy of `spec` at N = 60 with the given duration and windows, as a plain JSON tree. */
export function tiny(spec: NetworkSpec, z: TinySize): Json {
  const s = structuredClone(spec) as unknown as Json;
  s['N'] = 60;
  s['T_s'] = z.T_s;
  s['recording'] = { ...(s['recording'] as Json), window_ms: z.window_ms, bin_ms: 1, statsStart_s: z.statsStart_s, rasterNeurons: 5, currentSamples: 5, weightSamples: 5, covSample: 10 };
  return s;
}

/** Every preset through tiny(). */
export const tinyPresets = (z: TinySize): Json[] => presets.map((p) => tiny(p.build(), z));
