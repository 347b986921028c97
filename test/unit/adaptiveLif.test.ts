// Adaptive LIF ('adaptive_lif', src/neurons/adaptiveLif.ts) through the real CPU passes, against closed forms:
//  - no input, no noise: V relaxes exponentially to E_L + I_b / g_L (continuous closed form within the Euler
//    bound, and the f32 map equals the f64 Euler map);
//  - constant suprathreshold I_b without adaptation: ISI = t_ref + tau_m ln((V_inf - V_re)/(V_inf - V_th)) within one step;
//  - with adaptation: after every step, the adaptation channel equals -sum_k (beta/tau_a) exp(-(t - t_k)/tau_a)
//    over the neuron's own spike times t_k (within the Euler error of the decay), and the ISIs lengthen;
//  - noise: the free membrane's stationary s.d. is sigma / sqrt(2) (Brian's noiseSigma convention), the
//    Irwin-Hall draw has mean 0 and variance 1;
//  - bad input: tauAdapt_ms <= 0 and a negative betaAdapt_pAms are SpecErrors naming the field.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { createState, type CpuState } from '../../src/engine/cpu/state.ts';
import { neuronUpdatePass } from '../../src/engine/cpu/neuronUpdate.ts';
import { traceUpdatePass } from '../../src/engine/cpu/traceUpdate.ts';
import { derive, type Derived } from '../../src/model/derive.ts';
import type { AdaptiveLifNeuron, NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { membraneNoise } from '../../src/neurons/adaptiveLif.ts';

const C = 200, GL = 10, EL = 7.6, TH = 20, RE = 14;

function neuron(over: Partial<AdaptiveLifNeuron> = {}): AdaptiveLifNeuron {
  return { model: 'adaptive_lif', C_pF: C, gL_nS: GL, eL_mV: EL, vThresh_mV: TH, vReset_mV: RE, refractory_ms: 5, iBg_pA: 0, tauAdapt_ms: 500, betaAdapt_pAms: 0, noiseSigma_mV: 0, vInitLow_mV: EL, vInitHigh_mV: EL, ...over };
}

function spec(n: AdaptiveLifNeuron, N = 1, dt_ms = 0.1): NetworkSpec {
  return {
    name: 'alif-probe',
    N,
    dt_ms,
    T_s: 1,
    seed: 3,
    populations: [{ name: 'A', fraction: 1, neuron: n, tauSyn_ms: 5 }],
    inputs: [],
    projections: [],
    recording: { window_ms: 250, statsStart_s: 0, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1000,
  };
}

/** One engine step without synaptic input: neuron update, then the decay of the currents (incl. adaptation). */
function step(d: Derived, st: CpuState, s: number): void {
  st.step = s;
  neuronUpdatePass(d, st);
  traceUpdatePass(d, st, s);
}

describe('adaptive_lif: subthreshold relaxation and ISI (closed forms)', () => {
  it.each([[0], [60], [100]])('I_b = %f pA: V(t) -> E_L + I_b/g_L with tau_m = C/g_L', (iBg) => {
    const dt = 0.1;
    const d = derive(validate(spec(neuron({ iBg_pA: iBg, vThresh_mV: 500 }))));
    const st = createState(buildNetwork(d));
    const vInf = EL + iBg / GL, tau = C / GL, v0 = EL;
    let vRef = v0;
    for (let k = 1; k <= 600; k++) {
      step(d, st, k - 1);
      vRef = vRef + (dt / C) * (GL * (EL - vRef) + iBg);
      const exact = vInf + (v0 - vInf) * Math.exp((-k * dt) / tau);
      expect(Math.abs(st.v[0]! - vRef)).toBeLessThan(2e-5 * (1 + Math.abs(vInf)));
      // Euler vs exp: |(1-h)^k - e^{-kh}| <= k h^2 / 2 e^{-(k-1)h}
      const h = dt / tau;
      expect(Math.abs(st.v[0]! - exact)).toBeLessThanOrEqual(Math.abs(v0 - vInf) * ((k * h * h) / 2) * Math.exp(-(k - 1) * h) + 1e-4);
    }
    expect(st.nSpikes).toBe(0);
  });

  it('beta = 0, I_b = 200 pA: every ISI is t_ref + tau_m ln((V_inf - V_re)/(V_inf - V_th)) within one step', () => {
    const dt = 0.1, iBg = 200;
    const d = derive(validate(spec(neuron({ iBg_pA: iBg }))));
    const st = createState(buildNetwork(d));
    const vInf = EL + iBg / GL, tau = C / GL;
    const isi = 5 + tau * Math.log((vInf - RE) / (vInf - TH));
    const times: number[] = [];
    for (let k = 0; k < 3000; k++) {
      step(d, st, k);
      if (st.nSpikes > 0) times.push(k * dt);
    }
    expect(times.length).toBeGreaterThan(5);
    for (let q = 1; q < times.length; q++) expect(Math.abs(times[q]! - times[q - 1]! - isi)).toBeLessThanOrEqual(dt + 1e-9);
  });
});

describe('adaptive_lif: spike-triggered adaptation current (closed form over the own spike train)', () => {
  it.each([[3000, 500], [1000, 100]])('beta = %f pA ms, tau_a = %f ms: channel = -sum_k beta/tau_a exp(-(t - t_k)/tau_a); ISIs lengthen', (beta, tauA) => {
    const dt = 0.1, iBg = 300;
    const d = derive(validate(spec(neuron({ iBg_pA: iBg, betaAdapt_pAms: beta, tauAdapt_ms: tauA }))));
    const ch = d.pops[0]!.neuron.adaptChannel;
    expect(d.channels[ch]!.kind).toBe('adapt');
    expect(ch).not.toBe(d.pops[0]!.channel);
    const st = createState(buildNetwork(d));
    const spikeSteps: number[] = [];
    const h = dt / tauA;
    for (let k = 0; k < 8000; k++) {
      step(d, st, k);
      if (st.nSpikes > 0) spikeSteps.push(k);
      // Value after step k's decay: each kick at step k_s has decayed (k - k_s + 1) times.
      let exact = 0, bound = 1e-3;
      for (const ks of spikeSteps) {
        const n = k - ks + 1;
        exact -= (beta / tauA) * Math.exp(-n * h);
        bound += (beta / tauA) * ((n * h * h) / 2) + 2e-6 * (beta / tauA) * n;
      }
      // the channel holds nA (inputScale 1e-3)
      expect(Math.abs(1000 * st.current[ch * d.N]! - exact), `step ${k}`).toBeLessThanOrEqual(bound);
    }
    const isis = spikeSteps.slice(1).map((s, q) => s - spikeSteps[q]!);
    expect(isis.length).toBeGreaterThan(3);
    expect(isis[isis.length - 1]!).toBeGreaterThan(isis[0]!);
  });
});

describe('adaptive_lif: white noise', () => {
  it('the Irwin-Hall draw: mean 0, variance 1 (1e5 draws), deterministic per (seed, step, neuron)', () => {
    let s1 = 0, s2 = 0;
    const n = 100000;
    for (let k = 0; k < n; k++) {
      const z = membraneNoise(9, k >>> 4, k & 15);
      s1 += z;
      s2 += z * z;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(0.015);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    expect(membraneNoise(9, 5, 3)).toBe(membraneNoise(9, 5, 3));
    expect(membraneNoise(9, 5, 3)).not.toBe(membraneNoise(10, 5, 3));
  });

  it('sigma = 2.5 mV: the free membrane has mean E_L and s.d. sigma/sqrt(2) (stationary OU)', () => {
    const sigma = 2.5, N = 2000, dt = 0.1;
    const d = derive(validate(spec(neuron({ noiseSigma_mV: sigma, vThresh_mV: 500 }), N, dt)));
    const st = createState(buildNetwork(d));
    for (let k = 0; k < 1500; k++) step(d, st, k); // 150 ms = 7.5 tau_m
    let m = 0, q = 0;
    for (let i = 0; i < N; i++) m += st.v[i]!;
    m /= N;
    for (let i = 0; i < N; i++) q += (st.v[i]! - m) ** 2;
    const sd = Math.sqrt(q / (N - 1));
    // Euler OU: var = s^2 dt / (1 - (1 - h)^2) = sigma^2 / (2 - h); sampling s.d. of an s.d. ~ 1/sqrt(2N) = 1.6%.
    const expected = sigma / Math.sqrt(2 - dt / (C / GL));
    expect(Math.abs(sd / expected - 1)).toBeLessThan(0.06);
    expect(Math.abs(m - EL)).toBeLessThan((4 * expected) / Math.sqrt(N));
  });
});

describe('adaptive_lif: bad input', () => {
  it.each([
    ['tauAdapt_ms', 0],
    ['tauAdapt_ms', -5],
    ['betaAdapt_pAms', -1],
    ['noiseSigma_mV', -0.1],
    ['C_pF', 0],
  ])('%s = %f is a SpecError naming the field', (field, value) => {
    expect(() => validate(spec(neuron({ [field]: value } as Partial<AdaptiveLifNeuron>)))).toThrow(new RegExp(`populations\\[0\\]\\.neuron\\.${field}`));
  });
});
