// Synaptic delays (CPU engine; src/engine/cpu/delayedPropagate.ts): one presynaptic neuron spikes once, at
// step t0; through a synapse of delay d its input must join the postsynaptic current exactly at the end of
// step t0 + d - 1 (so V feels it at t0 + d), for a delay per projection and for heterogeneous delays drawn per
// synapse. d = 1 written out is bit-identical to no delay. Bad input: a delay below one step, beyond the
// ring, max < min, and heterogeneous delays on a spike-driven (STDP) projection are SpecErrors naming the field.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive, MAX_DELAY_STEPS } from '../../src/model/derive.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { hebbian } from '../../src/model/rules.ts';

const DT = 0.1;

function spec(delay: ProjectionSpec['delay'] | undefined, nPost = 1): NetworkSpec {
  const lif = (v0: number, refractory_ms: number, vThresh_mV: number) => ({ model: 'lif' as const, tauMem_ms: 20, eL_mV: 0, vThresh_mV, vReset_mV: 0, refractory_ms, vInitLow_mV: v0, vInitHigh_mV: v0 });
  const N = 1 + nPost;
  return {
    name: 'delay-probe', N, dt_ms: DT, T_s: 0.05, seed: 5,
    populations: [
      { name: 'A', fraction: 1 / N, neuron: lif(11, 1000, 10), tauSyn_ms: 5 }, // fires at step 0, then refractory
      { name: 'B', fraction: nPost / N, neuron: lif(0, 0, 1000), tauSyn_ms: 5 }, // never fires
    ],
    inputs: [],
    projections: [{ pre: 'A', post: 'B', connectivity: 'bernoulli', p: 1, j: 1, scaleBySqrtN: false, ...(delay ? { delay } : {}) }],
    recording: { window_ms: 10, statsStart_s: 0, bin_ms: 10, rasterNeurons: 2, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1e4,
  };
}

/** Steps at whose end each post neuron's A-channel current first becomes non-zero (-1: never). */
async function arrivals(s: NetworkSpec): Promise<{ first: number[]; spikeStep: number; net: ReturnType<typeof buildNetwork> }> {
  const net = buildNetwork(derive(validate(s)));
  const e = new CpuEngine(net);
  const d = net.derived;
  const chA = d.pops[0]!.channel;
  const B = d.pops[1]!;
  const first = new Array<number>(B.size).fill(-1);
  let spikeStep = -1;
  for (let t = 0; t < d.nSteps; t++) {
    await e.advance(1);
    if (spikeStep < 0 && e.state.nSpikes > 0 && e.state.spikes[0] === 0) spikeStep = t;
    for (let k = 0; k < B.size; k++) if (first[k]! < 0 && e.state.current[chA * d.N + B.offset + k] !== 0) first[k] = t;
  }
  return { first, spikeStep, net };
}

describe('synaptic delays: a spike arrives exactly d steps later', () => {
  it('no delay: the input joins at the end of the spike step (V feels it one step later)', async () => {
    const r = await arrivals(spec(undefined));
    expect(r.spikeStep).toBe(0);
    expect(r.first).toEqual([0]);
  });

  it.each([[1], [2], [5], [17], [64]])('per projection, d = %i steps: joins at step t0 + d - 1', async (d) => {
    const r = await arrivals(spec({ min_ms: d * DT, max_ms: d * DT }));
    expect(r.spikeStep).toBe(0);
    expect(r.first).toEqual([d - 1]);
  });

  it('heterogeneous per synapse (1..10 steps, drawn at build): each target at its own delay, all values used', async () => {
    const r = await arrivals(spec({ min_ms: DT, max_ms: 10 * DT }, 200));
    const del = r.net.delays[0]!;
    expect(del).not.toBeNull();
    const c = r.net.csr[0]!;
    const B = r.net.derived.pops[1]!;
    const want = new Array<number>(B.size).fill(-1);
    for (let y = 0; y < c.post.length; y++) want[c.post[y]! - B.offset] = del[y]! - 1;
    expect(r.first).toEqual(want);
    expect(new Set(del).size).toBe(10);
    expect(Math.min(...del)).toBe(1);
    expect(Math.max(...del)).toBe(10);
  });

  it('d = 1 written out is bit-identical to no delay (V, currents, spikes of a recurrent network)', async () => {
    const base = spec(undefined, 50);
    const rec = { ...base.projections[0]!, pre: 'B', post: 'B', p: 0.3, j: 2 };
    const run = async (delay?: ProjectionSpec['delay']) => {
      const s: NetworkSpec = { ...base, projections: [{ ...base.projections[0]!, j: 30 }, { ...rec, ...(delay ? { delay } : {}) }], populations: base.populations.map((p) => (p.name === 'B' ? { ...p, neuron: { ...p.neuron, vThresh_mV: 1, refractory_ms: 2 } } : p)) };
      const e = new CpuEngine(buildNetwork(derive(validate(s))));
      const v: number[] = [], cur: number[] = [];
      for (let t = 0; t < 200; t++) {
        await e.advance(1);
        v.push(...e.state.v);
        cur.push(...e.state.current);
      }
      return { v, cur, n: (await e.recordings()).neuronStats.spikeCount };
    };
    const a = await run();
    const b = await run({ min_ms: DT, max_ms: DT });
    expect(b.v).toEqual(a.v);
    expect(b.cur).toEqual(a.cur);
    expect(Array.from(b.n)).toEqual(Array.from(a.n));
    expect(Array.from(a.n).reduce((x, y) => x + y, 0)).toBeGreaterThan(10);
    const c = await run({ min_ms: 3 * DT, max_ms: 3 * DT });
    expect(c.v).not.toEqual(a.v);
  });
});

describe('synaptic delays: bad input', () => {
  it.each([
    [{ min_ms: 0.04, max_ms: 0.1 }, /projections\[0\]\.delay\.min_ms.*one step/],
    [{ min_ms: 0.05, max_ms: 1 }, /projections\[0\]\.delay\.min_ms = 0\.05.*shorter than one step/],
    [{ min_ms: 0, max_ms: 0 }, /projections\[0\]\.delay\.min_ms/],
    [{ min_ms: 0.5, max_ms: 0.2 }, /projections\[0\]\.delay\.max_ms.*>= min_ms/],
    [{ min_ms: 0.1, max_ms: (MAX_DELAY_STEPS + 1) * DT }, /projections\[0\]\.delay\.max_ms.*delay ring/],
  ])('%j is a SpecError naming the field', (delay, re) => {
    expect(() => validate(spec(delay))).toThrow(re);
  });

  it('heterogeneous delays on an STDP projection are allowed within 64 distinct delays, beyond refused by name (delayedStdp.test.ts)', () => {
    const s = spec({ min_ms: 0.2, max_ms: 0.4 });
    s.projections[0]!.plasticity = hebbian({ eta: 1e-3, tauSTDP_ms: 20 });
    expect(() => validate(s)).not.toThrow();
    const w = spec({ min_ms: 0.1, max_ms: 10 });
    w.projections[0]!.plasticity = hebbian({ eta: 1e-3, tauSTDP_ms: 20 });
    expect(() => validate(w)).toThrow(/projections\[0\]\.delay.*at most 64 distinct delays/);
    const h = spec({ min_ms: 0.2, max_ms: 0.2 });
    h.projections[0]!.plasticity = hebbian({ eta: 1e-3, tauSTDP_ms: 20 });
    expect(() => validate(h)).not.toThrow();
  });
});
