// storage 'auto' budgets the host memory of the build that will happen (issue 20, item 3): under a run that surely
// builds on the device (estimateBuild), a static 'bernoulli-counter' projection costs only its row pointers on the
// host, so a budget between the two estimates keeps it stored there and makes it procedural under a host build; the
// host build's choices are those of before (no option = { build: 'host' }).
import { describe, expect, it } from 'vitest';
import { estimateResources, resolveAutoStorage } from '../../src/model/estimate.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { prepareRunSpec } from '../../src/cli/commands/run.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

/** Akil EI iSTDP at N, every projection 'bernoulli-counter', storage 'auto' on every projection among populations. */
function autoSpec(N: number): NetworkSpec {
  const s = akilNetwork({ N, T_s: 0.1, seed: 7, plastic: { 'E<-I': EI_ISTDP } });
  const pops = new Set(s.populations.map((p) => p.name));
  s.projections = s.projections.map((p): ProjectionSpec => ({ ...p, connectivity: 'bernoulli-counter', ...(pops.has(p.pre) ? { storage: 'auto' as const } : {}) }));
  return validate(s);
}
const storages = (s: NetworkSpec): string[] => s.projections.map((p) => `${p.post}<-${p.pre}:${p.storage ?? '-'}`);
const ALL_STORED = ['E<-E:stored', 'E<-I:stored', 'I<-E:stored', 'I<-I:stored', 'E<-X:-', 'I<-X:-'];

describe("storage 'auto' budgets the build that will happen", () => {
  const s = autoSpec(10000);
  const stored = resolveAutoStorage(s, Infinity);
  const host = estimateResources(stored).hostBytes;
  const dev = estimateResources(stored, { build: 'device' }).hostBytes;
  const between = Math.round((host + dev) / 2);

  it('a limit between the two estimates: stored under a device build, procedural under a host build', () => {
    expect(dev).toBeLessThan(between);
    expect(between).toBeLessThan(host);
    expect(storages(resolveAutoStorage(s, between, { build: 'device' }))).toEqual(ALL_STORED);
    // host build: E<-E (6.4e6 synapses, 154 MB at 24 B) goes procedural, and that suffices
    const h = resolveAutoStorage(s, between, { build: 'host' });
    expect(storages(h)).toEqual(['E<-E:procedural', 'E<-I:stored', 'I<-E:stored', 'I<-I:stored', 'E<-X:-', 'I<-X:-']);
    expect(estimateResources(h).hostBytes).toBeLessThanOrEqual(between);
    // a device budget below the row pointers' estimate still makes static ones procedural, the plastic E<-I stays stored
    expect(storages(resolveAutoStorage(s, 1, { build: 'device' }))).toEqual(['E<-E:procedural', 'E<-I:stored', 'I<-E:procedural', 'I<-I:procedural', 'E<-X:-', 'I<-X:-']);
  });

  it("the host build's choices are today's: no option and { build: 'host' } agree at every budget", () => {
    for (const b of [Infinity, host, between, dev, host - 1e6, 1e6, 1]) {
      expect(resolveAutoStorage(s, b, { build: 'host' })).toEqual(resolveAutoStorage(s, b));
    }
    expect(storages(resolveAutoStorage(s, host))).toEqual(ALL_STORED);
    expect(storages(resolveAutoStorage(s, host - 1))[0]).toBe('E<-E:procedural');
    // a spec without 'auto' comes back as the same object, whatever the build
    const plain = resolveAutoStorage(s, Infinity);
    expect(resolveAutoStorage(plain, 1, { build: 'device' })).toBe(plain);
  });

  it('plasticnet run resolves with the estimate of the build it will do (estimateBuild)', () => {
    const loaded = s as unknown as Record<string, unknown>;
    const run = (backend: 'webgpu' | 'cpu' | 'auto', build?: 'host' | 'device' | 'auto', reason?: string): string[] =>
      storages(prepareRunSpec(loaded, { backend, maxMemory: between, ...(build ? { build } : {}) }, reason).spec);
    expect(run('webgpu')).toEqual(ALL_STORED);
    expect(run('webgpu', 'device')).toEqual(ALL_STORED);
    expect(run('webgpu', 'auto')).toEqual(ALL_STORED);
    const hostChoice = storages(resolveAutoStorage(s, between));
    expect(hostChoice[0]).toBe('E<-E:procedural');
    expect(run('webgpu', 'host')).toEqual(hostChoice);
    expect(run('webgpu', undefined, '--init-weights')).toEqual(hostChoice);
    expect(run('cpu')).toEqual(hostChoice);
    expect(run('auto')).toEqual(hostChoice); // --backend auto builds on the device only where it finds a hardware adapter
  });
});
