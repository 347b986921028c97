// Neuron model 'cond_lif': a conductance-based LIF population (NeuronSpec 'cond_lif'; Vogels et al. 2011 and the
// Brian2 example, Brian's units: V in mV, g in nS, C in pF, I in pA, so nS*mV/pF = mV/ms):
//   C dV/dt = g_L (E_L - V) + sum_c g_c (E_c - V) + I_b,   forward Euler, f32, in exactly this order:
//     syn = +0
//     for c in p.condChannels (ascending):  syn = f32(syn + f32(g_c * f32(E_c - v)))
//     vn  = f32(v + f32(dtOverC * f32(f32(f32(gL * f32(eL - v)) + syn) + iBg)))
//     vn >= vThresh: spike, vn = vReset, refr = refSteps;  refr > 0: refr -= 1 and V is held.
// g_c = current[c*N + i] (this step's input conductances already added); the conductances decay in
// 'trace_update' with f32(1 - dt/tau_c) and keep integrating through the refractory period.
// Looping over every channel (ascending, E_c = 0 where none) gives the same bits: each absent channel
// adds f32(0 * x) = +-0, which leaves a non-zero sum unchanged and a zero sum at +0.
import type { Derived, DerivedPop } from '../model/derive.ts';
import type { StateLayout } from '../engine/state.ts';
import { checkMembrane, membraneConstants } from './membrane.ts';
import type { NeuronModel } from './registry.ts';

const f = Math.fround;
const revCache = new WeakMap<DerivedPop, { base: Int32Array; rev: Float32Array }>();

/** Channel offsets c*N and reversal potentials of p.condChannels (cached per derived population). */
function channelsOf(d: Derived, p: DerivedPop): { base: Int32Array; rev: Float32Array } {
  let r = revCache.get(p);
  if (!r) {
    r = { base: Int32Array.from(p.condChannels, (c) => c * d.N), rev: Float32Array.from(p.condChannels, (c) => d.channels[c]!.reversal!) };
    revCache.set(p, r);
  }
  return r;
}

/** Integrates population p one step; appends its spikers (ascending) after nSpk and returns the new count. */
export function condLifUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number {
  const n = p.neuron;
  const { v, refr, current, spikes } = st;
  const gL = n.gL, eL = n.eL, dtC = n.dtOverC, iBg = n.iBg, vTh = n.vThresh, vRe = n.vReset, refSteps = n.refSteps;
  const { base, rev } = channelsOf(d, p);
  const nc = base.length;
  const end = p.offset + p.size;
  for (let i = p.offset; i < end; i++) {
    if (refr[i]! > 0) {
      refr[i]!--;
      continue;
    }
    const vi = v[i]!;
    let syn = 0;
    for (let q = 0; q < nc; q++) syn = f(syn + f(current[base[q]! + i]! * f(rev[q]! - vi)));
    let vn = f(vi + f(dtC * f(f(f(gL * f(eL - vi)) + syn) + iBg)));
    if (vn >= vTh) {
      spikes[nSpk++] = i;
      vn = vRe;
      refr[i] = refSteps;
    }
    v[i] = vn;
  }
  return nSpk;
}

const WGSL = `
// Conductance-based LIF (condLifUpdate): syn = sum over its channels, ascending, of g_c (E_c - v), then
// v + dtC * ((gL (eL - v) + syn) + iBg). g_c is the channel's current (nS): this step's input joined.
fn cond_lif_v(p: u32, i: u32, vi: f32) -> f32 {
  let pp = &P.pops[p];
  var syn = 0.0;
  for (var c = 0u; c < P.nChannels; c++) {
    if ((pp.condMask & (1u << c)) == 0u) {
      continue;
    }
    syn = syn + fstate[P.curOff + c * P.N + i] * (P.channels[c].reversal - vi);
  }
  return vi + pp.dtOverC * ((pp.gL * (pp.eL - vi) + syn) + pp.iBg);
}
`;

export const condLif: NeuronModel = {
  name: 'cond_lif',
  description: 'conductance-based LIF (Vogels et al. 2011; Brian units: mV, nS, pF, pA)',
  input: 'conductance',
  meanField: false,
  validate: (c, path, n) =>
    checkMembrane(c, path, n, ['C_pF', 'gL_nS', 'iBg_pA'], () => {
      c.num(`${path}.C_pF`, n['C_pF'], 0, 1e9, { loOpen: true });
      c.num(`${path}.gL_nS`, n['gL_nS'], 0, 1e9, { loOpen: true });
      c.num(`${path}.iBg_pA`, n['iBg_pA'], -1e9, 1e9);
    }),
  derive: (n, dt, base) => ({ ...base, ...membraneConstants(n), model: 'cond_lif', dtOverC: f(dt / (n['C_pF'] as number)), gL: f(n['gL_nS'] as number), iBg: f(n['iBg_pA'] as number) }),
  cpuUpdate: condLifUpdate,
  gpu: { code: 1, fn: 'cond_lif_v', wgsl: WGSL },
};
