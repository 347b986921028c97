// External Poisson input (src/engine/cpu/input.ts): rates, Fano factors and pairwise spike-count
// correlations of independent (c = 0) and jittered mother-process (c = 0.1) input at 10 Hz, dt = 0.1 ms,
// counted in 250 ms windows over 200 s for 50 input neurons; the jitter-delay distribution; the real
// pass (primeInputs + inputPass) against the generators; stationarity from step 0; the active window;
// reproducibility. Axes: c in {0, 0.1}. Controls: c = 0 is the control of the correlated case.
// Statistical checks: independent 50 + 4, correlated 50 + 3, jitter 2, high counts 3, stationarity 1 -> 113 checks at
// Z SE (test/tolerances.ts).
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { createState } from '../../src/engine/cpu/state.ts';
import { fixedIncrement } from '../../src/engine/fixed.ts';
import { generateCorrelated, independentSpikes, inputPass, jitterDelay, primeInputs } from '../../src/engine/cpu/input.ts';
import { derive, type Derived, type DerivedInput } from '../../src/model/derive.ts';
import type { InputSpec, NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { RngStream } from '../../src/rng/streams.ts';
import { PoissonTable } from '../../src/rng/dist.ts';
import { expectedInputCorrelation, seMean, seMeanCorrCorrelated, seMeanCorrIndependent, seVar, withinZ } from '../tolerances.ts';

const N_IN = 50; // input neurons
const RATE = 10; // Hz
const DT = 0.1; // ms
const T_S = 200; // simulated seconds for the statistics
const WINDOW = 2500; // steps: 250 ms count windows
const JITTER = 5; // ms

/** One population of one LIF neuron receiving all N_IN inputs (p = 1), so acc sums every input spike. */
function inputSpec(c: number, seed: number, T_s = T_S, extra: Partial<InputSpec> = {}, nIn = N_IN): NetworkSpec {
  return validate({
    name: 'input-probe',
    N: nIn,
    dt_ms: DT,
    T_s,
    seed,
    populations: [
      {
        name: 'P',
        fraction: 1 / nIn,
        tauSyn_ms: 8,
        neuron: { model: 'lif', tauMem_ms: 15, eL_mV: -72, vThresh_mV: -50, vReset_mV: -75, refractory_ms: 0, vInitLow_mV: -75, vInitHigh_mV: -55 },
      },
    ],
    inputs: [{ name: 'X', fraction: 1, rate_Hz: RATE, correlation: c, jitter_ms: JITTER, tauSyn_ms: 10, ...extra }],
    projections: [{ pre: 'X', post: 'P', connectivity: 'bernoulli', p: 1, j: 1, scaleBySqrtN: false }],
    recording: { window_ms: 250, statsStart_s: 0, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 100,
  });
}

/**
 * Per-step spike counts of each input neuron, generated with the exported functions exactly as
 * inputPass does: independentSpikes for c = 0; for c > 0 a ring of L = 2D + 1 slots primed over
 * generation steps [-2D, -1], then generateCorrelated(step) and read + clear slot step % L.
 * `onStep(step, k, n)` receives every non-zero count.
 */
function generate(d: Derived, nSteps: number, onStep: (step: number, k: number, n: number) => void): void {
  const x = d.inputs[0]!;
  const seed = d.spec.seed >>> 0;
  if (x.correlation > 0) {
    const L = 2 * x.delayOffset + 1;
    const ring = new Uint16Array(L * x.size);
    for (let g = -2 * x.delayOffset; g < 0; g++) generateCorrelated(seed, x, g, ring, L);
    for (let s = 0; s < nSteps; s++) {
      generateCorrelated(seed, x, s, ring, L);
      const base = (s % L) * x.size;
      for (let k = 0; k < x.size; k++) {
        const n = ring[base + k]!;
        if (n !== 0) {
          onStep(s, k, n);
          ring[base + k] = 0;
        }
      }
    }
  } else {
    const out = new Int32Array(4096);
    for (let s = 0; s < nSteps; s++) {
      if (s < x.startStep || s >= x.stopStep) continue;
      const n = independentSpikes(seed, x, s, out);
      for (let i = 0; i < n; i++) onStep(s, out[i]!, 1);
    }
  }
}

/** Window counts counts[w * n + k] over K whole windows. */
function windowCounts(d: Derived): { counts: Float64Array; K: number } {
  const K = Math.floor(d.nSteps / WINDOW);
  const counts = new Float64Array(K * N_IN);
  generate(d, K * WINDOW, (s, k, n) => (counts[Math.floor(s / WINDOW) * N_IN + k]! += n));
  return { counts, K };
}

interface CountStats {
  rate_Hz: Float64Array; // per neuron
  meanRate_Hz: number;
  meanFano: number; // mean over neurons of var/mean of window counts
  meanCorr: number; // mean over pairs of the sample correlation
  meanCorr2: number; // mean over pairs of its square
}

function countStats(counts: Float64Array, K: number): CountStats {
  const n = N_IN;
  const mu = new Float64Array(n);
  const sd = new Float64Array(n);
  const rate_Hz = new Float64Array(n);
  let fano = 0;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let w = 0; w < K; w++) s += counts[w * n + k]!;
    mu[k] = s / K;
    let v = 0;
    for (let w = 0; w < K; w++) v += (counts[w * n + k]! - mu[k]!) ** 2;
    v /= K - 1;
    sd[k] = Math.sqrt(v);
    rate_Hz[k] = s / ((K * WINDOW * DT) / 1000);
    fano += v / mu[k]!;
  }
  let c1 = 0, c2 = 0, pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let cv = 0;
      for (let w = 0; w < K; w++) cv += (counts[w * n + a]! - mu[a]!) * (counts[w * n + b]! - mu[b]!);
      const r = cv / (K - 1) / (sd[a]! * sd[b]!);
      c1 += r;
      c2 += r * r;
      pairs++;
    }
  }
  let tot = 0;
  for (const r of rate_Hz) tot += r;
  return { rate_Hz, meanRate_Hz: tot / n, meanFano: fano / n, meanCorr: c1 / pairs, meanCorr2: c2 / pairs };
}

