// CPU engine threads (src/engine/cpu/threads, issue 24): the golden cases of bench/bitcheckCases.ts (static and
// EI iSTDP, N = 2000, 2 s) on 2 and 3 threads (the size threshold lowered so that they really run threaded)
// must give the one-thread reference, bit for bit: per-neuron spike counts, V, currents, traces, weights; so
// must 1, 2 and 3 threads with the WebAssembly synapse kernels off (every walk in JavaScript).
// Also: the size threshold keeps small networks on one thread, and the row slices partition every row.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cases, fingerprintThreads, REFERENCE, type Fingerprint } from '../../bench/bitcheckCases.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { sliceOf } from '../../src/engine/cpu/synapsePass.ts';
import { setSynapseKernels } from '../../src/engine/cpu/synapseKernels.ts';
import { idleCoresOf, MIN_NEURONS_PER_THREAD, threadBounds, threadsFor } from '../../src/engine/cpu/threads/pool.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './checkpointHelpers.ts';

const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as Record<string, Fingerprint>;

describe('CPU engine on worker threads: bit-identical to one thread', () => {
  for (const [name, spec] of Object.entries(cases)) {
    for (const T of [2, 3]) {
      it(`${name} on ${T} threads`, async () => {
        const r = await fingerprintThreads(spec, T);
        expect(r.threads, r.device).toBe(T);
        expect(r.device).toContain(`${T} threads`);
        expect(r.deferred).toBe(spec.projections.some((p) => p.plasticity !== undefined)); // each thread defers its slices' post updates
        expect(r.fp).toEqual(reference[name]);
      }, 120_000);
    }
  }

  const plastic = 'fig3IstdpEi N2000 T2';
  for (const T of [2, 3]) {
    it(`${plastic} on ${T} threads with eager post updates`, async () => {
      const r = await fingerprintThreads(cases[plastic]!, T, false);
      expect([r.threads, r.deferred]).toEqual([T, false]);
      expect(r.fp).toEqual(reference[plastic]);
    }, 120_000);
  }

  it(`${plastic} on 3 threads deferring with a small log and short epochs (each thread flushes on its own)`, async () => {
    const r = await fingerprintThreads(cases[plastic]!, 3, { capacity: 48, maxEpochSteps: 37 });
    expect([r.threads, r.deferred]).toEqual([3, true]);
    expect(r.fp).toEqual(reference[plastic]);
  }, 120_000);
});

describe('thread walks in WebAssembly and in JavaScript', () => {
  it('every thread walks the synapses in WebAssembly where the one-thread engine does (device string)', async () => {
    for (const [name, spec] of Object.entries(cases)) {
      const eng = await CpuEngine.create(buildNetwork(derive(validate(spec))), { threads: 2, minNeuronsPerThread: 1, minNeuronSteps: 0 });
      expect(eng.device, name).toContain('2 threads, synapse walks in WebAssembly for 4 of 4 recurrent projections');
      eng.dispose();
    }
  }, 60_000);

  const name = 'fig3IstdpEi N2000 T2'; // static E<-E, I<-E, I<-I and plastic E<-I: both kernels
  for (const T of [1, 2, 3]) {
    it(`${name} on ${T} thread${T > 1 ? 's' : ''} with the synapse kernels off (JavaScript walks): the same bits`, async () => {
      setSynapseKernels(false);
      try {
        const r = await fingerprintThreads(cases[name]!, T);
        expect(r.threads).toBe(T);
        if (T > 1) expect(r.device).toContain('synapse walks in WebAssembly for 0 of 4');
        expect(r.fp).toEqual(reference[name]);
      } finally {
        setSynapseKernels(true);
      }
    }, 120_000);
  }
});

