// Toy synapse models for test/unit/toySynapse.test.ts and test/gpu/toySynapse.test.ts, built from the
// registry's contract alone (src/synapses/registry.ts), plus a small network whose sources use them.
import type { StateLayout } from '../../src/engine/state.ts';
import type { Derived } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { FIXED_INV_SCALE } from '../../src/model/fixedScale.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { exponential, exponentialUpdate } from '../../src/synapses/exponential.ts';
import type { SynapseModel } from '../../src/synapses/index.ts';

const f = Math.fround;

/**
 * Channel c one step with the toy's own decay (params[0]): recurrent input joined first, as the exponential's
 * expression order, without its WebAssembly kernel or overflow guard.
 */
function fastUpdate(d: Derived, st: StateLayout, c: number): void {
  const ch = d.channels[c]!;
  const dec = ch.params![0]!;
  for (let i = c * d.N; i < (c + 1) * d.N; i++) {
    const a = ch.kind === 'recurrent' ? st.acc[i]! : 0;
    st.current[i] = f(f(st.current[i]! + f(a) * FIXED_INV_SCALE) * dec);
    st.acc[i] = ch.kind === 'recurrent' ? 0 : st.acc[i]!;
  }
}

/**
 * The exponential with its decay and kick from tauSyn_ms / 2. The decay lives in params[0] (ChannelParams.p0)
 * and `decay` holds 0.5, which nothing may read: a fallback to the exponential's WGSL would show.
 */
export const toyFast: SynapseModel = {
  ...exponential,
  name: 'toy_fast',
  description: 'test: the exponential with tau / 2',
  derive: (o, dt) => ({ decay: 0.5, invTau: f(2 / (o['tauSyn_ms'] as number)), params: [f(1 - (2 * dt) / (o['tauSyn_ms'] as number))] }),
  cpuUpdate: fastUpdate,
  cpuFastPath: false,
  gpu: { code: 5, fn: 'toy_fast_step', wgsl: 'fn toy_fast_step(c: u32, i: u32, x: f32) -> f32 {\n  return x * P.channels[c].p0;\n}' },
};

function peakUpdate(d: Derived, st: StateLayout, c: number, step: number): void {
  exponentialUpdate(d, st, c, step);
  const peak = st.model[`synapse.${c}.peak`]!;
  for (let i = 0; i < d.N; i++) peak[i] = Math.max(peak[i]!, Math.abs(st.current[c * d.N + i]!));
}

/** The exponential plus a declared state variable 'peak' (largest |I| per neuron and channel); CPU only. */
export const toyPeak: SynapseModel = {
  ...exponential,
  name: 'toy_peak',
  description: 'test: the exponential, recording the peak |I| of each neuron',
  state: [{ name: 'peak', type: 'f32', doc: 'largest |current| so far (mV/ms)' }],
  cpuUpdate: peakUpdate,
  cpuFastPath: false,
  gpu: null,
};

/** A small Akil network whose sources (populations and the input) use `synapse`, tauSyn_ms times `tauFactor`. */
export function toySynapseSpec(synapse: string | undefined, tauFactor = 1): NetworkSpec {
  const s = akilNetwork({ N: 300, T_s: 0.1, seed: 11 });
  const syn = <T extends { tauSyn_ms?: number }>(o: T): T => ({ ...o, tauSyn_ms: o.tauSyn_ms! * tauFactor, ...(synapse ? { synapse } : {}) });
  return { ...s, populations: s.populations.map(syn), inputs: s.inputs.map(syn) };
}


/**
 * Its input goes to a declared state variable `pending` (join), and each step half of the pending input
 * reaches the current: moved = pending / 2 (all of it below 1e-30), pending -= moved, I <- f32(f32(I + moved) * decay). On the GPU
 * through its own joinFn and fn, reading and writing fstate[stateOff + i] (exact halvings: identical bits).
 */
export const toyLate: SynapseModel = {
  ...exponential,
  name: 'toy_late',
  description: 'test: input reaches the current half per step, through a declared state variable',
  state: [{ name: 'pending', type: 'f32', doc: 'input not yet in the current (mV/ms)' }],
  cpuJoinInput: (d, st, c) => lateJoin(d, st, c),
  cpuUpdate: (d, st, c) => {
    if (d.channels[c]!.kind === 'recurrent') lateJoin(d, st, c);
    const pend = st.model[`synapse.${c}.pending`]!;
    const dec = d.channels[c]!.decay;
    for (let i = 0; i < d.N; i++) {
      const p = pend[i]!;
      const moved = Math.abs(p) < f(1e-30) ? p : f(p * 0.5); // no subnormals: GPUs may flush them
      pend[i] = f(p - moved);
      st.current[c * d.N + i] = f(f(st.current[c * d.N + i]! + moved) * dec);
    }
  },
  cpuFastPath: false,
  gpu: {
    code: 6,
    fn: 'toy_late_step',
    joinFn: 'toy_late_join',
    wgsl: `
fn toy_late_join(c: u32, i: u32, cur: f32, inc: f32) -> f32 {
  let at = P.channels[c].stateOff + i;
  fstate[at] = fstate[at] + inc;
  return cur;
}
fn toy_late_step(c: u32, i: u32, x: f32) -> f32 {
  let at = P.channels[c].stateOff + i;
  let p = fstate[at];
  var moved = p * 0.5;
  if (abs(p) < 1e-30) {
    moved = p;
  }
  fstate[at] = p - moved;
  return (x + moved) * P.channels[c].decay;
}`,
  },
};

/** toy_late's join: acc of channel c (zeroed) into `pending`. */
function lateJoin(d: Derived, st: StateLayout, c: number): void {
  const pend = st.model[`synapse.${c}.pending`]!;
  for (let i = 0; i < d.N; i++) {
    const a = st.acc[c * d.N + i]!;
    if (a !== 0) {
      pend[i] = f(pend[i]! + f(a) * FIXED_INV_SCALE);
      st.acc[c * d.N + i] = 0;
    }
  }
}

/** Counts the joins of nonzero input of channel c into its i32 state `hits` (before they are joined). */
function countHits(d: Derived, st: StateLayout, c: number): void {
  const hits = st.model[`synapse.${c}.hits`] as Int32Array;
  for (let i = 0; i < d.N; i++) if (st.acc[c * d.N + i] !== 0) hits[i] = hits[i]! + 1;
}

/**
 * The exponential plus a declared i32 state variable `hits`: per neuron, the steps whose input was nonzero
 * (on the GPU its joinFn increments istate[istateOff + i], synapse_join runs only for nonzero input).
 */
export const toyHits: SynapseModel = {
  ...exponential,
  name: 'toy_hits',
  description: 'test: the exponential counting its nonzero joins in a declared i32 state variable',
  state: [{ name: 'hits', type: 'i32', doc: 'steps with nonzero input' }],
  cpuJoinInput: (d, st, c) => {
    countHits(d, st, c);
    exponential.cpuJoinInput(d, st, c);
  },
  cpuUpdate: (d, st, c, step) => {
    if (d.channels[c]!.kind === 'recurrent') countHits(d, st, c);
    exponential.cpuUpdate(d, st, c, step);
  },
  cpuFastPath: false,
  gpu: {
    code: 10,
    fn: 'exponential_step',
    joinFn: 'toy_hits_join',
    wgsl: `
fn toy_hits_join(c: u32, i: u32, cur: f32, inc: f32) -> f32 {
  let at = P.channels[c].istateOff + i;
  istate[at] = istate[at] + 1;
  return cur + inc;
}`,
  },
};
