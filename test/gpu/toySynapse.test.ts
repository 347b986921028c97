// A synapse model lives in one place, on the GPU too: the toy model 'toy_fast' (test/unit/toySynapseModels.ts:
// decay from ChannelParams.p0 through its own WGSL function, dispatched by the generated synapse_step) runs
// on both engines with identical spike trains, and with every tauSyn_ms doubled gives the exponential's.
// 'toy_late' (declared f32 state 'pending', its own join) too; a WebGPU snapshot carries that state, and the
// CPU engine resumes from it bit for bit. 'toy_hits' (declared i32 state 'hits') likewise.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { registerSynapseModel } from '../../src/synapses/index.ts';
import { toyFast, toyHits, toyLate, toySynapseSpec } from '../unit/toySynapseModels.ts';
import { firstDivergence, runBothEngines } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { snapshotResumeMatches } from './snapshotResume.ts';

describe('a toy synapse model added through the registry alone, on WebGPU', () => {
  const dev = useTestDevice();

  it.each(['fused', 'passes'] as const)('runs on the CPU and the WebGPU engine with identical spike trains (%s schedule)', async (schedule) => {
    registerSynapseModel(toyFast);
    const s = toySynapseSpec('toy_fast');
    s.recording.rasterNeurons = s.N;
    const net = buildNetwork(derive(validate(s)));
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule });
    expect(cpu.raster.count).toBeGreaterThan(50);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    expect(Array.from(gpu.neuronStats.spikeCount)).toEqual(Array.from(cpu.neuronStats.spikeCount));
  });

  it('with doubled taus spikes as the exponential on the GPU', async () => {
    registerSynapseModel(toyFast);
    const runGpu = async (synapse: string | undefined, k: number) => {
      const s = toySynapseSpec(synapse, k);
      s.recording.rasterNeurons = s.N;
      return (await runBothEngines(buildNetwork(derive(validate(s))), dev.device, { schedule: 'fused' })).gpu;
    };
    const ref = await runGpu(undefined, 1);
    const toy = await runGpu('toy_fast', 2);
    expect(firstDivergence(toy.raster, ref.raster)).toBeNull();
  });

  it('toy_late (declared state, own join): identical spikes on both engines; a GPU snapshot resumes on the CPU', async () => {
    registerSynapseModel(toyLate);
    const s = toySynapseSpec('toy_late');
    s.recording.rasterNeurons = s.N;
    const net = buildNetwork(derive(validate(s)));
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule: 'fused' });
    expect(cpu.raster.count).toBeGreaterThan(50);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    const half = net.derived.nSteps / 2;
    const cut = await snapshotResumeMatches(net, dev.device, half, ['synapse.0.pending', 'synapse.2.pending']);
    expect(Math.max(...cut['synapse.2.pending']!.map(Math.abs))).toBeGreaterThan(0);
  });

  it('toy_hits (declared i32 state): its GPU state equals the CPU engine state; a GPU snapshot resumes on the CPU bit for bit', async () => {
    registerSynapseModel(toyHits);
    const s = toySynapseSpec('toy_hits');
    s.recording.rasterNeurons = s.N;
    const net = buildNetwork(derive(validate(s)));
    const half = net.derived.nSteps / 2;
    const cut = await snapshotResumeMatches(net, dev.device, half, ['synapse.0.hits', 'synapse.2.hits']);
    for (const c of [0, 2]) expect(Math.max(...cut[`synapse.${c}.hits`]!)).toBeGreaterThan(0);
  });
});
