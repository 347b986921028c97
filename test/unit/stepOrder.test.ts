// The order of the plasticity updates within one engine step (issue 25). When the pre- and postsynaptic
// neurons of a synapse spike in the same step, the pre-spike update comes first and the post-spike update
// second, both with the traces from before the step (SPEC §2.5 step 4, the authors' loop: pre spikes, then
// post spikes, then x[spikers] += 1). For Kohonen (pre: J += eta beta x_post; post: J -= eta J) the two
// orders give different weights, (J + A)(1 - eta) against J (1 - eta) + A, so the order is observable.
// This runs the whole CpuEngine.stepOnce (the schedule), not the passes one by one as plasticity.test.ts does.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/build/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import * as R from '../../src/model/rules.ts';
import type { PlasticitySpec, RuleTerm } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilEif } from '../../src/presets/akil2021.ts';

const ETA = 0.05;
const BETA = 2;
const J0 = 1.5;
const X_PRE = 0.7; // traces before the step
const X_POST = 0.4;

function engine(rule: PlasticitySpec): CpuEngine {
  const spec = validate({
    name: 'order-probe', N: 2, dt_ms: 0.1, T_s: 1, seed: 1, maxRate_Hz: 1e4,
    populations: [
      { name: 'A', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
      { name: 'B', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
    ],
    inputs: [],
    projections: [{ pre: 'A', post: 'B', connectivity: 'bernoulli', p: 1, j: J0, scaleBySqrtN: false, plasticity: rule }],
    recording: { window_ms: 250, statsStart_s: 0.5, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 1, covSample: 0 },
  });
  return new CpuEngine(buildNetwork(derive(spec)));
}

/** One term of the general rule in f64 from the spec (unscaled weights: jScale = 1). */
const term = (t: RuleTerm, J: number): number => J + ETA * (t.weightDep === 'linear' ? J / t.jRef! : 1) * (t.a + t.bPre * X_PRE + t.bPost * X_POST);

describe('plasticity_pre before plasticity_post within one step (whole engine step)', () => {
  it('Kohonen, pre and post spike in the same step: J = post(pre(J0)), not pre(post(J0))', () => {
    const rule = R.kohonen({ eta: ETA, beta: BETA });
    const eng = engine(rule);
    const st = eng.state;
    const d = eng.net.derived;
    const r = d.projections[0]!.plastic!;
    st.traces[r.preTrace]![0] = X_PRE;
    st.traces[r.postTrace]![1] = X_POST;
    st.v[0] = -49; // both above threshold: they spike at this step
    st.v[1] = -49;
    eng.stepOnce();
    expect(Array.from(st.spikes.subarray(0, st.nSpikes))).toEqual([0, 1]);
    const want = term(rule.onPost, term(rule.onPre, J0)); // (1.5 + 0.05*2*0.4) * 0.95 = 1.463
    const swapped = term(rule.onPre, term(rule.onPost, J0)); // 1.5*0.95 + 0.04 = 1.465
    const w = st.weights[0]![0]!;
    // f32 weight: a few roundings of relative 2^-24; the two orders differ by eta * A = 2e-3.
    expect(Math.abs(w - want)).toBeLessThan(1e-6);
    expect(Math.abs(swapped - want)).toBeGreaterThan(1e-3);
    // The traces of both spikers then rose by 1 (and decayed once): plasticity saw the traces from before.
    const dec = 1 - 0.1 / rule.tauSTDP_ms;
    expect(Math.abs(st.traces[r.preTrace]![0]! - (X_PRE + 1) * dec)).toBeLessThan(1e-6);
    expect(Math.abs(st.traces[r.postTrace]![1]! - (X_POST + 1) * dec)).toBeLessThan(1e-6);
  });
});
