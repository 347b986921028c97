// Procedural static projections (storage 'procedural', src/network/procedural.ts): no synapse memory, rows
// regenerated from their counters per spike. On the CPU engine a run must be bit-identical to the same
// network with every projection stored ('bernoulli-counter' CSR): spike trains, currents, traces and the
// plastic E<-I weights; also on 3 threads and with a uniform delay of 3 steps. Bad storage names its field
// and why; the resource estimate counts no synapse memory for procedural projections.
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/model/derive.ts';
import { validate, SpecError } from '../../src/model/validate.ts';
import { estimateResources, resolveAutoStorage, DEVICE_BYTES_PER_SYNAPSE, HOST_BYTES_PER_SYNAPSE } from '../../src/model/estimate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { nnzOf } from '../../src/network/connectivity.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { projectionsOf } from '../../src/io/export/network.ts';
import { bytes } from './checkpointHelpers.ts';
import { expectSameCpuState, run } from './cpuRun.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

/** Akil EI network, every projection 'bernoulli-counter', E<-I plastic (iSTDP); the static ones with `storage`. */
function spec(storage: 'stored' | 'procedural' | 'auto', o: { N?: number; delay_ms?: number } = {}): NetworkSpec {
  const s = akilNetwork({ N: o.N ?? 400, T_s: 0.15, seed: 31, plastic: { 'E<-I': EI_ISTDP } });
  s.projections = s.projections.map((p): ProjectionSpec => {
    const q: ProjectionSpec = { ...p, connectivity: 'bernoulli-counter' };
    if (!p.plasticity && s.populations.some((x) => x.name === p.pre)) q.storage = storage;
    if (o.delay_ms !== undefined && p.pre === 'E') q.delay = { min_ms: o.delay_ms, max_ms: o.delay_ms };
    return q;
  });
  s.recording.rasterNeurons = s.N;
  return validate(s);
}


describe('procedural static projections on the CPU engine', () => {
  it('the network holds no synapse of a procedural projection', () => {
    const net = buildNetwork(derive(spec('procedural')));
    expect(net.derived.projections.map((p) => p.storage)).toEqual(['procedural', 'stored', 'procedural', 'procedural', 'stored', 'stored']);
    for (const p of net.derived.projections) {
      const c = net.csr[p.index]!;
      if (p.storage === 'stored') expect(nnzOf(c), p.name).toBeGreaterThan(0);
      else expect([nnzOf(c), c.post.length, c.weight.length, c.colSyn.length, c.procedural !== undefined], p.name).toEqual([0, 0, 0, 0, true]);
    }
  });

  for (const [what, o, threads] of [
    ['one thread', {}, 1],
    ['3 threads', { N: 600 }, 3],
    ['a uniform 3 ms delay on E projections', { delay_ms: 3 }, 1],
  ] as const) {
    it(`bit-identical to the stored CSR: ${what}`, async () => {
      const a = await run(spec('stored', o), threads);
      const b = await run(spec('procedural', o), threads);
      expect([a.e.threads, b.e.threads]).toEqual([threads, threads]);
      expect(a.spikes.length).toBeGreaterThan(200);
      expect(b.spikes).toEqual(a.spikes);
      expectSameCpuState(a.e, b.e);
      a.e.dispose?.();
      b.e.dispose?.();
    }, 120_000);
  }
});

describe('exports', () => {
  it('list every synapse of a procedural projection, as the stored network would', () => {
    const a = projectionsOf(buildNetwork(derive(spec('stored'))));
    const b = projectionsOf(buildNetwork(derive(spec('procedural'))));
    for (const [i, x] of a.entries()) {
      expect(x.post.length, x.pr.name).toBeGreaterThan(0);
      for (const k of ['pre', 'post', 'J'] as const) expect(bytes(b[i]![k]).equals(bytes(x[k])), `${x.pr.name} ${k}`).toBe(true);
    }
  });
});

