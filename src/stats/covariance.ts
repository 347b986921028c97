// Spike-count statistics over the count windows: mean covariance per population pair in O(K*N),
// variances, Fano factors, and correlation coefficients on a per-population sample of neurons.
// All (co)variances are unbiased sample estimates over the K windows (divide by K - 1), as the authors' code.
import type { PopulationLayout, WindowCounts } from '../engine/recordings.ts';

/** Options of {@link countStats}. */
export interface CountStatsOptions {
  /** Neurons per population in the correlation sample (evenly spaced indices); default 200. */
  covSample?: number;
}

/** Mean spike-count covariance and correlation between two populations. */
export interface PairStats {
  cov: number; // mean covariance over pairs (i in a, j in b, i != j), spikes^2
  corr: number; // mean correlation coefficient over the finite entries of the sample pairs
}

/** Spike-count statistics over the count windows: per-population moments and Fano factors, per-pair covariances and the correlation sample. */
export interface CountStats {
  nWindows: number;
  window_ms: number;
  populations: string[];
  meanCount: number[]; // per population: <mean count per window>
  meanVar: number[]; // per population: <var n_i>
  fano: number[]; // per population: <var n_i> / <mean n_i>
  /** Keys "A-B" for population indices a <= b (e.g. "E-E", "E-I", "I-I"). */
  pairs: Record<string, PairStats>;
  neuronMean: Float64Array; // per neuron mean count per window
  neuronVar: Float64Array; // per neuron unbiased count variance
  /** The correlation sample: global indices, population index of each, and its n x n covariance (row-major). */
  sample: { n: number; indices: Int32Array; population: Int32Array; cov: Float64Array };
}

/** Key of the population pair (a, b) as used in CountStats.pairs and summary.json. */
export function pairKey(a: string, b: string): string {
  return `${a}-${b}`;
}

/** m evenly spaced indices of [offset, offset + size) (m = min(count, size)); distinct and increasing. */
export function evenSample(offset: number, size: number, count: number): Int32Array {
  const m = Math.max(0, Math.min(count, size));
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) out[k] = offset + Math.floor(((k + 0.5) * size) / m);
  return out;
}

/** Unbiased sample covariance of two length-K series (NaN if K < 2). */
export function sampleCov(x: Float64Array, y: Float64Array): number {
  const k = x.length;
  if (k < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let w = 0; w < k; w++) {
    mx += x[w]!;
    my += y[w]!;
  }
  mx /= k;
  my /= k;
  let s = 0;
  for (let w = 0; w < k; w++) s += (x[w]! - mx) * (y[w]! - my);
  return s / (k - 1);
}

/** Per-neuron mean and unbiased variance of the window counts (one pass, O(K*N)). */
export function neuronMoments(wc: WindowCounts): { mean: Float64Array; variance: Float64Array } {
  const { nNeurons: n, nWindows: k, counts } = wc;
  const sum = new Float64Array(n);
  const sumSq = new Float64Array(n);
  for (let w = 0; w < k; w++) {
    const row = w * n;
    for (let i = 0; i < n; i++) {
      const c = counts[row + i]!;
      sum[i]! += c;
      sumSq[i]! += c * c;
    }
  }
  // Counts are integers, so sum, sumSq and K*sumSq - sum^2 are exact while below 2^53: no cancellation error.
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  const denom = k >= 2 ? 1 / (k * (k - 1)) : NaN;
  for (let i = 0; i < n; i++) {
    const s = sum[i]!;
    mean[i] = s / k;
    variance[i] = (k * sumSq[i]! - s * s) * denom;
  }
  return { mean, variance };
}

/** Population sums per window: sums[p][w] = sum over neurons i of p of counts[w*N + i]. */
export function populationSums(wc: WindowCounts, pops: readonly PopulationLayout[]): Float64Array[] {
  const { nNeurons: n, nWindows: k, counts } = wc;
  return pops.map((p) => {
    const s = new Float64Array(k);
    for (let w = 0; w < k; w++) {
      let acc = 0;
      for (let i = w * n + p.offset, end = i + p.size; i < end; i++) acc += counts[i]!;
      s[w] = acc;
    }
    return s;
  });
}

