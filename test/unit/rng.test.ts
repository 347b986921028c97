// RNG: Philox4x32-10 against the Random123 known answers, exact integer helpers (mulhi32, u01,
// uniformIndex, Bernoulli thresholds, Poisson table boundaries) and calibrated statistics of the
// float and count distributions drawn from it.
// Statistical checks in this file: uniform 2, normal 5, Poisson 3 lambdas x 2, binomial 6 pairs x 2,
// uniformIndex chi-square 1 -> 26 checks at Z SE (test/tolerances.ts).
import { describe, expect, it } from 'vitest';
import { mulhi32, philox4x32, u01, u01open } from '../../src/rng/philox.ts';
import { PoissonTable, bernoulliThreshold, binomial, normalFromWords, uniformIndex } from '../../src/rng/dist.ts';
import { RngStream, STREAM } from '../../src/rng/streams.ts';
import { seMean, seVar, withinZ } from '../tolerances.ts';

const TWO32 = 4294967296;

/** Random123 kat_vectors for philox4x32 with 10 rounds: counter, key, expected output. */
const KATS: Array<{ ctr: number[]; key: number[]; out: number[] }> = [
  { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
  {
    ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    key: [0xffffffff, 0xffffffff],
    out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  },
  {
    ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    key: [0xa4093822, 0x299f31d0],
    out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  },
];

const hex = (a: ArrayLike<number>): string[] => Array.from(a, (x) => (x >>> 0).toString(16).padStart(8, '0'));

/** Sample moments of an array: mean, variance (unbiased), third and fourth central moments. */
function moments(x: Float64Array): { mean: number; v: number; m3: number; m4: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  let s2 = 0, s3 = 0, s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { mean, v: s2 / (n - 1), m3: s3 / n, m4: s4 / n };
}

describe('philox4x32-10', () => {
  it.each(KATS.map((k, i) => [i, k] as const))('matches Random123 known-answer vector %i', (_i, k) => {
    const out = philox4x32(new Uint32Array(4), k.ctr[0]!, k.ctr[1]!, k.ctr[2]!, k.ctr[3]!, k.key[0]!, k.key[1]!);
    expect(hex(out)).toEqual(hex(k.out));
  });

  it('control: fewer rounds give a different answer, so the KAT really pins the round count', () => {
    const k = KATS[2]!;
    const out = philox4x32(new Uint32Array(4), k.ctr[0]!, k.ctr[1]!, k.ctr[2]!, k.ctr[3]!, k.key[0]!, k.key[1]!, 9);
    expect(hex(out)).not.toEqual(hex(k.out));
  });

  it('is a pure function of (counter, key): repeated calls agree and each input word matters', () => {
    const a = Array.from(philox4x32(new Uint32Array(4), 1, 2, 3, 4, 5, 6));
    expect(Array.from(philox4x32(new Uint32Array(4), 1, 2, 3, 4, 5, 6))).toEqual(a);
    const args: Array<[number, number, number, number, number, number]> = [
      [0, 2, 3, 4, 5, 6], [1, 0, 3, 4, 5, 6], [1, 2, 0, 4, 5, 6], [1, 2, 3, 0, 5, 6], [1, 2, 3, 4, 0, 6], [1, 2, 3, 4, 5, 0],
    ];
    for (const g of args) expect(Array.from(philox4x32(new Uint32Array(4), ...g))).not.toEqual(a);
  });
});

describe('mulhi32', () => {
  const ref = (a: number, b: number): number => Number((BigInt(a >>> 0) * BigInt(b >>> 0)) >> 32n);

  it('equals the high word of the BigInt product for edge values', () => {
    const edges = [0, 1, 2, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0xd2511f53, 0xcd9e8d57];
    for (const a of edges) for (const b of edges) expect(mulhi32(a, b), `${a} * ${b}`).toBe(ref(a, b));
  });

  it('equals the high word of the BigInt product for 20000 random pairs', () => {
    const rng = new RngStream(12345, 99);
    let bad = 0;
    for (let i = 0; i < 20000; i++) {
      const a = rng.nextU32();
      const b = rng.nextU32();
      if (mulhi32(a, b) !== ref(a, b)) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('u01 / u01open: bits to floats', () => {
  it('maps the extreme words to the ends of [0, 1) and (0, 1]', () => {
    expect(u01(0)).toBe(0);
    expect(u01(0xff)).toBe(0); // the low 8 bits are dropped
    expect(u01(0x100)).toBe(2 ** -24);
    expect(u01(0xffffffff)).toBe(1 - 2 ** -24);
    expect(u01open(0)).toBe(2 ** -24);
    expect(u01open(0xffffffff)).toBe(1);
  });

  it('is exact in f32 and equals (word >> 8) * 2^-24 for random words', () => {
    const rng = new RngStream(7, 1);
    const bad: string[] = [];
    for (let i = 0; i < 10000; i++) {
      const w = rng.nextU32();
      const u = u01(w);
      const uo = u01open(w);
      const ok = Math.fround(u) === u && Math.fround(uo) === uo && u * 2 ** 24 === w >>> 8 && uo - u === 2 ** -24 && u >= 0 && u < 1 && uo > 0 && uo <= 1;
      if (!ok && bad.length < 5) bad.push(`word ${w}: u01 ${u}, u01open ${uo}`);
    }
    expect(bad).toEqual([]);
  });

  it('gives a uniform mean and variance over 10^6 draws', () => {
    const n = 1_000_000;
    const rng = new RngStream(2024, 3);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.uniform();
    const m = moments(x);
    // U[0,1): var 1/12, mu4 1/80 (the 24-bit grid shifts the mean by 2^-25, far below the SE).
    expect(withinZ(m.mean, 0.5, seMean(1 / 12, n)), `mean ${m.mean}`).toBe(true);
    expect(withinZ(m.v, 1 / 12, seVar(1 / 12, 1 / 80, n)), `var ${m.v}`).toBe(true);
  });
});

describe('normalFromWords (Box-Muller)', () => {
  it('has mean 0, variance 1, skewness 0, kurtosis 3 and P(|z| > 2) = 0.0455 over 2*10^5 draws', () => {
    const n = 200_000;
    const rng = new RngStream(31, 2);
    const x = new Float64Array(n);
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const z = normalFromWords(rng.nextU32(), rng.nextU32());
      x[i] = z;
      if (Math.abs(z) > 2) tail++;
    }
    const m = moments(x);
    // Standard normal moments: E z^4 = 3, E z^6 = 15, E z^8 = 105.
    expect(withinZ(m.mean, 0, seMean(1, n)), `mean ${m.mean}`).toBe(true);
    expect(withinZ(m.v, 1, seVar(1, 3, n)), `var ${m.v}`).toBe(true);
    expect(withinZ(m.m3, 0, seMean(15, n)), `m3 ${m.m3}`).toBe(true);
    expect(withinZ(m.m4, 3, seMean(105 - 9, n)), `m4 ${m.m4}`).toBe(true);
    const pTail = 0.04550026389635842;
    expect(withinZ(tail / n, pTail, seMean(pTail * (1 - pTail), n)), `tail ${tail / n}`).toBe(true);
  });
});

describe('PoissonTable', () => {
  /** Exact CDF thresholds round(P(X <= k) * 2^32), summed independently in the forward direction. */
  function refThreshold(lambda: number, k: number): number {
    let term = Math.exp(-lambda);
    let cdf = term;
    for (let j = 1; j <= k; j++) {
      term *= lambda / j;
      cdf += term;
    }
    return Math.round(cdf * TWO32);
  }

  it.each([0.001, 1, 20])('lambda = %f: thresholds are round(CDF * 2^32), non-decreasing, below 2^32', (lambda) => {
    const t = new PoissonTable(lambda);
    expect(t.thresholds.length).toBeGreaterThan(0);
    for (let k = 0; k < t.thresholds.length; k++) {
      expect(Math.abs(t.thresholds[k]! - refThreshold(lambda, k)), `k = ${k}`).toBeLessThanOrEqual(1); // float sums may differ by a rounding
      if (k > 0) expect(t.thresholds[k]!).toBeGreaterThanOrEqual(t.thresholds[k - 1]!);
    }
    expect(t.thresholds[0]).toBe(Math.round(Math.exp(-lambda) * TWO32));
  });

  it.each([0.001, 1, 20])('lambda = %f: the exact mean over all 2^32 words equals lambda', (lambda) => {
    // E[draw] over a uniform word = sum_k P(draw > k) = sum_k (2^32 - t_k) / 2^32. Rounding each
    // threshold costs at most 2^-33 per entry; the truncated tail is below 2^-32 by construction.
    const t = new PoissonTable(lambda);
    let mean = 0;
    for (const th of t.thresholds) mean += (TWO32 - th) / TWO32;
    expect(Math.abs(mean - lambda)).toBeLessThanOrEqual(t.thresholds.length * 2 ** -32 + 1e-9 * lambda);
  });

  it.each([0.001, 1, 20])('lambda = %f: draws exactly k below a threshold and k+1 at it', (lambda) => {
    const t = new PoissonTable(lambda);
    const th = t.thresholds;
    let checked = 0;
    for (let k = 0; k < th.length; k++) {
      const prev = k > 0 ? th[k - 1]! : -1;
      const next = k + 1 < th.length ? th[k + 1]! : TWO32;
      if (!(prev < th[k]! && th[k]! < next)) continue; // a repeated threshold is a zero-probability count
      expect(t.draw(th[k]! - 1), `word t_${k} - 1`).toBe(k);
      expect(t.draw(th[k]!), `word t_${k}`).toBe(k + 1);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    expect(t.draw(0)).toBe(0);
    expect(t.draw(0xffffffff)).toBe(th.length);
  });

  it('lambda = 0 (control) always draws 0; out-of-range lambda is rejected', () => {
    const t = new PoissonTable(0);
    expect(t.draw(0)).toBe(0);
    expect(t.draw(0xffffffff)).toBe(0);
    expect(() => new PoissonTable(-1)).toThrow(RangeError);
    expect(() => new PoissonTable(NaN)).toThrow(RangeError);
    expect(() => new PoissonTable(1001)).toThrow(RangeError);
  });

  it.each([0.001, 1, 20])('lambda = %f: sample mean and variance of 2*10^5 draws match Poisson', (lambda) => {
    const n = 200_000;
    const t = new PoissonTable(lambda);
    const rng = new RngStream(555, 5, Math.round(lambda * 1000));
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = t.draw(rng.nextU32());
    const m = moments(x);
    // Poisson: var = lambda, mu4 = lambda + 3 lambda^2.
    expect(withinZ(m.mean, lambda, seMean(lambda, n)), `mean ${m.mean}`).toBe(true);
    expect(withinZ(m.v, lambda, seVar(lambda, lambda + 3 * lambda * lambda, n)), `var ${m.v}`).toBe(true);
  });
});

describe('binomial', () => {
  const cases: Array<[number, number]> = [
    [100, 0.1],
    [1000, 0.01],
    [20, 0.5],
    [50, 0.7], // p > 0.5: the n - Binomial(n, 1 - p) branch
    [30, 0.97],
    [5000, 0.001],
  ];
  it.each(cases)('n = %i, p = %f: mean, variance and support over 2*10^4 draws', (n, p) => {
    const S = 20_000;
    const rng = new RngStream(4242, 8, n, Math.round(p * 1e6));
    const x = new Float64Array(S);
    let outside = 0;
    for (let i = 0; i < S; i++) {
      const k = binomial(rng, n, p);
      if (!(Number.isInteger(k) && k >= 0 && k <= n)) outside++;
      x[i] = k;
    }
    expect(outside).toBe(0);
    const m = moments(x);
    const q = 1 - p;
    const v = n * p * q;
    const mu4 = v * (1 + 3 * (n - 2) * p * q);
    expect(withinZ(m.mean, n * p, seMean(v, S)), `mean ${m.mean} vs ${n * p}`).toBe(true);
    expect(withinZ(m.v, v, seVar(v, mu4, S)), `var ${m.v} vs ${v}`).toBe(true);
  });

  it('edges: p = 0 gives 0, p = 1 gives n, n = 0 gives 0; bad n or p throw', () => {
    const rng = new RngStream(1, 8);
    for (let i = 0; i < 100; i++) {
      expect(binomial(rng, 37, 0)).toBe(0);
      expect(binomial(rng, 37, 1)).toBe(37);
      expect(binomial(rng, 0, 0.3)).toBe(0);
    }
    expect(() => binomial(rng, -1, 0.5)).toThrow(RangeError);
    expect(() => binomial(rng, 2.5, 0.5)).toThrow(RangeError);
    expect(() => binomial(rng, 10, 1.5)).toThrow(RangeError);
    expect(() => binomial(rng, 10, NaN)).toThrow(RangeError);
  });
});

describe('uniformIndex and bernoulliThreshold', () => {
  it('uniformIndex(w, n) = floor(w n / 2^32) exactly, always in [0, n)', () => {
    const rng = new RngStream(77, 4);
    for (const n of [1, 2, 3, 400, 1600, 65535, 1e6, 0xffffffff]) {
      for (const w of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff]) {
        expect(uniformIndex(w, n)).toBe(Number((BigInt(w) * BigInt(n)) >> 32n));
      }
      let bad = 0;
      for (let i = 0; i < 1000; i++) {
        const w = rng.nextU32();
        const k = uniformIndex(w, n);
        if (k !== Number((BigInt(w) * BigInt(n)) >> 32n) || !(k >= 0 && k < n)) bad++;
      }
      expect(bad, `n = ${n}`).toBe(0);
    }
  });

  it('uniformIndex over 4*10^5 words hits each of 400 bins equally often (mean count, chi-square-like variance)', () => {
    const n = 400;
    const S = 400_000;
    const rng = new RngStream(78, 4);
    const counts = new Float64Array(n);
    for (let i = 0; i < S; i++) counts[uniformIndex(rng.nextU32(), n)]!++;
    // Bin counts are multinomial: each ~ Binomial(S, 1/n) with variance S/n (1 - 1/n). The spread
    // of the n counts, sum (c - S/n)^2 / (S/n), is chi-square with n - 1 dof: mean n - 1, var 2(n - 1).
    let chi2 = 0;
    for (const c of counts) chi2 += (c - S / n) ** 2 / (S / n);
    expect(withinZ(chi2, n - 1, Math.sqrt(2 * (n - 1))), `chi2 ${chi2}`).toBe(true);
  });

  it('bernoulliThreshold maps p to round(p 2^32), clamped to 2^32 - 1, and rejects p outside [0, 1]', () => {
    expect(bernoulliThreshold(0)).toBe(0);
    expect(bernoulliThreshold(0.5)).toBe(2 ** 31);
    expect(bernoulliThreshold(0.1)).toBe(Math.round(0.1 * TWO32));
    expect(bernoulliThreshold(1)).toBe(0xffffffff);
    for (const bad of [-0.1, 1.1, NaN]) expect(() => bernoulliThreshold(bad)).toThrow(RangeError);
  });
});

describe('RngStream', () => {
  const take = (s: RngStream, n: number): number[] => Array.from({ length: n }, () => s.nextU32());

  it('is the Philox words of counter (i, a, b, c) and key (seed, stream), in order', () => {
    const s = new RngStream(9, STREAM.sample, 3, 4, 5);
    const got = take(s, 12);
    const want: number[] = [];
    const buf = new Uint32Array(4);
    for (let i = 0; i < 3; i++) want.push(...philox4x32(buf, i, 3, 4, 5, 9, STREAM.sample));
    expect(got).toEqual(want);
  });

  it('same seed and stream give the same sequence; a different seed, stream or sub-counter does not', () => {
    const ref = take(new RngStream(2538, STREAM.connectivity, 1, 2), 1000);
    expect(take(new RngStream(2538, STREAM.connectivity, 1, 2), 1000)).toEqual(ref);
    const others = [
      new RngStream(2539, STREAM.connectivity, 1, 2),
      new RngStream(2538, STREAM.initialV, 1, 2),
      new RngStream(2538, STREAM.connectivity, 2, 2),
      new RngStream(2538, STREAM.connectivity, 1, 3),
      new RngStream(2538, STREAM.connectivity, 1, 2, 1),
    ];
    for (const o of others) {
      const x = take(o, 1000);
      let same = 0;
      for (let i = 0; i < 1000; i++) if (x[i] === ref[i]) same++;
      expect(same).toBeLessThan(3); // independent words coincide with probability 2^-32 each
    }
  });

  it('stream ids are distinct', () => {
    const ids = Object.values(STREAM);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uniform, uniformOpen and uniform53 stay in their intervals', () => {
    const s = new RngStream(3, 3);
    let outside = 0;
    for (let i = 0; i < 10000; i++) {
      const u = s.uniform();
      const uo = s.uniformOpen();
      const u53 = s.uniform53();
      if (!(u >= 0 && u < 1 && uo > 0 && uo <= 1 && u53 >= 0 && u53 < 1)) outside++;
    }
    expect(outside).toBe(0);
  });
});

