// Final-weight analyses of a plastic projection: the Fig 3E weight-vs-presynaptic-rate regression,
// the Eq 23 weight-rate covariance, and histograms.

/** Synapses of one projection: weight j (J times sqrt(N)), presynaptic and postsynaptic neuron index. */
export interface SynapseWeights {
  j: ArrayLike<number>;
  pre: ArrayLike<number>;
  post: ArrayLike<number>;
}

/** A least-squares line y = slope x + intercept with its R^2. */
export interface Regression {
  n: number;
  slope: number;
  intercept: number;
  r2: number; // squared Pearson correlation; NaN if x or y is constant or n < 2
}

export interface WeightRateFit {
  cells: Int32Array; // the postsynaptic cells fitted (most synapses first)
  nSyn: Int32Array; // synapses onto each
  slope: Float64Array;
  r2: Float64Array;
  meanR2: number; // mean over cells with a finite R^2
}

/** Ordinary least squares y = slope * x + intercept with R^2 (centred two-pass sums). */
export function linearRegression(x: ArrayLike<number>, y: ArrayLike<number>): Regression {
  const n = Math.min(x.length, y.length);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const r2 = n >= 2 && sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
  return { n, slope, intercept: my - slope * mx, r2 };
}

/** Synapse count per postsynaptic index (array of length max(post) + 1). */
export function synapsesPerPost(post: ArrayLike<number>): Int32Array {
  let max = -1;
  for (let s = 0; s < post.length; s++) max = Math.max(max, post[s]!);
  const out = new Int32Array(max + 1);
  for (let s = 0; s < post.length; s++) out[post[s]!]!++;
  return out;
}

/** The nCells postsynaptic cells with most synapses (ties: lower index), from synapse counts per post index. */
export function regressionCells(per: Int32Array, nCells: number): Int32Array {
  const order = Array.from(per.keys()).filter((c) => per[c]! > 0);
  order.sort((a, b) => per[b]! - per[a]! || a - b);
  return Int32Array.from(order.slice(0, nCells));
}

/**
 * The (pre rate, j) samples of a few postsynaptic cells, filled in synapse order by add() over the synapses whole or
 * by consecutive pieces (the same arrays either way), then fitted (Fig 3E).
 */
export class CellSamples {
  private readonly slot: Int32Array;
  private readonly xs: Float64Array[];
  private readonly ys: Float64Array[];
  private readonly fill: Int32Array;

  constructor(private readonly per: Int32Array, readonly cells: Int32Array) {
    this.slot = new Int32Array(per.length).fill(-1);
    cells.forEach((c, k) => (this.slot[c] = k));
    this.xs = Array.from(cells, (c) => new Float64Array(per[c]!));
    this.ys = Array.from(cells, (c) => new Float64Array(per[c]!));
    this.fill = new Int32Array(cells.length);
  }

  /** Adds the synapses of `w` (a piece of the projection, in synapse order). */
  add(w: SynapseWeights, preRates: ArrayLike<number>): void {
    for (let s = 0; s < w.post.length; s++) {
      const k = this.slot[w.post[s]!] ?? -1;
      if (k < 0) continue;
      const f = this.fill[k]!++;
      this.xs[k]![f] = preRates[w.pre[s]!] ?? NaN;
      this.ys[k]![f] = w.j[s]!;
    }
  }

  fit(): WeightRateFit {
    const { cells, per } = this;
    const fits = cells.length ? Array.from(cells, (_, k) => linearRegression(this.xs[k]!, this.ys[k]!)) : [];
    const r2 = Float64Array.from(fits, (f) => f.r2);
    let acc = 0;
    let cnt = 0;
    for (const v of r2) if (Number.isFinite(v)) (acc += v), cnt++;
    return {
      cells,
      nSyn: Int32Array.from(cells, (c) => per[c]!),
      slope: Float64Array.from(fits, (f) => f.slope),
      r2,
      meanR2: cnt > 0 ? acc / cnt : NaN,
    };
  }
}

/** Fig 3E: for the nCells postsynaptic cells with most synapses (ties: lower index), regress j on preRates[pre]. */
export function weightRateRegression(w: SynapseWeights, preRates: ArrayLike<number>, nCells = 3): WeightRateFit {
  const per = synapsesPerPost(w.post);
  const samples = new CellSamples(per, regressionCells(per, nCells));
  samples.add(w, preRates);
  return samples.fit();
}

