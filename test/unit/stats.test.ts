// Statistics on synthetic data with known answers: rates, CV, O(K*N) covariance vs brute force, weights, summary.
import { describe, expect, it } from 'vitest';
import type { PopulationLayout, Recordings, WindowCounts } from '../../src/record/recordings.ts';
import { countStats, evenSample, sampleCovMatrix } from '../../src/stats/covariance.ts';
import { neuronCv, populationCv } from '../../src/stats/cv.ts';
import { neuronRates_Hz, populationRates_Hz, statsDuration_ms } from '../../src/stats/rates.ts';
import { summarize } from '../../src/stats/summary.ts';
import { histogram, linearRegression, weightRateCovariance, weightRateRegression } from '../../src/stats/weights.ts';
import { rng } from '../mulberry32.ts';


/** Poisson sample by Knuth's product method (small means). */
function poisson(u: () => number, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0;
  let p = u();
  while (p > l) {
    k++;
    p *= u();
  }
  return k;
}

const pops = (ne: number, ni: number): PopulationLayout[] => [
  { name: 'E', offset: 0, size: ne },
  { name: 'I', offset: ne, size: ni },
];

/** Window counts from a generator f(w, i). */
function makeCounts(k: number, n: number, f: (w: number, i: number) => number): WindowCounts {
  const counts = new Uint16Array(k * n);
  for (let w = 0; w < k; w++) for (let i = 0; i < n; i++) counts[w * n + i] = f(w, i);
  return { window_ms: 250, nWindows: k, nNeurons: n, counts };
}

/** Brute-force N x N unbiased covariance matrix. */
function bruteCov(wc: WindowCounts): number[][] {
  const { nNeurons: n, nWindows: k, counts } = wc;
  const m = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let w = 0; w < k; w++) s += counts[w * n + i]!;
    return s / k;
  });
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let w = 0; w < k; w++) s += (counts[w * n + i]! - m[i]!) * (counts[w * n + j]! - m[j]!);
      return s / (k - 1);
    }),
  );
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('rates', () => {
  it('per-neuron and per-population rates over the statistics interval', () => {
    const dur = statsDuration_ms({ steps: 20000, dt_ms: 0.1, statsStart_step: 10000 });
    expect(dur).toBe(1000);
    const counts = new Uint32Array([10, 20, 30, 40]);
    expect(Array.from(neuronRates_Hz(counts, dur))).toEqual([10, 20, 30, 40]);
    expect(populationRates_Hz(counts, pops(2, 2), dur)).toEqual([15, 35]);
  });
});

describe('cv', () => {
  it('needs >= 2 ISIs; CV = population sd / mean of the ISIs', () => {
    const isi = [10, 20, 30];
    const stats = {
      isiCount: new Uint32Array([3, 1, 0, 4]),
      isiSum_ms: new Float64Array([60, 5, 0, 40]),
      isiSumSq_ms2: new Float64Array([isi.reduce((a, x) => a + x * x, 0), 25, 0, 400]),
    };
    const cv = neuronCv(stats);
    expect(cv[0]).toBeCloseTo(Math.sqrt(200 / 3) / 20, 12);
    expect(cv[1]).toBeNaN();
    expect(cv[2]).toBeNaN();
    expect(cv[3]).toBe(0); // regular train
    expect(populationCv(cv, pops(2, 2))).toEqual([cv[0], 0]);
  });
});

