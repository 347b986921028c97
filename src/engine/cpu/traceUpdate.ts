// Pass 'trace_update' (twin of shaders/trace_update.wgsl): spikers' traces += 1 and traces decay by
// f32(1 - dt/tau) (forward Euler, as the authors); then each channel's synapse model advances its current
// (the exponential: recurrent accumulators join their currents, then currents decay by f32(1 - dt/tau)).
import type { Derived } from '../../model/derive.ts';
import { synapseModel } from '../../synapses/index.ts';
import type { CpuState } from './state.ts';
import { arenaOf } from './wasmKernels.ts';
import { joinDelayed } from './delayedPropagate.ts';
import { arrivals, recordSpikes } from './spikeHistory.ts';

const f = Math.fround;

/** Increments traces of spikers, decays traces, then advances every channel by its synapse model. */
export function traceUpdatePass(d: Derived, st: CpuState, step: number): void {
  const N = d.N;
  const arena = arenaOf(st.current);
  const k = arena && st.acc.buffer === arena.buffer ? arena.k : undefined;
  for (let t = 0; t < d.traces.length; t++) {
    const g = d.traces[t]!;
    const x = st.traces[t]!;
    const p = d.pops[g.pop]!;
    const lo = p.offset;
    const hi = lo + p.size;
    // a delayed plastic projection's pre trace counts the arrivals (spikeHistory.ts), the others this step's spikers
    const { spikes, nSpikes } = g.lag > 0 ? arrivals(d, st, step, g.lag) : st;
    for (let s = 0; s < nSpikes; s++) {
      const i = spikes[s]!;
      if (i >= lo && i < hi) x[i] = f(x[i]! + 1);
    }
    const dec = g.decay;
    if (k && x.buffer === arena!.buffer) k.decay(x.byteOffset + 4 * lo, p.size, dec);
    else for (let i = lo; i < hi; i++) x[i] = f(x[i]! * dec);
  }
  if (d.spikeHistory > 0) recordSpikes(d, st, step);
  if (d.delaySlots > 0) joinDelayed(d, st, step); // this step's arrivals of delayed input join acc (delayedPropagate.ts)
  // Channels: each one's synapse model (src/synapses; exponential.ts: join recurrent input, decay).
  for (let c = 0; c < d.channels.length; c++) synapseModel(d.channels[c]!.synapse).cpuUpdate(d, st, c, step);
}
