// A neuron model lives in one place: this file adds a toy model ('toy_lif', a leaky integrator written
// v + dtC (I - gL (v - eL))) through the registry alone (src/neurons: spec check, derived constants, CPU
// update, WGSL twin) and runs it on both engines: the spike trains must be identical, step for step.
// 'toy_stateful' adds declared state (f32 'drift', i32 'beats') read and written by both twins, the WGSL
// through the generated accessors: identical spikes on every GPU schedule, and a WebGPU snapshot carries
// the state and resumes on the CPU bit for bit.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import type { StateLayout } from '../../src/engine/state.ts';
import { derive, type Derived, type DerivedPop } from '../../src/model/derive.ts';
import type { NetworkSpec, NeuronSpec } from '../../src/model/spec.ts';
import { SpecError, validate } from '../../src/model/validate.ts';
import { hasNeuronModel, neuronModelNames, registerNeuronModel, type NeuronModel } from '../../src/neurons/index.ts';
import { checkMembrane, membraneConstants } from '../../src/neurons/membrane.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { firstDivergence, runBothEngines } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { snapshotResumeMatches } from './snapshotResume.ts';

const f = Math.fround;

function toyUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number {
  const { v, refr, current, spikes } = st;
  const { gL, eL, dtOverC, vThresh, vReset, refSteps } = p.neuron;
  const nCh = d.channels.length;
  for (let i = p.offset; i < p.offset + p.size; i++) {
    if (refr[i]! > 0) {
      refr[i]!--;
      continue;
    }
    let itot = 0;
    for (let c = 0; c < nCh; c++) itot = f(itot + current[c * d.N + i]!);
    const vi = v[i]!;
    let vn = f(vi + f(dtOverC * f(itot - f(gL * f(vi - eL)))));
    if (vn >= vThresh) {
      spikes[nSpk++] = i;
      vn = vReset;
      refr[i] = refSteps;
    }
    v[i] = vn;
  }
  return nSpk;
}

const toy: NeuronModel = {
  name: 'toy_lif',
  description: 'test: leaky integrator, current based',
  input: 'current',
  meanField: false,
  validate: (c, path, n) => checkMembrane(c, path, n, ['tauMem_ms'], () => c.num(`${path}.tauMem_ms`, n['tauMem_ms'], 0, 1e6, { loOpen: true })),
  derive: (n, dt, base) => ({ ...base, ...membraneConstants(n), model: 'toy_lif', dtOverC: f(dt), gL: f(1 / (n['tauMem_ms'] as number)) }),
  cpuUpdate: toyUpdate,
  gpu: {
    code: 7,
    fn: 'toy_lif_v',
    wgsl: `
fn toy_lif_v(p: u32, i: u32, vi: f32) -> f32 {
  let pp = &P.pops[p];
  var itot = 0.0;
  for (var c = 0u; c < P.nChannels; c++) {
    itot = itot + fstate[P.curOff + c * P.N + i];
  }
  return vi + pp.dtOverC * (itot - pp.gL * (vi - pp.eL));
}`,
  },
};

/**
 * toy_lif with state: 'beats' counts the neuron's integrated (non-refractory) steps; every 7th one kicks
 * 'drift' by 0.05, which decays by 0.95 per step and is subtracted from the input current.
 */
function statefulUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number {
  const { v, refr, current, spikes } = st;
  const drift = st.model['neuron.toy_stateful.drift'] as Float32Array;
  const beats = st.model['neuron.toy_stateful.beats'] as Int32Array;
  const { gL, eL, dtOverC, vThresh, vReset, refSteps } = p.neuron;
  const nCh = d.channels.length;
  for (let i = p.offset; i < p.offset + p.size; i++) {
    if (refr[i]! > 0) {
      refr[i]!--;
      continue;
    }
    let itot = 0;
    for (let c = 0; c < nCh; c++) itot = f(itot + current[c * d.N + i]!);
    const b = (beats[i] = beats[i]! + 1);
    const dr = (drift[i] = f(f(drift[i]! * f(0.95)) + (b % 7 === 0 ? f(0.05) : 0)));
    const vi = v[i]!;
    let vn = f(vi + f(dtOverC * f(f(itot - f(gL * f(vi - eL))) - dr)));
    if (vn >= vThresh) {
      spikes[nSpk++] = i;
      vn = vReset;
      refr[i] = refSteps;
    }
    v[i] = vn;
  }
  return nSpk;
}

