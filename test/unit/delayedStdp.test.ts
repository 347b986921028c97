// STDP and iSTDP with a synaptic delay (the axonal-delay convention, docs/trials-delays.md; src/engine/cpu/spikeHistory.ts):
// one pre (A) and one post (B) probe neuron spiking at forced steps, through a plastic projection with a delay
// of d steps. A pre spike emitted at step t arrives at step a = t + d - 1 (the step whose end its input joins,
// as for d = 1 at a = t): the pre-spike update happens at a with the post trace before a, and the post-spike
// update at step q reads a pre trace of arrivals (sum over a < q of decay^(q - a)). Checked against the f64
// pair rule at the arrival times, and bit for bit against an undelayed run whose pre spikes are shifted by d - 1.
import { expectedPairRule } from './pairRule.ts';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import * as R from '../../src/model/rules.ts';
import type { NetworkSpec, PlasticitySpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilEif } from '../../src/presets/akil2021.ts';
import { SpecError } from '../../src/model/validate.ts';
import { gpuUnsupportedModels } from '../../src/engine/webgpu/plan.ts';

const dt = 0.1;

function pairSpec(rule: PlasticitySpec, j: number, delay?: ProjectionSpec['delay']): NetworkSpec {
  return validate({
    name: 'probe', N: 2, dt_ms: dt, T_s: 1, seed: 1, maxRate_Hz: 1e4,
    populations: [
      { name: 'A', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
      { name: 'B', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
    ],
    inputs: [],
    projections: [{ pre: 'A', post: 'B', connectivity: 'bernoulli', p: 1, j, scaleBySqrtN: false, plasticity: rule, ...(delay ? { delay } : {}) }],
    recording: { window_ms: 250, statsStart_s: 0.5, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 1, covSample: 0 },
  });
}

/** The engine's passes with neuron_update replaced by forced spikes; per step the weight and B's A-channel current. */
function probe(spec: NetworkSpec, preSteps: number[], postSteps: number[], nSteps: number): { w: number[]; cur: number[] } {
  const net = buildNetwork(derive(spec));
  const e = new CpuEngine(net);
  const st = e.state;
  const d = net.derived;
  const chA = d.pops[0]!.channel;
  const w: number[] = [];
  const cur: number[] = [];
  for (let s = 0; s < nSteps; s++) {
    st.step = s;
    for (const p of e.passes) {
      if (p.name === 'input' || p.name === 'check' || p.name === 'record') continue;
      if (p.name === 'neuron_update') {
        st.nSpikes = 0;
        if (preSteps.includes(s)) st.spikes[st.nSpikes++] = 0;
        if (postSteps.includes(s)) st.spikes[st.nSpikes++] = 1;
        continue;
      }
      p.run(s);
    }
    w.push(st.weights[0]![0]!);
    cur.push(st.current[chA * d.N + 1]!);
  }
  return { w, cur };
}

/** The f64 pair rule (unscaled: jScale 1) with the pre spikes taken at their arrival steps. */
const expected = (rule: PlasticitySpec, j0: number, arrivals: number[], post: number[], nSteps: number): number => expectedPairRule(rule, j0, 1, arrivals, post, nSteps);

const rules: [string, PlasticitySpec, number][] = [
  ['hebbian (STDP)', R.hebbian({ eta: 1e-2, tauSTDP_ms: 20 }), 20],
  ['istdp-ei (iSTDP)', R.homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 20 }), -150],
];

