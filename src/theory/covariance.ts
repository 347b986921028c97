// Spike-count covariances of the balanced state (SPEC §2.7, Eqs 5–7), in spikes² for a count window T_win (ms).
// Input layers are independent of one another; within layer k the spike trains have rate r_xk and pairwise
// count correlation c_k. Populations are indexed as in the MeanFieldNetwork (rows of W̄).
import { addScaled, diag, inverse, matMul, outer, scale, transpose, zeros } from './linalg.ts';
import { balancedRates, meanFieldW, meanFieldWx } from './balanced.ts';
import { at, el, hzToKhz, type Matrix, type MeanFieldNetwork } from './types.ts';

/** Column k of a matrix. */
function column(m: Matrix, k: number): number[] {
  return m.map((_, a) => at(m, a, k));
}

/** T_win·W̄⁻¹ Γ W̄⁻ᵀ for a given Γ (kHz·j²); the common core of Eqs 5–7. */
function sandwich(net: MeanFieldNetwork, gamma: Matrix, Twin_ms: number): Matrix {
  const Wi = inverse(meanFieldW(net));
  return scale(matMul(matMul(Wi, gamma), transpose(Wi)), Twin_ms);
}

/** Asynchronous Γ/N = Σ_k W̄_x[:,k] W̄_x[:,k]ᵀ r_xk / q_xk (Eq 6), in kHz. */
export function asyncGamma(net: MeanFieldNetwork): Matrix {
  const Wx = meanFieldWx(net);
  let g = zeros(net.q.length, net.q.length);
  net.qx.forEach((qxk, k) => {
    const w = column(Wx, k);
    g = addScaled(g, outer(w, w), hzToKhz(el(net.rx_Hz, k)) / qxk);
  });
  return g;
}

/** Correlated Γ/N = Σ_k c_k r_xk W̄_x[:,k] W̄_x[:,k]ᵀ (Eq 7, as in the authors' checker: no 1/q_x), in kHz. */
export function correlatedGamma(net: MeanFieldNetwork, c: number | readonly number[]): Matrix {
  const Wx = meanFieldWx(net);
  let g = zeros(net.q.length, net.q.length);
  net.qx.forEach((_, k) => {
    const ck = typeof c === 'number' ? c : el(c, k);
    const w = column(Wx, k);
    g = addScaled(g, outer(w, w), ck * hzToKhz(el(net.rx_Hz, k)));
  });
  return g;
}

/** Asynchronous-state covariance prediction. All matrices are population × population, in spikes². */
export interface AsyncCovariance {
  /** T_win W̄⁻¹ (Γ/N) W̄⁻ᵀ: N·C without the Fano term (the authors' checker; "uncorrected"). */
  NC_uncorrected: Matrix;
  /** N·C_aa loses fanoCoeff[a]·F_a on the diagonal: fanoCoeff[a] = r_a T_win / q_a (spikes). */
  fanoCoeff: number[];
  /** N·C with the Fano term for the given Fano factors (Eq 5; "corrected"). */
  NC_corrected: Matrix;
  /** C = NC_uncorrected / N, when N was given; else null. */
  C_uncorrected: Matrix | null;
  /** C = NC_corrected / N, when N was given; else null. */
  C_corrected: Matrix | null;
  /** Balanced rates used (Hz). */
  rates_Hz: number[];
}

/**
 * Eq 5–6, c_x = 0: N·C = T_win W̄⁻¹ Γ W̄⁻ᵀ − diag(r_a T_win F_a / q_a); Fano factors default to 1.
 * Off-diagonal entries are pair covariances between distinct neurons; diagonal entries are the
 * within-population pair covariances (i ≠ j), not variances.
 */
export function asyncCovariance(
  net: MeanFieldNetwork,
  opts: { Twin_ms: number; fano?: readonly number[]; N?: number },
): AsyncCovariance {
  const { Twin_ms } = opts;
  const base = sandwich(net, asyncGamma(net), Twin_ms);
  const rates = balancedRates(net);
  const fanoCoeff = rates.map((r, a) => (hzToKhz(r) * Twin_ms) / el(net.q, a));
  const F = opts.fano ?? net.q.map(() => 1);
  if (F.length !== net.q.length) throw new RangeError(`fano needs ${net.q.length} entries`);
  const corrected = addScaled(base, diag(fanoCoeff.map((f, a) => f * el(F, a))), -1);
  const N = opts.N;
  return {
    NC_uncorrected: base,
    fanoCoeff,
    NC_corrected: corrected,
    C_uncorrected: N === undefined ? null : scale(base, 1 / N),
    C_corrected: N === undefined ? null : scale(corrected, 1 / N),
    rates_Hz: rates,
  };
}

/** Eq 7, c_x > 0: leading-order (N-independent) C = T_win W̄⁻¹ (Σ_k c_k r_xk W̄_xk W̄_xkᵀ) W̄⁻ᵀ, spikes². */
export function correlatedCovariance(
  net: MeanFieldNetwork,
  opts: { Twin_ms: number; c: number | readonly number[] },
): Matrix {
  return sandwich(net, correlatedGamma(net, opts.c), opts.Twin_ms);
}

/** Correlation-coefficient estimate C_ab / (r_a T_win F): pair covariance over a Poisson-like count variance. */
export function countCorrelation(C: Matrix, rates_Hz: readonly number[], Twin_ms: number, fano = 1): Matrix {
  const v = rates_Hz.map((r) => hzToKhz(r) * Twin_ms * fano);
  return C.map((row, a) => row.map((x, b) => x / Math.sqrt(el(v, a) * el(v, b))));
}

/**
 * One-sided trace-weighted covariance area ∫₀^∞ e^{−s/τ} C(s) ds ≈ C_count / (2 T_win) in kHz, valid when
 * correlation times ≪ τ_STDP and ≪ T_win and C(s) is symmetric (SPEC §2.7). This is the "Cov" input of ruleDrift.
 */
export function traceCovFromCountCov(C_spikes2: number, Twin_ms: number): number {
  return C_spikes2 / (2 * Twin_ms);
}
