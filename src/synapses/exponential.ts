// Synapse model 'exponential' (SPEC §2.2): each channel's current jumps by the kick at a spike and decays
// with the source's tauSyn_ms, forward Euler in f32 as the authors: I <- f32(I * f32(1 - dt/tau)).
// Kicks: w/tau into current-based targets (I in mV/ms), w into conductance-based ones (g += w, nS).
// Input channels join their fixed-point input (f32(a) * 2^-20) before the neuron update, recurrent
// channels in 'trace_update' just before the decay: I <- f32(f32(I + f32(a) 2^-20) * decay).
import { FIXED_INV_SCALE } from '../model/fixedScale.ts';
import type { Derived } from '../model/derive.ts';
import type { StateLayout } from '../engine/state.ts';
import { RunGuardError } from '../engine/engine.ts';
import { arenaOf } from '../engine/cpu/wasmKernels.ts';
import type { SynapseModel } from './registry.ts';

const f = Math.fround;
const I32_MAX = 2147483647;

/** Joins input channel c's fixed-point input into its current (acc zeroed). */
export function joinInputToCurrent(d: Derived, st: StateLayout, c: number): void {
  const { current, acc } = st;
  const base = c * d.N;
  for (let i = base; i < base + d.N; i++) {
    const a = acc[i]!;
    if (a !== 0) {
      current[i] = f(current[i]! + f(a) * FIXED_INV_SCALE);
      acc[i] = 0;
    }
  }
}

/** Channel c one step: recurrent channels join their input first; then I <- f32(I * decay) (WebAssembly kernel when the state lives in its arena). */
export function exponentialUpdate(d: Derived, st: StateLayout, c: number, step: number): void {
  const N = d.N;
  const ch = d.channels[c]!;
  const { current, acc } = st;
  const arena = arenaOf(current);
  const k = arena && acc.buffer === arena.buffer ? arena.k : undefined;
  const dec = ch.decay;
  const base = c * N;
  if (ch.kind === 'recurrent') {
    if (k) {
      const bad = k.joinDecay(current.byteOffset + 4 * base, acc.byteOffset + 8 * base, N, dec);
      if (bad >= 0) overflow(step, ch.name, bad, acc[base + bad]!);
      return;
    }
    for (let i = base; i < base + N; i++) {
      const a = acc[i]!;
      if (a !== 0) {
        if (a > I32_MAX || a < -I32_MAX - 1) overflow(step, ch.name, i - base, a);
        current[i] = f(f(current[i]! + f(a) * FIXED_INV_SCALE) * dec);
        acc[i] = 0;
      } else current[i] = f(current[i]! * dec);
    }
  } else if (k) k.decay(current.byteOffset + 4 * base, N, dec);
  else for (let i = base; i < base + N; i++) current[i] = f(current[i]! * dec);
}

function overflow(step: number, channel: string, i: number, a: number): never {
  throw new RunGuardError('overflow', step, `neuron ${i}, channel ${channel}`, a, `fixed-point input ${a} exceeds the i32 range (scale 2^20)`);
}

const WGSL = `
// Exponential current: x * f32(1 - dt/tau).
fn exponential_step(c: u32, i: u32, x: f32) -> f32 {
  return x * P.channels[c].decay;
}
`;

export const exponential: SynapseModel = {
  name: 'exponential',
  description: 'exponentially decaying current or conductance (tauSyn_ms), kick w/tau (current based) or w (conductance based)',
  fields: ['tauSyn_ms'],
  timeConstants: ['tauSyn_ms'],
  validate: (c, path, o) => {
    c.num(`${path}.tauSyn_ms`, o['tauSyn_ms'], 0, 1e6, { loOpen: true });
  },
  derive: (o, dt) => {
    const tau = o['tauSyn_ms'] as number;
    return { decay: f(1 - dt / tau), invTau: f(1 / tau) };
  },
  kick: (s, conductance) => (conductance ? 1 : s.invTau),
  state: [],
  cpuJoinInput: joinInputToCurrent,
  cpuUpdate: exponentialUpdate,
  cpuFastPath: true,
  gpu: { code: 0, fn: 'exponential_step', wgsl: WGSL },
};