describe('covariance', () => {
  it('O(K*N) population means equal the brute-force N x N means to 1e-9 relative', () => {
    const u = rng(7);
    const [ne, ni, k] = [8, 5, 37];
    const shared = Array.from({ length: k }, () => Math.floor(u() * 4));
    const wc = makeCounts(k, ne + ni, (w, i) => Math.floor(u() * 7) + (i % 3 === 0 ? shared[w]! : 0));
    const c = bruteCov(wc);
    const st = countStats(wc, pops(ne, ni), { covSample: 100 }); // sample = every neuron
    const blocks: [string, number, number, number, number][] = [
      ['E-E', 0, ne, 0, ne],
      ['E-I', 0, ne, ne, ne + ni],
      ['I-I', ne, ne + ni, ne, ne + ni],
    ];
    for (const [key, a0, a1, b0, b1] of blocks) {
      let cs = 0;
      let rs = 0;
      let n = 0;
      for (let i = a0; i < a1; i++) {
        for (let j = b0; j < b1; j++) {
          if (i === j) continue;
          cs += c[i]![j]!;
          rs += c[i]![j]! / Math.sqrt(c[i]![i]! * c[j]![j]!);
          n++;
        }
      }
      expect(rel(st.pairs[key]!.cov, cs / n)).toBeLessThan(1e-9);
      expect(rel(st.pairs[key]!.corr, rs / n)).toBeLessThan(1e-9);
    }
    let vs = 0;
    let ms = 0;
    for (let i = 0; i < ne; i++) vs += c[i]![i]!;
    for (let w = 0; w < k; w++) for (let i = 0; i < ne; i++) ms += wc.counts[w * (ne + ni) + i]!;
    expect(rel(st.meanVar[0]!, vs / ne)).toBeLessThan(1e-12);
    expect(rel(st.fano[0]!, vs / ne / (ms / (k * ne)))).toBeLessThan(1e-12);
    // the saved sample matrix is the brute-force matrix on the sample
    expect(st.sample.n).toBe(ne + ni);
    for (let s = 0; s < st.sample.n; s++) {
      for (let t = 0; t < st.sample.n; t++) {
        expect(rel(st.sample.cov[s * st.sample.n + t]!, c[st.sample.indices[s]!]![st.sample.indices[t]!]!)).toBeLessThan(1e-9);
      }
    }
  });

  it('independent Poisson counts: |C_ab| < 0.01 (about 6 s.d. of the estimator), Fano ~ 1', () => {
    const u = rng(11);
    const [ne, ni, k, lam] = [40, 20, 4000, 2.5];
    const wc = makeCounts(k, ne + ni, () => poisson(u, lam));
    const st = countStats(wc, pops(ne, ni), { covSample: 10 });
    for (const key of ['E-E', 'E-I', 'I-I']) {
      expect(Math.abs(st.pairs[key]!.cov)).toBeLessThan(0.01);
      expect(Math.abs(st.pairs[key]!.corr)).toBeLessThan(0.01);
    }
    expect(Math.abs(st.fano[0]! - 1)).toBeLessThan(0.03);
    expect(Math.abs(st.meanCount[1]! - lam)).toBeLessThan(0.03);
    expect(st.sample.n).toBe(20);
  });

  it('a shared component gives the known covariance: C_EE = C_EI = var Z_E, C_II = var(Z_E + Z_I)', () => {
    const u = rng(3);
    const [ne, ni, k, lam, mE, mI] = [30, 30, 4000, 2, 1.5, 0.5];
    const zE = Array.from({ length: k }, () => poisson(u, mE));
    const zI = Array.from({ length: k }, () => poisson(u, mI));
    const wc = makeCounts(k, ne + ni, (w, i) => poisson(u, lam) + zE[w]! + (i >= ne ? zI[w]! : 0));
    const st = countStats(wc, pops(ne, ni), { covSample: 30 });
    const scov = (x: number[], y: number[]) => {
      const mx = x.reduce((a, b) => a + b, 0) / k;
      const my = y.reduce((a, b) => a + b, 0) / k;
      return x.reduce((a, b, w) => a + (b - mx) * (y[w]! - my), 0) / (k - 1);
    };
    const vE = scov(zE, zE);
    const cEI = scov(zE, zI);
    // tight: against the realized (co)variances of the shared parts (residual: P-Z cross terms, ~0.005 s.d.)
    expect(Math.abs(st.pairs['E-E']!.cov - vE)).toBeLessThan(0.02);
    expect(Math.abs(st.pairs['E-I']!.cov - (vE + cEI))).toBeLessThan(0.02);
    expect(Math.abs(st.pairs['I-I']!.cov - (vE + scov(zI, zI) + 2 * cEI))).toBeLessThan(0.02);
    // loose: against the generating means (about 4 s.d. of a variance estimate from K = 4000)
    expect(Math.abs(st.pairs['E-E']!.cov - mE)).toBeLessThan(0.15);
    expect(Math.abs(st.pairs['E-E']!.corr - mE / (lam + mE))).toBeLessThan(0.03);
    expect(Math.abs(st.pairs['I-I']!.corr - (mE + mI) / (lam + mE + mI))).toBeLessThan(0.03);
  });

  it('evenSample gives distinct increasing indices; constant neurons are excluded from corr', () => {
    expect(Array.from(evenSample(10, 10, 4))).toEqual([11, 13, 16, 18]);
    expect(evenSample(0, 3, 10).length).toBe(3);
    const wc = makeCounts(5, 3, (w, i) => (i === 0 ? 2 : w * i));
    const m = sampleCovMatrix(wc, new Int32Array([0, 1, 2]));
    expect(m[0]).toBe(0);
    const st = countStats(wc, [{ name: 'E', offset: 0, size: 3 }]);
    expect(st.pairs['E-E']!.corr).toBeCloseTo(1, 12); // only the (1, 2) pair is finite
  });
});

