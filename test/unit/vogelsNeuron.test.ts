// Conductance-based LIF ('cond_lif', Vogels 2011 / Brian2 example) through the real CPU passes, against
// closed forms. Axes: conductance pairs (gE, gI) in nS, dt in {0.1, 0.01} ms, I_b in {0, 200} pA.
// Probes: constant conductances -> exponential relaxation to the effective reversal
//   V_inf = (g_L E_L + g_E E_E + g_I E_I + I_b) / g_tot, tau_eff = C / g_tot, g_tot = g_L + g_E + g_I;
// the ISI under constant suprathreshold drive, tau_eff ln((V_inf - V_re)/(V_inf - V_th)) + t_ref, and the
// exact step count of the Euler map; refractoriness holds V while conductances decay; a presynaptic
// spike kicks the conductance by w (nS), not w/tau, while a current-based post still gets J/tau.
// Controls: zero conductances relax to E_L; the LIF (current) path is unchanged.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { createState, type CpuState } from '../../src/engine/cpu/state.ts';
import { neuronUpdatePass } from '../../src/engine/cpu/neuronUpdate.ts';
import { synapsePropagatePass } from '../../src/engine/cpu/synapsePropagate.ts';
import { traceUpdatePass } from '../../src/engine/cpu/traceUpdate.ts';
import { fixedIncrement } from '../../src/engine/fixed.ts';
import { derive, FIXED_SCALE, type Derived } from '../../src/model/derive.ts';
import type { NetworkSpec, NeuronSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { vogelsNeuron } from '../../src/presets/vogels2011.ts';
import { eulerDecayRelBound, eulerIsiBound } from '../tolerances.ts';

const f32 = Math.fround;
const C = 200, GL = 10, EL = -60, EE = 0, EI = -80;

/**
 * Population 'post' (cond LIF, index 0) fed by two silent Poisson source populations 'pe' (E_rev = 0 mV,
 * tau 5 ms) and 'pi' (E_rev = -80 mV, tau 10 ms), plus a current-based LIF 'cur' (for the kick control).
 */
function net(dt_ms: number, post: NeuronSpec, w = 0.5): Derived {
  const silent: NeuronSpec = { model: 'poisson', rate_Hz: 0, refractory_ms: 0 };
  const lif: NeuronSpec = { model: 'lif', tauMem_ms: 20, eL_mV: -60, vThresh_mV: -50, vReset_mV: -60, refractory_ms: 0, vInitLow_mV: -60, vInitHigh_mV: -60 };
  const pr = (pre: string, postName: string, j: number): ProjectionSpec => ({ pre, post: postName, connectivity: 'bernoulli', p: 1, j, scaleBySqrtN: false });
  const spec: NetworkSpec = {
    name: 'cond-probe',
    N: 4,
    dt_ms,
    T_s: 1,
    seed: 7,
    populations: [
      { name: 'post', fraction: 0.25, neuron: post, tauSyn_ms: 5, reversal_mV: 0 },
      { name: 'pe', fraction: 0.25, neuron: silent, tauSyn_ms: 5, reversal_mV: EE },
      { name: 'pi', fraction: 0.25, neuron: { ...silent }, tauSyn_ms: 10, reversal_mV: EI },
      { name: 'cur', fraction: 0.25, neuron: lif, tauSyn_ms: 5 },
    ],
    inputs: [],
    projections: [pr('pe', 'post', w), pr('pi', 'post', w), pr('pe', 'cur', w)],
    recording: { window_ms: 250, statsStart_s: 0, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1000,
  };
  return derive(spec);
}

/** A fresh state with V(post) = v0 and constant conductances gE, gI (nS) on post's two channels. */
function clamp(d: Derived, v0: number, gE: number, gI: number): CpuState {
  const st = createState(buildNetwork(d));
  st.v[0] = v0;
  st.current[d.pops[1]!.channel * d.N] = gE;
  st.current[d.pops[2]!.channel * d.N] = gI;
  return st;
}

const vInf = (gE: number, gI: number, iBg: number) => (GL * EL + gE * EE + gI * EI + iBg) / (GL + gE + gI);
const tauEff = (gE: number, gI: number) => C / (GL + gE + gI);

describe('cond_lif: constant conductances relax V exponentially to the effective reversal', () => {
  const cases: Array<[number, number, number]> = [
    [0, 0, 0], // control: rest at E_L
    [5, 0, 0],
    [0, 10, 0],
    [8, 12, 0],
    [3, 4, 200],
  ];
  it.each(cases)('gE = %f nS, gI = %f nS, I_b = %f pA: V(t) within the Euler bound of the exponential, and the f32 map equals the f64 Euler map', (gE, gI, iBg) => {
    for (const dt of [0.1, 0.01]) {
      const d = net(dt, { ...vogelsNeuron(iBg, [-60, -60]), vThresh_mV: 500 }); // never fires
      const v0 = -70;
      const st = clamp(d, v0, gE, gI);
      const vi = vInf(gE, gI, iBg);
      const te = tauEff(gE, gI);
      const h = dt / te;
      let vRef = v0; // f64 Euler map
      const steps = Math.round(40 / dt); // 40 ms, > 2 tau_eff
      for (let k = 1; k <= steps; k++) {
        neuronUpdatePass(d, st);
        vRef = vRef + (dt / C) * (GL * (EL - vRef) + gE * (EE - vRef) + gI * (EI - vRef) + iBg);
        if (k % Math.round(5 / dt) !== 0) continue;
        const exact = vi + (v0 - vi) * Math.exp(-k * h);
        const bound = Math.abs(v0 - vi) * eulerDecayRelBound(k, dt, te) + 1e-4;
        expect(Math.abs(st.v[0]! - exact), `dt ${dt}, step ${k}: V ${st.v[0]} vs ${exact}`).toBeLessThanOrEqual(bound);
        expect(Math.abs(st.v[0]! - vRef), `dt ${dt}, step ${k}: f32 ${st.v[0]} vs f64 map ${vRef}`).toBeLessThan(2e-4);
      }
      expect(st.nSpikes).toBe(0);
      expect(Math.abs(st.v[0]! - vi)).toBeLessThan(Math.abs(v0 - vi) * Math.exp(-40 / te) * 1.2 + 2e-4);
    }
  });
});

describe('cond_lif: interspike interval under constant suprathreshold drive', () => {
  // Drives with V_inf > V_th: I_b = 200 pA alone (Brian's network: V_inf = -40 mV) and with conductances.
  const cases: Array<[number, number, number]> = [
    [0, 0, 200],
    [2, 0, 200],
    [4, 3, 300],
    [10, 0, 0],
  ];
  it.each(cases)('gE = %f, gI = %f, I_b = %f: Euler steps exact, ISI within the Euler bound of tau_eff ln((V_inf - V_re)/(V_inf - V_th)) + 5 ms', (gE, gI, iBg) => {
    for (const dt of [0.1, 0.01]) {
      const d = net(dt, vogelsNeuron(iBg, [-60, -60]));
      const st = clamp(d, -60, gE, gI);
      const vi = vInf(gE, gI, iBg);
      const te = tauEff(gE, gI);
      expect(vi).toBeGreaterThan(-50);
      const spikes: number[] = [];
      for (let s = 0; spikes.length < 4 && s < 200_000; s++) {
        neuronUpdatePass(d, st);
        if (st.nSpikes > 0) spikes.push(s);
      }
      const isis = spikes.slice(1).map((s, i) => s - spikes[i]!);
      expect(new Set([spikes[0]! + 1, ...isis.map((x) => x - d.pops[0]!.neuron.refSteps)]).size, `first spike ${spikes[0]}, ISIs ${isis}`).toBe(1);
      // The Euler map V_k - V_inf = (V_re - V_inf)(1 - dt/tau_eff)^k crosses V_th at step ceil(x).
      const x = Math.log((vi + 50) / (vi + 60)) / Math.log(1 - dt / te);
      const frac = x - Math.floor(x);
      if (frac > 1e-3 && frac < 1 - 1e-3) expect(isis[0]).toBe(Math.ceil(x) + Math.round(5 / dt));
      const T = te * Math.log((vi + 60) / (vi + 50)) + 5;
      const fTh = (vi + 50) / te, fRe = (vi + 60) / te; // drift (mV/ms) at threshold and reset
      expect(Math.abs(isis[0]! * dt - T), `dt ${dt}: ISI ${isis[0]! * dt} vs ${T}`).toBeLessThanOrEqual(eulerIsiBound(dt, fTh, fRe));
    }
  });
});

describe('cond_lif: refractoriness and conductance kicks', () => {
  it('V is held at V_reset for exactly 5 ms while the conductances keep decaying', () => {
    const d = net(0.1, vogelsNeuron(0, [-60, -60]));
    const st = clamp(d, -50.001, 200, 0); // fires on the first step
    neuronUpdatePass(d, st);
    expect(st.nSpikes).toBe(1);
    const chE = d.pops[1]!.channel * d.N;
    for (let k = 0; k < 50; k++) {
      const g = st.current[chE]!;
      traceUpdatePass(d, st, k);
      expect(st.current[chE]).toBe(f32(g * d.channels[d.pops[1]!.channel]!.decay));
      neuronUpdatePass(d, st);
      expect(st.v[0], `step ${k + 1} of the refractory period`).toBe(-60);
    }
    expect(st.refr[0]).toBe(0);
    neuronUpdatePass(d, st);
    expect(st.v[0]).toBeGreaterThan(-60); // integrates again (the decayed gE still drives it up)
  });

  it.each([0.5, 0.3, 3])('a presynaptic spike adds w = %f nS to g (kick 1), but J/tau to a current-based post', (w) => {
    const d = net(0.1, vogelsNeuron(0, [-60, -60]), w);
    expect(d.projections.map((p) => p.kick)).toEqual([1, 1, f32(1 / 5)]);
    const st = createState(buildNetwork(d));
    st.spikes[0] = d.pops[1]!.offset; // one spike of source 'pe'
    st.nSpikes = 1;
    const q = Float64Array.from(d.projections, (p) => fixedIncrement(p.J, p.kick));
    synapsePropagatePass(buildNetwork(d), st, q);
    traceUpdatePass(d, st, 0);
    const ch = d.pops[1]!.channel;
    const dec = d.channels[ch]!.decay;
    const inc = Math.round(f32(w) * FIXED_SCALE);
    expect(st.current[ch * d.N + d.pops[0]!.offset]).toBe(f32(f32(inc / FIXED_SCALE) * dec));
    const incCur = fixedIncrement(f32(w), f32(1 / 5));
    expect(st.current[ch * d.N + d.pops[3]!.offset]).toBe(f32(f32(incCur / FIXED_SCALE) * dec));
    expect(Math.abs(st.current[ch * d.N]! - w * (1 - 0.1 / 5))).toBeLessThan(1e-6 * w + 2 ** -20);
  });
});