describe('snapshots across thread counts', () => {
  it('a 3-thread engine snapshotted half-way and resumed on 1 thread ends with the bits of a 1-thread run', async () => {
    const spec = cases['fig3IstdpEi N2000 T2']!;
    const net = buildNetwork(derive(validate({ ...spec, T_s: 0.4 })));
    const steps = net.derived.nSteps;
    const plain = new CpuEngine(net);
    await plain.advance(steps);
    const a = await CpuEngine.create(net, { threads: 3, minNeuronsPerThread: 1, minNeuronSteps: 0 });
    expect(a.threads).toBe(3);
    await a.advance(steps >> 1);
    const b = new CpuEngine(net);
    await b.restore(await a.snapshot());
    a.dispose();
    await b.advance(steps);
    for (const k of ['v', 'current', 'acc', 'refr'] as const) expect(Buffer.from(b.state[k].buffer, b.state[k].byteOffset, b.state[k].byteLength).equals(Buffer.from(plain.state[k].buffer, plain.state[k].byteOffset, plain.state[k].byteLength)), k).toBe(true);
    b.state.weights.forEach((w, i) => expect(Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(plain.state.weights[i]!.buffer, plain.state.weights[i]!.byteOffset, plain.state.weights[i]!.byteLength)), `weights ${i}`).toBe(true));
    expect((await b.recordings()).neuronStats.spikeCount).toEqual((await plain.recordings()).neuronStats.spikeCount);
  }, 60_000);
});

describe('deferred post updates on threads across a snapshot and restore', () => {
  it('a deferring 2-thread engine restored from a 3-thread snapshot drops its pending updates and ends with the 1-thread bits', async () => {
    const spec = cases['fig3IstdpEi N2000 T2']!;
    const net = buildNetwork(derive(validate({ ...spec, T_s: 0.4 })));
    const steps = net.derived.nSteps;
    const plain = new CpuEngine(net);
    await plain.advance(steps);
    const opts = { minNeuronsPerThread: 1, minNeuronSteps: 0 };
    const a = await CpuEngine.create(net, { threads: 3, ...opts });
    expect(a.beginDeferredPost()).toBe(true);
    await a.advance(steps >> 1);
    const snap = await a.snapshot();
    const b = await CpuEngine.create(net, { threads: 2, ...opts });
    expect(b.beginDeferredPost()).toBe(true);
    await b.advance(steps >> 2); // pending updates of a different history, dropped by restore
    await b.restore(snap);
    a.dispose();
    await b.advance(steps);
    b.endDeferredPost();
    for (const k of ['v', 'current', 'acc', 'refr'] as const) expect(Buffer.from(b.state[k].buffer, b.state[k].byteOffset, b.state[k].byteLength).equals(Buffer.from(plain.state[k].buffer, plain.state[k].byteOffset, plain.state[k].byteLength)), k).toBe(true);
    b.state.weights.forEach((w, i) => expect(Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(plain.state.weights[i]!.buffer, plain.state.weights[i]!.byteOffset, plain.state.weights[i]!.byteLength)), `weights ${i}`).toBe(true));
    expect((await b.recordings()).neuronStats.spikeCount).toEqual((await plain.recordings()).neuronStats.spikeCount);
    b.dispose();
  }, 60_000);
});

describe('run guards from worker threads', () => {
  it("'overflow' in a recurrent channel: the same RunGuardError (step, neuron, value) on 3 threads as on 1", async () => {
    const spec = akilNetwork({ N: 600, T_s: 0.3 });
    // I<-E: J/tau * 2^20 = 1.3e12 per spike onto the I neurons (480 .. 599), all in the last thread's range
    // [400, 600): the error comes from a worker, not from the main thread.
    Object.assign(spec.projections[2]!, { j: 1e7, scaleBySqrtN: false });
    const net = buildNetwork(derive(validate(spec)));
    const errs: unknown[] = [];
    for (const threads of [1, 3]) {
      const eng = await CpuEngine.create(net, { threads, minNeuronsPerThread: 1, minNeuronSteps: 0 });
      expect(eng.threads).toBe(threads);
      errs.push(await eng.advance(net.derived.nSteps).then(() => null, (e: unknown) => e));
      eng.dispose();
    }
    const [one, three] = errs as { guard: string; step: number; where: string; value: number; message: string }[];
    expect(one).toMatchObject({ guard: 'overflow', where: expect.stringMatching(/neuron (4[89]\d|5\d\d), channel E/) });
    expect(threadBounds(600, 3)[2]).toBeLessThanOrEqual(480);
    expect(three).toMatchObject({ guard: one!.guard, step: one!.step, where: one!.where, value: one!.value, message: one!.message });
  }, 60_000);
});

