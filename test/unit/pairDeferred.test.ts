// Deferred pair-STDP post updates (src/plasticity/pairDeferred.ts, issue 24): a run with the post updates
// logged and applied in row walks / full flushes must end with the bits of the eager passes, step for step
// (spikes) and at the end (weights, traces, V). Short epochs and a tiny log force every flush path (row walk,
// bin close, full log, old epoch, end of the deferral) many times; rules with a post trace term, linear weight
// dependence, clip and gate bounds, and a plastic projection within one population (E<-E) are covered.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { fig3IstdpEi } from '../../src/presets/akilFigures.ts';
import { PairDeferral } from '../../src/plasticity/pairDeferred.ts';

const N = 600;
const T_s = 0.3;

function small(spec: NetworkSpec): NetworkSpec {
  return { ...spec, N, T_s, recording: { ...spec.recording, statsStart_s: 0, bin_ms: 50 } };
}

/** fig3IstdpEi with E<-I's rule replaced by a general rule (post trace term, bounds) and E<-E plastic too. */
function mixedRules(mode: 'clip' | 'gate'): NetworkSpec {
  const s = fig3IstdpEi();
  const projections = s.projections.map((p) => {
    if (p.pre === 'I' && p.post === 'E')
      return {
        ...p,
        plasticity: {
          rule: 'general', tauSTDP_ms: 20, eta: 0.05,
          onPre: { a: 0.5, bPre: 0, bPost: -1, weightDep: 'linear' as const, jRef: -150 },
          onPost: { a: -0.2, bPre: -1, bPost: 0.7, weightDep: 'none' as const },
          bounds: { jMin: -170, jMax: -120, mode },
        },
      };
    if (p.pre === 'E' && p.post === 'E')
      return {
        ...p,
        plasticity: {
          rule: 'general', tauSTDP_ms: 30, eta: 0.02,
          onPre: { a: 0, bPre: 0, bPost: 1, weightDep: 'none' as const },
          onPost: { a: 0.1, bPre: 1, bPost: -0.3, weightDep: 'linear' as const, jRef: 25 },
          bounds: { jMin: 0, jMax: 40, mode },
        },
      };
    return p;
  });
  return small({ ...s, projections } as NetworkSpec);
}

interface Run {
  spikes: number[];
  weights: Float32Array[];
  traces: Float32Array[];
  v: Float32Array;
}

function run(spec: NetworkSpec, deferred: { epoch: number; capacity: number } | null): { r: Run; used: boolean } {
  const eng = new CpuEngine(buildNetwork(derive(validate(spec))));
  const used = deferred ? eng.beginDeferredPost({ maxEpochSteps: deferred.epoch, capacity: deferred.capacity }) : false;
  const spikes: number[] = [];
  for (let s = 0; s < eng.net.derived.nSteps; s++) {
    eng.stepOnce();
    for (let k = 0; k < eng.state.nSpikes; k++) spikes.push(s * N + eng.state.spikes[k]!);
  }
  if (deferred) eng.endDeferredPost();
  const st = eng.state;
  return { r: { spikes, weights: st.weights.map((w) => w.slice()), traces: st.traces.map((t) => t.slice()), v: st.v.slice() }, used };
}

function expectSameBits(a: Run, b: Run): void {
  expect(b.spikes.length).toBe(a.spikes.length);
  expect(b.spikes).toEqual(a.spikes);
  const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);
  a.weights.forEach((w, i) => expect(Buffer.compare(Buffer.from(bits(b.weights[i]!).buffer), Buffer.from(bits(w).buffer)), `weights of projection ${i}`).toBe(0));
  a.traces.forEach((t, i) => expect(Buffer.compare(Buffer.from(bits(b.traces[i]!).buffer), Buffer.from(bits(t).buffer)), `trace ${i}`).toBe(0));
  expect(Buffer.compare(Buffer.from(bits(b.v).buffer), Buffer.from(bits(a.v).buffer))).toBe(0);
}

describe('deferred pair-STDP post updates: the eager bits', () => {
  const cases: [string, NetworkSpec][] = [
    ['fig3IstdpEi (EI iSTDP, linear weight dependence)', small(fig3IstdpEi())],
    ['general rules with clip bounds on E<-I and E<-E', mixedRules('clip')],
    ['general rules with gate bounds on E<-I and E<-E', mixedRules('gate')],
  ];
  for (const [name, spec] of cases) {
    it(name, () => {
      const eager = run(spec, null).r;
      // the weights must move, or the comparison says nothing
      const w0 = buildNetwork(derive(validate(spec))).csr.map((c) => c.weight);
      const moved = eager.weights.some((w, i) => w.some((x, y) => x !== w0[i]![y]));
      expect(moved).toBe(true);
      for (const d of [{ epoch: 2048, capacity: 1 << 16 }, { epoch: 37, capacity: 1 << 16 }, { epoch: 2048, capacity: 40 }]) {
        const def = run(spec, d);
        expect(def.used).toBe(true);
        expectSameBits(eager, def.r);
      }
    }, 120_000);
  }

  it('advance() (deferred inside) ends with the weights of eager stepping', async () => {
    const spec = small(fig3IstdpEi());
    const eager = run(spec, null).r;
    const eng = new CpuEngine(buildNetwork(derive(validate(spec))));
    expect(PairDeferral.create(eng.net, eng.state, 0, eng.deferMinSynapses)).toBeNull(); // too small for advance() to defer by default
    eng.deferMinSynapses = 0;
    expect(PairDeferral.create(eng.net, eng.state, 0, eng.deferMinSynapses)).not.toBeNull();
    await eng.advance(1234); // ends between bins: the end of advance flushes
    await eng.advance(eng.net.derived.nSteps);
    eager.weights.forEach((w, i) => expect(Array.from(eng.state.weights[i]!)).toEqual(Array.from(w)));
    eng.dispose();
  }, 120_000);

  it('is not used without a pair-STDP projection or while already deferring', () => {
    const plastic = new CpuEngine(buildNetwork(derive(validate(small(fig3IstdpEi())))));
    expect(plastic.beginDeferredPost()).toBe(true);
    expect(plastic.beginDeferredPost()).toBe(false);
    plastic.endDeferredPost();
    const s = fig3IstdpEi();
    const stat = small({ ...s, projections: s.projections.map(({ plasticity: _, ...p }) => p) } as NetworkSpec);
    expect(new CpuEngine(buildNetwork(derive(validate(stat)))).beginDeferredPost()).toBe(false);
  });
});
