// Single-neuron and decay probes through the real CPU passes (neuronUpdatePass, traceUpdatePass) on a
// one-neuron network: constant-current EIF / LIF interspike intervals against the exact first-passage
// time, refractoriness, one f32 membrane step against f64, and the Euler decay of currents and traces.
// Axes: model in {eif, lif}; I0 (mV/ms) in {1.5, 2, 4} (EIF) and {2, 3, 5} (LIF); dt in {0.1, 0.01} ms;
// tau in {4, 8, 10, 20} ms. Controls: the quadrature against the LIF closed form; the LIF discrete
// solution; zero input leaves a current at zero.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { createState, type CpuState } from '../../src/engine/cpu/state.ts';
import { neuronUpdatePass } from '../../src/engine/cpu/neuronUpdate.ts';
import { traceUpdatePass } from '../../src/engine/cpu/traceUpdate.ts';
import { fixedIncrement } from '../../src/engine/fixed.ts';
import { derive, FIXED_SCALE, type Derived } from '../../src/model/derive.ts';
import type { EifNeuron, InputSpec, LifNeuron, NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { akilEif } from '../../src/presets/akil2021.ts';
import { EULER_CONVERGENCE_FACTOR, F32_STEP_ULPS, eulerDecayRelBound, eulerIsiBound } from '../tolerances.ts';

const f32 = Math.fround;
type NeuronSpec = EifNeuron | LifNeuron; // the current-based models probed here
const lif: NeuronSpec = { model: 'lif', tauMem_ms: 15, eL_mV: -72, vThresh_mV: -50, vReset_mV: -75, refractory_ms: 0, vInitLow_mV: -75, vInitHigh_mV: -55 };
const eif: NeuronSpec = { ...akilEif };

/** A network of one neuron (population 'E'), optionally with one input layer and projections. */
function oneNeuron(neuron: NeuronSpec, dt_ms: number, o: { tauSyn_ms?: number; inputs?: InputSpec[]; projections?: ProjectionSpec[] } = {}): Derived {
  const spec: NetworkSpec = {
    name: 'one-neuron',
    N: 1,
    dt_ms,
    T_s: 1,
    seed: 1,
    populations: [{ name: 'E', fraction: 1, neuron, tauSyn_ms: o.tauSyn_ms ?? 8 }],
    inputs: o.inputs ?? [],
    projections: o.projections ?? [],
    recording: { window_ms: 250, statsStart_s: 0, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1000,
  };
  return derive(spec);
}

/** Steps of the first `count` spikes of a neuron starting at V_re under a constant current I0 (channel 0, never decayed). */
function spikeSteps(d: Derived, I0: number, count: number, maxSteps = 1_000_000): number[] {
  const st = createState(buildNetwork(d));
  st.v[0] = d.pops[0]!.neuron.vReset;
  st.current[0] = I0;
  const out: number[] = [];
  for (let s = 0; out.length < count && s < maxSteps; s++) {
    neuronUpdatePass(d, st);
    if (st.nSpikes > 0) out.push(s);
  }
  return out;
}

/** Drift f(V) = I0 + g_L (E_L - V) + g_L Delta_T exp((V - V_T)/Delta_T) (no exponential for LIF). */
function drift(n: NeuronSpec, I0: number): (v: number) => number {
  return (v) => I0 + (n.eL_mV - v) / n.tauMem_ms + (n.model === 'eif' ? (n.deltaT_mV / n.tauMem_ms) * Math.exp((v - n.vT_mV) / n.deltaT_mV) : 0);
}

/** Exact first-passage time V_re -> V_th: integral of dV / f(V), composite Simpson with 2*10^5 panels (error < 1e-9 ms). */
function passageTime(n: NeuronSpec, I0: number): number {
  const f = drift(n, I0);
  const a = n.vReset_mV;
  const b = n.vThresh_mV;
  const m = 200_000;
  const h = (b - a) / m;
  let s = 1 / f(a) + 1 / f(b);
  for (let i = 1; i < m; i++) s += (i % 2 ? 4 : 2) / f(a + i * h);
  return (s * h) / 3;
}

/** ISI (ms) from the spike train: all ISIs must be identical (deterministic reset to V_re). */
function simulatedIsi(n: NeuronSpec, dt: number, I0: number): { isi: number; steps: number } {
  const d = oneNeuron(n, dt);
  const sp = spikeSteps(d, I0, 4);
  const isis = sp.slice(1).map((s, i) => s - sp[i]!);
  expect(new Set([sp[0]! + 1, ...isis]).size, `ISIs in steps ${sp[0]! + 1}, ${isis}`).toBe(1);
  return { isi: isis[0]! * dt, steps: isis[0]! };
}

describe('constant-current interspike interval against the exact first-passage time', () => {
  it.each([2, 3, 5])('control: the quadrature reproduces the LIF closed form tau ln((I0 tau + E_L - V_re)/(I0 tau + E_L - V_th)), I0 = %f', (I0) => {
    const tau = 15;
    const closed = tau * Math.log((I0 * tau - 72 + 75) / (I0 * tau - 72 + 50));
    expect(Math.abs(passageTime(lif, I0) - closed)).toBeLessThan(1e-9);
  });

  const cases: Array<[string, NeuronSpec, number[]]> = [
    ['eif', eif, [1.5, 2, 4]],
    ['eif with Delta_T = 2 (exercises 1/Delta_T, which is 1 in the Akil set)', { ...eif, deltaT_mV: 2 }, [1.5, 2, 4]],
    ['lif', lif, [2, 3, 5]],
  ];
  it.each(cases)('%s: ISI within dt + 2|delta| of T at dt = 0.1 and 0.01 ms, and the error shrinks with dt', (_m, n, currents) => {
    const maxErr = { 0.1: 0, 0.01: 0 };
    for (const I0 of currents) {
      const T = passageTime(n, I0);
      const f = drift(n, I0);
      for (const dt of [0.1, 0.01] as const) {
        const { isi } = simulatedIsi(n, dt, I0);
        const err = Math.abs(isi - T);
        const bound = eulerIsiBound(dt, f(n.vThresh_mV), f(n.vReset_mV));
        expect(err, `I0 = ${I0}, dt = ${dt}: ISI ${isi} vs T ${T} (bound ${bound})`).toBeLessThanOrEqual(bound);
        maxErr[dt] = Math.max(maxErr[dt], err);
      }
    }
    expect(maxErr[0.01] * EULER_CONVERGENCE_FACTOR, `max error ${maxErr[0.1]} at dt 0.1, ${maxErr[0.01]} at dt 0.01`).toBeLessThan(maxErr[0.1]);
  });

  it.each([
    [2, 0.1],
    [3, 0.1],
    [5, 0.1],
    [2, 0.01],
    [5, 0.01],
  ])('lif, I0 = %f, dt = %f: ISI steps equal the exact solution of the Euler map', (I0, dt) => {
    // V_k = V_inf + (V_re - V_inf) (1 - dt/tau)^k, so n = ceil(ln((V_inf - V_th)/(V_inf - V_re)) / ln(1 - dt/tau)).
    const vInf = -72 + 15 * I0;
    const x = Math.log((vInf + 50) / (vInf + 75)) / Math.log(1 - dt / 15);
    const frac = x - Math.floor(x);
    expect(frac > 1e-3 && frac < 1 - 1e-3, `crossing too close to a step boundary (${x}) for an f32 comparison`).toBe(true);
    expect(simulatedIsi(lif, dt, I0).steps).toBe(Math.ceil(x));
  });

  it('a refractory period of 2 ms adds exactly 20 steps at dt = 0.1 ms', () => {
    const base = simulatedIsi(eif, 0.1, 2).steps;
    const d = oneNeuron({ ...eif, refractory_ms: 2 }, 0.1);
    expect(d.pops[0]!.neuron.refSteps).toBe(20);
    const sp = spikeSteps(d, 2, 3);
    expect(sp[0]).toBe(base - 1); // the first spike is not delayed
    expect(sp[1]! - sp[0]!).toBe(base + 20);
    expect(sp[2]! - sp[1]!).toBe(base + 20);
  });

  it('control: below rheobase (I0 = 1, EIF rheobase 16/15) the neuron never fires', () => {
    expect(spikeSteps(oneNeuron(eif, 0.1), 1, 1, 20_000).length).toBe(0); // 2 s, > 100 membrane time constants
  });
});

describe('one membrane step in f32 against f64', () => {
  it.each([
    ['eif', eif],
    ['lif', lif],
  ] as const)('%s: V after one step within F32_STEP_ULPS ulp of the f64 Euler step', (_m, n) => {
    const d = oneNeuron(n, 0.1);
    const st = createState(buildNetwork(d));
    const f = drift(n, 0);
    const ulp = 2 ** -18; // f32 ulp for 32 <= |V| < 64
    for (const v0 of [-75, -70.3, -62.1, -55, -52.5, -50.5]) {
      for (const I0 of [-1, 0, 0.7, 2.3]) {
        st.v[0] = v0;
        st.current[0] = I0;
        neuronUpdatePass(d, st);
        const want = f32(v0) + 0.1 * (I0 + f(f32(v0)));
        if (want >= n.vThresh_mV) continue;
        expect(Math.abs(st.v[0]! - want), `V0 = ${v0}, I0 = ${I0}`).toBeLessThanOrEqual(F32_STEP_ULPS * ulp);
      }
    }
  });

  it('sums every current channel (recurrent and input) into the drive', () => {
    const d = oneNeuron(lif, 0.1, { inputs: [{ name: 'X', fraction: 1, rate_Hz: 0, correlation: 0, jitter_ms: 0, tauSyn_ms: 10 }] });
    expect(d.channels.length).toBe(2);
    const st = createState(buildNetwork(d));
    st.v[0] = -70;
    st.current[0] = 0.5;
    st.current[1] = 0.25; // channel 1 (input X), neuron 0
    neuronUpdatePass(d, st);
    expect(Math.abs(st.v[0]! - (-70 + 0.1 * (0.75 + (-72 + 70) / 15)))).toBeLessThanOrEqual(F32_STEP_ULPS * 2 ** -18);
  });
});

describe('Euler decay of currents and traces (traceUpdatePass)', () => {
  /** One neuron with a recurrent channel (tau_E) and an input channel (tau_X). */
  const withInput = (tauE: number, tauX: number): Derived =>
    oneNeuron(lif, 0.1, { tauSyn_ms: tauE, inputs: [{ name: 'X', fraction: 1, rate_Hz: 0, correlation: 0, jitter_ms: 0, tauSyn_ms: tauX }] });

  const noSpikes = (st: CpuState): void => {
    st.nSpikes = 0;
  };

  it.each([
    [8, 10],
    [4, 20],
  ])('channel currents (tau_E = %f, tau_X = %f ms) decay as the f32 product (1 - dt/tau)^n, within the Euler bound of exp(-t/tau)', (tauE, tauX) => {
    const d = withInput(tauE, tauX);
    const st = createState(buildNetwork(d));
    for (const [c, tau] of [[0, tauE], [1, tauX]] as const) {
      expect(d.channels[c]!.decay).toBe(f32(1 - 0.1 / tau));
      st.current[c] = 1;
    }
    const ref = [1, 1];
    const nSteps = 1000; // 100 ms, beyond 10 tau for tau_E = 4
    const worst = [0, 0];
    for (let n = 1; n <= nSteps; n++) {
      noSpikes(st);
      traceUpdatePass(d, st, n);
      for (const [c, tau] of [[0, tauE], [1, tauX]] as const) {
        ref[c] = f32(ref[c]! * d.channels[c]!.decay);
        expect(st.current[c], `channel ${c}, step ${n}`).toBe(ref[c]);
        const rel = Math.abs(st.current[c]! / Math.exp((-n * 0.1) / tau) - 1);
        const bound = eulerDecayRelBound(n, 0.1, tau);
        if (rel > bound) expect.fail(`channel ${c} step ${n}: relative deviation ${rel} > ${bound}`);
        worst[c] = Math.max(worst[c]!, rel / bound);
      }
    }
    // Not vacuous: the deviation reaches a sizeable part of the bound (it is first order in dt).
    expect(Math.min(...worst)).toBeGreaterThan(0.5);
  });

  it('control: a zero current stays exactly zero', () => {
    const d = withInput(8, 10);
    const st = createState(buildNetwork(d));
    for (let n = 0; n < 100; n++) traceUpdatePass(d, st, n);
    expect(Array.from(st.current)).toEqual([0, 0]);
  });

  it('a recurrent spike of weight J adds J/tau (fixed point, 2^-20 resolution) and decays in the same step', () => {
    const d = withInput(8, 10);
    const st = createState(buildNetwork(d));
    const J = 0.3;
    const q = fixedIncrement(J, d.channels[0]!.invTau);
    st.acc[0] = q;
    traceUpdatePass(d, st, 0);
    expect(st.acc[0]).toBe(0);
    const want = (J / 8) * d.channels[0]!.decay;
    // Quantisation of J/tau to 2^-20 (half an LSB) plus the f32 roundings of the sum and the product.
    expect(Math.abs(st.current[0]! - want)).toBeLessThanOrEqual(0.5 / FIXED_SCALE + 2 * 2 ** -24 * (J / 8));
  });

  it.each([20, 200])('plasticity traces (tau_STDP = %f ms): +1 per spike, then the same Euler decay', (tau) => {
    const plastic: ProjectionSpec = {
      pre: 'E',
      post: 'E',
      connectivity: 'bernoulli',
      p: 1,
      j: 1,
      scaleBySqrtN: false,
      plasticity: {
        rule: 'general',
        tauSTDP_ms: tau,
        eta: 0,
        onPre: { a: 0, bPre: 0, bPost: 0, weightDep: 'none' },
        onPost: { a: 0, bPre: 0, bPost: 0, weightDep: 'none' },
      },
    };
    const d = oneNeuron(lif, 0.1, { projections: [plastic] });
    expect(d.traces.length).toBe(1);
    expect(d.traces[0]!.decay).toBe(f32(1 - 0.1 / tau));
    const st = createState(buildNetwork(d));
    const spikeAt = new Set([0, 50, 51, 300]);
    const dec = d.traces[0]!.decay;
    let ref = 0;
    const past: number[] = [];
    for (let s = 0; s < 2000; s++) {
      const spk = spikeAt.has(s);
      st.spikes[0] = 0;
      st.nSpikes = spk ? 1 : 0;
      traceUpdatePass(d, st, s);
      if (spk) {
        ref = f32(ref + 1);
        past.push(s);
      }
      ref = f32(ref * dec);
      const x = st.traces[0]![0]!;
      if (s === 0) expect(x).toBe(dec); // the spike's +1 comes before this step's decay
      if (x !== ref) expect.fail(`step ${s}: trace ${x}, f32 recursion ${ref}`);
      // Continuous: sum over past spikes of exp(-(s - t_k + 1) dt / tau); all terms positive, so the
      // relative deviation of the sum is at most that of its oldest term.
      const exact = past.reduce((a, t) => a + Math.exp((-(s - t + 1) * 0.1) / tau), 0);
      const bound = eulerDecayRelBound(s - past[0]! + 1, 0.1, tau);
      if (Math.abs(x / exact - 1) > bound) expect.fail(`step ${s}: trace ${x} vs exp sum ${exact} (bound ${bound})`);
    }
    expect(past.length).toBe(4);
  });
});
