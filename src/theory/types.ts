// Shared types and unit helpers of the mean-field theory (Akil, Rosenbaum & Josić 2021, SPEC §2.7).
// API units: rates in Hz, times in ms, spike counts/covariances in spikes / spikes². Internally the
// theory works in the authors' code units (kHz and ms) so that r·T_win is a spike count.

/** Dense row-major matrix; for connectivity, rows are postsynaptic and columns presynaptic. */
export type Matrix = number[][];

/**
 * Abstract description of a balanced network (SPEC §2.7, Eq 1). Weights are the unscaled j (J = j/√N).
 * - q[b]: fraction N_b/N of recurrent population b; qx[k]: fraction N_xk/N of input layer k.
 * - p[a][b], j[a][b]: recurrent connection probability and unscaled weight, post a ← pre b.
 * - px[a][k], jx[a][k]: the same for input layer k → population a.
 * - rx_Hz[k]: rate of input layer k in Hz.
 */
export interface MeanFieldNetwork {
  q: number[];
  qx: number[];
  p: Matrix;
  j: Matrix;
  px: Matrix;
  jx: Matrix;
  rx_Hz: number[];
}

/** Hz → kHz (events per ms), the unit used inside the theory. */
export const hzToKhz = (r_Hz: number): number => r_Hz / 1000;

/** kHz → Hz. */
export const khzToHz = (r_kHz: number): number => r_kHz * 1000;

/** Element (i, k) of a matrix; throws on an out-of-range index instead of returning undefined. */
export function at(m: Matrix, i: number, k: number): number {
  const v = m[i]?.[k];
  if (v === undefined) throw new RangeError(`matrix index (${i}, ${k}) out of range`);
  return v;
}

/** Element i of a vector; throws on an out-of-range index. */
export function el(v: readonly number[], i: number): number {
  const x = v[i];
  if (x === undefined) throw new RangeError(`vector index ${i} out of range`);
  return x;
}
