// The synapse passes' WebAssembly kernels (kernels.wat "propagate" and "pairRow", src/engine/cpu/synapseKernels.ts)
// against the JavaScript walks they replace, bit for bit: two engines on the same network, one with the synapse
// kernels and one without (both with the neuron kernels), started from the same random state (weights on and
// beyond the rule's bounds, subnormal and signed-zero traces, V near threshold so that many neurons spike), then
// stepped eagerly and with deferred post updates (tiny logs and epochs: every flush path), compared after every
// step (spikes, accumulators) and at the end (weights, traces, V, currents).
import { afterEach, describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { setSynapseKernels, synapseKernelsOf, synapsePlan } from '../../src/engine/cpu/synapseKernels.ts';
import { arenaOf } from '../../src/engine/cpu/wasmKernels.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { fig3IstdpEi } from '../../src/presets/akilFigures.ts';
import { Mulberry32 } from '../mulberry32.ts';

afterEach(() => setSynapseKernels(true));

const N = 500;


/** fig3IstdpEi at N with general rules (post trace term, linear weight dependence, bounds) on E<-I and E<-E. */
function spec(mode: 'clip' | 'gate' | 'none'): NetworkSpec {
  const s = fig3IstdpEi();
  const bounds = (jMin: number, jMax: number) => (mode === 'none' ? {} : { bounds: { jMin, jMax, mode } });
  const projections = s.projections.map((p) => {
    if (mode === 'none') return p;
    if (p.pre === 'I' && p.post === 'E')
      return { ...p, plasticity: { rule: 'general', tauSTDP_ms: 20, eta: 0.05, onPre: { a: 0.5, bPre: 0, bPost: -1, weightDep: 'linear' as const, jRef: -150 }, onPost: { a: -0.2, bPre: -1, bPost: 0.7, weightDep: 'none' as const }, ...bounds(-170, -120) } };
    if (p.pre === 'E' && p.post === 'E')
      return { ...p, plasticity: { rule: 'general', tauSTDP_ms: 30, eta: 0.02, onPre: { a: 0, bPre: 0.3, bPost: 1, weightDep: 'none' as const }, onPost: { a: 0.1, bPre: 1, bPost: -0.3, weightDep: 'linear' as const, jRef: 25 }, ...bounds(0, 40) } };
    return p;
  });
  return { ...s, N, T_s: 0.2, projections, recording: { ...s.recording, statsStart_s: 0, bin_ms: 50 } } as NetworkSpec;
}

/** The same random state in both engines: V (a fifth near threshold), traces, plastic weights around their bounds. */
function randomize(engines: CpuEngine[], seed: number): void {
  const rng = new Mulberry32(seed);
  const u = () => rng.nextU32() / 2 ** 32;
  const net = engines[0]!.net;
  const d = net.derived;
  const v = new Float32Array(d.N);
  for (const p of d.pops) for (let i = p.offset; i < p.offset + p.size; i++) v[i] = u() < 0.2 ? p.neuron.vThresh - 0.5 * u() : p.neuron.vReset + (p.neuron.vThresh - p.neuron.vReset) * u();
  const traces = d.traces.map(() => Float32Array.from({ length: d.N }, () => { const r = u(); return r < 0.05 ? -0 : r < 0.1 ? 1e-40 * u() : 4 * u(); }));
  const weights = d.projections.map((pr, pi) => {
    const w = Float32Array.from(net.csr[pi]!.weight);
    const r = pr.plastic;
    if (!r) return w;
    const lo = Number.isFinite(r.jMin) ? r.jMin : pr.J * 1.5;
    const hi = Number.isFinite(r.jMax) ? r.jMax : pr.J * 0.5;
    for (let y = 0; y < w.length; y++) {
      const x = u();
      w[y] = x < 0.05 ? lo : x < 0.1 ? hi : Math.min(lo, hi) + Math.abs(hi - lo) * u(); // on the bounds: gated / clipped
    }
    return w;
  });
  for (const e of engines) {
    e.state.v.set(v);
    traces.forEach((t, k) => e.state.traces[k]!.set(t));
    weights.forEach((w, k) => e.state.weights[k]!.set(w));
  }
}

const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Steps both engines `steps` times, comparing spikes and accumulators after each step, then the final state. */
function stepAndCompare(k: CpuEngine, j: CpuEngine, steps: number): void {
  for (let s = 0; s < steps; s++) {
    k.stepOnce();
    j.stepOnce();
    expect(Array.from(k.state.spikes.subarray(0, k.state.nSpikes)), `spikes at step ${s}`).toEqual(Array.from(j.state.spikes.subarray(0, j.state.nSpikes)));
    expect(bits(k.state.current).equals(bits(j.state.current)), `currents after step ${s}`).toBe(true);
  }
}

function expectSameState(k: CpuEngine, j: CpuEngine): void {
  k.state.weights.forEach((w, i) => expect(bits(w).equals(bits(j.state.weights[i]!)), `weights of projection ${i}`).toBe(true));
  k.state.traces.forEach((t, i) => expect(bits(t).equals(bits(j.state.traces[i]!)), `trace ${i}`).toBe(true));
  expect(bits(k.state.v).equals(bits(j.state.v)), 'V').toBe(true);
  expect(bits(k.state.acc).equals(bits(j.state.acc)), 'accumulators').toBe(true);
}

/** [with the synapse kernels, without] on the same network. */
function pair(net: BuiltNetwork): [CpuEngine, CpuEngine] {
  const k = new CpuEngine(net);
  setSynapseKernels(false);
  const j = new CpuEngine(net);
  setSynapseKernels(true);
  expect(synapseKernelsOf(k.state), 'kernels in the WebAssembly engine').toBeDefined();
  expect(arenaOf(k.state.weights.find((_, i) => net.derived.projections[i]!.plastic)!), 'plastic weights in the arena').toBeDefined();
  expect(synapseKernelsOf(j.state), 'no kernels in the JavaScript engine').toBeUndefined();
  expect(arenaOf(j.state.v), 'the JavaScript engine still has the neuron kernels').toBeDefined();
  return [k, j];
}

describe('synapse kernels (WebAssembly) = the JavaScript walks, bit for bit', () => {
  const cases: ['clip' | 'gate' | 'none', number][] = [['none', 1], ['clip', 2], ['gate', 3]];
  for (const [mode, seed] of cases) {
    it(`random states, rules ${mode === 'none' ? 'fig3IstdpEi (EI iSTDP)' : `general with ${mode} bounds on E<-I and E<-E`}: eager, then deferred (tiny log and epoch)`, () => {
      const net = buildNetwork(derive(validate(spec(mode))));
      const [k, j] = pair(net);
      randomize([k, j], seed);
      const w0 = k.state.weights.map((w) => w.slice());
      stepAndCompare(k, j, 150); // eager: propagation + pre update in the kernel, JS post pass
      expectSameState(k, j);
      for (const [epoch, capacity] of [[2048, 1 << 16], [23, 1 << 16], [2048, 30]] as const) {
        expect(k.beginDeferredPost({ maxEpochSteps: epoch, capacity })).toBe(true);
        expect(j.beginDeferredPost({ maxEpochSteps: epoch, capacity })).toBe(true);
        stepAndCompare(k, j, 150); // deferred: flush + propagation + pre update in one kernel walk; bin and full-log flushes
        k.endDeferredPost();
        j.endDeferredPost();
        expectSameState(k, j);
      }
      // the weights moved (else the comparison says little), and the plastic counts: plenty of updates
      const moved = k.state.weights.reduce((n, w, i) => n + w.reduce((m, x, y) => m + (x !== w0[i]![y] ? 1 : 0), 0), 0);
      expect(moved).toBeGreaterThan(1000);
    }, 120_000);
  }

  it('a short advance() (deferred inside when the projection is large enough) keeps the bits', async () => {
    const net = buildNetwork(derive(validate(spec('clip'))));
    const [k, j] = pair(net);
    k.deferMinSynapses = 0;
    j.deferMinSynapses = 0;
    randomize([k, j], 7);
    await k.advance(777);
    await j.advance(777);
    expectSameState(k, j);
  }, 120_000);

  it('a pair projection whose pre trace decays by a non-f32 factor keeps the JavaScript walk (pairRow rebuilds that trace with f32 products)', () => {
    const net = buildNetwork(derive(validate(spec('none'))));
    const d = net.derived;
    const pairs = d.projections.filter((p) => p.plastic?.family === 'pair');
    expect(pairs.length).toBeGreaterThan(0);
    expect(synapsePlan(net).filter((p) => p.kind === 'pair').map((p) => p.pi)).toEqual(pairs.map((p) => p.index));
    const g = d.traces[pairs[0]!.plastic!.preTrace]!;
    (g as { decay: number }).decay = g.decay + 2 ** -40; // not an f32 value
    expect(Math.fround(g.decay)).not.toBe(g.decay);
    expect(synapsePlan(net).some((p) => p.pi === pairs[0]!.index)).toBe(false);
  });
});
