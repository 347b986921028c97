// A rough wall-time estimate before Run, from a calibration on this machine: a short run (or any finished run)
// gives the build time per synapse and the advance time per step and work unit, where a step's work units are
// its neurons plus the spikes it delivers at an assumed mean rate (ASSUMED_RATE_HZ per synapse). Plain data.
import type { NetworkSpec } from '../model/spec.ts';
import { estimateResources } from '../model/estimate.ts';

/** Mean presynaptic rate assumed for the delivery work (Hz); real rates vary by a few-fold, so does the estimate. */
export const ASSUMED_RATE_HZ = 10;

export interface Calibration {
  engine: string; // 'cpu-worker' or 'webgpu'
  buildPerSynapse_s: number;
  buildFixed_s: number;
  perUnitStep_s: number; // advance seconds per work unit per step
  from: string; // the run it came from, in words
}

/** Work units of one step of spec: neurons (and input sources) plus expected spike deliveries. */
export function stepUnits(spec: NetworkSpec): number {
  const e = estimateResources(spec);
  return e.neurons + (e.synapses * ASSUMED_RATE_HZ * spec.dt_ms) / 1000;
}

const stepsOf = (spec: NetworkSpec): number => Math.round((spec.T_s * 1000) / spec.dt_ms);

/** A calibration from one run of `spec`: its build and advance times (the advance time excludes pauses). */
export function calibrationFrom(spec: NetworkSpec, engine: string, build_s: number, advance_s: number, from: string): Calibration {
  const synapses = Math.max(1, estimateResources(spec).synapses);
  return {
    engine,
    buildPerSynapse_s: build_s / synapses,
    buildFixed_s: 0,
    perUnitStep_s: advance_s / Math.max(1, stepsOf(spec) * stepUnits(spec)),
    from,
  };
}

/** Estimated build and run seconds of spec under a calibration. */
export function estimateTime(spec: NetworkSpec, c: Calibration): { build_s: number; run_s: number } {
  return { build_s: c.buildFixed_s + c.buildPerSynapse_s * estimateResources(spec).synapses, run_s: c.perUnitStep_s * stepsOf(spec) * stepUnits(spec) };
}

/** Seconds as short text: 0.4 s, 12 s, 3.5 min, 2.1 h. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 10) return `${s.toPrecision(2)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toPrecision(2)} min`;
  return `${(s / 3600).toPrecision(2)} h`;
}
