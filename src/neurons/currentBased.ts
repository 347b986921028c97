// Current-based integrate-and-fire models, 'eif' (SPEC §2.1) and 'lif' (the EIF without its exponential
// term): C_m = 1, forward Euler in f32 in the reference's expression order,
//   v + dtC * ((sum_c I_c + gL (eL - v)) + gLdT exp((v - vT) / DeltaT)),
// threshold, reset, refractoriness. Both name the fast-path kernel of currentBasedFast.ts (fused JavaScript
// and WebAssembly), which the CPU engine runs for networks of only these two models, bit-identical to cpuUpdate here.
import type { Derived, DerivedPop } from '../model/derive.ts';
import type { StateLayout } from '../engine/state.ts';
import { checkMembrane, membraneConstants } from './membrane.ts';
import { currentBasedFastPath } from './currentBasedFast.ts';
import type { NeuronModel } from './registry.ts';

const f = Math.fround;

/** The general path: population p one step (its input already joined); appends spikers after nSpk. */
export function currentBasedUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number {
  const N = d.N;
  const nCh = d.channels.length;
  const { v, refr, current, spikes } = st;
  const n = p.neuron;
  const gL = n.gL, eL = n.eL, gLdT = n.gLdT, vT = n.vT, invDT = n.invDeltaT, dtC = n.dtOverC;
  const vTh = n.vThresh, vRe = n.vReset, refSteps = n.refSteps;
  const isEif = gLdT > 0;
  const end = p.offset + p.size;
  for (let i = p.offset; i < end; i++) {
    if (refr[i]! > 0) {
      refr[i]!--;
      continue;
    }
    let itot = 0;
    for (let at = i; at < nCh * N; at += N) itot = f(itot + current[at]!);
    const vi = v[i]!;
    const leak = f(gL * f(eL - vi));
    const ex = isEif ? f(gLdT * f(Math.exp(f(f(vi - vT) * invDT)))) : 0;
    let vn = f(vi + f(dtC * f(f(itot + leak) + ex)));
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
// EIF/LIF: v + dtC * ((sum_c I_c + gL (eL - v)) + gLdT exp((v - vT) / DeltaT)).
fn current_based_v(p: u32, i: u32, vi: f32) -> f32 {
  let pp = &P.pops[p];
  var itot = 0.0;
  for (var c = 0u; c < P.nChannels; c++) {
    itot = itot + fstate[P.curOff + c * P.N + i];
  }
  let leak = pp.gL * (pp.eL - vi);
  var ex = 0.0;
  if (pp.isEif != 0u) {
    ex = pp.gLdT * exp((vi - pp.vT) * pp.invDeltaT);
  }
  return vi + pp.dtOverC * ((itot + leak) + ex);
}
`;

const gpu = { code: 0, fn: 'current_based_v', wgsl: WGSL };

export const eif: NeuronModel = {
  name: 'eif',
  description: 'exponential integrate-and-fire, current based (C_m = 1)',
  input: 'current',
  meanField: true,
  cpuFastPath: currentBasedFastPath,
  validate: (c, path, n) =>
    checkMembrane(c, path, n, ['tauMem_ms', 'vT_mV', 'deltaT_mV'], () => c.num(`${path}.tauMem_ms`, n['tauMem_ms'], 0, 1e6, { loOpen: true }), () => {
      c.num(`${path}.vT_mV`, n['vT_mV'], -1000, 1000);
      // Below 0.01 mV the exponential term is a step whose f32 coefficients overflow (1/deltaT) or vanish
      // (deltaT/tauMem), so the neuron would silently behave as a LIF: use model 'lif' for that.
      c.num(`${path}.deltaT_mV`, n['deltaT_mV'], 0.01, 100);
    }),
  derive: (n, dt, base) => {
    const tau = n['tauMem_ms'] as number;
    const deltaT = n['deltaT_mV'] as number;
    return { ...base, ...membraneConstants(n), model: 'eif', dtOverC: f(dt), gL: f(1 / tau), gLdT: f(deltaT / tau), vT: f(n['vT_mV'] as number), invDeltaT: f(1 / deltaT) };
  },
  cpuUpdate: currentBasedUpdate,
  gpu,
};

export const lif: NeuronModel = {
  name: 'lif',
  description: 'leaky integrate-and-fire, current based (C_m = 1)',
  input: 'current',
  meanField: true,
  cpuFastPath: currentBasedFastPath,
  validate: (c, path, n) => checkMembrane(c, path, n, ['tauMem_ms'], () => c.num(`${path}.tauMem_ms`, n['tauMem_ms'], 0, 1e6, { loOpen: true })),
  derive: (n, dt, base) => ({ ...base, ...membraneConstants(n), model: 'lif', dtOverC: f(dt), gL: f(1 / (n['tauMem_ms'] as number)), gLdT: 0, vT: 0, invDeltaT: 0 }),
  cpuUpdate: currentBasedUpdate,
  gpu,
};