const stateful: NeuronModel = {
  ...toy,
  name: 'toy_stateful',
  description: 'test: toy_lif with a declared f32 and i32 state variable',
  derive: (n, dt, base) => ({ ...toy.derive(n, dt, base, { size: 0, signals: [] }), model: 'toy_stateful' }),
  cpuUpdate: statefulUpdate,
  state: [
    { name: 'drift', type: 'f32', doc: 'subtracted current (mV/ms)' },
    { name: 'beats', type: 'i32', doc: 'integrated steps' },
  ],
  gpu: {
    code: 8,
    fn: 'toy_stateful_v',
    wgsl: `
fn toy_stateful_v(p: u32, i: u32, vi: f32) -> f32 {
  let pp = &P.pops[p];
  var itot = 0.0;
  for (var c = 0u; c < P.nChannels; c++) {
    itot = itot + fstate[P.curOff + c * P.N + i];
  }
  let b = toy_stateful_beats(p, i) + 1;
  toy_stateful_set_beats(p, i, b);
  var kick = 0.0;
  if (b % 7 == 0) {
    kick = 0.05;
  }
  let dr = toy_stateful_drift(p, i) * 0.95 + kick;
  toy_stateful_set_drift(p, i, dr);
  return vi + pp.dtOverC * ((itot - pp.gL * (vi - pp.eL)) - dr);
}`,
  },
};

function toySpec(model = 'toy_lif'): NetworkSpec {
  const s = akilNetwork({ N: 400, T_s: 0.15, seed: 5 });
  const { vT_mV: _vT, deltaT_mV: _dT, ...lif } = s.populations[0]!.neuron as unknown as Record<string, unknown>;
  const neuron = { ...lif, model } as unknown as NeuronSpec;
  return { ...s, populations: s.populations.map((p) => ({ ...p, neuron })), recording: { ...s.recording, statsStart_s: 0, rasterNeurons: 400 } };
}

describe('a toy neuron model added through the registry alone', () => {
  const dev = useTestDevice();

  it('is unknown until registered, then validated field by field', () => {
    expect(hasNeuronModel('toy_lif')).toBe(false);
    expect(() => validate(toySpec())).toThrow(/populations\[0\]\.neuron\.model/);
    registerNeuronModel(toy);
    expect(neuronModelNames()).toContain('toy_lif');
    const bad = toySpec();
    (bad.populations[0]!.neuron as unknown as Record<string, unknown>)['tauMem_ms'] = -1;
    try {
      validate(bad);
      expect.unreachable('tauMem_ms < 0 must be rejected');
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as Error).message).toMatch(/populations\[0\]\.neuron\.tauMem_ms.*-1/);
    }
    expect(() => registerNeuronModel({ ...toy, name: 'toy_clash', gpu: { ...toy.gpu, fn: 'other_v' } as NeuronModel['gpu'] })).toThrow(/GPU code 7 is taken by 'toy_lif'/);
  });

  it('runs on the CPU and the WebGPU engine with identical spike trains', async () => {
    registerNeuronModel(toy);
    const net = buildNetwork(derive(validate(toySpec())));
    expect(net.derived.pops.map((p) => p.neuron.model)).toEqual(['toy_lif', 'toy_lif']);
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule: 'fused' });
    expect(cpu.raster.count).toBeGreaterThan(50);
    expect(cpu.raster.dropped).toBe(0);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    expect(Array.from(gpu.neuronStats.spikeCount)).toEqual(Array.from(cpu.neuronStats.spikeCount));
  });

  it.each(['fused', 'passes', 'resident'] as const)('toy_stateful (declared f32 and i32 state): identical spike trains on both engines (%s schedule)', async (schedule) => {
    registerNeuronModel(toy);
    registerNeuronModel(stateful);
    // Population 0 stateful, population 1 toy_lif: the state is indexed by the global neuron index.
    const s = toySpec('toy_stateful');
    s.populations[1]!.neuron = { ...s.populations[1]!.neuron, model: 'toy_lif' } as unknown as NeuronSpec;
    const net = buildNetwork(derive(validate(s)));
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule });
    expect(cpu.raster.count).toBeGreaterThan(50);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    // The state changes the dynamics: toy_lif everywhere spikes differently.
    const plain = buildNetwork(derive(validate(toySpec())));
    const ref = new CpuEngine(plain);
    await ref.advance(plain.derived.nSteps);
    const other = new CpuEngine(net);
    await other.advance(net.derived.nSteps);
    expect(Array.from(other.state.v)).not.toEqual(Array.from(ref.state.v));
  });

  it('a WebGPU snapshot carries toy_stateful state and resumes on the CPU bit for bit', async () => {
    registerNeuronModel(stateful);
    const net = buildNetwork(derive(validate(toySpec('toy_stateful'))));
    const half = Math.floor(net.derived.nSteps / 2);
    const cut = await snapshotResumeMatches(net, dev.device, half, ['neuron.toy_stateful.drift', 'neuron.toy_stateful.beats']);
    expect(Math.max(...cut['neuron.toy_stateful.beats']!)).toBeGreaterThan(7);
    expect(Math.max(...cut['neuron.toy_stateful.drift']!)).toBeGreaterThan(0);
  });
});
