// The open engine contract: engines are found by name in the registry (src/engine/registry.ts), 'auto'
// ranks the supporting ones, and an engine may record the core part only (no spike windows or raster).
import { describe, expect, it } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { createEngine, ENGINE_CHOICES } from '../../src/engine/engines.ts';
import { registerEngine, registeredEngines } from '../../src/engine/registry.ts';
import { runSimulation, runSimulationCore } from '../../src/pipeline/simulation.ts';
import { hasSpikes, spikingRecordings, type CoreRecordings } from '../../src/record/recordings.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';

const spec = () => ({ ...akilNetwork({ N: 200, T_s: 0.2, seed: 3 }), recording: { ...akilNetwork().recording, statsStart_s: 0, bin_ms: 50 } });

/** A stand-in rate engine: advances time and records population rates only (core recordings, no spikes). */
class CoreOnlyEngine implements Engine {
  readonly backend = 'core-only';
  readonly device = 'test';
  step = 0;
  constructor(private readonly net: BuiltNetwork) {}
  async advance(steps: number): Promise<void> {
    this.step = Math.min(this.step + steps, this.net.derived.nSteps);
  }
  async recordings(): Promise<CoreRecordings> {
    const d = this.net.derived;
    const nBins = Math.floor(this.step / d.binSteps);
    return {
      steps: this.step,
      dt_ms: d.dt_ms,
      statsStart_step: d.statsStartStep,
      populations: d.pops.map((p) => ({ name: p.name, offset: p.offset, size: p.size })),
      series: { bin_ms: d.spec.recording.bin_ms, nBins, rate_Hz: new Float64Array(nBins * d.pops.length).fill(5), currents: new Float64Array(0), channels: [], jMean: new Float64Array(0), jSample: new Float32Array(0) },
      plasticNames: [],
      finalWeights: [],
    };
  }
  dispose(): void {}
}

describe('engine registry', () => {
  it('runs a registered engine by name; its core-only recordings carry no spike part', async () => {
    registerEngine({ name: 'core-only', description: 'test', create: async (net) => new CoreOnlyEngine(net), supports: () => false });
    expect(registeredEngines()).toContain('core-only');
    const r = await runSimulationCore(spec(), { backend: 'core-only' });
    await expect(runSimulation(spec(), { backend: 'core-only' })).rejects.toThrow(/runSimulation \(engine 'core-only'; runSimulationCore takes core-only recordings\) needs spike recordings/);
    expect(r.backend).toBe('core-only');
    expect(r.recordings.steps).toBe(2000);
    expect(r.recordings.series.nBins).toBe(4);
    expect(hasSpikes(r.recordings)).toBe(false);
    expect(() => spikingRecordings(r.recordings, 'the run summary')).toThrow(/the run summary needs spike recordings/);
  });

  it("the CPU engine's recordings have both parts", async () => {
    const r = await runSimulation(spec(), { backend: 'cpu' });
    expect(r.backend).toBe('cpu');
    expect(hasSpikes(r.recordings)).toBe(true);
    expect(spikingRecordings(r.recordings, 'x').neuronStats.spikeCount.length).toBe(200);
  });

  it("'auto' takes the highest-ranked engine that supports the network and whose probe agrees", async () => {
    let probed = 0;
    registerEngine({ name: 'ranked-no', description: 'test', autoRank: 1000, supports: () => false, create: async () => expect.unreachable('unsupported') });
    registerEngine({ name: 'ranked-off', description: 'test', autoRank: 900, autoProbe: async () => (probed++, false), create: async () => expect.unreachable('probe said no') });
    registerEngine({ name: 'ranked-yes', description: 'test', autoRank: 800, create: async (net) => Object.assign(new CpuEngine(net), { backend: 'ranked-yes' }) });
    const r = await runSimulation(spec(), { backend: 'auto' });
    expect(r.backend).toBe('ranked-yes');
    expect(probed).toBe(1);
  });

  it('an unknown name fails with the registered ones listed; the CLI choices include auto, cpu and webgpu', async () => {
    const net = (await runSimulation(spec(), { backend: 'cpu' })).net;
    await expect(createEngine(net, 'no-such-engine')).rejects.toThrow(/backend 'no-such-engine' is not available in this build \(registered engines: cpu/);
    expect(ENGINE_CHOICES).toEqual(['auto', 'cpu', 'webgpu']);
  });
});
