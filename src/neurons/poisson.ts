// Neuron model 'poisson': a population of Poisson spike sources (no membrane), optionally rate-modulated
// by a signal channel (Vogels' SOM inputs). Its CPU update is poissonSourceUpdate below (the signals it
// reads advance in the 'input' pass: src/engine/cpu/inputModulated.ts, advanceSignals); on the GPU,
// neuron_update.wgsl's source branch (MODEL_POISSON, source_probability) is its twin:
//   source k of population p:    w = philox(ctr = (s, k >> 2, p, 0), key = (seed, STREAM.source))[k & 3]
//                                prob = pBase                                   (unmodulated)
//                                prob = f32(pBase + f32(pGain * max(0, x[ch])))  (modulated)
//                                spike iff u01(w) < prob, and not in its dead time.
import type { StateLayout } from '../engine/state.ts';
import type { Derived, DerivedPop, DerivedSource } from '../model/derive.ts';
import { philox4x32, u01 } from '../rng/philox.ts';
import { STREAM } from '../rng/streams.ts';
import type { NeuronModel } from './registry.ts';

const f32 = Math.fround;
const f = Math.fround;
const words = new Uint32Array(4);

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
export function poissonSourceUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number {
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


export const poisson: NeuronModel = {
  name: 'poisson',
  description: 'Poisson spike sources (rate_Hz, dead time, optional signal modulation)',
  input: 'source',
  meanField: false,
  validate: (c, path, n, signals) => {
    c.known(path, n, ['model', 'rate_Hz', 'refractory_ms', 'modulation']);
    c.num(`${path}.rate_Hz`, n['rate_Hz'], 0, 1000);
    c.num(`${path}.refractory_ms`, n['refractory_ms'], 0, 1e4);
    const m = n['modulation'];
    if (m === undefined || !c.obj(`${path}.modulation`, m)) return;
    c.known(`${path}.modulation`, m, ['signal', 'channel', 'gain_Hz']);
    c.num(`${path}.modulation.gain_Hz`, m['gain_Hz'], 0, 1e9);
    if (!c.str(`${path}.modulation.signal`, m['signal'])) return;
    const nCh = signals.get(m['signal']);
    if (nCh === undefined) return c.bad(`${path}.modulation.signal`, m['signal'], `a signal name (${[...signals.keys()].join(', ') || 'none declared'})`);
    if (m['channel'] !== undefined) c.num(`${path}.modulation.channel`, m['channel'], 0, nCh - 1, { int: true });
  },
  derive: (n, dt, base, { size, signals }) => {
    const m = n['modulation'] as { signal: string; channel?: number; gain_Hz: number } | undefined;
    const sg = m ? signals.find((s) => s.name === m.signal)! : undefined;
    const source: DerivedSource = {
      pBase: f32(((n['rate_Hz'] as number) * dt) / 1000),
      pGain: m ? f32((m.gain_Hz * dt) / 1000) : 0,
      sigOffset: sg ? sg.offset + (m!.channel ?? 0) : 0,
      sigCount: sg ? (m!.channel !== undefined ? 1 : Math.min(sg.channels, size)) : 0,
    };
    return { ...base, model: 'poisson', dtOverC: 0, gL: 0, eL: 0, vThresh: 0, vReset: 0, vInitLow: 0, vInitHigh: 0, source };
  },
  cpuUpdate: poissonSourceUpdate,
  gpu: { code: 2, source: true },
};
