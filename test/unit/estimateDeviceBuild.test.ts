// The host-memory estimate of a network built on the device (issue 20, item 3): the CLI's refusal counts the row
// pointers of stored static 'bernoulli-counter' projections, not 24 B per synapse; the host build's estimate is
// unchanged; `plasticnet run` picks the device estimate only where the run surely builds on the device.
import { describe, expect, it } from 'vitest';
import { estimateResources, HOST_BYTES_PER_SYNAPSE, resourceRefusal } from '../../src/model/estimate.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { estimateBuild } from '../../src/cli/commands/run.ts';
import { PreparedRun } from '../../src/pipeline/session.ts';
import { checkResources } from '../../src/cli/resources.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

/** Akil EI iSTDP at N; `counter`: every projection 'bernoulli-counter' (else the preset's 'bernoulli'). */
function spec(N: number, counter: boolean): NetworkSpec {
  const s = akilNetwork({ N, T_s: 0.1, seed: 5, plastic: { 'E<-I': EI_ISTDP } });
  if (counter) s.projections = s.projections.map((p): ProjectionSpec => ({ ...p, connectivity: 'bernoulli-counter' }));
  return validate(s);
}

const size = (s: NetworkSpec, n: string): number => Math.round((s.populations.find((p) => p.name === n) ?? s.inputs.find((x) => x.name === n))!.fraction * s.N);

describe('host estimate of a device build', () => {
  it('counts row pointers, not synapses, for static counter projections; plastic ones and the host build unchanged', () => {
    const s = spec(20000, true);
    const host = estimateResources(s);
    const dev = estimateResources(s, { build: 'device' });
    expect(estimateResources(s, { build: 'host' })).toEqual(host);
    const statics = s.projections.filter((p) => p.plasticity === undefined);
    expect(statics.length).toBeGreaterThan(0);
    const syn = statics.reduce((a, p) => a + p.p * size(s, p.pre) * size(s, p.post), 0);
    const rowPtr = statics.reduce((a, p) => a + 4 * (size(s, p.pre) + 1), 0);
    // exactly the static synapses' 24 B replaced by their row pointers
    expect(host.hostBytes - dev.hostBytes).toBeCloseTo(HOST_BYTES_PER_SYNAPSE * syn - rowPtr, -1);
    expect(dev.hostBytes).toBeLessThan(host.hostBytes / 5);
    // the plastic E<-I keeps its 24 B per synapse
    const ei = s.projections.find((p) => p.plasticity !== undefined)!;
    expect(dev.hostBytes).toBeGreaterThan(HOST_BYTES_PER_SYNAPSE * ei.p * size(s, ei.pre) * size(s, ei.post));
    // the device side and the synapse counts do not depend on where the host build happens
    expect(dev.deviceBytes).toBe(host.deviceBytes);
    expect(dev.synapses).toBe(host.synapses);
  });

  it("is the host estimate for projections the device does not build ('bernoulli')", () => {
    const s = spec(20000, false);
    expect(estimateResources(s, { build: 'device' })).toEqual(estimateResources(s));
  });

  it('the refusal: a limit between the two estimates refuses the host build only, naming the device build', () => {
    const s = spec(20000, true);
    const host = estimateResources(s).hostBytes;
    const dev = estimateResources(s, { build: 'device' }).hostBytes;
    const limit = (host + dev) / 2;
    expect(resourceRefusal(s, limit, '--max-memory')).toMatch(/more than the .* allowed \(--max-memory\)/);
    expect(resourceRefusal(s, limit, '--max-memory', { build: 'device' })).toBeNull();
    expect(resourceRefusal(s, dev - 1, '--max-memory', { build: 'device' })).toMatch(/of host memory \(network built on the device\).*more than/);
    expect(() => checkResources(s, limit, 'device')).not.toThrow();
    expect(() => checkResources(s, limit)).toThrow(/refused before allocating/);
  });

  it('plasticnet run estimates a device build only where the run builds on the device', () => {
    const counter = PreparedRun.of(spec(2000, true));
    const plain = PreparedRun.of(spec(2000, false));
    expect(estimateBuild(counter, 'webgpu', undefined, undefined)).toBe('device');
    expect(estimateBuild(counter, 'webgpu', 'auto', undefined)).toBe('device');
    expect(estimateBuild(counter, 'webgpu', 'device', undefined)).toBe('device');
    expect(estimateBuild(counter, 'webgpu', 'host', undefined)).toBe('host');
    expect(estimateBuild(counter, 'webgpu', undefined, '--init-weights')).toBe('host');
    expect(estimateBuild(counter, 'cpu', undefined, undefined)).toBe('host');
    expect(estimateBuild(counter, 'auto', undefined, undefined)).toBe('host');
    expect(estimateBuild(plain, 'webgpu', undefined, undefined)).toBe('host');
  });
});
