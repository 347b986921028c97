// Fixed-point helpers shared by both engines (the CPU passes and the WebGPU plan's per-spike increments); WGSL round() is half-to-even, so this one is too.
import { FIXED_SCALE } from '../model/fixedScale.ts';

/** Round half to even (WGSL round semantics), for values well inside the i32 range. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/** Fixed-point increment of one spike through a synapse of weight w onto a channel with 1/tau = invTau. */
export function fixedIncrement(w: number, invTau: number): number {
  return roundHalfEven(Math.fround(w * invTau) * FIXED_SCALE);
}
