// Synaptic delays on the WebGPU engine against the CPU reference (the delay ring in acc beyond the
// accumulators; shaders/synapse_propagate.wgsl delayed_at, trace_update.wgsl):
//  1. one spike at step 0 through delays of d steps into a low-threshold post: the post fires at step d
//     exactly on both engines (per projection, and heterogeneous per synapse: each target at its own delay);
//  2. the Soldado Fig 7 network (adaptive LIF, noise) with the reference's delays (E: 1..10 steps per synapse,
//     I: 5 steps) on both schedules: identical spike trains;
//  3. a GPU snapshot taken while delayed spikes are in flight resumes on the CPU engine bit-identically.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { soldadoDrivenNetwork } from '../../src/presets/soldado2022.ts';
import { firstDivergence, runBothEngines } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

const DT = 0.1;

function probe(delay: ProjectionSpec['delay'], nPost: number): NetworkSpec {
  const lif = (v0: number, refractory_ms: number, vThresh_mV: number) => ({ model: 'lif' as const, tauMem_ms: 20, eL_mV: 0, vThresh_mV, vReset_mV: 0, refractory_ms, vInitLow_mV: v0, vInitHigh_mV: v0 });
  const N = 1 + nPost;
  return validate({
    name: 'delay-probe', N, dt_ms: DT, T_s: 0.003, seed: 5,
    populations: [
      { name: 'A', fraction: 1 / N, neuron: lif(11, 1000, 10), tauSyn_ms: 5 },
      { name: 'B', fraction: nPost / N, neuron: lif(0, 1000, 0.5), tauSyn_ms: 5 },
    ],
    inputs: [],
    projections: [{ pre: 'A', post: 'B', connectivity: 'bernoulli', p: 1, j: 100, scaleBySqrtN: false, delay }],
    recording: { window_ms: 1, statsStart_s: 0, bin_ms: 1, rasterNeurons: N, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1e4,
  });
}

function delayedFig7(N: number, T_s: number): NetworkSpec {
  const s = soldadoDrivenNetwork(N, T_s);
  const delay = (pre: string) => (pre === 'E' ? { min_ms: 0.1, max_ms: 1.0 } : { min_ms: 0.5, max_ms: 0.5 });
  return validate({ ...s, projections: s.projections.map((p) => ({ ...p, delay: delay(p.pre) })) });
}

describe('synaptic delays on the WebGPU engine', () => {
  const dev = useTestDevice();

  // resident: the probe's accumulators and ring fit workgroup memory (acc_workgroup.wgsl), so trace_update takes the
  // arriving slot from there (acc_take), not from the storage copy
  it.each([[{ min_ms: 0.5, max_ms: 0.5 }, 1, 'passes'], [{ min_ms: 0.1, max_ms: 2.0 }, 64, 'passes'], [{ min_ms: 0.1, max_ms: 2.0 }, 64, 'resident']] as const)('delay %j (%i posts, %s): the post fires exactly d steps after the spike, on both engines', async (delay, nPost, schedule) => {
    const net = buildNetwork(derive(probe(delay, nPost)));
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule });
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    const c = net.csr[0]!;
    const del = net.delays[0];
    const want = new Map<number, number>();
    for (let y = 0; y < c.post.length; y++) want.set(c.post[y]!, del ? del[y]! : net.derived.projections[0]!.delay.min);
    const got = new Map<number, number>();
    for (let s = 0; s < gpu.raster.count; s++) if (gpu.raster.ids[s]! > 0) got.set(gpu.raster.ids[s]!, gpu.raster.steps[s]!);
    expect(got).toEqual(want);
  });

  it.each([['fused'], ['passes']] as const)('Fig 7 network with the reference delays, schedule %s: identical spike trains', async (schedule) => {
    const net = buildNetwork(derive(delayedFig7(200, 0.15)));
    expect(net.derived.delaySlots).toBe(10);
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule });
    expect(cpu.raster.count).toBeGreaterThan(100);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
  });

  it('a GPU snapshot with spikes in flight resumes on the CPU bit-identically', async () => {
    const net = buildNetwork(derive(delayedFig7(200, 0.1)));
    const g = await WebGpuEngine.create(net, dev.device, { schedule: 'passes' });
    try {
      await g.advance(333);
      const snap = await g.snapshot();
      expect(Array.from(snap.arrays['state.dring']!).some((x) => x !== 0)).toBe(true);
      const resumed = new CpuEngine(net);
      await resumed.restore(snap);
      await resumed.advance(net.derived.nSteps - 333);
      const full = new CpuEngine(net);
      await full.advance(net.derived.nSteps);
      expect(Array.from(resumed.state.v)).toEqual(Array.from(full.state.v));
      expect(firstDivergence((await resumed.recordings()).raster, (await full.recordings()).raster)).toBeNull();
    } finally {
      g.dispose();
    }
  });
});
