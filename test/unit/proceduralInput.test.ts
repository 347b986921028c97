// Procedural projections from inputs (storage 'procedural' on E<-X and I<-X, docs/device-build.md): the input pass
// regenerates the spiking source's row from its counter (src/engine/cpu/input.ts: deliver -> proceduralRow) instead
// of reading the stored CSR. A CPU run must be bit-identical to the same network with those projections stored:
// spike trains, V, currents, accumulators, traces and the plastic E<-I weights, with independent Poisson input and
// with correlated input (a source spikes several times in one step: times * q). Validation accepts it on a static
// 'bernoulli-counter' input projection and still names field, value and allowed values otherwise; 'auto' makes input
// projections procedural only after the population projections.
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/model/derive.ts';
import { validate, SpecError } from '../../src/model/validate.ts';
import { estimateResources, resolveAutoStorage, HOST_BYTES_PER_SYNAPSE } from '../../src/model/estimate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { nnzOf } from '../../src/network/connectivity.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { inputSpec } from './proceduralInputHelpers.ts';
import { projectionsOf } from '../../src/io/export/network.ts';
import { bytes } from './checkpointHelpers.ts';
import { expectSameCpuState, run } from './cpuRun.ts';


describe('procedural input projections on the CPU engine', () => {
  it('the network holds no synapse of E<-X and I<-X', () => {
    const net = buildNetwork(derive(inputSpec('procedural')));
    for (const p of net.derived.projections) {
      const c = net.csr[p.index]!;
      if (p.pre.kind === 'input') expect([p.storage, nnzOf(c), c.post.length, c.colSyn.length, c.procedural !== undefined], p.name).toEqual(['procedural', 0, 0, 0, true]);
      else expect([p.storage, nnzOf(c) > 0], p.name).toEqual(['stored', true]);
    }
  });

  for (const [what, o, threads] of [
    ['independent Poisson input', {}, 1],
    ['correlated input (c = 0.3: several copies of a source in one step)', { c: 0.3 }, 1],
    ['every static projection procedural', { pop: 'procedural' as const }, 1],
    ['3 threads (the input pass runs on the main thread)', { N: 600 }, 3],
  ] as const) {
    it(`bit-identical to the stored CSR: ${what}`, async () => {
      const a = await run(inputSpec('stored', o), threads);
      const b = await run(inputSpec('procedural', o), threads);
      expect([a.e.threads, b.e.threads]).toEqual([threads, threads]);
      expect(a.spikes.length).toBeGreaterThan(200);
      expect(b.spikes).toEqual(a.spikes);
      expectSameCpuState(a.e, b.e);
      // the input channels did receive input (the regenerated rows are not empty)
      const d = a.e.net.derived;
      const xc = d.channels.findIndex((c) => c.kind === 'input');
      expect(b.e.state.current.subarray(xc * d.N, (xc + 1) * d.N).some((v) => v !== 0)).toBe(true);
      a.e.dispose?.();
      b.e.dispose?.();
    }, 120_000);
  }

  it('exports list every synapse of E<-X and I<-X, as the stored network would', () => {
    const a = projectionsOf(buildNetwork(derive(inputSpec('stored'))));
    const b = projectionsOf(buildNetwork(derive(inputSpec('procedural'))));
    for (const [i, x] of a.entries()) {
      expect(x.post.length, x.pr.name).toBeGreaterThan(0);
      for (const k of ['pre', 'post', 'J'] as const) expect(bytes(b[i]![k]).equals(bytes(x[k])), `${x.pr.name} ${k}`).toBe(true);
    }
  });
});

describe('validation of storage on input projections', () => {
  const x = (): { s: NetworkSpec; i: number } => {
    const s = akilNetwork({ N: 100, T_s: 0.01 });
    return { s, i: s.projections.findIndex((p) => p.pre === 'X') };
  };
  it("accepts 'procedural' on a static 'bernoulli-counter' projection from an input", () => {
    const { s, i } = x();
    Object.assign(s.projections[i]!, { storage: 'procedural', connectivity: 'bernoulli-counter' });
    expect(derive(validate(s)).projections[i]!.storage).toBe('procedural');
  });
  it('names the field, its value and the allowed values on other connectivity', () => {
    for (const conn of ['bernoulli', 'fixed-indegree']) {
      const { s, i } = x();
      Object.assign(s.projections[i]!, { storage: 'procedural', connectivity: conn });
      let err: unknown = null;
      try {
        validate(s);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpecError);
      expect(String((err as Error).message)).toMatch(new RegExp(`projections\\[${i}\\]\\.storage.*procedural.*'stored' or 'auto' with connectivity "${conn}".*'bernoulli-counter'`, 's'));
    }
  });
});

describe("storage 'auto' with input projections", () => {
  const storages = (s: NetworkSpec): string[] => s.projections.map((p) => `${p.post}<-${p.pre}:${p.storage ?? '-'}`);
  const spec = (): NetworkSpec => inputSpec('auto', { N: 10000, pop: 'auto' });
  it('keeps the choice of the population projections; input ones only when those are not enough', () => {
    const s = spec();
    const all = estimateResources(resolveAutoStorage(s, Infinity));
    expect(storages(resolveAutoStorage(s, Infinity))).toEqual(['E<-E:stored', 'E<-I:-', 'I<-E:stored', 'I<-I:stored', 'E<-X:stored', 'I<-X:stored']);
    // E<-E (6.4e6) alone: the input projections (E<-X 3.2e6 > I<-E 1.6e6) stay stored although larger than I<-E
    const eeBytes = HOST_BYTES_PER_SYNAPSE * 0.1 * 8000 * 8000;
    expect(storages(resolveAutoStorage(s, all.hostBytes - eeBytes))).toEqual(['E<-E:procedural', 'E<-I:-', 'I<-E:procedural', 'I<-I:stored', 'E<-X:stored', 'I<-X:stored']);
    // every population projection procedural is not enough: E<-X (the larger) next, then I<-X
    const pops = estimateResources(resolveAutoStorage(inputSpec('stored', { N: 10000, pop: 'procedural' }), Infinity)).hostBytes;
    const exBytes = HOST_BYTES_PER_SYNAPSE * 0.1 * 2000 * 8000;
    expect(storages(resolveAutoStorage(s, pops - 1))).toEqual(['E<-E:procedural', 'E<-I:-', 'I<-E:procedural', 'I<-I:procedural', 'E<-X:procedural', 'I<-X:stored']);
    expect(storages(resolveAutoStorage(s, pops - exBytes - 1))).toEqual(['E<-E:procedural', 'E<-I:-', 'I<-E:procedural', 'I<-I:procedural', 'E<-X:procedural', 'I<-X:procedural']);
    expect(() => validate(resolveAutoStorage(s, 1))).not.toThrow();
  });
  it('a `fits` check (e.g. the WebGPU graph) makes projections procedural where the host budget alone would not', () => {
    const s = spec();
    const noStoredInput = (t: NetworkSpec): boolean => t.projections.every((p) => p.pre !== 'X' || p.storage === 'procedural');
    expect(storages(resolveAutoStorage(s, Infinity, {}, noStoredInput))).toEqual(['E<-E:procedural', 'E<-I:-', 'I<-E:procedural', 'I<-I:procedural', 'E<-X:procedural', 'I<-X:procedural']);
    expect(storages(resolveAutoStorage(s, Infinity, {}, () => true))).toEqual(storages(resolveAutoStorage(s, Infinity)));
  });
});