/** Per-neuron rate check: each neuron's count over T is Poisson(r T) (thinned, jittered Poisson for c > 0). */
function expectRates(st: CountStats, T_s: number): void {
  const seRate = Math.sqrt(RATE * T_s) / T_s;
  const bad = Array.from(st.rate_Hz).flatMap((r, k) => (withinZ(r, RATE, seRate) ? [] : [`neuron ${k}: ${r} Hz`]));
  expect(bad, `per-neuron rates outside ${RATE} +- Z * ${seRate.toFixed(3)} Hz`).toEqual([]);
}

describe('independent input (c = 0): 50 neurons at 10 Hz, 200 s, 250 ms windows', () => {
  const d = derive(inputSpec(0, 2538));
  const { counts, K } = windowCounts(d);
  const st = countStats(counts, K);
  const T = (K * WINDOW * DT) / 1000;

  it('derives one Poisson count table of mean n r dt per step', () => {
    expect(d.inputs[0]!.size).toBe(N_IN);
    expect(d.inputs[0]!.countTable.lambda).toBeCloseTo((N_IN * RATE * DT) / 1000, 15);
  });

  it('every neuron fires at 10 Hz, and the population mean too', () => {
    expectRates(st, T);
    // Total count ~ Poisson(n r T).
    expect(withinZ(st.meanRate_Hz, RATE, Math.sqrt(N_IN * RATE * T) / (N_IN * T)), `mean rate ${st.meanRate_Hz}`).toBe(true);
  });

  it('window counts are Poisson: mean Fano factor 1', () => {
    // Per neuron, var/mean of K Poisson(2.5) counts has SE ~ sqrt(2/K + 1/(mean K)); neurons independent.
    const lam = (RATE * WINDOW * DT) / 1000;
    const se = Math.sqrt((2 + 1 / lam) / K / N_IN);
    expect(withinZ(st.meanFano, 1, se), `mean Fano ${st.meanFano}`).toBe(true);
  });

  it('pairwise count correlations vanish: mean ~ 0, mean square ~ 1/K', () => {
    const pairs = (N_IN * (N_IN - 1)) / 2;
    expect(withinZ(st.meanCorr, 0, seMeanCorrIndependent(N_IN, K)), `mean corr ${st.meanCorr}`).toBe(true);
    // r^2 of an independent pair ~ chi2_1 / K: mean 1/K, variance 2/K^2; pairs uncorrelated.
    expect(withinZ(st.meanCorr2, 1 / K, Math.sqrt(2 / pairs) / K), `mean corr^2 ${st.meanCorr2} vs ${1 / K}`).toBe(true);
  });
});

