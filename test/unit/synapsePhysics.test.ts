// Postsynaptic currents of single spikes through the whole CPU engine step, per projection class (issue 25).
// A 4-neuron network (E = {E0, E1}, I = {I0, I1}, all four projections with p = 1, unscaled weights of
// distinct sizes) starts at rest; E0 and I0 are put above threshold so that each fires one spike at step 0.
// The current of channel b on neuron a1 is then the postsynaptic current of the a<-b class alone, and the
// physics of current-based synapses (SPEC §2.2: tau_b dI/dt = -I + tau_b sum_k J_ab delta(t - t_k), forward
// Euler) fixes it completely, from the spec's numbers only:
//   - the first value (recorded after the spike step's decay) is J/tau (1 - dt/tau);
//   - each later step multiplies it by 1 - dt/tau (the decay time constant tau_syn of the presynaptic population);
//   - its time integral (rectangle rule, every step) is J (1 - dt/tau): the charge of one spike is J.
// The input channel (X, tau_x = 10 ms) gets one spike's charge J_x/tau_x by hand in its accumulator and must show
// the same three properties with tau_x.
// What this catches: a wrong kick J/tau for one class, a wrong tau_syn, a current landing in the wrong channel.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/build/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilEif } from '../../src/presets/akil2021.ts';

const dt = 0.1;
const TAU = { E: 8, I: 4, X: 10 } as const; // tau_syn of the presynaptic population or input layer (ms)
/** Unscaled weights per class (post<-pre), distinct so that a swap of classes shows. */
const J = { 'E<-E': 1, 'E<-I': -3, 'I<-E': 2, 'I<-I': -4 } as const;
type Cls = keyof typeof J;

function spec(): NetworkSpec {
  const proj = (name: Cls): ProjectionSpec => {
    const [post, pre] = name.split('<-') as [string, string];
    return { pre, post, connectivity: 'bernoulli', p: 1, j: J[name], scaleBySqrtN: false };
  };
  return validate({
    name: 'psc-probe', N: 4, dt_ms: dt, T_s: 1, seed: 1, maxRate_Hz: 1e4,
    populations: [
      { name: 'E', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: TAU.E },
      { name: 'I', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: TAU.I },
    ],
    inputs: [{ name: 'X', fraction: 0.25, rate_Hz: 0, correlation: 0, jitter_ms: 0, tauSyn_ms: TAU.X }], // silent: probed by hand
    projections: [...(Object.keys(J) as Cls[]).map(proj), { pre: 'X', post: 'E', connectivity: 'bernoulli', p: 1, j: 1.5, scaleBySqrtN: false }],
    recording: { window_ms: 250, statsStart_s: 0.5, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 0, covSample: 0 },
  });
}

/** Current of each class on its probe neuron (E1 or I1) after each of `steps` steps; E0 and I0 spike at step 0 only. */
function pscs(steps: number): Record<Cls | 'E<-X', number[]> {
  const eng = new CpuEngine(buildNetwork(derive(spec())));
  const st = eng.state;
  const N = 4; // neurons E0 E1 I0 I1; channels E (0) and I (1)
  st.v.fill(akilEif.eL_mV);
  st.v[0] = -49; // above V_T and the threshold: E0 fires at step 0
  st.v[2] = -49; // I0 too
  // One input spike's worth of charge (J_x/tau_x in the 2^-20 fixed point of the input accumulators, from the
  // spec) put by hand into E1's input accumulator: it tests the input channel's decay, not the generator.
  st.acc[2 * N + 1] = Math.round((1.5 / TAU.X) * 2 ** 20);
  const out: Record<Cls | 'E<-X', number[]> = { 'E<-E': [], 'E<-I': [], 'I<-E': [], 'I<-I': [], 'E<-X': [] };
  const spiked: number[] = [];
  for (let s = 0; s < steps; s++) {
    eng.stepOnce();
    for (let k = 0; k < st.nSpikes; k++) spiked.push(s * 10 + st.spikes[k]!);
    out['E<-E'].push(st.current[0 * N + 1]!);
    out['E<-I'].push(st.current[1 * N + 1]!);
    out['I<-E'].push(st.current[0 * N + 3]!);
    out['I<-I'].push(st.current[1 * N + 3]!);
    out['E<-X'].push(st.current[2 * N + 1]!);
  }
  // Exactly the two forced spikes (E0 and I0 at step 0): the probe neurons stay below threshold.
  expect(spiked).toEqual([0, 2]);
  return out;
}

describe('postsynaptic current of one spike, per projection class (whole engine step)', () => {
  const steps = 1000; // 100 ms: 12.5 tau_E, 25 tau_I
  const got = pscs(steps);

  for (const cls of [...(Object.keys(J) as Cls[]), 'E<-X' as const]) {
    const tau = TAU[cls.split('<-')[1] as 'E' | 'I' | 'X'];
    const j = cls === 'E<-X' ? 1.5 : J[cls];
    const d = 1 - dt / tau;

    it(`${cls}: first value J/tau (1 - dt/tau) = ${((j / tau) * d).toFixed(5)} mV/ms`, () => {
      // Fixed point 2^-20 on J/tau and two f32 roundings: relative 1e-5 is ample; a 1% error is 1000 times that.
      expect(Math.abs(got[cls][0]! / ((j / tau) * d) - 1)).toBeLessThan(1e-5);
    });

    it(`${cls}: decays by 1 - dt/tau_syn per step (tau_syn = ${tau} ms of the presynaptic population)`, () => {
      const c = got[cls];
      for (let k = 1; k < 400; k++) {
        const ratio = c[k]! / c[k - 1]!;
        if (Math.abs(ratio - d) > 4e-7) expect.fail(`step ${k}: ratio ${ratio}, want ${d} (tau_syn ${tau} ms)`);
      }
      // The decay time constant read off 40 ms of the trace: -dt / ln(ratio) equals the Euler tau (tau - dt/2 + O(dt^2)).
      const tauFit = (-dt * 400) / Math.log(c[400]! / c[0]!);
      expect(Math.abs(tauFit - -dt / Math.log(d))).toBeLessThan(1e-3 * tau);
    });

    it(`${cls}: time integral J (1 - dt/tau) = ${(j * d).toFixed(4)} mV (the charge of one spike is J)`, () => {
      const q = got[cls].reduce((a, b) => a + b, 0) * dt;
      const left = d ** steps; // the part of the geometric sum beyond the recorded steps
      expect(Math.abs(q / (j * d * (1 - left)) - 1)).toBeLessThan(1e-4);
    });
  }
});
