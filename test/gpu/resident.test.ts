// The resident schedule (issue 19: shaders/resident.wgsl, passes/ResidentStep.ts): many steps in one
// dispatch of one workgroup, from the same pass functions as the other schedules. Against the CPU
// reference (spike trains identical on SwiftShader, as run.test.ts asks of the fused schedule) with the
// accumulators in workgroup memory and in storage, and against the fused schedule on the same device
// (correlated input: the same WGSL, so even the jitter ties agree). Small N and short T: SwiftShader
// runs the one workgroup on one core.
import { describe, expect, it } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { boundDiff, build, exactDiff, firstDivergence, type NetOptions } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { GpuBatch } from '../../src/engine/webgpu/batch.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';

/** Same spike trains, windows and series (currents and weight means to f32 sums, as run.test.ts). */
function expectIdentical(net: BuiltNetwork, gpu: Recordings, cpu: Recordings, weights: boolean): void {
  const div = firstDivergence(gpu.raster, cpu.raster);
  if (div) console.log(`first divergence at raster entry ${div.index}: GPU ${JSON.stringify(div.a)} CPU ${JSON.stringify(div.b)} (step, neuron)`);
  expect(div).toBeNull();
  console.log(`raster: ${cpu.raster.count} CPU spikes`);
  expect(cpu.raster.count).toBeGreaterThan(20);
  expect(exactDiff('window counts', gpu.windows.counts, cpu.windows.counts)).toBe('');
  expect(exactDiff('rate_Hz', gpu.series.rate_Hz, cpu.series.rate_Hz)).toBe('');
  const scale = Math.max(...Array.from(cpu.series.currents, Math.abs));
  expect(boundDiff('currents', gpu.series.currents, cpu.series.currents, () => 1e-4 * scale).msg).toBe('');
  if (!weights) return;
  expect(boundDiff('jMean', gpu.series.jMean, cpu.series.jMean, (i) => 1e-6 * Math.abs(cpu.series.jMean[i]!)).msg).toBe('');
  expect(exactDiff('sampled weights', gpu.series.jSample, cpu.series.jSample)).toBe('');
  expect(exactDiff('final weights', gpu.finalWeights[0]!.j, cpu.finalWeights[0]!.j)).toBe('');
  // The rule did act: some final weight differs from its initial value.
  const fw = cpu.finalWeights[0]!;
  const pr = net.derived.projections.find((p) => p.name === fw.name)!;
  const w0 = net.csr[pr.index]!.weight;
  expect(fw.J!.some((w, k) => w !== w0[k])).toBe(true);
}

describe('resident schedule: WebGPU vs CPU reference (N = 300, 80 ms)', () => {
  const dev = useTestDevice();
  const run = async (o: NetOptions, opts: WebGpuEngineOptions): Promise<{ net: BuiltNetwork; gpu: Recordings; cpu: Recordings; schedule: string }> => {
    const net = build({ ...o, rasterAll: true });
    const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, ...opts });
    try {
      await g.advance(net.derived.nSteps);
      const c = new CpuEngine(net);
      await c.advance(net.derived.nSteps);
      return { net, schedule: g.schedule, gpu: await g.recordings(), cpu: await c.recordings() };
    } finally {
      g.dispose();
    }
  };

  it('static, accumulators in workgroup memory, 97 steps per dispatch: identical spike trains', async () => {
    const { net, gpu, cpu } = await run({ N: 300, T_s: 0.08 }, { schedule: 'resident', stepsPerSubmit: 97 });
    expectIdentical(net, gpu, cpu, false);
  });

  it('EI iSTDP, accumulators in storage, 64 threads in rows of 16: identical spike trains and weights', async () => {
    const { net, gpu, cpu } = await run({ N: 300, T_s: 0.08, plastic: true }, { schedule: 'resident', stepsPerSubmit: 250, residentThreads: 64, rowThreads: 16, residentAccInStorage: true });
    expectIdentical(net, gpu, cpu, true);
  });

  it('EI iSTDP, accumulators in workgroup memory, 128 threads, paced submissions on a fake clock: identical spike trains and weights', async () => {
    let now = 0;
    const { net, gpu, cpu } = await run({ N: 300, T_s: 0.08, plastic: true }, { schedule: 'resident', residentThreads: 128, submitTarget_ms: 50, clock: () => (now += 7) });
    expectIdentical(net, gpu, cpu, true);
  });

  it("'auto' picks resident for a small network on a hardware adapter, fused above residentMaxNeurons or on a software one; the same spikes", async () => {
    // A hardware adapter as the engine sees it: the adapter summary says so (the device is still SwiftShader).
    const hw = { ...dev.info, isSoftware: false };
    const small = await run({ N: 300, T_s: 0.02 }, { stepsPerSubmit: 60, adapterInfo: hw });
    expect(small.schedule).toBe('resident');
    const capped = await run({ N: 300, T_s: 0.02 }, { stepsPerSubmit: 60, adapterInfo: hw, residentMaxNeurons: 299 });
    expect(capped.schedule).toBe('fused');
    if (dev.info.isSoftware) expect((await run({ N: 300, T_s: 0.02 }, { stepsPerSubmit: 60 })).schedule).toBe('fused');
    expect(firstDivergence(small.gpu.raster, capped.gpu.raster)).toBeNull();
    expect(small.gpu.raster.count).toBeGreaterThan(0);
  });
});