/** Sample covariance matrix (n x n, row-major) of the given neurons' window counts, O(K*n^2). */
export function sampleCovMatrix(wc: WindowCounts, indices: Int32Array): Float64Array {
  const { nNeurons: nn, nWindows: k, counts } = wc;
  const n = indices.length;
  const x = new Float64Array(n * k); // centred counts, one contiguous row per sampled neuron
  for (let s = 0; s < n; s++) {
    const idx = indices[s]!;
    let m = 0;
    for (let w = 0; w < k; w++) m += counts[w * nn + idx]!;
    m /= k;
    for (let w = 0; w < k; w++) x[s * k + w] = counts[w * nn + idx]! - m;
  }
  // Tiled over windows so a tile of all sampled rows stays in cache; four columns per pass reuse row s.
  const out = new Float64Array(n * n);
  const tile = 256;
  for (let w0 = 0; w0 < k; w0 += tile) {
    const w1 = Math.min(k, w0 + tile);
    for (let s = 0; s < n; s++) {
      const rs = s * k;
      let t = s;
      for (; t + 3 < n; t += 4) {
        const r0 = t * k;
        const r1 = r0 + k;
        const r2 = r1 + k;
        const r3 = r2 + k;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let w = w0; w < w1; w++) {
          const xs = x[rs + w]!;
          a0 += xs * x[r0 + w]!;
          a1 += xs * x[r1 + w]!;
          a2 += xs * x[r2 + w]!;
          a3 += xs * x[r3 + w]!;
        }
        const o = s * n + t;
        out[o]! += a0;
        out[o + 1]! += a1;
        out[o + 2]! += a2;
        out[o + 3]! += a3;
      }
      for (; t < n; t++) {
        const rt = t * k;
        let acc = 0;
        for (let w = w0; w < w1; w++) acc += x[rs + w]! * x[rt + w]!;
        out[s * n + t]! += acc;
      }
    }
  }
  const denom = k >= 2 ? 1 / (k - 1) : NaN;
  for (let s = 0; s < n; s++) {
    for (let t = s; t < n; t++) out[s * n + t] = out[t * n + s] = out[s * n + t]! * denom;
  }
  return out;
}

/** Spike-count statistics of every population and population pair (see CountStats). */
export function countStats(wc: WindowCounts, pops: readonly PopulationLayout[], opts: CountStatsOptions = {}): CountStats {
  const np = pops.length;
  const { mean, variance } = neuronMoments(wc);
  const sums = populationSums(wc, pops);
  const sumVar = pops.map((p) => rangeSum(variance, p.offset, p.size));
  const sumMean = pops.map((p) => rangeSum(mean, p.offset, p.size));

  const covSample = opts.covSample ?? 200;
  const parts = pops.map((p) => evenSample(p.offset, p.size, covSample));
  const n = parts.reduce((a, s) => a + s.length, 0);
  const indices = new Int32Array(n);
  const population = new Int32Array(n);
  const start: number[] = [];
  let o = 0;
  parts.forEach((s, p) => {
    start.push(o);
    indices.set(s, o);
    population.fill(p, o, o + s.length);
    o += s.length;
  });
  const cov = sampleCovMatrix(wc, indices);

  const pairs: Record<string, PairStats> = {};
  for (let a = 0; a < np; a++) {
    for (let b = a; b < np; b++) {
      const pa = pops[a]!;
      const pb = pops[b]!;
      const c = sampleCov(sums[a]!, sums[b]!);
      // Var(sum_a) = sum_i var_i + sum_{i != j} cov_ij: remove the diagonal before averaging.
      const meanCov = a === b ? (c - sumVar[a]!) / (pa.size * (pa.size - 1)) : c / (pa.size * pb.size);
      const corr = meanCorr(cov, n, start[a]!, parts[a]!.length, start[b]!, parts[b]!.length, a === b);
      pairs[pairKey(pa.name, pb.name)] = { cov: meanCov, corr };
    }
  }
  const meanVar = pops.map((p, i) => sumVar[i]! / p.size);
  const meanCount = pops.map((p, i) => sumMean[i]! / p.size);
  return {
    nWindows: wc.nWindows,
    window_ms: wc.window_ms,
    populations: pops.map((p) => p.name),
    meanCount,
    meanVar,
    fano: meanVar.map((v, i) => v / meanCount[i]!),
    pairs,
    neuronMean: mean,
    neuronVar: variance,
    sample: { n, indices, population, cov },
  };
}

/** Sum of v[offset, offset + size). */
function rangeSum(v: Float64Array, offset: number, size: number): number {
  let s = 0;
  for (let i = offset; i < offset + size; i++) s += v[i]!;
  return s;
}

/** Mean of R_st = C_st / sqrt(C_ss C_tt) over block (a, b) of the n x n matrix, finite entries, s != t. */
function meanCorr(c: Float64Array, n: number, sa: number, na: number, sb: number, nb: number, same: boolean): number {
  let acc = 0;
  let cnt = 0;
  for (let s = sa; s < sa + na; s++) {
    const css = c[s * n + s]!;
    for (let t = same ? s + 1 : sb; t < sb + nb; t++) {
      const r = c[s * n + t]! / Math.sqrt(css * c[t * n + t]!);
      if (Number.isFinite(r)) {
        acc += r;
        cnt++;
      }
    }
  }
  return cnt > 0 ? acc / cnt : NaN;
}
