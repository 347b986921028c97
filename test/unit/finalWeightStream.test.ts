// Streamed final weights (src/pipeline/finalWeightStream.ts): a run that reads its plastic weights by chunks of rows
// writes the same files as one that holds them whole (every .npy byte for byte, summary.json's numbers, report.html),
// holds one chunk at a time (every chunk array allocation counted), and its chunks cover the synapses in order.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpyStreamWriter } from '../../src/io/npyStream.ts';
import { npyWeightSink } from '../../src/output/weightFiles.ts';
import { OutputWriteError } from '../../src/io/checkpointFile.ts';
import { encodeNpy } from '../../src/io/npy.ts';
import { runCommand } from '../../src/cli/commands/run.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { analyze } from '../../src/stats/summary.ts';
import { renderReportFor } from '../../src/output/runReport.ts';
import { runFigures } from '../../src/output/runFigures.ts';
import { summarizeRun } from '../../src/output/runOutput.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { createEngine } from '../../src/engine/engines.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { WeightChunk } from '../../src/record/finalWeights.ts';
import { digestFinalWeights } from '../../src/stats/weightDigest.ts';
import { histogram, weightRateCovariance, weightRateRegression } from '../../src/stats/weights.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { small } from './checkpointHelpers.ts';

const roots: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'pn-wstream-'));
  roots.push(d);
  return d;
};
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** akil-istdp-demo at N = 400 with a second plastic projection (I<-I, the same rule), so two are streamed. */
function twoPlastic(): NetworkSpec {
  const s = small('akil-istdp-demo', 400, 0.4);
  const ei = s.projections.find((p) => p.plasticity)!;
  s.projections = s.projections.map((p) => (p.post === 'I' && p.pre === 'I' ? { ...p, plasticity: ei.plasticity! } : p));
  return validate(s);
}

describe('NpyStreamWriter', () => {
  it('writes the bytes of encodeNpy piece by piece, refuses a wrong length or type, leaves nothing when aborted', () => {
    const dir = tmp();
    const data = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3);
    const ints = Int32Array.from({ length: 77 }, (_, i) => i * 7919 - 3);
    for (const [name, arr, pieces] of [['f', data, [1, 500, 0, 499, 1]], ['i', ints, [77]], ['e', new Float32Array(0), []]] as const) {
      const w = new NpyStreamWriter(join(dir, `${name}.npy`), arr instanceof Int32Array ? '<i4' : '<f4', arr.length);
      let at = 0;
      for (const n of pieces) w.append(arr.subarray(at, (at += n)) as Float32Array);
      expect(readdirSync(dir)).not.toContain(`${name}.npy`); // only after close
      w.close();
      expect(Buffer.compare(readFileSync(join(dir, `${name}.npy`)), Buffer.from(encodeNpy(arr))), name).toBe(0);
    }
    const short = new NpyStreamWriter(join(dir, 'short.npy'), '<f4', 3);
    short.append(new Float32Array(2));
    expect(() => short.close()).toThrow(/2 values written, the header says 3/);
    const long = new NpyStreamWriter(join(dir, 'long.npy'), '<f4', 1);
    expect(() => long.append(new Float32Array(2))).toThrow(/2 values passed the header's 1/);
    expect(() => long.append(new Int32Array(1) as unknown as Float32Array)).toThrow(/a <i4 piece, the header says <f4/);
    long.abort();
    expect(readdirSync(dir).sort()).toEqual(['e.npy', 'f.npy', 'i.npy']); // no temp file or partial file left
  });
});