describe('correlated input (c = 0.1, jitter 5 ms): 50 neurons at 10 Hz, 200 s, 250 ms windows', () => {
  const c = 0.1;
  const d = derive(inputSpec(c, 2538));
  const { counts, K } = windowCounts(d);
  const st = countStats(counts, K);
  const T = (K * WINDOW * DT) / 1000;

  it('derives mother rate r/c, copy probability c and a delay offset of 4 sigma', () => {
    const x = d.inputs[0]!;
    expect(x.motherTable.lambda).toBeCloseTo((RATE / c) * DT / 1000, 15);
    expect(x.copyThreshold).toBe(Math.round(c * 2 ** 32));
    expect(x.jitterSteps).toBeCloseTo(JITTER / DT, 12);
    expect(x.delayOffset).toBe(Math.ceil((4 * JITTER) / DT));
  });

  it('every neuron fires at 10 Hz, and the population mean too', () => {
    expectRates(st, T);
    // Total = sum over mother spikes of Bin(n, c): var = mean * (n c + 1 - c) (shared mother).
    const mean = N_IN * RATE * T;
    const se = Math.sqrt(mean * (N_IN * c + 1 - c)) / (N_IN * T);
    expect(withinZ(st.meanRate_Hz, RATE, se), `mean rate ${st.meanRate_Hz}`).toBe(true);
  });

  it('window counts are Poisson per neuron: mean Fano factor 1', () => {
    // A thinned, jittered Poisson process is Poisson. The neurons' variance estimates are correlated
    // (by ~c^2), so the SE of the mean is bounded by sqrt(2/K) (1/sqrt(n) + c) (conservative).
    const lam = (RATE * WINDOW * DT) / 1000;
    const se = Math.sqrt((2 + 1 / lam) / K) * (1 / Math.sqrt(N_IN) + c);
    expect(withinZ(st.meanFano, 1, se), `mean Fano ${st.meanFano}`).toBe(true);
  });

  it('mean pairwise count correlation is c (1 - 2 sigma / (sqrt(pi) T_win)) = 0.0977', () => {
    const want = expectedInputCorrelation(c, JITTER, 250);
    const se = seMeanCorrCorrelated(c, RATE, 250, K, N_IN);
    expect(withinZ(st.meanCorr, want, se), `mean corr ${st.meanCorr} vs ${want} +- ${se}`).toBe(true);
  });
});

describe('jitter delay of copied spikes', () => {
  it('is D + round(N(0, (sigma/dt)^2)) clipped to [0, 2D]: mean D, variance (sigma/dt)^2 + 1/12', () => {
    const x = derive(inputSpec(0.1, 1)).inputs[0]!;
    const D = x.delayOffset;
    const rng = new RngStream(99, 6);
    const S = 100_000;
    let s1 = 0, s2 = 0, outside = 0;
    for (let i = 0; i < S; i++) {
      const dl = jitterDelay(x, rng.nextU32(), rng.nextU32());
      if (!(Number.isInteger(dl) && dl >= 0 && dl <= 2 * D)) outside++;
      s1 += dl;
      s2 += dl * dl;
    }
    const mean = s1 / S;
    const v = s2 / S - mean * mean;
    const sig2 = x.jitterSteps ** 2 + 1 / 12; // rounding to whole steps adds uniform(-1/2, 1/2) noise
    expect(outside).toBe(0);
    expect(withinZ(mean, D, seMean(sig2, S)), `mean delay ${mean} vs ${D}`).toBe(true);
    expect(withinZ(v, sig2, seVar(sig2, 3 * sig2 * sig2, S)), `delay variance ${v} vs ${sig2}`).toBe(true);
  });
});

