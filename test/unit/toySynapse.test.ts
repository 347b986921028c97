// A synapse model lives in one place: this file adds two toy current models through the registry alone
// (src/synapses: fields, spec check, derived constants, kick, declared state, CPU update, WGSL twin) and runs
// them on the CPU engine.
//  - 'toy_fast': the exponential with its decay and kick computed from tauSyn_ms / 2. With every tauSyn_ms
//    doubled it must give the exponential network's bits exactly (2/(2 tau) = 1/tau in f64); undoubled it
//    must not (so the registry's constants are really what the engine runs).
//  - 'toy_peak': the exponential plus a declared state variable (peak |I| per neuron and channel), CPU only:
//    the state is allocated from the declaration, carried by snapshots, and the WebGPU refusal names the model.
//  - 'toy_late' (toySynapseModels.ts; on both engines in test/gpu/toySynapse.test.ts): declared state, own join.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { gpuUnsupportedModels } from '../../src/engine/webgpu/plan.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { SpecError, validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { hasSynapseModel, registerSynapseModel, synapseModelsWgsl } from '../../src/synapses/index.ts';
import { toyFast, toyLate, toyPeak, toySynapseSpec as spec } from './toySynapseModels.ts';

async function run(s: NetworkSpec, steps?: number): Promise<CpuEngine> {
  const e = new CpuEngine(buildNetwork(derive(validate(s))));
  await e.advance(steps ?? e.net.derived.nSteps);
  return e;
}

const f = Math.fround;

describe('a toy synapse model added through the registry alone', () => {
  it('is unknown until registered, then owns its fields', () => {
    expect(hasSynapseModel('toy_fast')).toBe(false);
    expect(() => validate(spec('toy_fast'))).toThrow(/populations\[0\]\.synapse = "toy_fast": allowed one of exponential/);
    registerSynapseModel(toyFast);
    const bad = spec('toy_fast');
    bad.inputs[0]!.tauSyn_ms = 0;
    expect(() => validate(bad)).toThrow(SpecError);
    expect(() => validate(bad)).toThrow(/inputs\[0\]\.tauSyn_ms = 0/);
    expect(synapseModelsWgsl()).toMatch(/if \(model == 5u\) \{\n {4}return toy_fast_step\(c, i, x\);/);
    expect(() => registerSynapseModel({ ...toyFast, name: 'toy_clash', gpu: { ...toyFast.gpu!, fn: 'other' } })).toThrow(/GPU code 5 is taken by 'toy_fast'/);
    // Generated WGSL names: SYNAPSE_<NAME> must stay unique, and the name must be a WGSL identifier.
    expect(() => registerSynapseModel({ ...toyFast, name: 'TOY_FAST', gpu: { ...toyFast.gpu!, code: 11 } })).toThrow(/'SYNAPSE_TOY_FAST'.*'toy_fast'/);
    expect(() => registerSynapseModel({ ...toyFast, name: 'toy-dash', gpu: { ...toyFast.gpu!, code: 12 } })).toThrow(/'toy-dash'.*must match/);
  });

  it('runs on the CPU from its derived constants (doubled taus: the exponential bit for bit)', async () => {
    registerSynapseModel(toyFast);
    const ref = await run(spec(undefined));
    const doubled = await run(spec('toy_fast', 2));
    const plain = await run(spec('toy_fast'));
    expect(doubled.net.derived.channels.map((c) => c.synapse)).toEqual(['toy_fast', 'toy_fast', 'toy_fast']);
    expect(doubled.recorder.rec.raster.count).toBeGreaterThan(100);
    expect(Array.from(doubled.state.v)).toEqual(Array.from(ref.state.v));
    expect(Array.from(doubled.state.current)).toEqual(Array.from(ref.state.current));
    expect(Array.from(plain.state.v)).not.toEqual(Array.from(ref.state.v));
  });

  it('declares state that the state layout allocates, snapshots carry and the WebGPU engine refuses by name', async () => {
    registerSynapseModel(toyPeak);
    const s = spec('toy_peak');
    const full = await run(s);
    const keys = Object.keys(full.state.model).sort();
    expect(keys).toEqual(['synapse.0.peak', 'synapse.1.peak', 'synapse.2.peak']);
    const peak = full.state.model['synapse.2.peak']!; // the input channel
    expect(Math.max(...peak)).toBeGreaterThan(0);
    for (let i = 0; i < full.net.derived.N; i++) expect(peak[i]).toBeGreaterThanOrEqual(Math.abs(full.state.current[2 * full.net.derived.N + i]!));
    // Half a run, snapshot, restore into a fresh engine, the other half: the same state as the whole run.
    const half = await run(s, full.net.derived.nSteps / 2);
    const snap = await half.snapshot();
    expect(snap.arrays['state.model.synapse.2.peak']).toBeInstanceOf(Float32Array);
    const resumed = new CpuEngine(buildNetwork(derive(validate(s))));
    await resumed.restore(structuredClone(snap));
    await resumed.advance(full.net.derived.nSteps);
    for (const k of keys) expect(Array.from(resumed.state.model[k]!)).toEqual(Array.from(full.state.model[k]!));
    expect(Array.from(resumed.state.v)).toEqual(Array.from(full.state.v));
    expect(gpuUnsupportedModels(full.net)).toEqual(["synapse model 'toy_peak' (CPU only)"]);
    expect(gpuUnsupportedModels(buildNetwork(derive(validate(spec(undefined)))))).toEqual([]);
  });

  it('joins input into its declared state (toy_late: input reaches the current half per step)', async () => {
    registerSynapseModel(toyLate);
    const ref = await run(spec(undefined));
    const late = await run(spec('toy_late'));
    expect(Object.keys(late.state.model).sort()).toEqual(['synapse.0.pending', 'synapse.1.pending', 'synapse.2.pending']);
    expect(Math.max(...late.state.model['synapse.2.pending']!.map(Math.abs))).toBeGreaterThan(0);
    expect(late.recorder.rec.raster.count).toBeGreaterThan(100);
    expect(Array.from(late.state.v)).not.toEqual(Array.from(ref.state.v));
    expect(gpuUnsupportedModels(late.net)).toEqual([]);
  });

  it('with more constants than ChannelParams holds is refused by the WebGPU engine by name (runs on the CPU)', async () => {
    registerSynapseModel({ ...toyFast, name: 'toy_many', gpu: { ...toyFast.gpu!, code: 9 }, derive: (o, dt) => ({ ...toyFast.derive(o, dt), params: [f(1 - (2 * dt) / (o['tauSyn_ms'] as number)), 0, 0] }) });
    const e = await run(spec('toy_many'));
    expect(e.net.derived.channels[0]!.params).toHaveLength(3);
    expect(gpuUnsupportedModels(e.net)).toEqual(["synapse model 'toy_many' (more than 2 params: ChannelParams has p0, p1)"]);
  });
});
