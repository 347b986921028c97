// The WebGPU engine with 'bernoulli-counter' projections built on the device (deviceGraph.ts) against the
// same network with the host's CSR uploaded (deviceBuild: false): the engines' graph and weight buffers
// must be equal word for word, and a short run (N = 500, EI iSTDP on E<-I, 100 ms) must give identical
// spike trains, window counts, currents and weights. Once more with graph and weight split into
// chunks, so the device-built sections are copied across chunk boundaries.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { hasHostWeights } from '../../src/network/connectivity.ts';
import { buildNetworkOnDevice } from '../../src/engine/webgpu/deviceNetwork.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { SimState } from '../../src/engine/webgpu/simState.ts';
import { deviceBuiltProjections, planDeviceBuild } from '../../src/engine/webgpu/deviceGraph.ts';
import { akilSpec, exactDiff } from './fixture.ts';
import { expectSameRun } from './sameRun.ts';
import { useTestDevice } from './helpers.ts';

function counterNet() {
  const spec = akilSpec({ N: 500, T_s: 0.1, plastic: true, seed: 77 });
  spec.projections = spec.projections.map((p) => ({ ...p, connectivity: 'bernoulli-counter' as const }));
  spec.recording.rasterNeurons = spec.N;
  return buildNetwork(derive(validate(spec)));
}

async function wordsOf(e: WebGpuEngine): Promise<{ graph: Uint32Array; weight: Float32Array }> {
  const graph = new Uint32Array(e.state.plan.graph.total);
  await e.state.graph.read(0, graph);
  const weight = new Float32Array(e.state.plan.weightLen);
  await e.state.weight.read(0, weight);
  return { graph, weight };
}


