// Spike-driven plasticity with per-synapse delays on the CPU engine (the axonal-delay convention of spikeHistory.ts,
// docs/trials-delays.md, synapse by synapse): synapse y of delay d_y sees a presynaptic spike of step t at its
// arrival a = t + d_y - 1. At step s, for each lag L in [arrivalLagMin, arrivalLag], the spikers of step s - L
// (this step's when L = 0) deliver through, and get the pre-spike update on, exactly their synapses of delay
// L + 1, with the pre trace of lag L; a post-spike update reads, for each synapse, the pre trace of its own lag.
// Each synapse gets at most one pre update per step, so the lag order does not matter; applyTerm is the pair
// rule's reference arithmetic (the sweeps of pair.ts are bit-identical to it). One thread: the engine runs
// networks with a spike history on one thread (synapsePass.ts, canThread).
import type { DerivedProjection } from '../../model/derive.ts';
import type { BuiltNetwork } from '../../network/network.ts';
import { applyTerm } from '../../plasticity/pair.ts';
import { fixedIncrement } from '../fixed.ts';
import type { CpuState } from './state.ts';
import { arrivals } from './spikeHistory.ts';

/** A spike-driven plastic projection with per-synapse delays (this module runs it). */
export const isHeteroDelayed = (pr: DerivedProjection): boolean => pr.arrivalLagMin < pr.arrivalLag;

/**
 * At `step`: each arriving spike's input (weight before this step's update) into the accumulators when
 * `propagate`, and its pre-spike update when `pre` (and the rule has started).
 */
export function heteroPropagatePre(net: BuiltNetwork, st: CpuState, pr: DerivedProjection, step: number, propagate: boolean, pre: boolean): void {
  const d = net.derived;
  const r = pr.plastic!;
  const update = pre && step >= r.startStep;
  if (!propagate && !update) return;
  const c = net.csr[pr.index]!;
  const del = net.delays[pr.index]!;
  const w = st.weights[pr.index]!;
  const xPost = st.traces[r.postTrace]!;
  const { acc } = st;
  const base = pr.channel * d.N;
  const kick = pr.kick;
  const lo = pr.pre.offset;
  const hi = lo + pr.pre.size;
  for (let L = pr.arrivalLagMin; L <= pr.arrivalLag; L++) {
    const { spikes, nSpikes } = L === 0 ? st : arrivals(d, st, step, L);
    const xPre = st.traces[pr.preTraceByLag[L - pr.arrivalLagMin]!]!;
    for (let s = 0; s < nSpikes; s++) {
      const g = spikes[s]!;
      if (g < lo || g >= hi) continue;
      const k = g - lo;
      for (let y = c.rowPtr[k]!; y < c.rowPtr[k + 1]!; y++) {
        if (del[y]! - 1 !== L) continue;
        if (propagate) acc[base + c.post[y]!]! += fixedIncrement(w[y]!, kick);
        if (update) w[y] = applyTerm(r, r.onPre, w[y]!, xPre[g]!, xPost[c.post[y]!]!);
      }
    }
  }
}

/** Post-spike updates at `step` (the rule has started): each incoming synapse with the pre trace of its own lag. */
export function heteroPost(net: BuiltNetwork, st: CpuState, pr: DerivedProjection): void {
  const r = pr.plastic!;
  const c = net.csr[pr.index]!;
  const del = net.delays[pr.index]!;
  const w = st.weights[pr.index]!;
  const xPost = st.traces[r.postTrace]!;
  const xPre = pr.preTraceByLag.map((t) => st.traces[t]!);
  const off = pr.post.offset;
  const preOff = pr.pre.offset;
  for (let s = 0; s < st.nSpikes; s++) {
    const g = st.spikes[s]!;
    const j = g - off;
    if (j < 0 || j >= pr.post.size) continue;
    for (let i = c.colPtr[j]!; i < c.colPtr[j + 1]!; i++) {
      const y = c.colSyn[i]!;
      const x = xPre[del[y]! - 1 - pr.arrivalLagMin]!;
      w[y] = applyTerm(r, r.onPost, w[y]!, x[preOff + c.colPre[i]!]!, xPost[g]!);
    }
  }
}
