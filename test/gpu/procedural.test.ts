// Procedural static projections on the WebGPU engine (SwiftShader): E<-E, I<-E and I<-I regenerated per
// spike by procedural_row() in shaders/synapse_propagate.wgsl, E<-I plastic (iSTDP) and stored. A short run
// (N = 400, 100 ms) must give the spike trains, window counts, currents and plastic weights of the same
// network with every projection stored, on the passes, fused and resident schedules, chunked graph too, and with a
// uniform 3 ms delay on the E projections; and the graph buffer must hold no synapse of them.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { akilSpec } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { expectSameRun } from './sameRun.ts';

function spec(storage: 'stored' | 'procedural', delay_ms?: number): NetworkSpec {
  const s = akilSpec({ N: 400, T_s: 0.1, plastic: true, seed: 77 });
  s.projections = s.projections.map((p): ProjectionSpec => {
    const q: ProjectionSpec = { ...p, connectivity: 'bernoulli-counter' };
    if (!p.plasticity && s.populations.some((x) => x.name === p.pre)) q.storage = storage;
    if (delay_ms !== undefined && p.pre === 'E') q.delay = { min_ms: delay_ms, max_ms: delay_ms };
    return q;
  });
  s.recording.rasterNeurons = s.N;
  return validate(s);
}


describe('WebGPU engine: procedural static projections vs stored', () => {
  const dev = useTestDevice();

  for (const [what, delay_ms] of [['undelayed', undefined], ['uniform 3 ms delay on E', 3]] as const) {
    it(`identical run, passes, fused (and resident, chunked) (${what})`, async () => {
      const stored = buildNetwork(derive(spec('stored', delay_ms)));
      const proc = buildNetwork(derive(spec('procedural', delay_ms)));
      const opts = { adapterInfo: dev.info, stepsPerSubmit: 250 };
      const ref = await WebGpuEngine.create(stored, dev.device, { ...opts, schedule: 'passes' });
      const engines: [string, WebGpuEngine][] = [];
      try {
        await ref.advance(stored.derived.nSteps);
        const want = await ref.recordings();
        const plan = (await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'passes' }));
        engines.push(['passes', plan]);
        // The graph holds the synapses of the stored projections only (the procedural ones: a skip table each).
        const p = plan.state.plan;
        expect(p.projs.map((x) => x.procedural)).toEqual([1, 0, 1, 1, 0, 0]);
        expect(p.graph.length.post).toBe(proc.csr.reduce((a, c) => a + c.post.length, 0));
        expect(p.graph.length.post).toBeLessThan(ref.state.plan.graph.length.post / 3);
        engines.push(['fused', await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'fused' })]);
        if (delay_ms === undefined) {
          engines.push(['resident', await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'resident' })]);
          const total = p.graph.total;
          engines.push(['passes chunked', await WebGpuEngine.create(proc, dev.device, { ...opts, schedule: 'passes', maxChunkBytes: { graph: 4 * Math.ceil(total / 3) } })]);
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
