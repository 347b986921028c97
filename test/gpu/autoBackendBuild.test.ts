// --backend auto chooses its engine before the build where it takes the WebGPU engine (a device handed in, or a
// hardware adapter), so that the network is built on that device (runSimulation, src/pipeline/simulation.ts).
// SwiftShader is a software adapter: without a handed-in device auto still builds on the host and runs the CPU
// engine, as before. N = 400, 80 ms.
import { describe, expect, it } from 'vitest';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

const EI = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

function spec(connectivity: 'bernoulli' | 'bernoulli-counter'): NetworkSpec {
  const s = akilNetwork({ N: 400, T_s: 0.08, seed: 9, plastic: { 'E<-I': EI } });
  s.projections = s.projections.map((p): ProjectionSpec => ({ ...p, connectivity }));
  s.recording = { ...s.recording, statsStart_s: 0.04, bin_ms: 10, window_ms: 20, rasterNeurons: 400 };
  return validate(s);
}

describe('--backend auto and the device build', () => {
  const dev = useTestDevice();

  it('auto with a device handed in builds on it and runs the WebGPU engine: the same spikes as --backend webgpu', async () => {
    const auto = await runSimulation(spec('bernoulli-counter'), { backend: 'auto', device: dev.device });
    expect(auto.backend).toBe('webgpu');
    expect(auto.networkBuild?.where).toBe('device');
    expect(auto.networkBuild?.copiedBack).toEqual(['E<-I']);
    const named = await runSimulation(spec('bernoulli-counter'), { backend: 'webgpu', device: dev.device, build: 'host' });
    expect(named.networkBuild?.where).toBe('host');
    expect(auto.recordings.raster.count).toBeGreaterThan(0);
    expect(firstDivergence(auto.recordings.raster, named.recordings.raster)).toBeNull();
  });

  it('auto without a device on a software adapter (SwiftShader): host build and the CPU engine, as before', async () => {
    if (!dev.info.isSoftware) return; // on hardware auto takes the GPU: the case above
    const r = await runSimulation(spec('bernoulli-counter'), { backend: 'auto' });
    expect(r.backend).toBe('cpu');
    expect(r.networkBuild?.where).toBe('host');
    expect(r.networkBuild?.reason).toContain("backend 'auto' took no WebGPU engine before the build");
  });

  it("auto with nothing to build on the device ('bernoulli'): the engine is chosen after a host build", async () => {
    const r = await runSimulation(spec('bernoulli'), { backend: 'auto', device: dev.device });
    expect(r.backend).toBe('webgpu');
    expect(r.networkBuild?.where).toBe('host');
    expect(r.networkBuild?.reason).toContain("backend 'auto' took no WebGPU engine");
  });
});