describe('STDP with delays: updates at the arrival time (axonal-delay convention)', () => {
  for (const [name, rule, j0] of rules) {
    for (const d of [2, 5, 17]) {
      // emissions chosen so that arrivals fall before, on and after the post spikes
      for (const k of [-30, -3, 0, 3, 30]) {
        it(`${name}, d = ${d} steps, post - arrival = ${k} dt`, () => {
          const post = [100, 400];
          const arrivals = post.map((q) => q - k);
          const emitted = arrivals.map((a) => a - (d - 1));
          const n = 520;
          const got = probe(pairSpec(rule, j0, { min_ms: d * dt, max_ms: d * dt }), emitted, post, n);
          const want = expected(rule, j0, arrivals, post, n);
          expect(Math.abs(got.w[n - 1]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
          if (k !== 0) expect(got.w[n - 1]).not.toBe(Math.fround(j0)); // (k = 0: hebbian's two terms cancel, as without delay)
          // exactly the undelayed rule on spikes emitted at the arrival steps: weights and B's input, bit for bit
          const ref = probe(pairSpec(rule, j0), arrivals, post, n);
          expect(got.w).toEqual(ref.w);
          expect(got.cur).toEqual(ref.cur);
          // the input joins B's current at the end of the arrival step t0 + d - 1, not before
          const first = got.cur.findIndex((x) => x !== 0);
          expect(first).toBe(Math.min(...arrivals));
        });
      }
    }
  }

  it('d = 1 written out is bit-identical to no delay (a plastic projection)', () => {
    const rule = rules[0]![1];
    const a = probe(pairSpec(rule, 20), [10, 50, 90], [30, 52, 89], 200);
    const b = probe(pairSpec(rule, 20, { min_ms: dt, max_ms: dt }), [10, 50, 90], [30, 52, 89], 200);
    expect(b.w).toEqual(a.w);
    expect(b.cur).toEqual(a.cur);
  });

  it('a network run with delayed STDP resumes from a snapshot bit-identically (the spike history travels)', async () => {
    const s = pairSpec(rules[0]![1], 20, { min_ms: 0.5, max_ms: 0.5 });
    (s.populations[0]!.neuron as { eL_mV: number }).eL_mV = -40; // both fire on their own (rest above threshold)
    (s.populations[1]!.neuron as { eL_mV: number }).eL_mV = -45;
    const net = buildNetwork(derive(validate(s)));
    const a = new CpuEngine(net);
    await a.advance(3000);
    expect(a.state.shist.length).toBe(5 * net.derived.N);
    const snap = await a.snapshot();
    const w0 = Array.from(a.state.weights[0]!);
    const b = new CpuEngine(net);
    await b.restore(snap); // before a advances: a snapshot holds views of the state
    await a.advance(3000);
    await b.advance(3000);
    expect(Array.from(b.state.weights[0]!)).toEqual(Array.from(a.state.weights[0]!));
    expect(Array.from(b.state.v)).toEqual(Array.from(a.state.v));
    expect(Array.from(a.state.weights[0]!)).not.toEqual(w0); // plasticity acted after the snapshot
  });

  it('per-synapse delays spanning more than MAX_STDP_DELAY_SPAN steps on an STDP projection are refused by name', () => {
    const rule = rules[0]![1];
    expect(() => pairSpec(rule, 20, { min_ms: 0.1, max_ms: 6.5 })).toThrow(SpecError);
    expect(() => pairSpec(rule, 20, { min_ms: 0.1, max_ms: 6.5 })).toThrow(/projections\[0\]\.delay.*65 delays.*at most 64 distinct delays/);
    expect(() => pairSpec(rule, 20, { min_ms: 0.1, max_ms: 6.4 })).not.toThrow();
  });

  it('the WebGPU engine runs delayed STDP, per-synapse delays too (test/gpu/delayedStdp, heteroDelayedStdp), refuses more lags than MAX_TRACES holds by name', () => {
    const rule = rules[0]![1];
    expect(gpuUnsupportedModels(buildNetwork(derive(pairSpec(rule, 20, { min_ms: 0.3, max_ms: 0.3 }))))).toEqual([]);
    expect(gpuUnsupportedModels(buildNetwork(derive(pairSpec(rule, 20, { min_ms: 0.2, max_ms: 0.5 }))))).toEqual([]);
    // 15 lags + the post trace fit the 16 trace groups; 16 lags do not (auto picks the CPU, which runs up to 64)
    expect(gpuUnsupportedModels(buildNetwork(derive(pairSpec(rule, 20, { min_ms: 0.1, max_ms: 1.5 }))))).toEqual([]);
    const wide = buildNetwork(derive(pairSpec(rule, 20, { min_ms: 0.1, max_ms: 1.6 })));
    expect(wide.derived.traces.length).toBe(17);
    expect(gpuUnsupportedModels(wide)).toEqual([
      'projections[0].delay (1..16 steps: on the WebGPU engine, per-synapse delays with spike-driven plasticity take one pre trace group per delay (16 here) and the network\'s 17 trace groups exceed MAX_TRACES = 16: fewer distinct delays, or --backend cpu)',
    ]);
  });
});

// Per-synapse delays (src/engine/cpu/heteroDelayed.ts): one pre A onto two posts B0, B1 whose synapses got different
// delays d0 != d1 (drawn at build). Each synapse follows the pair rule at its own arrival times a = t + d_y - 1, so
// (forced spikes: synapses independent) its weight and its post's input are, bit for bit, those of a run with one
// delay d_y for the whole projection, and within 1e-6 of the f64 pair rule at those arrivals.
describe('STDP with per-synapse delays: each synapse at its own arrival time', () => {
  function twoPostSpec(rule: PlasticitySpec, j: number, seed: number, delay: ProjectionSpec['delay']): NetworkSpec {
    const s = pairSpec(rule, j, delay);
    return validate({ ...s, N: 3, seed, populations: [{ ...s.populations[0]!, fraction: 1 / 3 }, { ...s.populations[1]!, fraction: 2 / 3 }] });
  }

  /** Forced spikes (pre: A; post: both B); per synapse y the final weight and post's A-channel current per step. */
  function run(spec: NetworkSpec, preSteps: number[], postSteps: number[], nSteps: number) {
    const net = buildNetwork(derive(spec));
    const e = new CpuEngine(net);
    const st = e.state;
    const chA = net.derived.pops[0]!.channel;
    const cur: number[][] = [[], []];
    for (let s = 0; s < nSteps; s++) {
      st.step = s;
      for (const p of e.passes) {
        if (p.name === 'input' || p.name === 'check' || p.name === 'record') continue;
        if (p.name === 'neuron_update') {
          st.nSpikes = 0;
          if (preSteps.includes(s)) st.spikes[st.nSpikes++] = 0;
          if (postSteps.includes(s)) (st.spikes[st.nSpikes++] = 1), (st.spikes[st.nSpikes++] = 2);
          continue;
        }
        p.run(s);
      }
      for (const b of [0, 1]) cur[b]!.push(st.current[chA * 3 + 1 + b]!);
    }
    return { net, w: Array.from(st.weights[0]!), cur };
  }

  for (const [name, rule, j0] of rules) for (const [dMin, dMax] of [[2, 9], [1, 4]] as const) {
    it(`${name}: two synapses with delays d0 != d1 in [${dMin}, ${dMax}] steps`, () => {
      const delay = { min_ms: dMin * dt, max_ms: dMax * dt };
      const seed = [...Array(50).keys()].map((k) => k + 1).find((sd) => {
        const del = buildNetwork(derive(twoPostSpec(rule, j0, sd, delay))).delays[0];
        return !!del && del[0] !== del[1];
      });
      expect(seed).toBeDefined();
      const post = [100, 300, 310];
      const pre = [97, 290, 305, 320];
      const n = 420;
      const got = run(twoPostSpec(rule, j0, seed!, delay), pre, post, n);
      const del = got.net.delays[0]!;
      const c = got.net.csr[0]!;
      expect(got.net.derived.projections[0]!.preTraceByLag.length).toBe(dMax - dMin + 1); // one pre trace group per lag
      for (let y = 0; y < 2; y++) {
        const d = del[y]!;
        const b = c.post[y]! - 1; // B0 or B1
        const want = expected(rule, j0, pre.map((t) => t + d - 1), post, n);
        expect(Math.abs(got.w[y]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
        expect(got.w[y]).not.toBe(Math.fround(j0));
        // bit for bit: the same synapse in a run with one delay d for the whole projection
        const one = run(twoPostSpec(rule, j0, seed!, { min_ms: d * dt, max_ms: d * dt }), pre, post, n);
        expect(got.w[y]).toBe(one.w[y]);
        expect(got.cur[b]).toEqual(one.cur[b]);
        expect(got.cur[b]!.findIndex((x) => x !== 0)).toBe(pre[0]! + d - 1); // the first input joins at its arrival step
      }
      expect(got.w[0]).not.toBe(got.w[1]); // the two delays gave two different histories
    });
  }
});