describe('resident schedule vs fused schedule on the same device', () => {
  const dev = useTestDevice();

  it('correlated input (c = 0.1): the same spike trains as the fused schedule (same WGSL, same jitter ties)', async () => {
    const net = build({ N: 300, T_s: 0.08, c: 0.1, rasterAll: true });
    const runOne = async (schedule: 'resident' | 'fused'): Promise<Recordings> => {
      const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule, stepsPerSubmit: 131 });
      try {
        await g.advance(net.derived.nSteps);
        return await g.recordings();
      } finally {
        g.dispose();
      }
    };
    const r = await runOne('resident');
    const f = await runOne('fused');
    expect(f.raster.count).toBeGreaterThan(20);
    expect(firstDivergence(r.raster, f.raster)).toBeNull();
    expect(exactDiff('rate_Hz', r.series.rate_Hz, f.series.rate_Hz)).toBe('');
  });

  it("refuses schedule 'resident' with per-pass profiling, naming why", async () => {
    const net = build({ N: 100, T_s: 0.01 });
    const make = (): Promise<WebGpuEngine> => WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule: 'resident', profileEvery: 10 });
    if (dev.device.features.has('timestamp-query')) await expect(make()).rejects.toThrow(/resident' does not fit: per-pass profiling/);
    else (await make()).dispose(); // no timestamps on this adapter: nothing to refuse
  });
});

describe('batches: several networks per submission (GpuBatch)', () => {
  const dev = useTestDevice();

  it('two realisations (seeds 3 and 4, one EI iSTDP) in one batch: each identical to its own CPU run, recordings apart', async () => {
    const nets = [build({ N: 300, T_s: 0.1, seed: 3, rasterAll: true }), build({ N: 300, T_s: 0.1, seed: 4, plastic: true, rasterAll: true })];
    const engines = await Promise.all(nets.map((n) => WebGpuEngine.create(n, dev.device, { adapterInfo: dev.info, schedule: 'resident', stepsPerSubmit: 300 })));
    try {
      let now = 0;
      const batch = new GpuBatch(engines, { submitTarget_ms: 40, clock: () => (now += 5) });
      await batch.advance(333);
      expect(batch.step).toBe(333);
      await batch.advance(1e9);
      expect(engines.map((e) => e.step)).toEqual(nets.map((n) => n.derived.nSteps));
      const gpu = await Promise.all(engines.map((e) => e.recordings()));
      for (const [k, net] of nets.entries()) {
        const c = new CpuEngine(net);
        await c.advance(net.derived.nSteps);
        expectIdentical(net, gpu[k]!, await c.recordings(), k === 1);
      }
      expect(firstDivergence(gpu[0]!.raster, gpu[1]!.raster)).not.toBeNull(); // other seeds, other trains
    } finally {
      for (const e of engines) e.dispose();
    }
  });

  it('refuses a network that is not on the resident schedule, naming it', async () => {
    const net = build({ N: 100, T_s: 0.01 });
    const e = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule: 'fused' });
    try {
      expect(() => new GpuBatch([e])).toThrow(/network 0 runs the 'fused' schedule; a batch needs 'resident'/);
      expect(() => new GpuBatch([])).toThrow(/engines = \[\]/);
    } finally {
      e.dispose();
    }
  });
});
