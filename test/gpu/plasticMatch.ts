// Shared by the delayed-plasticity GPU tests (delayedStdp, heteroDelayedStdp): one network run on the WebGPU engine
// (one schedule, small submissions so that arrivals cross submission boundaries) and on the CPU reference, then
// identical spike trains and every plastic projection's final weights identical bit for bit (each test file says
// beside its cases why exact equality, not a bound, is the right expectation).
import { expect } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { Schedule } from '../../src/engine/webgpu/scheduleChoice.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import type { BuiltNetwork } from '../../src/network/network.ts';
import { exactDiff, firstDivergence } from './fixture.ts';
import type { TestDevice } from './helpers.ts';

/** Indices (into net.derived.projections) of the plastic projections. */
export const plasticIndices = (net: BuiltNetwork): number[] => net.derived.projections.flatMap((p, j) => (p.plastic ? [j] : []));

/** Runs net for its whole length on both engines and expects the same spikes and plastic weights (> 100 spikes, rules acted). */
export async function expectPlasticRunMatchesCpu(net: BuiltNetwork, dev: TestDevice, schedule: Schedule, stepsPerSubmit = 37): Promise<void> {
  const js = plasticIndices(net);
  const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule, stepsPerSubmit });
  try {
    expect(g.schedule).toBe(schedule);
    await g.advance(net.derived.nSteps);
    const c = new CpuEngine(net);
    await c.advance(net.derived.nSteps);
    const [gr, cr] = [await g.recordings(), await c.recordings()];
    expect(cr.raster.count).toBeGreaterThan(100);
    expect(firstDivergence(gr.raster, cr.raster)).toBeNull();
    const gw = (await g.downloadState()).weights;
    for (const j of js) {
      const pr = net.derived.projections[j]!;
      const w0 = net.csr[pr.index]!.weight;
      expect(Array.from(c.state.weights[j]!)).not.toEqual(Array.from(w0, Math.fround)); // the rule acted
      expect(exactDiff(`weights of ${pr.name}`, gw[j]!, c.state.weights[j]!)).toBe('');
    }
  } finally {
    g.dispose();
  }
}
