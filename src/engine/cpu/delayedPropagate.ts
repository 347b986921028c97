// Synaptic delays on the CPU engine, beside the undelayed path of synapsePropagate.ts. A projection whose
// delays exceed one step scatters into the delay ring instead of the accumulator: a spike at step t through
// a synapse of delay d adds its fixed-point increment to slot (t + d - 1) % L (L = derived.delaySlots), and
// trace_update of step s first moves slot s % L into the accumulator (joinDelayed), then joins and decays as
// for every spike. So d = 1 is the undelayed timing (joined at the end of step t, felt by V at t + 1) and a
// delay of d steps is felt by V at step t + d. Sums stay exact integers in f64, so the order of arrivals does
// not matter. Increments use the weight at the spike's step (plastic weights: before that step's update).
import type { BuiltNetwork } from '../../network/network.ts';
import type { Derived, DerivedProjection } from '../../model/derive.ts';
import { fixedIncrement } from '../fixed.ts';
import type { CpuState } from './state.ts';
import { proceduralSpikes } from '../../network/procedural.ts';

/** Scatters this step's spikes of projection pr into the delay ring (its delays > 1 step); `rows`: only synapses [rowStart[k], rowEnd[k]) of row k. */
export function delayedPropagate(net: BuiltNetwork, st: CpuState, pr: DerivedProjection, q: number, rows?: { rowStart: Int32Array; rowEnd: Int32Array }): void {
  const d = net.derived;
  const N = d.N;
  const L = d.delaySlots;
  const slotSize = d.channels.length * N;
  const c = net.csr[pr.index]!;
  const per = net.delays[pr.index]!; // null: every synapse has pr.delay.min
  const base = pr.channel * N;
  const lo = pr.pre.offset;
  const hi = lo + pr.pre.size;
  const w = st.weights[pr.index]!;
  const ring = st.dring;
  const t = st.step;
  const fixedSlot = ((t + pr.delay.min - 1) % L) * slotSize + base;
  if (pr.storage === 'procedural') {
    // one delay for every synapse (validate.ts): the row regenerated into the slot (postLo/postHi: the thread's posts)
    const sl = rows as { postLo?: number; postHi?: number } | undefined;
    proceduralSpikes(c, pr, st.spikes, st.nSpikes, ring, fixedSlot, q, sl?.postLo ?? 0, sl?.postHi ?? N);
    return;
  }
  for (let s = 0; s < st.nSpikes; s++) {
    const g = st.spikes[s]!;
    if (g < lo || g >= hi) continue;
    const k = g - lo;
    const end = rows ? rows.rowEnd[k]! : c.rowPtr[k + 1]!;
    for (let y = rows ? rows.rowStart[k]! : c.rowPtr[k]!; y < end; y++) {
      const inc = pr.plastic ? fixedIncrement(w[y]!, pr.kick) : q;
      const at = per ? ((t + per[y]! - 1) % L) * slotSize + base : fixedSlot;
      ring[at + c.post[y]!]! += inc;
    }
  }
}

/** Moves the ring's slot of `step` into the accumulators (and clears it): the delayed input arriving now. */
export function joinDelayed(d: Derived, st: CpuState, step: number): void {
  const slotSize = d.channels.length * d.N;
  const off = (step % d.delaySlots) * slotSize;
  const { acc, dring } = st;
  for (let i = 0; i < slotSize; i++) {
    const a = dring[off + i]!;
    if (a !== 0) {
      acc[i]! += a;
      dring[off + i] = 0;
    }
  }
}
