// Pass 'neuron_update' (twin of shaders/neuron_update.wgsl): input currents take this step's external
// spikes, then forward Euler of the EIF/LIF membrane, threshold, reset and refractoriness, in f32.
import type { Derived } from '../../model/derive.ts';
import { FIXED_INV_SCALE } from '../../model/derive.ts';
import type { CpuState } from './state.ts';
import { poissonSourceUpdate } from './inputModulated.ts';
import { condLifUpdate } from './neuronUpdateCond.ts';

const f = Math.fround;

/** Applies this step's fixed-point external input to the input channels' currents. */
function applyInputs(d: Derived, st: CpuState): void {
  const N = d.N;
  const { current, acc } = st;
  for (const ch of d.channels) {
    if (ch.kind !== 'input') continue;
    const base = d.channels.indexOf(ch) * N;
    for (let i = base; i < base + N; i++) {
      const a = acc[i]!;
      if (a !== 0) {
        current[i] = f(current[i]! + f(a) * FIXED_INV_SCALE);
        acc[i] = 0;
      }
    }
  }
}

/** Integrates every neuron one step and fills st.spikes (ascending) with the spikers. */
export function neuronUpdatePass(d: Derived, st: CpuState): void {
  applyInputs(d, st);
  const N = d.N;
  const nCh = d.channels.length;
  const { v, refr, current, spikes } = st;
  let nSpk = 0;
  for (const p of d.pops) {
    const n = p.neuron;
    if (n.model === 'cond_lif' || n.model === 'poisson') {
      nSpk = n.model === 'cond_lif' ? condLifUpdate(d, st, p, nSpk) : poissonSourceUpdate(d, st, p, nSpk);
      continue;
    }
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
  }
  st.nSpikes = nSpk;
}