describe('storage validation', () => {
  const base = (): NetworkSpec => akilNetwork({ N: 100, T_s: 0.01, plastic: { 'E<-I': EI_ISTDP } });
  const bad = (edit: (s: NetworkSpec) => void, re: RegExp): void => {
    const s = base();
    edit(s);
    let err: unknown = null;
    try {
      validate(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect(String((err as Error).message)).toMatch(re);
  };
  it('names the field, its value and why', () => {
    bad((s) => Object.assign(s.projections[0]!, { storage: 'lazy' }), /projections\[0\]\.storage.*lazy.*'stored', 'procedural' or 'auto'/s);
    bad((s) => Object.assign(s.projections[0]!, { storage: 'procedural' }), /projections\[0\]\.storage.*procedural.*'bernoulli-counter'/s);
    const ei = base().projections.findIndex((p) => p.plasticity);
    bad((s) => Object.assign(s.projections[ei]!, { storage: 'procedural', connectivity: 'bernoulli-counter' }), new RegExp(`projections\\[${ei}\\]\\.storage.*plastic projection`, 's'));
    bad((s) => Object.assign(s.projections[0]!, { storage: 'procedural', connectivity: 'bernoulli-counter', delay: { min_ms: 1, max_ms: 3 } }), /projections\[0\]\.storage.*per-synapse delays/s);
    // from an input: test/unit/proceduralInput.test.ts (allowed on 'bernoulli-counter')
  });
});

describe('resource estimate', () => {
  it('procedural projections count no synapse memory', () => {
    const st = estimateResources(spec('stored', { N: 10000 }));
    const pr = estimateResources(spec('procedural', { N: 10000 }));
    expect(pr.synapses).toBe(st.synapses);
    const s = spec('procedural', { N: 10000 });
    const size = (n: string): number => Math.round(s.populations.find((p) => p.name === n)!.fraction * s.N);
    const proc = s.projections.filter((p) => p.storage === 'procedural').reduce((a, p) => a + p.p * size(p.pre) * size(p.post), 0);
    expect(proc).toBeGreaterThan(0);
    expect(pr.proceduralSynapses).toBeCloseTo(proc, 6);
    expect(st.hostBytes - pr.hostBytes).toBeCloseTo(HOST_BYTES_PER_SYNAPSE * proc, -2);
    expect(st.deviceBytes - pr.deviceBytes).toBeGreaterThanOrEqual(DEVICE_BYTES_PER_SYNAPSE * proc - 1);
  });
});

describe("storage 'auto'", () => {
  const autoSpec = (): NetworkSpec => {
    const s = spec('auto', { N: 10000 });
    const ei = s.projections.find((p) => p.plasticity)!;
    ei.storage = 'auto'; // plastic: may never become procedural
    return s;
  };
  const storages = (s: NetworkSpec): string[] => s.projections.map((p) => `${p.post}<-${p.pre}:${p.storage ?? '-'}`);
  it('stored while the estimate fits the budget; else procedural, largest first, until it fits', () => {
    const s = autoSpec();
    const all = estimateResources(resolveAutoStorage(s, Infinity));
    expect(storages(resolveAutoStorage(s, Infinity))).toEqual(['E<-E:stored', 'E<-I:stored', 'I<-E:stored', 'I<-I:stored', 'E<-X:-', 'I<-X:-']);
    expect(derive(s).projections.map((p) => p.storage)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored', 'stored']); // unresolved: stored
    // E<-E (6.4e6 synapses) alone brings it under this budget
    const eeBytes = HOST_BYTES_PER_SYNAPSE * 0.1 * 8000 * 8000;
    const one = resolveAutoStorage(s, all.hostBytes - eeBytes + 1);
    expect(storages(one)).toEqual(['E<-E:procedural', 'E<-I:stored', 'I<-E:stored', 'I<-I:stored', 'E<-X:-', 'I<-X:-']);
    expect(estimateResources(one).hostBytes).toBeLessThanOrEqual(all.hostBytes - eeBytes + 1);
    // one byte less: the next largest (I<-E, 1.6e6) goes too
    expect(storages(resolveAutoStorage(s, all.hostBytes - eeBytes))[2]).toBe('I<-E:procedural');
    // nothing fits: every projection that may be procedural is, the plastic one stays stored
    expect(storages(resolveAutoStorage(s, 1))).toEqual(['E<-E:procedural', 'E<-I:stored', 'I<-E:procedural', 'I<-I:procedural', 'E<-X:-', 'I<-X:-']);
    expect(() => validate(resolveAutoStorage(s, 1))).not.toThrow();
  });
});