describe('generators at high per-step counts (several spikes or mother spikes per step)', () => {
  it('independent: the sources of the spikes of one step are independent uniform picks (layer of 2000, 2 spikes per step)', () => {
    // Pairs of spikes in one step that share a source: E = steps * E[n(n-1)/2] / size = steps lambda^2 / (2 size),
    // a sum of rare events with variance ~ its mean. A reused random word would repeat sources.
    const d = derive(inputSpec(0, 21, 1, {}, 2000));
    const x = d.inputs[0]!;
    expect(x.size).toBe(2000);
    const lambda = x.countTable.lambda;
    const steps = 20_000;
    const out = new Int32Array(4096);
    let dup = 0;
    for (let s = 0; s < steps; s++) {
      const n = independentSpikes(21, x, s, out);
      const seen = new Set<number>();
      for (let i = 0; i < n; i++) {
        if (seen.has(out[i]!)) dup++;
        seen.add(out[i]!);
      }
    }
    const want = (steps * lambda * lambda) / (2 * x.size);
    expect(withinZ(dup, want, Math.sqrt(want)), `repeated sources ${dup} vs ${want}`).toBe(true);
  });

  it('correlated: copies of different mother spikes of one step are independent (lambda_m = 3, c = 0.5, one child: Poisson(1.5) per step)', () => {
    // Per generation step the child copies Bin(m, c) of m ~ Poisson(lambda_m) mothers: Poisson(c lambda_m),
    // Fano 1. Shared copy decisions across the m mothers would give m * Bernoulli(c): Fano 2.5.
    const base = derive(inputSpec(0.1, 8)).inputs[0]!;
    const x: DerivedInput = { ...base, size: 1, motherTable: new PoissonTable(3), copyThreshold: 2 ** 31, jitterSteps: 0, delayOffset: 0 };
    const ring = new Uint16Array(1);
    const S = 20_000;
    let s1 = 0, s2 = 0;
    for (let g = 0; g < S; g++) {
      generateCorrelated(8, x, g, ring, 1);
      s1 += ring[0]!;
      s2 += ring[0]! ** 2;
      ring[0] = 0;
    }
    const mean = s1 / S;
    const fano = (s2 / S - mean * mean) / mean;
    expect(withinZ(mean, 1.5, seMean(1.5, S)), `mean copies ${mean}`).toBe(true);
    expect(withinZ(fano, 1, Math.sqrt((2 + 1 / 1.5) / S)), `Fano ${fano}`).toBe(true);
  });
});

describe('inputPass delivers exactly the generated spikes', () => {
  it.each([0, 0.1])('c = %f: per-step fixed-point input of an all-to-all target equals q * (spikes this step)', (c) => {
    const spec = inputSpec(c, 77, 2);
    const d = derive(spec);
    const net = buildNetwork(d);
    const st = createState(net);
    const q = new Float64Array(d.projections.map((p) => fixedIncrement(p.J, d.channels[p.channel]!.invTau)));
    const ch = d.projections[0]!.channel;
    const nSteps = d.nSteps;
    const want = new Float64Array(nSteps);
    generate(d, nSteps, (s, _k, n) => (want[s]! += n));
    primeInputs(net, st);
    const got = new Float64Array(nSteps);
    for (let s = 0; s < nSteps; s++) {
      inputPass(net, st, s, q);
      got[s] = st.acc[ch * d.N]! / q[0]!;
      st.acc.fill(0);
    }
    let total = 0;
    const mismatches: string[] = [];
    for (let s = 0; s < nSteps; s++) {
      total += want[s]!;
      if (got[s] !== want[s] && mismatches.length < 5) mismatches.push(`step ${s}: pass ${got[s]}, generator ${want[s]}`);
    }
    expect(mismatches).toEqual([]);
    expect(total).toBeGreaterThan(0.5 * N_IN * RATE * 2); // 2 s at 10 Hz: ~1000 spikes (not a vacuous match)
  });
});

