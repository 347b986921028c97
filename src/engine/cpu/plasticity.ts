// Passes 'plasticity_pre' and 'plasticity_post' (twins of shaders/plasticity_{pre,post}.wgsl): each plastic
// projection whose rule has started is updated by its rule family's CPU update (src/plasticity; the pair
// form in pair.ts), with traces from before this step; pre-spike updates first, then post-spike updates
// (the authors' order). CpuEngine runs synapsePass.ts (the pre updates fused into the propagation walk,
// bit-identical); these separate passes are the reference that tests call directly.
import type { BuiltNetwork } from '../../network/network.ts';
import { plasticityFamily, type ActiveProjection, type PlasticityFamily } from '../../plasticity/index.ts';
import type { CpuState } from './state.ts';
import { arrivalView } from './spikeHistory.ts';
import { heteroPost, heteroPropagatePre, isHeteroDelayed } from './heteroDelayed.ts';

export { applyTerm } from '../../plasticity/pair.ts';

/** Calls fn with its family for every plastic projection between populations whose rule has started by this step. */
function forActive(net: BuiltNetwork, st: CpuState, step: number, fn: (fam: PlasticityFamily, a: ActiveProjection) => void): void {
  for (const pr of net.derived.projections) {
    const r = pr.plastic;
    if (!r || step < r.startStep || pr.pre.kind !== 'population') continue;
    fn(plasticityFamily(r.family), { pr, r, c: net.csr[pr.index]!, w: st.weights[pr.index]!, xPre: st.traces[r.preTrace]!, xPost: st.traces[r.postTrace]! });
  }
}

/** Pre-spike updates of every active plastic projection. */
export function plasticityPrePass(net: BuiltNetwork, st: CpuState, step: number): void {
  // delayed: the arrivals (spikeHistory.ts); per-synapse delays: heteroDelayed.ts
  forActive(net, st, step, (fam, a) => (isHeteroDelayed(a.pr) ? heteroPropagatePre(net, st, a.pr, step, false, true) : fam.cpuPre(a, arrivalView(net.derived, st, step, a.pr.arrivalLag))));
}

/** Post-spike updates of every active plastic projection. */
export function plasticityPostPass(net: BuiltNetwork, st: CpuState, step: number): void {
  forActive(net, st, step, (fam, a) => (isHeteroDelayed(a.pr) ? heteroPost(net, st, a.pr) : fam.cpuPost(a, st)));
}
