// Pass 'synapse_propagate' (twin of shaders/synapse_propagate.wgsl): each recurrent spiker adds the
// fixed-point increment round(J/tau * 2^20) of each outgoing synapse to its target's accumulator.
// CpuEngine runs synapseSlicePass (synapsePass.ts: the same sums, fused with the pair-STDP pre updates, over a
// thread's slice); this whole-network form is what tests call directly.
import type { BuiltNetwork } from '../../network/network.ts';
import { fixedIncrement } from '../fixed.ts';
import type { CpuState } from './state.ts';
import { delayedPropagate } from './delayedPropagate.ts';
import { arrivalView } from './spikeHistory.ts';
import { proceduralSpikes } from '../../network/procedural.ts';
import { heteroPropagatePre, isHeteroDelayed } from './heteroDelayed.ts';

/** Scatters this step's spikes through every recurrent projection (weights as they are before plasticity). */
export function synapsePropagatePass(net: BuiltNetwork, st: CpuState, qStatic: Float64Array): void {
  const d = net.derived;
  const N = d.N;
  const { acc } = st;
  for (const pr of d.projections) {
    if (pr.pre.kind !== 'population') continue;
    if (isHeteroDelayed(pr)) {
      heteroPropagatePre(net, st, pr, st.step, true, false); // per-synapse delays with STDP (heteroDelayed.ts)
      continue;
    }
    // spike-driven plasticity with a delay: undelayed, on the arrivals of step st.step (spikeHistory.ts)
    const { spikes, nSpikes } = arrivalView(d, st, st.step, pr.arrivalLag);
    if (pr.delay.max > 1 && pr.arrivalLag === 0) {
      delayedPropagate(net, st, pr, qStatic[pr.index]!); // delays > 1 step: into the delay ring (delayedPropagate.ts)
      continue;
    }
    const c = net.csr[pr.index]!;
    if (pr.storage === 'procedural') {
      proceduralSpikes(c, pr, spikes, nSpikes, acc, pr.channel * N, qStatic[pr.index]!, 0, N);
      continue;
    }
    const base = pr.channel * N;
    const lo = pr.pre.offset;
    const hi = lo + pr.pre.size;
    const w = st.weights[pr.index]!;
    const kick = pr.kick; // 1/tau into current-based posts, 1 into conductance-based ones
    const q = qStatic[pr.index]!;
    for (let s = 0; s < nSpikes; s++) {
      const g = spikes[s]!;
      if (g < lo || g >= hi) continue;
      const k = g - lo;
      const end = c.rowPtr[k + 1]!;
      if (pr.plastic) {
        for (let y = c.rowPtr[k]!; y < end; y++) acc[base + c.post[y]!]! += fixedIncrement(w[y]!, kick);
      } else {
        for (let y = c.rowPtr[k]!; y < end; y++) acc[base + c.post[y]!]! += q;
      }
    }
  }
}
