// Procedural input projections on the WebGPU engine (SwiftShader): E<-X and I<-X with storage 'procedural', the
// source's row regenerated from its counter by procedural_walk() (shaders/state.wgsl) in deliver_source()
// (shaders/input.wgsl) when the input spikes.
//  1. Akil EI iSTDP, N = 400, 100 ms: the spike trains, window counts, currents and plastic weights equal the same
//     network with the input projections stored, on the passes, fused and resident schedules and a 3-chunk graph,
//     with independent and with correlated input (a source delivered several times in one step); the graph holds
//     no target of them.
//  2. GPU == CPU: a driven adaptive-LIF network (exact on both engines) with procedural E<-X and I<-X gives the CPU
//     engine's spike trains step for step on passes and fused, and on resident in its step blocks (population
//     projections delayed 3 steps: 3 neuron steps per propagation, the input delivered per step inside the block).
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { exactDiff, firstDivergence, runBothEngines } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { inputSpec, lifInputSpec } from '../unit/proceduralInputHelpers.ts';
import { expectSameRun } from './sameRun.ts';

const spec = (input: 'stored' | 'procedural', c: number): NetworkSpec => inputSpec(input, { T_s: 0.1, c });


describe('WebGPU engine: procedural input projections vs stored', () => {
  const dev = useTestDevice();

  for (const [what, c] of [['independent input', 0], ['correlated input c = 0.2', 0.2]] as const) {
    it(`identical run on every schedule (${what})`, async () => {
      const stored = buildNetwork(derive(spec('stored', c)));
      const proc = buildNetwork(derive(spec('procedural', c)));
      const opts = { adapterInfo: dev.info, stepsPerSubmit: 250 };
      const ref = await WebGpuEngine.create(stored, dev.device, { ...opts, schedule: 'passes' });
      const engines: [string, WebGpuEngine][] = [];
      try {
        await ref.advance(stored.derived.nSteps);
        const want = await ref.recordings();
        const passes = await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'passes' });
        engines.push(['passes', passes]);
        // The graph holds the targets of the stored projections only (the input ones: a skip table each).
        const p = passes.state.plan;
        expect(p.projs.map((x) => x.procedural)).toEqual([0, 0, 0, 0, 1, 1]);
        expect(p.graph.length.post).toBe(proc.csr.reduce((a, x) => a + x.post.length, 0));
        const inputTargets = stored.csr.filter((_, i) => stored.derived.projections[i]!.pre.kind === 'input').reduce((a, x) => a + x.post.length, 0);
        expect(inputTargets).toBeGreaterThan(0);
        expect(ref.state.plan.graph.length.post - p.graph.length.post).toBe(inputTargets);
        engines.push(['fused', await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'fused' })]);
        if (c === 0) {
          engines.push(['resident', await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'resident' })]);
          engines.push(['passes chunked', await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'passes', maxChunkBytes: { graph: 4 * Math.ceil(p.graph.total / 3) } })]);
        }
        for (const [name, e] of engines) {
          await e.advance(proc.derived.nSteps);
          expectSameRun(name, await e.recordings(), want);
        }
      } finally {
        ref.dispose();
        for (const [, e] of engines) e.dispose();
      }
    }, 600_000);
  }
});

describe('WebGPU engine == CPU engine with procedural input projections', () => {
  const dev = useTestDevice();

  // (resident: the step-block case below runs the resident schedule against the CPU)
  it.each([['passes'], ['fused']] as const)('schedule %s: identical spike trains step for step', async (schedule) => {
    const net = buildNetwork(derive(lifInputSpec('procedural')));
    expect(net.derived.projections.filter((p) => p.storage === 'procedural').map((p) => p.name)).toEqual(['E<-X', 'I<-X']);
    const { gpu, cpu } = await runBothEngines(net, dev.device, { adapterInfo: dev.info, schedule });
    expect(cpu.raster.count).toBeGreaterThan(200);
    expect(cpu.raster.dropped).toBe(0);
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    expect(Array.from(gpu.neuronStats.spikeCount)).toEqual(Array.from(cpu.neuronStats.spikeCount));
  }, 600_000);

  it('resident step blocks (population projections delayed 3 steps): identical spike trains and window counts', async () => {
    const net = buildNetwork(derive(lifInputSpec('procedural', { delay_ms: 0.3 })));
    const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule: 'resident', stepsPerSubmit: 37 });
    try {
      expect(g.resident!.blockSteps).toBe(3);
      await g.advance(net.derived.nSteps);
      const gpu = await g.recordings();
      const c = new CpuEngine(net);
      await c.advance(net.derived.nSteps);
      const cpu = await c.recordings();
      expect(cpu.raster.count).toBeGreaterThan(200);
      expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
      expect(exactDiff('window counts', gpu.windows.counts, cpu.windows.counts)).toBe('');
    } finally {
      g.dispose();
    }
  }, 600_000);
});
