// The column index of plastic projections in its own chunked array (colidx; GpuPlan.colsSplit, forced here by
// splitColumns at N = 500), colPre packed two 16-bit local indices per word. N = 3e5 needs this layout on an H200
// (docs/device-build.md); at small N the same code runs with chunks forced small (maxChunkBytes, buildChunkBytes).
// It moves data, not arithmetic: graph and colidx words of the host upload and of the device builds (whole, and in
// chunks of whole columns that start mid-word, which col_pack's carry joins) must be equal word for word, and a
// 100 ms EI iSTDP run identical to the layout of old (spike trains, window counts, currents, weight means, sampled
// and final weights) and to the CPU reference (spike trains, window counts, sampled and final weights).
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { wholeRuns } from '../../src/engine/webgpu/ConnectivityBuild.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { akilSpec, exactDiff, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

function counterNet() {
  const spec = akilSpec({ N: 500, T_s: 0.1, plastic: true, seed: 77 });
  spec.projections = spec.projections.map((p) => ({ ...p, connectivity: 'bernoulli-counter' as const }));
  spec.recording.rasterNeurons = spec.N;
  return buildNetwork(derive(validate(spec)));
}

async function wordsOf(e: WebGpuEngine): Promise<{ graph: Uint32Array; colidx: Uint32Array; weight: Float32Array }> {
  const { plan } = e.state;
  const graph = new Uint32Array(plan.graph.total);
  await e.state.graph.read(0, graph);
  const colidx = new Uint32Array(plan.colidx.total);
  if (e.state.colidx) await e.state.colidx.read(0, colidx);
  const weight = new Float32Array(plan.weightLen);
  await e.state.weight.read(0, weight);
  return { graph, colidx, weight };
}

function expectSameRun(name: string, got: Recordings, want: Recordings, gpu: boolean): void {
  expect(want.raster.count).toBeGreaterThan(100);
  expect(firstDivergence(got.raster, want.raster), name).toBeNull();
  const diffs = [
    exactDiff(`${name} window counts`, got.windows.counts, want.windows.counts),
    exactDiff(`${name} sampled weights`, got.series.jSample, want.series.jSample),
    exactDiff(`${name} final weights`, got.finalWeights[0]!.j, want.finalWeights[0]!.j),
    ...(gpu ? [exactDiff(`${name} currents`, got.series.currents, want.series.currents), exactDiff(`${name} weight means`, got.series.jMean, want.series.jMean)] : []),
  ];
  expect(diffs.filter((m) => m !== '').join('\n')).toBe('');
}

describe('WebGPU engine: the column index in its own array (colidx, N = 500, EI iSTDP, 100 ms)', () => {
  const dev = useTestDevice();

  it('host upload, whole and chunked device builds of the split layout in many chunks: same words, identical runs to the layout of old and to the CPU', async () => {
    const net = counterNet();
    const ei = net.derived.projections.find((p) => p.plastic)!;
    const csr = net.csr[ei.index]!;
    const opts = { adapterInfo: dev.info, stepsPerSubmit: 500 };
    const sp = new GpuPlan(net, { stepsPerSubmit: 500, spikeWorkgroups: 4, inputWorkgroups: 2, splitColumns: true });
    expect(sp.projs[ei.index]!.pre16).toBe(1); // 100 I neurons
    // graph 2, colidx 3, weight 2 chunks: 12 storage bindings (SwiftShader's and Dawn's cap)
    expect(dev.device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(12);
    const maxChunkBytes = { graph: 4 * Math.ceil(sp.graph.total / 2), colidx: 4 * Math.ceil(sp.colidx.total / 3), weight: 4 * Math.ceil(sp.weightLen / 2) };
    // Device build of E<-I in chunks of at most `words` entries: whole columns, some starting at an odd entry.
    const words = Math.ceil(csr.post.length / 5);
    expect(words).toBeGreaterThanOrEqual(400); // a whole row of every projection, a whole column of E<-I
    const bases = wholeRuns(csr.colPtr, words, () => 'too long').map(([j0]) => csr.colPtr[j0]!);
    expect(bases.length).toBeGreaterThanOrEqual(4);
    expect(bases.some((b) => b % 2 === 1)).toBe(true);
    const split = { ...opts, splitColumns: true, maxChunkBytes };
    const plain = await WebGpuEngine.create(net, dev.device, { ...opts, deviceBuild: false });
    const hostSplit = await WebGpuEngine.create(net, dev.device, { ...split, deviceBuild: false });
    const devSplit = await WebGpuEngine.create(net, dev.device, split);
    const devChunked = await WebGpuEngine.create(net, dev.device, { ...split, buildChunkBytes: 4 * words });
    try {
      expect(plain.state.colidx).toBeNull();
      expect(plain.state.storage.storageBindings).toBe(7);
      for (const e of [hostSplit, devSplit, devChunked]) {
        expect(e.state.plan.colsSplit).toBe(true);
        expect(e.state.storage).toMatchObject({ graph: { count: 2 }, colidx: { count: 3 }, weight: { count: 2 }, storageBindings: 12 });
      }
      expect(devChunked.connectivityBuild.device).toEqual(devSplit.connectivityBuild.device);
      const want = await wordsOf(hostSplit);
      for (const [name, e] of [['device-built', devSplit], ['device-built in chunks', devChunked]] as const) {
        const got = await wordsOf(e);
        expect(exactDiff(`${name} graph`, got.graph, want.graph)).toBe('');
        expect(exactDiff(`${name} colidx`, got.colidx, want.colidx)).toBe('');
        expect(exactDiff(`${name} weight`, got.weight, want.weight)).toBe('');
      }
      for (const e of [plain, hostSplit, devSplit, devChunked]) await e.advance(net.derived.nSteps);
      const ref = await plain.recordings();
      expectSameRun('split, host upload', await hostSplit.recordings(), ref, true);
      expectSameRun('split, device-built', await devSplit.recordings(), ref, true);
      expectSameRun('split, device-built in chunks', await devChunked.recordings(), ref, true);
      const cpu = new CpuEngine(net);
      await cpu.advance(net.derived.nSteps);
      expectSameRun('split vs CPU', await hostSplit.recordings(), await cpu.recordings(), false);
    } finally {
      for (const e of [plain, hostSplit, devSplit, devChunked]) e.dispose();
    }
  });

  it("the 'passes' and 'fused' schedules read the split column index alike: identical runs to the layout of old", async () => {
    const net = counterNet();
    const sp = new GpuPlan(net, { stepsPerSubmit: 500, spikeWorkgroups: 4, inputWorkgroups: 2, splitColumns: true });
    const maxChunkBytes = { colidx: 4 * Math.ceil(sp.colidx.total / 3) };
    for (const schedule of ['passes', 'fused'] as const) {
      const opts = { adapterInfo: dev.info, stepsPerSubmit: 500, schedule };
      const plain = await WebGpuEngine.create(net, dev.device, { ...opts, deviceBuild: false });
      const split = await WebGpuEngine.create(net, dev.device, { ...opts, splitColumns: true, maxChunkBytes });
      try {
        expect(split.schedule).toBe(schedule);
        expect(split.state.storage).toMatchObject({ colidx: { count: 3 }, storageBindings: 10 });
        for (const e of [plain, split]) await e.advance(net.derived.nSteps);
        expectSameRun(`split, ${schedule}`, await split.recordings(), await plain.recordings(), true);
      } finally {
        plain.dispose();
        split.dispose();
      }
    }
  });
});
