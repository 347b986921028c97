// Graph and weight in several storage bindings (chunks.ts): a small network with chunks forced small
// (maxChunkBytes) runs the code that N = 10^5 needs on a 2 GiB-binding device. Chunking moves data, not
// arithmetic, so the chunked engine must be bit-identical to the unchunked one (snapshots, recordings)
// and, as the unchunked one, to the CPU reference (spike trains, sampled and final weights).
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { ChunkedBuffer } from '../../src/engine/webgpu/chunkedBuffer.ts';
import { chunkPlan } from '../../src/engine/webgpu/chunks.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { build, exactDiff, firstDivergence } from './fixture.ts';
import { useTestDevice, withErrorScopes } from './helpers.ts';

/** Rows [start, end) of a CSR (global element base) that cross a multiple of C. */
function straddling(rowPtr: Int32Array, base: number, C: number): number {
  let n = 0;
  for (let k = 0; k + 1 < rowPtr.length; k++) {
    const a = base + rowPtr[k]!;
    const b = base + rowPtr[k + 1]!;
    if (b > a && Math.floor(a / C) !== Math.floor((b - 1) / C)) n++;
  }
  return n;
}

/**
 * Spike trains, window counts, sampled and final weights exactly; with `gpu`, also the GPU-summed
 * weight means and the current series of bins [0, currentBins) (the f32 sums of two GPU runs).
 */
function expectIdentical(name: string, got: Recordings, want: Recordings, gpu?: { currentBins: number }): void {
  expect(firstDivergence(got.raster, want.raster), name).toBeNull();
  expect(exactDiff(`${name} window counts`, got.windows.counts, want.windows.counts)).toBe('');
  expect(exactDiff(`${name} sampled weights`, got.series.jSample, want.series.jSample)).toBe('');
  expect(exactDiff(`${name} final weights`, got.finalWeights[0]!.j, want.finalWeights[0]!.j)).toBe('');
  if (gpu) {
    expect(exactDiff(`${name} weight means`, got.series.jMean, want.series.jMean)).toBe('');
    const n = (gpu.currentBins * want.series.currents.length) / want.series.nBins;
    expect(exactDiff(`${name} currents`, got.series.currents.subarray(0, n), want.series.currents.subarray(0, n))).toBe('');
  }
}

function expectSameSnapshot(got: EngineSnapshot, want: EngineSnapshot): void {
  expect(got.step).toBe(want.step);
  expect(got.scalars).toEqual(want.scalars);
  expect(Object.keys(got.arrays).sort()).toEqual(Object.keys(want.arrays).sort());
  for (const [k, a] of Object.entries(want.arrays)) expect(exactDiff(k, got.arrays[k]!, a)).toBe('');
}

describe('chunked graph and weight (N = 500, EI iSTDP, 200 ms)', () => {
  const dev = useTestDevice();

  it('ChunkedBuffer writes and reads element ranges across chunk boundaries', async () => {
    const plan = chunkPlan(10_000, 4 * 777);
    expect(plan.count).toBe(13);
    const words = Uint32Array.from({ length: 10_000 }, (_, i) => (i * 2654435761) >>> 0);
    const got = new Uint32Array(10_000);
    await withErrorScopes(dev.device, async () => {
      const buf = new ChunkedBuffer(dev.device, 'test.chunked', plan, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
      try {
        for (const [a, b] of [[0, 700], [700, 2331], [2331, 2332], [2332, 9999], [9999, 10_000]] as const) buf.write(a, words.subarray(a, b));
        await buf.read(0, got);
        const part = new Uint32Array(1600);
        await buf.read(770, part); // chunks 0..2
        expect(exactDiff('range 770..2370', part, words.subarray(770, 2370))).toBe('');
      } finally {
        buf.destroy();
      }
    });
    expect(exactDiff('all', got, words)).toBe('');
  });

  it('runs, snapshots and restores bit-identically to the unchunked engine and the CPU reference', async () => {
    const net = build({ N: 500, T_s: 0.2, plastic: true, rasterAll: true });
    const plan = new GpuPlan(net, { stepsPerSubmit: 500, spikeWorkgroups: 4, inputWorkgroups: 2 });
    // Weight in 3 chunks and graph in 4: 12 storage bindings (Dawn's cap; SwiftShader reports it too).
    expect(dev.device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(12);
    const Cw = Math.ceil(plan.weightLen / 3);
    const Cg = Math.ceil(plan.graph.total / 4);
    const maxChunkBytes = { weight: 4 * Cw, graph: 4 * Cg };
    // Rows of the plastic E<-I projection straddle weight chunks; targets of some rows straddle graph chunks.
    const ei = net.derived.projections.findIndex((p) => p.plastic);
    const csr = net.csr[net.derived.projections[ei]!.index]!;
    expect(straddling(csr.rowPtr, plan.projs[ei]!.wOff, Cw)).toBeGreaterThanOrEqual(2);
    const targets = net.derived.projections.reduce((n, p, i) => n + straddling(net.csr[p.index]!.rowPtr, plan.graph.offset.post + plan.projs[i]!.synOff, Cg), 0);
    const columns = straddling(csr.colPtr, plan.graph.offset.colW + plan.projs[ei]!.wOff, Cg);
    expect(targets + columns).toBeGreaterThanOrEqual(3);

    const cut = 1003; // mid-bin, mid-submission
    const rest = net.derived.nSteps - cut;
    const opts = { adapterInfo: dev.info, stepsPerSubmit: 500 };
    const chunked = await WebGpuEngine.create(net, dev.device, { ...opts, maxChunkBytes });
    const plain = await WebGpuEngine.create(net, dev.device, opts);
    try {
      expect(chunked.state.storage).toMatchObject({ weight: { count: 3, chunkElems: Cw }, graph: { count: 4, chunkElems: Cg }, storageBindings: 12 });
      expect(plain.state.storage).toMatchObject({ weight: { count: 1 }, graph: { count: 1 }, storageBindings: 7 });
      await chunked.advance(cut);
      await plain.advance(cut);
      const snap = structuredClone(await chunked.snapshot());
      expectSameSnapshot(snap, await plain.snapshot());
      await chunked.advance(rest);
      await plain.advance(rest);
      const want = await plain.recordings();
      const nBins = want.series.nBins;
      expectIdentical('chunked vs unchunked', await chunked.recordings(), want, { currentBins: nBins });
      const cpu = new CpuEngine(net);
      await cpu.advance(net.derived.nSteps);
      expectIdentical('chunked vs CPU', await chunked.recordings(), await cpu.recordings());
      // The chunked engine rewound to its snapshot (uploaded through the chunks) finishes alike. The bin of
      // the cut restarts its current sums from the per-population totals (gpuRestore), so its currents
      // are f32 sums in another order: compared exactly before it (test/gpu/checkpoint.test.ts bounds it).
      await chunked.restore(snap);
      await chunked.advance(rest);
      expectIdentical('rewound chunked vs unchunked', await chunked.recordings(), want, { currentBins: Math.floor(cut / net.derived.binSteps) });
    } finally {
      chunked.dispose();
      plain.dispose();
    }
  });
});
