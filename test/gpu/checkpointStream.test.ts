// WebGPU checkpoints streamed by pieces (SwiftShader): the plastic weights (in 3 weight chunks) are read from the
// device into one small piece buffer at a time and written after the rest, giving the same file as the whole writer;
// a resume leaves them in the file and uploads them piece by piece, and the resumed engine is bit for bit the one
// that wrote the checkpoint (its state, then the rest of the run).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSource, type ArraySource, type StreamedSnapshot } from '../../src/engine/snapshot.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { openCheckpointFile, writeCheckpointFile, writeCheckpointStream } from '../../src/io/checkpointFile.ts';
import { streamedSnapshotOf } from '../../src/io/runCheckpoint.ts';
import { build, exactDiff, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'pn-gpu-ckstream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `s` with every source wrapped to record the length of each read. */
function countReads(s: StreamedSnapshot, reads: number[]): StreamedSnapshot {
  const arrays: StreamedSnapshot['arrays'] = {};
  for (const [k, a] of Object.entries(s.arrays)) {
    arrays[k] = isSource(a) ? ({ kind: 'source', dtype: 'f32', length: a.length, read: (at, out) => (reads.push(out.length), a.read(at, out)) } satisfies ArraySource) : a;
  }
  return { ...s, arrays };
}

describe('WebGPU checkpoints: plastic weights streamed by pieces (N = 500, EI iSTDP, 200 ms)', () => {
  const dev = useTestDevice();

  it('writes the whole writer\'s bytes by small pieces, resumes from the file by pieces bit for bit', async () => {
    const net = build({ N: 500, T_s: 0.2, plastic: true, rasterAll: true });
    const plan = new GpuPlan(net, { stepsPerSubmit: 500, spikeWorkgroups: 4, inputWorkgroups: 2 });
    const Cw = Math.ceil(plan.weightLen / 3);
    const opts = { adapterInfo: dev.info, stepsPerSubmit: 500, maxChunkBytes: { weight: 4 * Cw } };
    const ei = net.derived.projections.findIndex((p) => p.plastic);
    const nnz = plan.projs[ei]!.nnz;
    const piece = 613; // pieces straddle the weight chunks' boundaries
    expect(nnz).toBeGreaterThan(5 * piece);
    const wOff = plan.projs[ei]!.wOff;
    const crossing = (len: number) => Array.from({ length: Math.ceil(nnz / len) }, (_, k) => [wOff + k * len, Math.min(wOff + nnz, wOff + (k + 1) * len) - 1]).filter(([x, y]) => Math.floor(x! / Cw) !== Math.floor(y! / Cw)).length;
    expect(crossing(piece)).toBeGreaterThanOrEqual(1);
    expect(crossing(377)).toBeGreaterThanOrEqual(1);
    const cut = 1003; // mid-bin, mid-submission
    const rest = net.derived.nSteps - cut;
    const a = await WebGpuEngine.create(net, dev.device, opts);
    const b = await WebGpuEngine.create(net, dev.device, opts);
    try {
      expect(a.state.storage.weight.count).toBe(3);
      await a.advance(cut);
      const whole = await a.snapshot();
      const meta = { step: cut, importedStructure: [], scalars: whole.scalars, snapshotBackend: whole.backend };
      const wholePath = join(dir, 'whole.pnck');
      writeCheckpointFile(wholePath, meta, whole.arrays);

      // Write: the weights come from the device by pieces through one buffer of `piece` elements.
      const snap = await a.checkpointSnapshot();
      expect(Object.keys(snap.arrays)).toEqual(Object.keys(whole.arrays));
      expect(Object.entries(snap.arrays).filter(([, x]) => isSource(x)).map(([k]) => k)).toEqual([`state.weights.${ei}`]);
      const writeReads: number[] = [];
      const writeAllocs: number[] = [];
      const path = join(dir, 'streamed.pnck');
      await writeCheckpointStream(path, meta, countReads(snap, writeReads).arrays, undefined, { chunkElems: piece, alloc: (n) => (writeAllocs.push(n), new Float32Array(n)) });
      expect(Buffer.compare(readFileSync(path), readFileSync(wholePath))).toBe(0);
      expect(writeAllocs).toEqual([piece]);
      expect(writeReads.length).toBe(Math.ceil(nnz / piece));
      expect(Math.max(...writeReads)).toBe(piece);

      // Resume: the weights stay in the file, uploaded by pieces of 377 elements.
      const ck = openCheckpointFile(path, (name) => name.startsWith('state.weights.'), { chunkBytes: 4096 });
      expect(Object.keys(ck.sources ?? {})).toEqual([`state.weights.${ei}`]);
      expect(ck.arrays[`state.weights.${ei}`]).toBeUndefined();
      const restoreReads: number[] = [];
      const restoreAllocs: number[] = [];
      await b.restoreStreamed(countReads(streamedSnapshotOf(ck), restoreReads), { chunkElems: 377, alloc: (n) => (restoreAllocs.push(n), new Float32Array(n)) });
      expect(restoreAllocs).toEqual([377]);
      expect(restoreReads.length).toBe(Math.ceil(nnz / 377));
      expect(Math.max(...restoreReads)).toBe(377);

      // The restored state is the writer's (the bin's current sums are restored per population: compared below).
      const got = await b.snapshot();
      expect(got.step).toBe(whole.step);
      expect(got.scalars).toEqual(whole.scalars);
      for (const [k, x] of Object.entries(whole.arrays)) if (k !== 'engine.curSum') expect(exactDiff(k, got.arrays[k]!, x)).toBe('');

      await a.advance(rest);
      await b.advance(rest);
      const want = await a.recordings();
      const rec = await b.recordings();
      expect(firstDivergence(rec.raster, want.raster)).toBeNull();
      expect(exactDiff('window counts', rec.windows.counts, want.windows.counts)).toBe('');
      expect(exactDiff('sampled weights', rec.series.jSample, want.series.jSample)).toBe('');
      expect(exactDiff('final weights', rec.finalWeights[0]!.j, want.finalWeights[0]!.j)).toBe('');
      const n = (Math.floor(cut / net.derived.binSteps) * want.series.currents.length) / want.series.nBins;
      expect(exactDiff('currents before the cut bin', rec.series.currents.subarray(0, n), want.series.currents.subarray(0, n))).toBe('');
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
