// Distributions on Philox words. Integer-exact ones (uniform index, Bernoulli, table Poisson) give the
// same result in WGSL and TypeScript; float ones (normal, geometric) agree to a few ULP.
import { mulhi32, u01open } from './philox.ts';
import type { RngStream } from './streams.ts';

/** Uniform integer in [0, n) from one word: floor(word * n / 2^32) (multiply-shift, bias < n/2^32). */
export function uniformIndex(word: number, n: number): number {
  return mulhi32(word >>> 0, n >>> 0);
}

/** u32 threshold t such that P(word < t) = p (p clamped to the representable [0, 1 - 2^-32]). */
export function bernoulliThreshold(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability ${p} outside [0, 1]`);
  return Math.min(Math.round(p * 4294967296), 4294967295);
}

/** Standard normal from two words by Box–Muller (cos branch). */
export function normalFromWords(w1: number, w2: number): number {
  const r = Math.sqrt(-2 * Math.log(u01open(w1)));
  return r * Math.cos(6.283185307179586 * u01open(w2) - 0);
}

/**
 * Poisson(lambda) by inversion against a precomputed table of u32 CDF thresholds: the count is the
 * number of thresholds <= word. One word per draw, integer comparisons only, so the WGSL twin is exact.
 * The table stops where the remaining tail mass is below 2^-32 (the resolution of one word).
 */
export class PoissonTable {
  readonly thresholds: Uint32Array;
  constructor(readonly lambda: number) {
    if (!(lambda >= 0 && lambda <= 1000)) throw new RangeError(`Poisson mean ${lambda} outside [0, 1000]`);
    const th: number[] = [];
    // Accumulate in log space to avoid underflow of exp(-lambda) for large lambda.
    let logP = -lambda;
    let cdf = 0;
    for (let k = 0; k < 100000; k++) {
      cdf += Math.exp(logP);
      const t = Math.round(cdf * 4294967296);
      if (t >= 4294967296 || k > lambda + 40 * Math.sqrt(lambda + 1) + 40) break;
      th.push(t);
      logP += Math.log(lambda) - Math.log(k + 1);
    }
    this.thresholds = Uint32Array.from(th);
  }

  /** Poisson draw from one u32 word. */
  draw(word: number): number {
    const w = word >>> 0;
    const th = this.thresholds;
    let k = 0;
    while (k < th.length && w >= th[k]!) k++;
    return k;
  }
}

/** Poisson draw for arbitrary lambda from a host stream: table for lambda <= 1000, else normal approx. */
export function poisson(rng: RngStream, lambda: number): number {
  if (lambda <= 1000) return new PoissonTable(lambda).draw(rng.nextU32());
  const z = normalFromWords(rng.nextU32(), rng.nextU32());
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
}

/**
 * Binomial(n, p) by geometric waiting times: skip floor(log U / log(1-p)) failures between successes.
 * Exact in distribution (up to float rounding of the skips), O(n p) words.
 */
export function binomial(rng: RngStream, n: number, p: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial n ${n} must be a non-negative integer`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial p ${p} outside [0, 1]`);
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const logQ = Math.log1p(-p);
  let k = 0;
  let pos = -1;
  for (;;) {
    pos += 1 + Math.floor(Math.log(rng.uniformOpen()) / logQ);
    if (pos >= n) return k;
    k++;
  }
}

/** Geometric skip: number of failures before the next success, for Bernoulli(p) connectivity. */
export function geometricSkip(u: number, logQ: number): number {
  return Math.floor(Math.log(u) / logQ);
}
