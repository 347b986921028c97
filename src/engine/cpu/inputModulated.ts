// Rate-modulating signals of Poisson source populations (Vogels et al. 2011, SOM inhib_plasticity.m):
// low-pass-filtered noise advanced once per step in the 'input' pass (the sources that read them are the
// 'poisson' neuron model, src/neurons/poisson.ts). Integer-exact RNG and a fixed f32 expression order, so
// the WGSL twin reproduces every signal value bit for bit:
//   signal channel c at step s:  w = philox(ctr = (s, c, 0, 0), key = (seed, STREAM.signal))[0]
//                                u = u01(w) - 0.5                      (exact in f32)
//                                x = f32(u - f32(f32(u - x) * decay))  (decay = f32(exp(-dt/tau)))
import type { Derived } from '../../model/derive.ts';
import { philox4x32, u01 } from '../../rng/philox.ts';
import { STREAM } from '../../rng/streams.ts';
import type { CpuState } from './state.ts';

const f = Math.fround;
const words = new Uint32Array(4);

/** Advances every signal channel by one step (the 'input' pass hook) and records the step in progress. */
export function advanceSignals(d: Derived, st: CpuState, step: number): void {
  st.step = step;
  if (d.nSignalChannels === 0) return;
  const seed = d.spec.seed >>> 0;
  const x = st.signal;
  for (const g of d.signals) {
    for (let c = g.offset; c < g.offset + g.channels; c++) {
      philox4x32(words, step >>> 0, c, 0, 0, seed, STREAM.signal);
      const u = f(u01(words[0]!) - 0.5);
      x[c] = f(u - f(f(u - x[c]!) * g.decay));
    }
  }
}
