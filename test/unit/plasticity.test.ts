// Closed-form checks of every plasticity rule with one presynaptic and one postsynaptic probe neuron
// spiking at chosen steps (pass code: plasticityPrePass, plasticityPostPass, traceUpdatePass).
import { expectedPairRule as expected } from './pairRule.ts';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { plasticityPostPass, plasticityPrePass } from '../../src/engine/cpu/plasticity.ts';
import { traceUpdatePass } from '../../src/engine/cpu/traceUpdate.ts';
import { derive } from '../../src/model/derive.ts';
import * as R from '../../src/model/rules.ts';
import type { NetworkSpec, PlasticitySpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilEif } from '../../src/presets/akil2021.ts';

const dt = 0.1;

/** A 2-neuron spec: A (pre) -> B (post), p = 1, weight j, with the rule. */
function pairSpec(rule: PlasticitySpec, j: number, scaled: boolean, p = 1): NetworkSpec {
  return validate({
    name: 'probe', N: 2, dt_ms: dt, T_s: 1, seed: 1, maxRate_Hz: 1e4,
    populations: [
      { name: 'A', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
      { name: 'B', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
    ],
    inputs: [],
    projections: [{ pre: 'A', post: 'B', connectivity: 'bernoulli', p, j, scaleBySqrtN: scaled, plasticity: rule }],
    recording: { window_ms: 250, statsStart_s: 0.5, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 1, covSample: 0 },
  });
}

/** Runs the plasticity and trace passes with forced spikes; returns the weight after each step. */
function probe(spec: NetworkSpec, preSteps: number[], postSteps: number[], nSteps: number): number[] {
  const net = buildNetwork(derive(spec));
  const e = new CpuEngine(net);
  const st = e.state;
  const out: number[] = [];
  for (let s = 0; s < nSteps; s++) {
    st.nSpikes = 0;
    if (preSteps.includes(s)) st.spikes[st.nSpikes++] = 0;
    if (postSteps.includes(s)) st.spikes[st.nSpikes++] = 1;
    plasticityPrePass(net, st, s);
    plasticityPostPass(net, st, s);
    traceUpdatePass(net.derived, st, s);
    out.push(st.weights[0]![0] ?? NaN);
  }
  return out;
}


const rules: [string, PlasticitySpec, number][] = [
  ['hebbian', R.hebbian({ eta: 1e-2 }), 20],
  ['anti-hebbian', R.antiHebbian({ eta: 1e-2 }), 20],
  ['soft-hebbian', R.softHebbian({ eta: 1e-2, jMax: 30 }), 20],
  ['hard-hebbian', R.hardHebbian({ eta: 1e-2, jMin: 0, jMax: 50 }), 20],
  ['oja', R.oja({ eta: 1e-2, beta: 2 }), 20],
  ['kohonen', R.kohonen({ eta: 1e-2, beta: 2 }), 20],
  ['istdp-ei', R.homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200 }), -150],
  ['istdp-ii', R.homeostaticInhibitory('istdp-ii', { eta: 1e-2, rho_Hz: 20, jNorm: -250 }), -250],
  ['homeostatic-ie', R.homeostaticIE({ eta: 1e-2, rho_Hz: 23, jNorm: 112.5 }), 112.5],
  ['hebbian-ie', R.hebbianIE({ eta: 1e-2, jMax: 125 }), 112.5],
  ['vogels', R.vogels({ eta: 1e-2, rho_Hz: 3, wMax: 100, sign: -1 }), -30],
];

