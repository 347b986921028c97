// Synapse model 'double_exponential': a rise/decay current (the Soldado-Magraner 2022 co-author's Brian2
// synapses, network.py: ds/dt = (u - s)/tauDecay, du/dt = -u/tauRise, each spike adds w/tauRise to u), so a
// spike of weight w delivers charge w (pA ms): the kernel w (e^{-t/tauDecay} - e^{-t/tauRise}) / (tauDecay -
// tauRise), and the alpha function w t/tau^2 e^{-t/tau} when tauRise = tauDecay (the reference's 1/1 ms I
// synapses; this cascade form is exact there, so only tauRise > tauDecay is refused).
// Forward Euler in f32, in this order (CPU and WGSL), u the declared state 'rise':
//   join:  u <- f32(u + f32(a) 2^-20)             (input channels in neuron_update, recurrent in trace_update)
//   step:  s <- f32(s + f32(p0 * f32(u - s))),  u <- f32(u * p1),   p0 = f32(dt/tauDecay), p1 = f32(1 - dt/tauRise)
// The current s is the channel's `current` (what the neurons read); kick w * f32(1/tauRise) into current-based
// targets, w into conductance-based ones.
import { FIXED_INV_SCALE } from '../model/fixedScale.ts';
import type { Derived } from '../model/derive.ts';
import type { StateLayout } from '../engine/state.ts';
import { RunGuardError } from '../engine/engine.ts';
import type { SynapseModel } from './registry.ts';

const f = Math.fround;
const I32_MAX = 2147483647;

/** Joins channel c's fixed-point input (acc, zeroed) into its rise state u; `check`: refuse sums beyond i32 (recurrent input). */
function joinRise(d: Derived, st: StateLayout, c: number, check: boolean, step = 0): void {
  const u = st.model[`synapse.${c}.rise`]!;
  const base = c * d.N;
  for (let i = 0; i < d.N; i++) {
    const a = st.acc[base + i]!;
    if (a === 0) continue;
    if (check && (a > I32_MAX || a < -I32_MAX - 1))
      throw new RunGuardError('overflow', step, `neuron ${i}, channel ${d.channels[c]!.name}`, a, `fixed-point input ${a} exceeds the i32 range (scale 2^20)`);
    u[i] = f(u[i]! + f(a) * FIXED_INV_SCALE);
    st.acc[base + i] = 0;
  }
}

/** Channel c one step: recurrent input joins u, then s and u advance (see the header). */
export function doubleExponentialUpdate(d: Derived, st: StateLayout, c: number, step: number): void {
  const ch = d.channels[c]!;
  if (ch.kind === 'recurrent') joinRise(d, st, c, true, step);
  const p0 = ch.params![0]!, p1 = ch.params![1]!;
  const u = st.model[`synapse.${c}.rise`]!;
  const cur = st.current;
  const base = c * d.N;
  for (let i = 0; i < d.N; i++) {
    const s = cur[base + i]!, ui = u[i]!;
    cur[base + i] = f(s + f(p0 * f(ui - s)));
    u[i] = f(ui * p1);
  }
}

const WGSL = `
// Double exponential (doubleExponentialUpdate): input joins the rise state u; s <- s + p0 (u - s), u <- u p1.
fn double_exp_join(c: u32, i: u32, cur: f32, inc: f32) -> f32 {
  let at = P.channels[c].stateOff + i;
  fstate[at] = fstate[at] + inc;
  return cur;
}
fn double_exp_step(c: u32, i: u32, x: f32) -> f32 {
  let at = P.channels[c].stateOff + i;
  let u = fstate[at];
  fstate[at] = u * P.channels[c].p1;
  return x + P.channels[c].p0 * (u - x);
}
`;

export const doubleExponential: SynapseModel = {
  name: 'double_exponential',
  description: 'rise/decay current (Brian cascade: s follows u with tauDecay, u decays with tauRise; charge w per spike)',
  fields: ['tauRise_ms', 'tauDecay_ms'],
  timeConstants: ['tauRise_ms', 'tauDecay_ms'],
  validate: (c, path, o) => {
    const okR = c.num(`${path}.tauRise_ms`, o['tauRise_ms'], 0, 1e6, { loOpen: true });
    const okD = c.num(`${path}.tauDecay_ms`, o['tauDecay_ms'], 0, 1e6, { loOpen: true });
    if (okR && okD && (o['tauRise_ms'] as number) > (o['tauDecay_ms'] as number))
      c.bad(`${path}.tauRise_ms`, o['tauRise_ms'], `<= tauDecay_ms (${o['tauDecay_ms']}): a rise time above the decay time`);
  },
  derive: (o, dt) => {
    const r = o['tauRise_ms'] as number, dcy = o['tauDecay_ms'] as number;
    return { decay: f(1 - dt / dcy), invTau: f(1 / r), params: [f(dt / dcy), f(1 - dt / r)] };
  },
  kick: (s, conductance) => (conductance ? 1 : s.invTau),
  state: [{ name: 'rise', type: 'f32', doc: 'rise variable u: the current s relaxes towards it (the channel current unit)' }],
  cpuJoinInput: (d, st, c) => joinRise(d, st, c, false),
  cpuUpdate: doubleExponentialUpdate,
  cpuFastPath: false,
  gpu: { code: 1, fn: 'double_exp_step', joinFn: 'double_exp_join', wgsl: WGSL },
};
