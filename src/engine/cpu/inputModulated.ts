// Rate-modulated Poisson sources (Vogels et al. 2011, SOM inhib_plasticity.m): low-pass-filtered noise
// signals advanced once per step in the 'input' pass, and populations of Poisson sources ('poisson'
// neurons) drawn in the 'neuron_update' pass. Integer-exact RNG and a fixed f32 expression order, so the
// WGSL twin reproduces every signal value and every source spike bit for bit:
//   signal channel c at step s:  w = philox(ctr = (s, c, 0, 0), key = (seed, STREAM.signal))[0]
//                                u = u01(w) - 0.5                      (exact in f32)
//                                x = f32(u - f32(f32(u - x) * decay))  (decay = f32(exp(-dt/tau)))
//   source k of population p:    w = philox(ctr = (s, k >> 2, p, 0), key = (seed, STREAM.source))[k & 3]
//                                prob = pBase                                   (unmodulated)
//                                prob = f32(pBase + f32(pGain * max(0, x[ch])))  (modulated)
//                                spike iff u01(w) < prob, and not in its dead time.
import type { Derived, DerivedPop } from '../../model/derive.ts';
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

/** Signal channel of source k (local index) of a population, or -1 when unmodulated. */
export function sourceChannel(p: DerivedPop, k: number): number {
  const s = p.neuron.source!;
  if (s.sigCount === 0) return -1;
  return s.sigCount === 1 ? s.sigOffset : s.sigOffset + Math.floor((k * s.sigCount) / p.size);
}

/** Spike probability per step of source k at the current signal values (f32). */
export function sourceProbability(p: DerivedPop, k: number, signal: Float32Array): number {
  const s = p.neuron.source!;
  const c = sourceChannel(p, k);
  if (c < 0) return s.pBase;
  const x = signal[c]!;
  return f(s.pBase + f(s.pGain * (x > 0 ? x : 0)));
}

/** The 'neuron_update' of a Poisson source population: appends its spikers (ascending) after nSpk; returns the new count. */
export function poissonSourceUpdate(d: Derived, st: CpuState, p: DerivedPop, nSpk: number): number {
  const seed = d.spec.seed >>> 0;
  const step = st.step >>> 0;
  const { refr, spikes, signal } = st;
  const refSteps = p.neuron.refSteps;
  const blocks = p.neuron.source!.sigCount > 1;
  let prob = sourceProbability(p, 0, signal); // one channel (or none): the same for every source
  let block = -1;
  for (let k = 0; k < p.size; k++) {
    const i = p.offset + k;
    if (refr[i]! > 0) {
      refr[i]!--;
      continue;
    }
    if (k >> 2 !== block) {
      block = k >> 2;
      philox4x32(words, step, block, p.index, 0, seed, STREAM.source);
    }
    if (blocks) prob = sourceProbability(p, k, signal);
    if (u01(words[k & 3]!) < prob) {
      spikes[nSpk++] = i;
      refr[i] = refSteps;
    }
  }
  return nSpk;
}