describe('WebGPU engine: device-built bernoulli-counter network vs the host-built CSR upload', () => {
  const dev = useTestDevice();

  it('same graph and weight buffers, identical 100 ms run (unchunked and chunked)', async () => {
    const net = counterNet();
    expect([...deviceBuiltProjections(net)].sort()).toEqual(net.derived.projections.map((p) => p.index));
    const opts = { adapterInfo: dev.info, stepsPerSubmit: 500 };
    const host = await WebGpuEngine.create(net, dev.device, { ...opts, deviceBuild: false });
    const device = await WebGpuEngine.create(net, dev.device, opts);
    const plan = host.state.plan;
    const chunked = await WebGpuEngine.create(net, dev.device, {
      ...opts,
      maxChunkBytes: { weight: 4 * Math.ceil(plan.weightLen / 3), graph: 4 * Math.ceil(plan.graph.total / 4) },
    });
    try {
      expect(chunked.state.storage).toMatchObject({ weight: { count: 3 }, graph: { count: 4 } });
      const want = await wordsOf(host);
      for (const [name, e] of [['device', device], ['device chunked', chunked]] as const) {
        const got = await wordsOf(e);
        expect(exactDiff(`${name} graph`, got.graph, want.graph)).toBe('');
        expect(exactDiff(`${name} weight`, got.weight, want.weight)).toBe('');
      }
      for (const e of [host, device, chunked]) await e.advance(net.derived.nSteps);
      const ref = await host.recordings();
      expectSameRun('device-built', await device.recordings(), ref, { sampledWeights: true });
      expectSameRun('device-built chunked', await chunked.recordings(), ref, { sampledWeights: true });
      // The same network built with buildNetworkOnDevice: the host holds row pointers only for static
      // projections (their targets throw, naming the projection), the plastic CSR equals the host build's,
      // and the run is identical.
      const { net: light, info } = await buildNetworkOnDevice(net.derived, dev.device);
      expect(info.deviceOnly.sort()).toEqual(['E<-E', 'E<-X', 'I<-E', 'I<-I', 'I<-X']);
      expect(info.copiedBack).toEqual(['E<-I']);
      expect(() => light.csr[0]!.post).toThrow(/projection E<-E was built on the GPU.*its post exists on the device only/);
      for (const pr of net.derived.projections) expect(exactDiff(`${pr.name} rowPtr`, light.csr[pr.index]!.rowPtr, net.csr[pr.index]!.rowPtr)).toBe('');
      for (const k of ['post', 'colPtr', 'colSyn', 'colPre', 'weight'] as const) expect(exactDiff(`E<-I ${k}`, light.csr[1]![k], net.csr[1]![k])).toBe('');
      expect(exactDiff('weight sample', light.weightSample[1]!, net.weightSample[1]!)).toBe('');
      const lightEngine = await WebGpuEngine.create(light, dev.device, opts);
      try {
        await lightEngine.advance(net.derived.nSteps);
        expectSameRun('buildNetworkOnDevice', await lightEngine.recordings(), ref, { sampledWeights: true });
      } finally {
        lightEngine.dispose();
      }
      expect(light.derived.projections.filter((p) => !p.plastic && hasHostWeights(light.csr[p.index]!)).map((p) => p.name)).toEqual([]);
      // Three WebGPU runs and their recordings never read a static projection's host weights (all J).
      const statics = net.derived.projections.filter((p) => !p.plastic);
      expect(statics.length).toBe(5);
      expect(statics.filter((p) => hasHostWeights(net.csr[p.index]!)).map((p) => p.name)).toEqual([]);
      expect(hasHostWeights(net.csr[1]!)).toBe(true); // E<-I, plastic
    } finally {
      host.dispose();
      device.dispose();
      chunked.dispose();
    }
  });

  it('the host uploads nothing of a device-built projection: its sections stay zero until the device fills them', async () => {
    const net = counterNet();
    const plan = new GpuPlan(net, { stepsPerSubmit: 500, spikeWorkgroups: 4, inputWorkgroups: 2 });
    const state = await SimState.create(dev.device, plan, 'test', { deviceBuilt: new Set([1]) });
    try {
      const p = plan.projs[1]!;
      expect(p.plastic && p.nnz > 0).toBe(true); // E<-I: rows, targets, column index and weights
      const graph = new Uint32Array(plan.graph.total);
      await state.graph.read(0, graph);
      const weight = new Float32Array(plan.weightLen);
      await state.weight.read(0, weight);
      const pr = net.derived.projections[1]!;
      const zero = (a: ArrayLike<number>) => Array.prototype.every.call(a, (x: number) => x === 0);
      expect(zero(graph.subarray(p.rowOff, p.rowOff + pr.pre.size + 1))).toBe(true);
      expect(zero(graph.subarray(plan.graph.offset.post + p.synOff, plan.graph.offset.post + p.synOff + p.nnz))).toBe(true);
      expect(zero(graph.subarray(plan.graph.offset.colPre + p.wOff, plan.graph.offset.colPre + p.wOff + p.nnz))).toBe(true);
      expect(zero(weight.subarray(p.wOff, p.wOff + p.nnz))).toBe(true);
      // Projection 0 (not in the set) is uploaded as before.
      const p0 = plan.projs[0]!;
      expect(Array.from(graph.subarray(plan.graph.offset.post + p0.synOff, plan.graph.offset.post + p0.synOff + 5))).toEqual(Array.from(net.csr[0]!.post.subarray(0, 5)));
    } finally {
      state.destroy();
    }
  });

  it('projections past one binding are built in chunks (plastic ones too); below a whole row or column a plastic one is uploaded from the host (reason kept), or refused with its bytes under require', async () => {
    const net = counterNet();
    const nnz = net.csr.map((c) => c.post.length);
    const ei = net.derived.projections.find((p) => p.plastic)!;
    const ee = net.derived.projections.find((p) => p.name === 'E<-E')!;
    const n = nnz[ei.index]!;
    expect(nnz[ee.index]!).toBeGreaterThan(n);
    const limits = { maxStorageBufferBindingSize: 4 * n - 4, maxBufferSize: 2 ** 40, maxStorageBuffersPerShaderStage: 8 } as GPUSupportedLimits;
    const plan = planDeviceBuild(net, limits, true, 'test device');
    expect(plan.built.size).toBe(net.derived.projections.length);
    expect(plan.uploaded).toEqual([]);
    expect(plan.chunked.get(ei.index)).toBe(n - 1); // plastic E<-I: targets, columns and weights in chunks of n - 1 words
    expect(plan.chunked.get(ee.index)).toBe(n - 1); // its targets (4 * nnz B) pass the binding: chunks of n - 1 words
    expect(planDeviceBuild(net, limits, 'require', 'test device').chunked.get(ei.index)).toBe(n - 1);
    expect(planDeviceBuild(net, limits, false).built.size).toBe(0);
    for (const bad of [0, 15, 100.5, NaN]) await expect(WebGpuEngine.create(net, dev.device, { buildChunkBytes: bad })).rejects.toThrow(`buildChunkBytes = ${bad}: allowed an integer >= 16`);
    // A chunk must hold a whole row (and, plastic, a whole column): below nPost words neither is chunked, E<-I is
    // uploaded with the reason, or refused under require.
    const tiny = { ...limits, maxStorageBufferBindingSize: 4 * ee.post.size - 4 } as GPUSupportedLimits;
    const small = planDeviceBuild(net, tiny, true, 'test device');
    expect(small.chunked.has(ee.index)).toBe(false);
    expect(small.built.has(ei.index)).toBe(false);
    expect(small.uploaded.find((u) => u.name === ei.name)?.reason).toContain(`${(4 * n).toLocaleString('en')} B`);
    expect(() => planDeviceBuild(net, tiny, 'require', 'test device')).toThrow(/projection E<-E cannot be built on test device: its rowPtr buffer needs 1,604 B in one binding, more than the device allows \(maxStorageBufferBindingSize 1,596 B/);
  });

  it('chunked device build (artificially small chunks, the plastic E<-I too): graph and weights equal the host upload word for word, identical 100 ms run', async () => {
    const net = counterNet();
    const opts = { adapterInfo: dev.info, stepsPerSubmit: 500 };
    const host = await WebGpuEngine.create(net, dev.device, { ...opts, deviceBuild: false });
    const whole = await WebGpuEngine.create(net, dev.device, opts);
    const ee = net.derived.projections.find((p) => p.name === 'E<-E')!;
    const ei = net.derived.projections.find((p) => p.plastic)!;
    // E<-E in about 16 chunks; the plastic E<-I (about 4000 synapses) in about 5 chunks of rows, of columns and of weights.
    const words = Math.ceil(net.csr[ei.index]!.post.length / 5);
    expect(words).toBeGreaterThanOrEqual(ee.post.size); // a chunk holds a whole row of every projection and a column of E<-I
    const bytes = 4 * words;
    const chunked = await WebGpuEngine.create(net, dev.device, { ...opts, buildChunkBytes: bytes, maxChunkBytes: { graph: 4 * Math.ceil(host.state.plan.graph.total / 3), weight: 4 * Math.ceil(host.state.plan.weightLen / 2) } });
    try {
      expect(chunked.connectivityBuild.device).toEqual(whole.connectivityBuild.device);
      expect(chunked.state.storage).toMatchObject({ weight: { count: 2 }, graph: { count: 3 } });
      const planned = planDeviceBuild(net, dev.device.limits, true, 'test', bytes).chunked;
      expect([...planned.keys()].map((i) => net.derived.projections[i]!.name).sort()).toEqual(['E<-E', 'E<-I', 'E<-X', 'I<-E', 'I<-I', 'I<-X']);
      expect(chunked.connectivityBuild.peakBuildBytes).toBeLessThan(whole.connectivityBuild.peakBuildBytes);
      const want = await wordsOf(host);
      const got = await wordsOf(chunked);
      expect(exactDiff('chunked graph', got.graph, want.graph)).toBe('');
      expect(exactDiff('chunked weight', got.weight, want.weight)).toBe('');
      // buildNetworkOnDevice with the same chunks: E<-I stays on the device (row pointers on the host); reading its
      // targets rebuilds them on the host from the seed, the host build's words.
      const { net: light, info } = await buildNetworkOnDevice(net.derived, dev.device, bytes);
      expect(info.plasticDeviceOnly).toEqual(['E<-I']);
      expect(info.copiedBack).toEqual([]);
      const lightEngine = await WebGpuEngine.create(light, dev.device, { ...opts, buildChunkBytes: bytes });
      try {
        expect(exactDiff('on-demand graph', (await wordsOf(lightEngine)).graph, want.graph)).toBe('');
        for (const e of [host, chunked, lightEngine]) await e.advance(net.derived.nSteps);
        const ref = await host.recordings();
        expectSameRun('device-built, chunked plastic', await chunked.recordings(), ref, { sampledWeights: true });
        expectSameRun('buildNetworkOnDevice, chunked plastic', await lightEngine.recordings(), ref, { sampledWeights: true });
        for (const k of ['post', 'colPtr', 'colSyn', 'colPre'] as const) expect(exactDiff(`E<-I ${k} on demand`, light.csr[ei.index]![k], net.csr[ei.index]![k])).toBe('');
      } finally {
        lightEngine.dispose();
      }
    } finally {
      host.dispose();
      whole.dispose();
      chunked.dispose();
    }
  });
});