describe('correlated input is stationary from step 0 (the ring is primed)', () => {
  // Regression: priming used to be skipped (guard g < startStep) and copies landing before step 0 wrapped
  // into later ring slots; both are fixed in src/engine/cpu/input.ts generateCorrelated.
  it('spikes in the first 2D steps match r n dt 2D, averaged over 200 seeds', () => {
    // Count of all inputs in steps [0, 2D): mean n r dt 2D = 20 per seed; shared mother: variance
    // mean (n c + 1 - c). Without priming, only copies generated at g >= 0 arrive, about half.
    const c = 0.1;
    const seeds = 200;
    let total = 0;
    let twoD = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const d = derive(inputSpec(c, seed, 0.1));
      const net = buildNetwork(d);
      const st = createState(net);
      const x = d.inputs[0]!;
      twoD = 2 * x.delayOffset;
      primeInputs(net, st);
      const q = new Float64Array([1 << 20]); // counts in acc directly
      for (let s = 0; s < twoD; s++) inputPass(net, st, s, q);
      total += st.acc[d.projections[0]!.channel * d.N]! / q[0]!;
    }
    const mean = (N_IN * RATE * DT * twoD) / 1000;
    const se = Math.sqrt((mean * (N_IN * c + 1 - c)) / seeds);
    expect(withinZ(total / seeds, mean, se), `mean count in [0, 2D): ${total / seeds} vs ${mean}`).toBe(true);
  });
});

describe('active window and reproducibility', () => {
  it.each([0, 0.1])('c = %f: inputPass delivers spikes only inside activeWindow_s (correlated: up to 2D steps later)', (c) => {
    const d = derive(inputSpec(c, 5, 0.5, { activeWindow_s: { start_s: 0.1, stop_s: 0.2 } }));
    const net = buildNetwork(d);
    const st = createState(net);
    const x = d.inputs[0]!;
    const q = new Float64Array([1 << 20]);
    const ch = d.projections[0]!.channel;
    primeInputs(net, st);
    const late = 2 * x.delayOffset;
    let inside = 0;
    const outside: number[] = [];
    for (let s = 0; s < d.nSteps; s++) {
      inputPass(net, st, s, q);
      const n = st.acc[ch * d.N]! / q[0]!;
      st.acc.fill(0);
      if (n === 0) continue;
      if (s >= 1000 && s < 2000 + late) inside += n;
      else outside.push(s);
    }
    expect(x.startStep).toBe(1000);
    expect(x.stopStep).toBe(2000);
    expect(inside).toBeGreaterThan(0);
    expect(outside).toEqual([]);
  });

  it.each([0, 0.1])('c = %f: the same seed gives the same spikes; another seed does not', (c) => {
    const trace = (seed: number): string => {
      const ev: number[] = [];
      generate(derive(inputSpec(c, seed, 5)), 50_000, (s, k, n) => ev.push(s, k, n));
      return ev.join(',');
    };
    const a = trace(11);
    expect(a.length).toBeGreaterThan(0);
    expect(trace(11)).toBe(a);
    expect(trace(12)).not.toBe(a);
  });

  it('different inputs of one spec draw different spikes (the input index enters the counter)', () => {
    const d = derive(inputSpec(0, 3, 5));
    const x0 = d.inputs[0]!;
    const x1: DerivedInput = { ...x0, index: 1 };
    const out0 = new Int32Array(64);
    const out1 = new Int32Array(64);
    let same = 0, steps = 0;
    for (let s = 0; s < 50_000; s++) {
      const n0 = independentSpikes(3, x0, s, out0);
      const n1 = independentSpikes(3, x1, s, out1);
      if (n0 + n1 === 0) continue;
      steps++;
      if (n0 === n1 && out0.subarray(0, n0).every((v, i) => v === out1[i])) same++;
    }
    expect(steps).toBeGreaterThan(100);
    expect(same).toBeLessThan(0.05 * steps);
  });
});
