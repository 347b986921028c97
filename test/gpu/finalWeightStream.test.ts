// Streamed final weights on the WebGPU engine (SwiftShader): a device-built network whose plastic E<-I is built in
// chunks (the host holds its row pointers only) reads its final weights and targets back chunk by chunk (chunks of
// 37 synapses) and never holds its targets whole; the chunks, the digest and the whole summary equal a host-built run's whole recordings.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { buildNetworkOnDevice } from '../../src/engine/webgpu/deviceNetwork.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { driveEngine } from '../../src/pipeline/simulation.ts';
import { analyze } from '../../src/stats/summary.ts';
import { histogram } from '../../src/stats/weights.ts';
import { finalWeightHistograms } from '../../src/stats/weightDigest.ts';
import { finalWeightSources } from '../../src/record/finalWeights.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { akilSpec, exactDiff } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

function counterNet() {
  const spec = akilSpec({ N: 500, T_s: 0.1, plastic: true, seed: 77 });
  spec.projections = spec.projections.map((p) => ({ ...p, connectivity: 'bernoulli-counter' as const }));
  return buildNetwork(derive(validate(spec)));
}

describe('WebGPU engine: final weights streamed by chunks of rows', () => {
  const dev = useTestDevice();

  it('chunk-built plastic E<-I: chunks read back (weights and targets), or targets regenerated per chunk; equal to a host-built run whole', async () => {
    const net = counterNet();
    const ei = net.derived.projections.find((p) => p.plastic)!;
    const nnz = net.csr[ei.index]!.post.length;
    const opts = { adapterInfo: dev.info, stepsPerSubmit: 500 };
    const plan = { nSteps: net.derived.nSteps, dt_ms: net.derived.dt_ms, chunkSteps: net.derived.nSteps };
    const host = await WebGpuEngine.create(net, dev.device, { ...opts, deviceBuild: false });
    const ref = (await driveEngine<Recordings>(host, plan)).recordings;
    const want = ref.finalWeights[0]!;
    expect(want.j.length).toBe(nnz);

    const bytes = 4 * Math.ceil(nnz / 5);
    const { net: light, info } = await buildNetworkOnDevice(net.derived, dev.device, bytes);
    expect(info.plasticDeviceOnly).toEqual(['E<-I']);
    // The E<-I CSR as seen by the engine and the stream: its whole targets throw (streaming reads them by chunks only).
    const c = Object.create(light.csr[ei.index]!, { post: { get: (): never => { throw new Error('E<-I post read whole'); } } }) as typeof net.csr[number];
    (light.csr as typeof net.csr)[ei.index] = c;
    const engine = await WebGpuEngine.create(light, dev.device, { ...opts, buildChunkBytes: bytes });
    const allocs: number[] = [];
    const got = { J: [] as number[], j: [] as number[], pre: [] as number[], post: [] as number[] };
    const r = await driveEngine<Recordings>(engine, plan, {
      finalWeights: {
        wholeMax: 0,
        chunkSynapses: 37,
        alloc: (b) => (allocs.push(b), new ArrayBuffer(b)),
        sink: () => ({ write: (ch) => { for (const k of ['J', 'j', 'pre', 'post'] as const) got[k].push(...ch[k]); }, close: () => undefined, abort: () => undefined }),
      },
    });
    const rec = r.recordings;
    expect(rec.finalWeights).toEqual([]);
    let longest = 0;
    for (let k = 0; k < ei.pre.size; k++) longest = Math.max(longest, c.rowPtr[k + 1]! - c.rowPtr[k]!);
    const cap = Math.max(37, longest);
    expect(allocs).toEqual(Array(8).fill(4 * cap)); // two passes, four chunk arrays each: a chunk, not the projection
    expect(cap).toBeLessThan(nnz / 10);
    const diffs = (['J', 'j', 'pre', 'post'] as const).map((k) => exactDiff(`E<-I ${k} streamed`, k === 'pre' || k === 'post' ? Int32Array.from(got[k]) : Float32Array.from(got[k]), want[k]!));
    expect(diffs.filter((m) => m !== '').join('\n')).toBe('');
    const a = analyze(ref);
    const b = analyze(rec);
    expect(JSON.stringify(b.summary)).toBe(JSON.stringify(a.summary));
    expect(a.summary.plastic['E<-I']!.r2?.length).toBe(3);
    for (const bins of [50, 60]) expect(finalWeightHistograms(rec, bins)).toStrictEqual([{ name: 'E<-I', ...histogram(want.j, bins) }]);
    // The engine reads the targets back from its graph; without that (another engine), the source regenerates them on
    // the host for each chunk's rows (Csr.postInto), still never whole: the same words.
    const [src] = finalWeightSources(light, (_p, s0, out) => out.set(want.J!.subarray(s0, s0 + out.length)));
    const post: number[] = [];
    await src!.chunks(37, (ch) => void post.push(...ch.post));
    expect(exactDiff('E<-I post regenerated per chunk', Int32Array.from(post), want.post)).toBe('');
  });
});
