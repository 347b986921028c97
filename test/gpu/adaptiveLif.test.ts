// The adaptive LIF ('adaptive_lif': adaptation channel, Irwin-Hall membrane noise) and the trial protocol on
// the WebGPU engine against the CPU reference:
//  1. whole runs of a small Fig 7 network (E with adaptation, I without, noise 2.5 mV, double-exponential
//     synapses 8/23 and 1/1 ms, the reference's per-synapse delays, a background
//     current so it fires) on both schedules: identical spike trains, step for step (the noise draw is
//     exact integer arithmetic on both engines);
//  2. two trials of the Fig 7 protocol (kick, segments restored from snapshots, the cross-homeostatic rule)
//     with the WebGPU engine and with the CPU engine: identical per-unit trial rates and final weights.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { soldadoDrivenNetwork, soldadoSpikingNetwork, soldadoTrainingProtocol } from '../../src/presets/soldado2022.ts';
import { runTrials } from '../../src/trials/protocol.ts';
import { firstDivergence, runBothEngines } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

const firing = (N: number, T_s: number): NetworkSpec => validate(soldadoDrivenNetwork(N, T_s));

describe('adaptive_lif on the WebGPU engine', () => {
  const dev = useTestDevice();

  it.each([['fused'], ['passes']] as const)('schedule %s: identical spike trains (adaptation, noise, recurrent input)', async (schedule) => {
    const net = buildNetwork(derive(firing(200, 0.2)));
    const { gpu, cpu } = await runBothEngines(net, dev.device, { schedule });
    expect(cpu.raster.count).toBeGreaterThan(200);
    expect(cpu.raster.dropped).toBe(0);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    expect(Array.from(gpu.neuronStats.spikeCount)).toEqual(Array.from(cpu.neuronStats.spikeCount));
  });

  it('two Fig 7 trials (kick, restore, trial rule): identical rates and weights on both engines', async () => {
    const N = 200;
    const spec = validate({ ...soldadoSpikingNetwork({ N, seed: 2, weights: { EE: 200, IE: 150, EI: 250, II: 150 } }), T_s: 0.4 });
    const pr = { ...soldadoTrainingProtocol({ N, trials: 2, alpha: 0.05 }), duration_s: 0.4 };
    const cpu = await runTrials(spec, buildNetwork(derive(spec)), pr, { backend: 'cpu' });
    const gpu = await runTrials(spec, buildNetwork(derive(spec)), pr, { backend: 'webgpu', device: dev.device });
    const spikes = cpu.trials.reduce((n, t) => n + t.stats.unitRate_Hz.reduce((a, x) => a + x, 0), 0);
    expect(spikes).toBeGreaterThan(0);
    cpu.trials.forEach((t, k) => expect(Array.from(gpu.trials[k]!.stats.unitRate_Hz)).toEqual(Array.from(t.stats.unitRate_Hz)));
    cpu.weights.forEach((w, k) => expect(Array.from(gpu.weights[k]!)).toEqual(Array.from(w)));
    expect(cpu.trials[1]!.meanAbsDw.some((x) => x > 0)).toBe(true);
  });
});
