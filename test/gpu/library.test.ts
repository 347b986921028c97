// The library's Simulation on the WebGPU engine with a GPUDevice the caller hands in (Node + Dawn here,
// SwiftShader on CPU-only machines): the same spike trains and weights as the library on the CPU engine
// (the engines agree exactly on this network: see run.test.ts), and the device stays the caller's.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/index.ts';
import { akilSpec } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

describe('library: Simulation on a caller-supplied GPUDevice', () => {
  const dev = useTestDevice();

  it('EI iSTDP, N = 500, 100 ms: identical raster, counts and final weights to the CPU engine', async () => {
    const spec = akilSpec({ N: 500, T_s: 0.1, plastic: true });
    const gpu = await Simulation.create(spec, { backend: 'webgpu', device: dev.device });
    const cpu = await Simulation.create(spec, { backend: 'cpu' });
    try {
      expect(gpu.backend).toBe('webgpu');
      for (const k of [3, 250, 10_000]) await gpu.advance(k); // uneven chunks, as a page would
      await cpu.run();
      expect(gpu.done && gpu.stoppedBy === null).toBe(true);
      const g = await gpu.recordings();
      const c = await cpu.recordings();
      expect(c.raster.count).toBeGreaterThan(50);
      expect(Array.from(g.raster.ids.subarray(0, g.raster.count))).toEqual(Array.from(c.raster.ids.subarray(0, c.raster.count)));
      expect(Array.from(g.raster.steps.subarray(0, g.raster.count))).toEqual(Array.from(c.raster.steps.subarray(0, c.raster.count)));
      expect(g.neuronStats.spikeCount).toEqual(c.neuronStats.spikeCount);
      expect(g.finalWeights[0]!.j).toEqual(c.finalWeights[0]!.j);
    } finally {
      gpu.dispose();
      cpu.dispose();
    }
    // Disposing the Simulation leaves the caller's device alive.
    const lost = await Promise.race([dev.device.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
    expect(lost).toBe(false);
  });
});