describe('weights', () => {
  it('linear regression: exact line has R^2 = 1', () => {
    const r = linearRegression([1, 2, 3, 4], [3, 5, 7, 9]);
    expect(r.slope).toBeCloseTo(2, 12);
    expect(r.intercept).toBeCloseTo(1, 12);
    expect(r.r2).toBeCloseTo(1, 12);
    expect(linearRegression([1, 1, 1], [1, 2, 3]).r2).toBeNaN();
  });

  it('Fig 3E regression picks the cells with most synapses and fits j against pre rate', () => {
    const rates = new Float64Array([1, 2, 3, 4, 5, 6]);
    const pre: number[] = [];
    const post: number[] = [];
    const j: number[] = [];
    for (let p = 0; p < 6; p++) (pre.push(p), post.push(7), j.push(-100 - 10 * rates[p]!)); // cell 7: exact line
    for (let p = 0; p < 5; p++) (pre.push(p), post.push(3), j.push([-1, 5, -2, 8, 0][p]!)); // cell 3: noisy
    pre.push(0, 1), post.push(9, 9), j.push(1, 2); // cell 9: 2 synapses
    const fit = weightRateRegression({ j: Float32Array.from(j), pre: Int32Array.from(pre), post: Int32Array.from(post) }, rates, 2);
    expect(Array.from(fit.cells)).toEqual([7, 3]);
    expect(Array.from(fit.nSyn)).toEqual([6, 5]);
    expect(fit.r2[0]).toBeCloseTo(1, 6);
    expect(fit.slope[0]).toBeCloseTo(-10, 4);
    expect(fit.r2[1]).toBeLessThan(0.9);
    expect(fit.meanR2).toBeCloseTo((fit.r2[0]! + fit.r2[1]!) / 2, 12);
  });

  it('Eq 23 weight-rate covariance and histogram', () => {
    // cell 0: J = [1, 3], r = [2, 4] -> <Jr> - <J><r> = 7 - 6 = 1; cell 1: constant J -> 0
    const w = { j: [1, 3, 5, 5], pre: [0, 1, 0, 1], post: [0, 0, 1, 1] };
    expect(weightRateCovariance(w, [2, 4])).toBeCloseTo(0.5, 12);
    const h = histogram([0, 0.1, 0.5, 0.99, 1, NaN, 2], 2, { min: 0, max: 1 });
    expect(Array.from(h.edges)).toEqual([0, 0.5, 1]);
    expect(Array.from(h.counts)).toEqual([2, 3]);
    expect(Array.from(histogram([3, 3, 3], 1).counts)).toEqual([3]);
  });
});

describe('summary', () => {
  it('builds a JSON-able summary with rates, currents over the stats interval and plastic weights', () => {
    const [ne, ni] = [4, 2];
    const n = ne + ni;
    const u = rng(5);
    const wc = makeCounts(20, n, () => poisson(u, 3));
    const nBins = 4;
    const channels = ['E', 'I', 'X'];
    const currents = new Float64Array(nBins * 2 * 3);
    for (let b = 0; b < nBins; b++) for (let p = 0; p < 2; p++) for (let c = 0; c < 3; c++) currents[(b * 2 + p) * 3 + c] = b + 10 * p + 100 * c;
    const rec: Recordings = {
      steps: 40000,
      dt_ms: 0.1,
      statsStart_step: 20000, // 2000 ms: bins 2 and 3 of 1000 ms
      populations: pops(ne, ni),
      windows: wc,
      raster: { neurons: new Int32Array(0), steps: new Int32Array(0), ids: new Int32Array(0), count: 0, dropped: 0 },
      series: {
        bin_ms: 1000,
        nBins,
        rate_Hz: new Float64Array(nBins * 2),
        currents,
        channels,
        jMean: new Float64Array([-150, -140, -130, -125]),
        jSample: new Float32Array(0),
      },
      neuronStats: {
        spikeCount: new Uint32Array([10, 20, 30, 40, 60, 80]),
        isiCount: new Uint32Array(n),
        isiSum_ms: new Float64Array(n),
        isiSumSq_ms2: new Float64Array(n),
      },
      plasticNames: ['E<-I'],
      finalWeights: [{ name: 'E<-I', j: new Float32Array([-120, -130]), pre: new Int32Array([4, 5]), post: new Int32Array([0, 0]) }],
    };
    const s = summarize(rec, { covSample: 4 });
    expect(s.statsDuration_ms).toBe(2000);
    expect(s.populations['E']!.rate_Hz).toBe(12.5);
    expect(s.populations['I']!.rate_Hz).toBe(35);
    expect(s.populations['E']!.cv_isi).toBeNaN();
    expect(s.populations['I']!.currents).toEqual({ E: 12.5, I: 112.5, X: 212.5, total: 337.5 });
    expect(Object.keys(s.pairs)).toEqual(['E-E', 'E-I', 'I-I']);
    expect(s.plastic['E<-I']!.jMeanSeries).toEqual([-150, -140, -130, -125]);
    expect(s.plastic['E<-I']!.jMeanFinal).toBe(-125);
    expect(s.plastic['E<-I']!.r2).toEqual([1]);
    const back = JSON.parse(JSON.stringify(s)) as { populations: { E: { cv_isi: unknown } } };
    expect(back.populations.E.cv_isi).toBeNull();
  });
});