/**
 * Per postsynaptic cell: synapse count and the sums of j, r and j r over its synapses, added in synapse order (whole or
 * by consecutive pieces: the same sums), for the Eq 23 covariance. `nPost` bounds the post indices (global ones: N).
 */
export class PostSums {
  readonly per: Int32Array;
  private readonly sj: Float64Array;
  private readonly sr: Float64Array;
  private readonly sjr: Float64Array;

  constructor(nPost: number) {
    this.per = new Int32Array(nPost);
    this.sj = new Float64Array(nPost);
    this.sr = new Float64Array(nPost);
    this.sjr = new Float64Array(nPost);
  }

  /** Adds the synapses of `w` (a piece of the projection, in synapse order); without preRates, the counts only. */
  add(w: SynapseWeights, preRates?: ArrayLike<number>): void {
    const { per, sj, sr, sjr } = this;
    for (let s = 0; s < w.post.length; s++) {
      const c = w.post[s]!;
      per[c]!++;
      if (!preRates) continue;
      const r = preRates[w.pre[s]!] ?? NaN;
      const j = w.j[s]!;
      sj[c]! += j;
      sr[c]! += r;
      sjr[c]! += j * r;
    }
  }

  /** Eq 23 from the sums (NaN when no cell has a synapse). */
  covariance(): number {
    const { per, sj, sr, sjr } = this;
    let acc = 0;
    let cnt = 0;
    for (let c = 0; c < per.length; c++) {
      const n = per[c]!;
      if (n === 0) continue;
      acc += sjr[c]! / n - (sj[c]! / n) * (sr[c]! / n);
      cnt++;
    }
    return cnt > 0 ? acc / cnt : NaN;
  }
}

/** Eq 23: mean over postsynaptic cells j of (<J_jk r_k>_k - <J_jk>_k <r_k>_k), k over j's synapses. */
export function weightRateCovariance(w: SynapseWeights, preRates: ArrayLike<number>): number {
  let max = -1;
  for (let s = 0; s < w.post.length; s++) max = Math.max(max, w.post[s]!);
  const sums = new PostSums(max + 1);
  sums.add(w, preRates);
  return sums.covariance();
}

/** Mean of all values (NaN if empty). */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length ? s / values.length : NaN;
}

/** The [min, max] of the finite values, folded into `into` (pieces in any order give the same range). */
export function finiteRange(values: ArrayLike<number>, into: { min: number; max: number } = { min: Infinity, max: -Infinity }): { min: number; max: number } {
  let lo = into.min;
  let hi = into.max;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  }
  into.min = lo;
  into.max = hi;
  return into;
}

export interface HistogramBins {
  edges: Float64Array;
  counts: Uint32Array;
  lo: number; // the range counted (edges[bins] may differ from hi by rounding)
  hi: number;
}

/** The bins of {@link histogram}: edges over the range (the data's: finiteRange, widened when empty or one value) and zero counts. */
export function histogramBins(bins: number, range: { min: number; max: number }, fromData: boolean): HistogramBins {
  let lo = range.min;
  let hi = range.max;
  if (fromData) {
    if (lo > hi) (lo = 0), (hi = 1);
    if (lo === hi) (lo -= 0.5), (hi += 0.5);
  }
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo + ((hi - lo) * b) / bins;
  return { edges, counts: new Uint32Array(bins), lo, hi };
}

/** Counts `values` into the bins of histogramBins (values outside [lo, hi] and NaN dropped). */
export function histogramAdd(h: HistogramBins, values: ArrayLike<number>): void {
  const bins = h.counts.length;
  const { lo, hi } = h;
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue; // drops NaN and out-of-range values
    h.counts[Math.min(bins - 1, Math.floor((v - lo) * scale))]!++;
  }
}

/** Histogram of the finite values into `bins` equal bins over [min, max] (default: data range; max is inclusive). */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  range?: { min: number; max: number },
): { edges: Float64Array; counts: Uint32Array } {
  const h = histogramBins(bins, range ?? finiteRange(values), !range);
  histogramAdd(h, values);
  return { edges: h.edges, counts: h.counts };
}
