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
import { build, expectIdentical, firstDivergence, exactDiff, type NetOptions } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';

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
