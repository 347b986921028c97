// Rate-modulated Poisson sources (Vogels SOM inputs): the filtered-noise signal, the sources' dead time and
// rate, the modulated rate given the signal path, the channel assignment, and reproducibility from Philox.
// Axes: signal tau in {50, 10} ms; source rate in {20, 100} Hz with dead time in {0, 5} ms; channel fixed or
// in blocks. Statistical checks use Z standard errors (test/tolerances.ts), 7 checks in this file.
// Controls: an unmodulated source ignores the signal; a different seed gives different spikes.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { advanceSignals } from '../../src/engine/cpu/inputModulated.ts';
import { poissonSourceUpdate, sourceChannel, sourceProbability } from '../../src/neurons/poisson.ts';
import { createState } from '../../src/engine/cpu/state.ts';
import { derive, type Derived } from '../../src/model/derive.ts';
import type { NetworkSpec, PoissonSourceNeuron } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { philox4x32, u01 } from '../../src/rng/philox.ts';
import { STREAM } from '../../src/rng/streams.ts';
import { withinZ } from '../tolerances.ts';

const f32 = Math.fround;

function sources(o: { size: number; neuron: PoissonSourceNeuron; channels?: number; tau_ms?: number; seed?: number; T_s?: number }): Derived {
  const spec: NetworkSpec = {
    name: 'sources',
    N: o.size,
    dt_ms: 0.1,
    T_s: o.T_s ?? 1,
    seed: o.seed ?? 11,
    signals: [{ name: 'S', channels: o.channels ?? 8, tau_ms: o.tau_ms ?? 50 }],
    populations: [{ name: 'X', fraction: 1, neuron: o.neuron, tauSyn_ms: 5 }],
    inputs: [],
    projections: [],
    recording: { window_ms: 250, statsStart_s: 0, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1000,
  };
  return derive(validate(spec));
}

describe('filtered-noise signal x <- u - (u - x) exp(-dt/tau), u ~ U(-1/2, 1/2)', () => {
  it.each([50, 10])('tau = %f ms: the f32 recursion from Philox words, mean 0, variance (1-a)/(1+a)/12, lag-tau autocorrelation 1/e', (tau) => {
    const d = sources({ size: 1, neuron: { model: 'poisson', rate_Hz: 0, refractory_ms: 0 }, tau_ms: tau });
    const st = createState(buildNetwork(d));
    const a = Math.exp(-0.1 / tau);
    expect(d.signals[0]!.decay).toBe(f32(a));
    const nSteps = 200_000;
    const lag = Math.round(tau / 0.1);
    const C = 8;
    const x = new Float64Array(C * nSteps);
    const words = new Uint32Array(4);
    const ref = new Float32Array(C);
    for (let s = 0; s < nSteps; s++) {
      advanceSignals(d, st, s);
      for (let c = 0; c < C; c++) {
        philox4x32(words, s, c, 0, 0, 11, STREAM.signal);
        const u = u01(words[0]!) - 0.5;
        ref[c] = f32(u - f32(f32(u - ref[c]!) * f32(a)));
        x[c * nSteps + s] = st.signal[c]!;
      }
      if (s < 1000 || s % 997 === 0) expect(Array.from(st.signal), `step ${s}`).toEqual(Array.from(ref));
    }
    const burn = 10 * lag;
    let m = 0, v = 0, ac = 0, n = 0;
    for (let c = 0; c < C; c++) for (let s = burn; s < nSteps; s++) m += x[c * nSteps + s]!, n++;
    m /= n;
    for (let c = 0; c < C; c++) {
      for (let s = burn; s < nSteps; s++) {
        const y = x[c * nSteps + s]! - m;
        v += y * y;
        if (s + lag < nSteps) ac += y * (x[c * nSteps + s + lag]! - m);
      }
    }
    v /= n;
    ac /= n - C * lag;
    const varTheory = (1 - a) / (1 + a) / 12;
    // AR(1) with coefficient a: SE of the mean sqrt(var/n (1+a)/(1-a)), of the variance var sqrt(2/n (1+a^2)/(1-a^2)).
    expect(withinZ(m, 0, Math.sqrt((varTheory / n) * ((1 + a) / (1 - a)))), `mean ${m}`).toBe(true);
    const seV = varTheory * Math.sqrt((2 / n) * ((1 + a * a) / (1 - a * a)));
    expect(withinZ(v, varTheory, seV), `variance ${v} vs ${varTheory} (SE ${seV})`).toBe(true);
    expect(withinZ(ac / v, Math.exp(-1), Math.sqrt(2 / n * ((1 + a * a) / (1 - a * a)))), `lag-tau autocorrelation ${ac / v}`).toBe(true);
  });
});

describe('Poisson sources', () => {
  it.each([
    [20, 0],
    [100, 0],
    [20, 5],
    [100, 5],
  ])('unmodulated, %f Hz with %f ms dead time: every ISI >= dead time + dt, mean ISI = D + 1/p steps', (rate, dead) => {
    const size = 400;
    const d = sources({ size, neuron: { model: 'poisson', rate_Hz: rate, refractory_ms: dead } });
    const st = createState(buildNetwork(d));
    const p = d.pops[0]!;
    const D = p.neuron.refSteps;
    const pStep = p.neuron.source!.pBase;
    const last = new Int32Array(size).fill(-1);
    let isiSum = 0, isiN = 0, minIsi = Infinity;
    const nSteps = 20_000;
    for (let s = 0; s < nSteps; s++) {
      advanceSignals(d, st, s);
      const n = poissonSourceUpdate(d, st, p, 0);
      for (let k = 0; k < n; k++) {
        const i = st.spikes[k]!;
        if (k > 0) expect(i).toBeGreaterThan(st.spikes[k - 1]!);
        if (last[i]! >= 0) {
          const isi = s - last[i]!;
          isiSum += isi;
          isiN++;
          minIsi = Math.min(minIsi, isi);
        }
        last[i] = s;
      }
    }
    expect(minIsi).toBe(D + 1);
    const mean = D + 1 / pStep;
    const se = Math.sqrt((1 - pStep) / (pStep * pStep) / isiN);
    expect(withinZ(isiSum / isiN, mean, se), `mean ISI ${isiSum / isiN} steps vs ${mean} (SE ${se}, n ${isiN})`).toBe(true);
  });

  it('modulated: spike counts per channel match sum over steps of p_t = pBase + pGain max(0, x_t), the rate the SOM gives', () => {
    const size = 800;
    const gain = 500 / 0.03;
    const d = sources({ size, neuron: { model: 'poisson', rate_Hz: 5, refractory_ms: 0, modulation: { signal: 'S', gain_Hz: gain } } });
    const st = createState(buildNetwork(d));
    const p = d.pops[0]!;
    const C = 8;
    const src = p.neuron.source!;
    expect(src.pBase).toBe(f32(5e-4));
    expect(Math.abs(src.pGain / (gain * 1e-4) - 1)).toBeLessThan(2 ** -23);
    for (let k = 0; k < size; k++) expect(sourceChannel(p, k)).toBe(Math.floor(k / 100));
    const counts = new Float64Array(C), expected = new Float64Array(C), variance = new Float64Array(C);
    for (let s = 0; s < 20_000; s++) {
      advanceSignals(d, st, s);
      for (let c = 0; c < C; c++) {
        const pr = sourceProbability(p, c * 100, st.signal);
        const x = st.signal[c]!;
        if (s % 97 === 0) expect(pr).toBe(f32(src.pBase + f32(src.pGain * Math.max(0, x))));
        expected[c]! += 100 * pr;
        variance[c]! += 100 * pr * (1 - pr);
      }
      const n = poissonSourceUpdate(d, st, p, 0);
      for (let k = 0; k < n; k++) counts[Math.floor(st.spikes[k]! / 100)]!++;
    }
    let total = 0, totalExp = 0, totalVar = 0;
    for (let c = 0; c < C; c++) total += counts[c]!, totalExp += expected[c]!, totalVar += variance[c]!;
    expect(withinZ(total, totalExp, Math.sqrt(totalVar)), `total ${total} vs ${totalExp}`).toBe(true);
    // The channels differ (independent signals): their counts spread far beyond Poisson noise.
    const spread = Math.max(...counts) - Math.min(...counts);
    expect(spread).toBeGreaterThan(10 * Math.sqrt(totalVar / C));
  });

  it('control: an unmodulated source ignores the signal; one fixed channel serves every source', () => {
    const d = sources({ size: 10, neuron: { model: 'poisson', rate_Hz: 30, refractory_ms: 0, modulation: { signal: 'S', channel: 3, gain_Hz: 100 } } });
    const p = d.pops[0]!;
    for (let k = 0; k < 10; k++) expect(sourceChannel(p, k)).toBe(3);
    const u = sources({ size: 10, neuron: { model: 'poisson', rate_Hz: 30, refractory_ms: 0 } });
    const sig = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(sourceProbability(u.pops[0]!, 0, sig)).toBe(f32(0.003));
    expect(sourceProbability(p, 0, sig)).toBe(f32(f32(0.003) + f32(0.01)));
  });

  it('reproducible: the same seed gives identical spike trains through the engine, another seed does not', () => {
    const run = (seed: number) => {
      const d = sources({ size: 200, seed, T_s: 0.5, neuron: { model: 'poisson', rate_Hz: 5, refractory_ms: 5, modulation: { signal: 'S', gain_Hz: 500 / 0.03 } } });
      const e = new CpuEngine(buildNetwork(d));
      const out: number[] = [];
      for (let s = 0; s < d.nSteps; s++) {
        e.stepOnce();
        for (let k = 0; k < e.state.nSpikes; k++) out.push(s * 1000 + e.state.spikes[k]!);
      }
      return out;
    };
    const a = run(3);
    expect(a.length).toBeGreaterThan(1000);
    expect(run(3)).toEqual(a);
    expect(run(4)).not.toEqual(a);
  });
});
