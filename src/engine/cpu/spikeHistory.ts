// Delayed spike-driven plasticity on the CPU engine (the axonal-delay convention, docs/trials-delays.md): a plastic
// projection with a delay of d > 1 steps (DerivedProjection.arrivalLag = d - 1) runs exactly as an undelayed
// one on the arrivals, the spikers of step t - (d - 1), read from a ring of past spike lists
// (StateLayout.shist, Derived.spikeHistory slots): propagation and the pre-spike update at the arrival step,
// and a pre trace group of the same lag (traceUpdate.ts) for the post-spike updates. d = 1 is today's timing.
import type { Derived } from '../../model/derive.ts';
import type { CpuState } from './state.ts';

const NONE = new Int32Array(0);

/** Stores this step's spikers in the history (trace_update, after every reader of the step). */
export function recordSpikes(d: Derived, st: CpuState, step: number): void {
  const slot = step % d.spikeHistory;
  st.shist.set(st.spikes.subarray(0, st.nSpikes), slot * d.N);
  st.shistLen[slot] = st.nSpikes;
}

/** The spikers of step `step - lag` (none before step 0), ascending. 1 <= lag < spikeHistory. */
export function arrivals(d: Derived, st: CpuState, step: number, lag: number): { spikes: Int32Array; nSpikes: number } {
  const s = step - lag;
  if (s < 0) return { spikes: NONE, nSpikes: 0 };
  const slot = s % d.spikeHistory;
  return { spikes: st.shist.subarray(slot * d.N, slot * d.N + st.shistLen[slot]!), nSpikes: st.shistLen[slot]! };
}

/** The state as a delayed projection's passes see it: its spikes are the arrivals of `lag` steps ago (the same state when lag is 0). */
export function arrivalView(d: Derived, st: CpuState, step: number, lag: number): CpuState {
  return lag === 0 ? st : { ...st, ...arrivals(d, st, step, lag) };
}