describe('thread planning', () => {
  const net = buildNetwork(derive(validate({ ...akilNetwork({ N: 1000, T_s: 0.01 }) })));

  it('keeps a network below the size threshold on one thread, and says why', async () => {
    expect(threadsFor(net, 8, MIN_NEURONS_PER_THREAD, 0)).toEqual({ T: 1, why: expect.stringContaining(`${MIN_NEURONS_PER_THREAD} neurons per thread`) });
    const eng = await CpuEngine.create(net, { threads: 4, minNeuronSteps: 0 });
    expect(eng.threads).toBe(1);
    expect(eng.device).toContain('1 thread: N = 1000');
    eng.dispose();
    expect(threadsFor(net, 1)).toEqual({ T: 1, why: '' });
    expect(threadsFor(net, 3, 100).why).toContain('a short run');
    expect(threadsFor(net, 3, 100, 0).T).toBe(3);
  });

  it('defaults to the idle cores: the cores less the 1-minute load, rounded, 1 at least', () => {
    expect(idleCoresOf(2, 0)).toBe(2);
    expect(idleCoresOf(2, 0.4)).toBe(2);
    expect(idleCoresOf(2, 0.6)).toBe(1);
    expect(idleCoresOf(2, 9.8)).toBe(1);
    expect(idleCoresOf(16, 3.2)).toBe(13);
    expect(idleCoresOf(16, Number.NaN)).toBe(16);
    expect(idleCoresOf(1, 0)).toBe(1);
  });

  it('splits neurons into ordered ranges covering [0, N) and rows into slices that partition them', () => {
    for (const [N, T] of [[1000, 3], [2000, 2], [37, 5]] as const) {
      const b = threadBounds(N, T);
      expect(b[0]).toBe(0);
      expect(b[T]).toBe(N);
      for (let t = 0; t < T; t++) expect(b[t + 1]!).toBeGreaterThanOrEqual(b[t]!);
    }
    const b = threadBounds(net.derived.N, 3);
    const parts = [0, 1, 2].map((t) => sliceOf(net, b[t]!, b[t + 1]!));
    let bad = 0;
    let checked = 0;
    for (const p of net.derived.projections) {
      if (p.pre.kind !== 'population') continue;
      const { rowPtr, post } = net.csr[p.index]!;
      const [s0, s1, s2] = parts.map((x) => x[p.index]!);
      for (let k = 0; k < rowPtr.length - 1; k++) {
        if (s0!.rowStart[k] !== rowPtr[k] || s2!.rowEnd[k] !== rowPtr[k + 1] || s0!.rowEnd[k] !== s1!.rowStart[k] || s1!.rowEnd[k] !== s2!.rowStart[k]) bad++;
        [s0!, s1!, s2!].forEach((s, t) => {
          for (let y = s.rowStart[k]!; y < s.rowEnd[k]!; y++, checked++) if (post[y]! < b[t]! || post[y]! >= b[t + 1]!) bad++;
        });
      }
    }
    expect(bad).toBe(0);
    expect(checked).toBe(net.derived.projections.filter((p) => p.pre.kind === 'population').reduce((a, p) => a + net.csr[p.index]!.post.length, 0));
  });
});

describe('--threads on run and sweep', () => {
  for (const cmd of [['run', 'akil-static'], ['sweep', 'akil-static', '--N', '200']]) {
    for (const bad of ['0', '1.5', 'two', '2000']) {
      it(`${cmd[0]} --threads ${bad}: exit 2 naming the flag, its value and the range`, async () => {
        const r = await cli([...cmd, '--threads', bad, '--quiet', '--out', join(tmpdir(), 'never-written')]);
        expect(r.status).toBe(2);
        expect(r.err).toContain(`--threads '${bad}'`);
        expect(r.err).toContain('1 to 1024');
      });
    }
  }

  it('run --threads 2 runs (one thread at this size) and writes its outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-threads-'));
    try {
      const r = await cli(['run', 'akil-static', '--N', '300', '--T', '0.1s', '--backend', 'cpu', '--threads', '2', '--quiet', '--out', join(dir, 'out'), '--force']);
      expect(r.status, r.err).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
