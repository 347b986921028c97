// Neuron model 'poisson': a population of Poisson spike sources (no membrane), optionally rate-modulated
// by a signal channel (Vogels' SOM inputs). Its CPU update is poissonSourceUpdate (src/engine/cpu/
// inputModulated.ts, next to the signals it reads); on the GPU, neuron_update.wgsl's source branch
// (MODEL_POISSON, source_probability) is its twin.
import { poissonSourceUpdate } from '../engine/cpu/inputModulated.ts';
import type { DerivedSource } from '../model/derive.ts';
import type { NeuronModel } from './registry.ts';

const f32 = Math.fround;

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