describe('plasticity rules: probe pairs against the closed form', () => {
  for (const [name, rule, j0] of rules) {
    for (const scaled of [false, true]) {
      for (const k of [1, 7, 50, -1, -7, -50]) {
        it(`${name}, ${scaled ? 'scaled 1/sqrt(2)' : 'unscaled'}, post - pre = ${k} dt`, () => {
          const pre = k > 0 ? [3, 3 + 200] : [3 - k, 3 - k + 200];
          const post = k > 0 ? [3 + k] : [3];
          const n = 260;
          const w = probe(pairSpec(rule, j0, scaled), pre, post, n);
          const jScale = scaled ? 1 / Math.sqrt(2) : 1;
          const want = expected(rule, j0, jScale, pre, post, n);
          // f32 state: a few f32 roundings per event (relative 2^-24 each) on weights of order |J|.
          expect(Math.abs(w[n - 1]! - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
          expect(w[n - 1]).not.toBe(Math.fround(j0 * jScale)); // the pair did change the weight
        });
      }
    }
  }

  it('no activity leaves every rule unchanged; p = 0 creates no synapse to change', () => {
    for (const [, rule, j0] of rules) {
      const w = probe(pairSpec(rule, j0, true), [], [], 100);
      expect(w[99]).toBe(Math.fround(j0 / Math.sqrt(2)));
      const net = buildNetwork(derive(pairSpec(rule, j0, true, 0)));
      expect(net.csr[0]!.post.length).toBe(0);
    }
  });

  it('Hebbian window: dj = +eta d^k for pre-before-post, -eta d^k for post-before-pre (d = 1 - dt/tau)', () => {
    const rule = R.hebbian({ eta: 1e-2 });
    const d = Math.fround(1 - dt / 200);
    for (const k of [1, 10, 100]) {
      const ltp = probe(pairSpec(rule, 20, false), [5], [5 + k], 5 + k + 2);
      // The weight is stored in f32: at |J| = 20 one ulp is 2^-19, so the increment is exact to within 2 ulp.
      const ulp20 = 2 ** -19;
      expect(Math.abs(ltp.at(-1)! - 20 - 1e-2 * d ** k)).toBeLessThanOrEqual(2 * ulp20);
      const ltd = probe(pairSpec(rule, 20, false), [5 + k], [5], 5 + k + 2);
      expect(Math.abs(ltd.at(-1)! - 20 + 1e-2 * d ** k)).toBeLessThanOrEqual(2 * ulp20);
    }
  });

  it('iSTDP: a lone presynaptic spike weakens inhibition by eta*alpha*|J|/|Jnorm|; a coincident pair strengthens it', () => {
    const rule = R.homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200 });
    const lone = probe(pairSpec(rule, -150, false), [5], [], 10).at(-1)!;
    // dJ = -eta (J/Jnorm)(x_post - alpha) with x_post = 0, alpha = 2 * 10 Hz * 200 ms = 4: +1e-2 * 0.75 * 4 = +0.03.
    expect(lone).toBeCloseTo(-150 + 0.03, 4);
    expect(lone).toBeGreaterThan(-150);
    const pair = probe(pairSpec(rule, -150, false), [5, 6, 7, 8], [9, 10, 11, 12], 14).at(-1)!;
    expect(pair).toBeLessThan(lone);
  });

  it('Kohonen post spike alone: J -> J (1 - eta); Vogels clips at 0', () => {
    const k = probe(pairSpec(R.kohonen({ eta: 0.1, beta: 2 }), 20, false), [], [5], 8).at(-1)!;
    expect(k).toBeCloseTo(20 * 0.9, 5);
    const v = probe(pairSpec(R.vogels({ eta: 10, rho_Hz: 3, wMax: 100, sign: -1 }), -1, false), [5], [], 8).at(-1)!;
    expect(v).toBe(0);
  });

  it('learning time scale: learningTimescale_ms = 1e5 is per-spike eta = 1e-5', () => {
    const a = probe(pairSpec(R.hebbian({ learningTimescale_ms: 1e5 }), 20, false), [5], [9], 12).at(-1)!;
    const b = probe(pairSpec(R.hebbian({ eta: 1e-5 }), 20, false), [5], [9], 12).at(-1)!;
    expect(a).toBe(b);
  });
});