describe('final weights by chunks of rows', () => {
  it('chunks hold whole rows in synapse order and equal the whole arrays; the digest equals weights.ts bit for bit; the chunk arrays are allocated once per pass', async () => {
    const spec = twoPlastic();
    const net = buildNetwork(derive(spec));
    const engine = await createEngine(net, 'cpu');
    await engine.advance(net.derived.nSteps);
    const rec = await engine.recordings();
    const sources = engine.finalWeightSources!();
    expect(sources.map((s) => s.name)).toEqual(['E<-I', 'I<-I']);
    const a = analyze(rec as never);
    for (const [k, src] of sources.entries()) {
      const whole = rec.finalWeights[k]!;
      expect(src.nnz).toBe(whole.j.length);
      const rowPtr = net.csr[src.proj]!.rowPtr;
      let longest = 0;
      for (let r = 0; r < src.nPre; r++) longest = Math.max(longest, rowPtr[r + 1]! - rowPtr[r]!);
      for (const chunk of [1, 37, longest + 1, 10 ** 9]) {
        const seen: string[] = [];
        const allocs: number[] = [];
        let next = 0;
        const cap = await src.chunks(
          chunk,
          (c: WeightChunk) => {
            expect(c.s0).toBe(next);
            expect(rowPtr[c.row0]).toBe(c.s0); // whole rows
            expect(rowPtr[c.row1]).toBe(c.s0 + c.n);
            expect(c.n <= Math.max(chunk, longest)).toBe(true);
            for (const key of ['J', 'j', 'pre', 'post'] as const) if (Buffer.compare(Buffer.from(c[key].buffer, c[key].byteOffset, c[key].byteLength), Buffer.from(whole[key]!.buffer, whole[key]!.byteOffset + 4 * c.s0, 4 * c.n)) !== 0) seen.push(`${key} at ${c.s0}`);
            next += c.n;
          },
          (bytes) => (allocs.push(bytes), new ArrayBuffer(bytes)),
        );
        expect(seen, `${src.name} chunk ${chunk}`).toEqual([]);
        expect(next).toBe(src.nnz);
        expect(cap).toBe(Math.min(src.nnz, Math.max(chunk, longest)));
        expect(allocs).toEqual([4 * cap, 4 * cap, 4 * cap, 4 * cap]); // one chunk of each array, never the projection (unless it is one chunk)
      }
      // The digest from chunks of 37 against the whole-array statistics (analyze's numbers) and histograms.
      const rates = a.rates_Hz;
      const g = await digestFinalWeights(src, rates, { chunkSynapses: 37 });
      const p = a.summary.plastic[src.name]!;
      expect(g.jMean).toBe(p.jMeanFinal);
      expect(g.weightRateCov).toBe(weightRateCovariance(whole, rates));
      expect(g.weightRateCov).toBe(p.weightRateCov);
      expect(g.fit).toStrictEqual(weightRateRegression(whole, rates, 3));
      expect(Array.from(g.fit.r2)).toStrictEqual(p.r2);
      for (const h of g.hist) expect({ edges: h.edges, counts: h.counts }).toStrictEqual(histogram(whole.j, h.bins));
      expect(g.hist.map((h) => h.bins)).toEqual([60, 50]);
      expect(g.hist[0]!.counts.reduce((x, y) => x + y, 0)).toBe(src.nnz);
    }
    engine.dispose();
  });

  it("a CPU engine on 2 threads with deferred post updates still pending streams the 1-thread engine's final weights (finalWeightSources applies every thread's pending updates)", async () => {
    const spec = twoPlastic();
    const run = async (threads: number): Promise<CpuEngine> => {
      const eng = await CpuEngine.create(buildNetwork(derive(spec)), { threads, minNeuronsPerThread: 1, minNeuronSteps: 0 });
      expect(eng.threads).toBe(threads);
      expect(eng.beginDeferredPost({})).toBe(true); // post updates go to the (per-thread) logs
      for (let s = 0; s < 1500; s++) eng.stepOnce(); // not at a bin end: updates pending
      return eng;
    };
    const one = await run(1);
    const two = await run(2);
    const [a, b] = [one.finalWeightSources(), two.finalWeightSources()];
    expect(b.map((x) => x.name)).toEqual(['E<-I', 'I<-I']);
    for (const [k, src] of b.entries()) {
      const J1 = one.state.weights[a[k]!.proj]!;
      let differ = 0;
      let n = 0;
      await src.chunks(53, (c: WeightChunk) => {
        for (let i = 0; i < c.n; i++) if (!Object.is(c.J[i], J1[c.s0 + i])) differ++;
        n += c.n;
      });
      expect(n).toBe(src.nnz);
      expect(differ, src.name).toBe(0);
    }
    one.dispose();
    two.dispose();
  }, 120_000);

  it('a streamed run (chunks of 37 synapses) gives the summary, figures and report of a whole one; Recordings.finalWeights stays empty', async () => {
    const spec = twoPlastic();
    const whole = await runSimulation(spec, { backend: 'cpu' });
    let peak = 0;
    const sunk: Record<string, number> = {};
    const streamed = await runSimulation(spec, {
      backend: 'cpu',
      finalWeights: {
        wholeMax: 0,
        chunkSynapses: 37,
        alloc: (bytes) => ((peak = Math.max(peak, bytes)), new ArrayBuffer(bytes)),
        sink: ({ name }) => ({ write: (c) => void (sunk[name] = (sunk[name] ?? 0) + c.n), close: () => undefined, abort: () => undefined }),
      },
    });
    expect(streamed.recordings.finalWeights).toEqual([]);
    expect(streamed.recordings.finalWeightDigests!.map((g) => g.name)).toEqual(['E<-I', 'I<-I']);
    expect(sunk).toEqual({ 'E<-I': whole.recordings.finalWeights[0]!.j.length, 'I<-I': whole.recordings.finalWeights[1]!.j.length });
    const longest = Math.max(...streamed.net.derived.projections.filter((p) => p.plastic).map((p) => { const r = streamed.net.csr[p.index]!.rowPtr; let m = 0; for (let k = 0; k < p.pre.size; k++) m = Math.max(m, r[k + 1]! - r[k]!); return m; }));
    expect(peak).toBe(4 * Math.max(37, longest));
    for (const r of [whole, streamed]) (r.wall_s = 1), (r.build_s = 0.5);
    const meta = { commit: 'test', date: '2026-01-01', host: 'test' };
    const sw = summarizeRun(whole, meta).summary;
    const ss = summarizeRun(streamed, meta).summary;
    expect(JSON.stringify(ss)).toBe(JSON.stringify(sw));
    expect(Object.keys(sw.plastic)).toEqual(['E<-I', 'I<-I']);
    expect(sw.plastic['E<-I']!.r2?.length).toBe(3);
    const clip = (svg: string): string => svg.replace(/pn-clip-\d+/g, 'pn-clip'); // svg.ts numbers clip paths per process
    expect(clip(renderReportFor(streamed, ss))).toBe(clip(renderReportFor(whole, sw)));
    const curve = { error: 'none' };
    const figs = (r: typeof whole, s: typeof sw) => runFigures(r, s, curve).map((f) => ({ ...f, svg: clip(f.svg) }));
    expect(figs(streamed, ss)).toEqual(figs(whole, sw));
    expect(figs(whole, sw).filter((f) => f.name.startsWith('weights_hist_')).map((f) => f.name)).toEqual(['weights_hist_E_from_I', 'weights_hist_I_from_I']);
    expect(() => analyze(streamed.recordings, { weightIndices: 'local' })).toThrow(/E<-I: its final weights were streamed against global pre indices/);
    expect(() => analyze(streamed.recordings, { regressionCells: 5 })).toThrow(/streamed with regressionCells 3, asked 5/);
  });

  it('a failing sink fails the run with its error (an unwritable .npy: OutputWriteError naming the directory) and leaves no temp or truncated file', async () => {
    const spec = twoPlastic();
    const out = tmp();
    mkdirSync(join(out, 'weights_I_from_I_post.npy', 'in-the-way'), { recursive: true }); // a directory where the file goes
    const err = await runSimulation(spec, { backend: 'cpu', finalWeights: { wholeMax: 0, chunkSynapses: 100, sink: npyWeightSink(out) } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutputWriteError);
    expect((err as OutputWriteError).path).toBe(out);
    // E<-I's four files are complete; I<-I's j and pre were moved into place before its post failed (as writeOutputs
    // leaves the files before a failure), its Jscaled is absent: no temp file and no truncated file is left
    expect(readdirSync(out).sort()).toEqual([...['Jscaled', 'j', 'post', 'pre'].map((p) => `weights_E_from_I_${p}.npy`), ...['j', 'post', 'pre'].map((p) => `weights_I_from_I_${p}.npy`)].sort());
    const whole = await runSimulation(spec, { backend: 'cpu' });
    for (const [k, tag] of ['E_from_I', 'I_from_I'].entries())
      for (const part of k === 0 ? (['j', 'pre', 'post', 'J'] as const) : (['j', 'pre'] as const))
        expect(Buffer.compare(readFileSync(join(out, `weights_${tag}_${part === 'J' ? 'Jscaled' : part}.npy`)), Buffer.from(encodeNpy(whole.recordings.finalWeights[k]![part]!))), `${tag} ${part}`).toBe(0);
    let aborted = 0;
    const boom = runSimulation(spec, { backend: 'cpu', finalWeights: { wholeMax: 0, sink: () => ({ write: () => { throw new Error('sink full'); }, close: () => undefined, abort: () => void aborted++ }) } });
    await expect(boom).rejects.toThrow('sink full');
    expect(aborted).toBe(1);
  });

  it('plasticnet run: the streamed output directory (chunks of 37) equals the whole one file for file, byte for byte', async () => {
    const root = tmp();
    const specFile = join(root, 'spec.json');
    writeFileSync(specFile, JSON.stringify(twoPlastic()));
    const flags = { backend: 'cpu' as const, force: false, quiet: true };
    expect(await runCommand(specFile, { ...flags, out: join(root, 'whole') }, { finalWeights: { wholeMax: Infinity } })).toBe(0);
    expect(await runCommand(specFile, { ...flags, out: join(root, 'stream') }, { finalWeights: { wholeMax: 0, chunkSynapses: 37 } })).toBe(0);
    const files = readdirSync(join(root, 'whole')).sort();
    expect(readdirSync(join(root, 'stream')).sort()).toEqual(files);
    const weights = files.filter((f) => f.startsWith('weights_') && f.endsWith('.npy'));
    expect(weights).toEqual(['E_from_I', 'I_from_I'].flatMap((t) => ['Jscaled', 'j', 'post', 'pre'].map((p) => `weights_${t}_${p}.npy`)).sort());
    const norm = (f: string, text: string): string => {
      if (f === 'summary.json') {
        const o = JSON.parse(text) as { meta: Record<string, unknown> };
        for (const k of ['wall_s', 'build_s', 'rtf', 'date', 'host', 'commit']) delete o.meta[k];
        return JSON.stringify(o);
      }
      return text.replace(/pn-clip-\d+/g, 'pn-clip').replace(/wall [0-9.]+ s, real-time factor [0-9.]+/, 'wall').replace(/generated [^<]* by plasticnet [^<]*/, 'generated');
    };
    const differ: string[] = [];
    for (const f of files) {
      const a = readFileSync(join(root, 'whole', f));
      const b = readFileSync(join(root, 'stream', f));
      if (f.endsWith('.npy') ? Buffer.compare(a, b) !== 0 : norm(f, a.toString()) !== norm(f, b.toString())) differ.push(f);
    }
    expect(differ).toEqual([]);
  });
});
