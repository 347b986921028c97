// The one-dispatch batch (issue 19: GpuBatch, batch.ts, shaders/resident_batch.wgsl): B networks of one
// shape advanced by one dispatch of B workgroups. Each member of a batch must be bit for bit the same
// network run alone (resident schedule, same device): spike trains, series, final weights, snapshots.
// Small N and short T: SwiftShader runs each workgroup on one core.
import { describe, expect, it } from 'vitest';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { GpuBatch } from '../../src/engine/webgpu/batch.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { build, exactDiff, expectIdentical, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { runGpuBatches } from '../../src/pipeline/gpuBatchRun.ts';

/** The Akil network (N, 60 ms) with EI iSTDP at learning rate eta (0: static), every neuron rastered. */
function net(seed: number, eta: number, N = 200): BuiltNetwork {
  const plastic = eta > 0 ? { plastic: { 'E<-I': homeostaticInhibitory('istdp-ei', { eta, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 }) } } : {};
  const spec = validate(akilNetwork({ N, T_s: 0.06, seed, ...plastic }));
  spec.recording.rasterNeurons = spec.N;
  return buildNetwork(derive(spec));
}

/** Every recorded array of a member equal to the lone run's, element for element. */
function expectSame(k: number, a: Recordings, b: Recordings): void {
  const div = firstDivergence(a.raster, b.raster);
  if (div) console.log(`network ${k}: first divergence at raster entry ${div.index}: batch ${JSON.stringify(div.a)} alone ${JSON.stringify(div.b)}`);
  expect(div).toBeNull();
  expect(a.raster.count).toBe(b.raster.count);
  expect(exactDiff(`network ${k} window counts`, a.windows.counts, b.windows.counts)).toBe('');
  for (const key of ['rate_Hz', 'currents', 'jMean', 'jSample'] as const) expect(exactDiff(`network ${k} ${key}`, a.series[key], b.series[key])).toBe('');
  expect(a.finalWeights.length).toBe(b.finalWeights.length);
  a.finalWeights.forEach((w, j) => expect(exactDiff(`network ${k} final weights ${w.name}`, w.j, b.finalWeights[j]!.j)).toBe(''));
}

describe('GpuBatch: one dispatch of B workgroups', () => {
  const dev = useTestDevice();
  const opts = (): Parameters<typeof WebGpuEngine.create>[2] => ({ adapterInfo: dev.info, schedule: 'resident', residentThreads: 64, rowThreads: 16, stepsPerSubmit: 200 });

  it('B = 3 (seed 3 static; seed 4 at eta = 1e-3 and at 4e-3): each member identical to its run alone, snapshots too', async () => {
    const nets = [net(3, 0), net(4, 1e-3), net(4, 4e-3)];
    const alone: Recordings[] = [];
    const aloneSnap: Awaited<ReturnType<WebGpuEngine['snapshot']>>[] = [];
    for (const n of nets) {
      const e = await WebGpuEngine.create(n, dev.device, opts());
      try {
        await e.advance(333);
        aloneSnap.push(structuredClone(await e.snapshot())); // a copy: some snapshot arrays are the recorder's own, which advance() updates
        await e.advance(1e9);
        alone.push(await e.recordings());
      } finally {
        e.dispose();
      }
    }
    const engines = await Promise.all(nets.map((n) => WebGpuEngine.create(n, dev.device, opts())));
    let batch: GpuBatch | null = null;
    try {
      let now = 0;
      batch = await GpuBatch.create(engines, { submitTarget_ms: 40, clock: () => (now += 5) });
      expect(batch.describe()).toMatch(/^batch: 1 dispatch of 3 workgroups/);
      await batch.advance(333);
      expect(batch.step).toBe(333);
      for (const [k, e] of engines.entries()) {
        const s = await e.snapshot();
        expect(s.step).toBe(aloneSnap[k]!.step);
        for (const [name, arr] of Object.entries(aloneSnap[k]!.arrays)) expect(exactDiff(`network ${k} snapshot ${name}`, s.arrays[name]!, arr)).toBe('');
      }
      await batch.advance(1e9);
      expect(engines.map((e) => e.step)).toEqual(nets.map((n) => n.derived.nSteps));
      const got = await Promise.all(engines.map((e) => e.recordings()));
      got.forEach((g, k) => expectSame(k, g, alone[k]!));
      expect(got[1]!.raster.count).toBeGreaterThan(20);
      expect(firstDivergence(got[0]!.raster, got[1]!.raster)).not.toBeNull(); // other seeds, other trains
      // One network, two learning rates: each member ran its own Params (the rule acted, differently).
      const w0 = nets[1]!.csr[nets[1]!.derived.projections.find((p) => p.name === got[1]!.finalWeights[0]!.name)!.index]!.weight;
      expect(exactDiff('eta 1e-3 vs initial', got[1]!.finalWeights[0]!.j, w0)).not.toBe('');
      expect(exactDiff('eta 1e-3 vs 4e-3', got[1]!.finalWeights[0]!.j, got[2]!.finalWeights[0]!.j)).not.toBe('');
    } finally {
      batch?.dispose();
      for (const e of engines) e.dispose();
    }
  });

  it('B = 1, EI iSTDP, accumulators in storage: identical to the CPU reference (spikes and weights)', async () => {
    const n = build({ N: 300, T_s: 0.06, seed: 7, plastic: true, rasterAll: true });
    const e = await WebGpuEngine.create(n, dev.device, { ...opts(), residentAccInStorage: true });
    let batch: GpuBatch | null = null;
    try {
      batch = await GpuBatch.create([e], { submitTarget_ms: 0 });
      await batch.advance(1e9);
      const c = new CpuEngine(n);
      await c.advance(n.derived.nSteps);
      expectIdentical(n, await e.recordings(), await c.recordings(), true);
    } finally {
      batch?.dispose();
      e.dispose();
    }
  });

  it('runGpuBatches leaves alone (null, with the reason) a network without a partner and one above the resident limit', async () => {
    const small = validate(akilNetwork({ N: 100, T_s: 0.01, seed: 1 }));
    const big = validate(akilNetwork({ N: 10_001, T_s: 0.01, seed: 1 }));
    const r = await runGpuBatches([small, big], { device: dev.device });
    expect(r.results).toEqual([null, null]);
    expect(r.alone.get(0)).toMatch(/no other network of its shape and length/);
    expect(r.alone.get(1)).toMatch(/N = 10001 exceeds the resident limit of 10000 neurons/);
  });

  it('refuses what one batch kernel cannot run, naming the network and why', async () => {
    const a = await WebGpuEngine.create(net(1, 0, 100), dev.device, opts());
    const b = await WebGpuEngine.create(net(2, 0, 120), dev.device, opts());
    const f = await WebGpuEngine.create(net(2, 0, 100), dev.device, { ...opts(), schedule: 'fused' });
    try {
      await expect(GpuBatch.create([])).rejects.toThrow(/engines = \[\]/);
      await expect(GpuBatch.create([a, f])).rejects.toThrow(/network 1 runs the 'fused' schedule; a batch needs 'resident'/);
      await expect(GpuBatch.create([a, b])).rejects.toThrow(/network 1 has N = 120, network 0 100/);
    } finally {
      for (const e of [a, b, f]) e.dispose();
    }
  });
});
