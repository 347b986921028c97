// Mean-field theory for one sweep cell (SPEC §2.7): balanced rates (Eq 3) and the spike-count covariance of
// every population pair in all the variants the acceptance tests use:
//   eq5u  finite-N asynchronous term T W̄⁻¹ Γ W̄⁻ᵀ / N without the Fano term (the authors' checker),
//   eq5c  the same with the Fano term −diag(r T F / q)/N (Eq 5 as printed, with the measured Fano factors),
//   eq7   the N-independent correlated term (Eq 7, zero when every input has c = 0),
// and the predictions uncorrected = eq7 + eq5u, corrected = eq7 + eq5c. With c = 0 these are the two Eq 5
// variants. With c > 0 the input spike trains have count covariance r T [(1 − c) I + c 11ᵀ], so the finite-N
// term uses (1 − c) Γ_6 (inferred; it is O(1/N) beside Eq 7 and matters only at small N).
import type { NetworkSpec } from '../model/spec.ts';
import {
  asyncGamma,
  balancedRates,
  correlatedCovariance,
  hzToKhz,
  inverse,
  matMul,
  meanFieldW,
  transpose,
  type Matrix,
  type MeanFieldNetwork,
} from '../theory/index.ts';
import { specToMeanField } from '../theory/adapters/meanField.ts';

export interface PairTheory {
  eq5u: number;
  eq5c: number; // equals eq5u on pairs of different populations (the Fano term is diagonal)
  eq7: number;
  uncorrected: number;
  corrected: number;
}

export interface CellTheory {
  rates_Hz: Record<string, number>;
  cov: Record<string, PairTheory>;
  /** N·C of the asynchronous term (spikes²): the N-independent numbers of SPEC §2.9. */
  NC: Record<string, { uncorrected: number; corrected: number }>;
  regime: 'asynchronous' | 'correlated';
  weights: 'initial' | 'final';
  note: string;
}

/** T_win W̄⁻¹ G W̄⁻ᵀ (spikes² when G is in kHz and T_win in ms). */
function sandwich(net: MeanFieldNetwork, G: Matrix, Twin_ms: number): Matrix {
  const Wi = inverse(meanFieldW(net));
  return matMul(matMul(Wi, G), transpose(Wi)).map((row) => row.map((v) => v * Twin_ms));
}

/** Γ_6 with each input layer k weighted by (1 − c_k). */
function weightedAsyncGamma(net: MeanFieldNetwork, c: readonly number[]): Matrix {
  const n = net.q.length;
  const G: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  net.qx.forEach((_, k) => {
    const only: MeanFieldNetwork = { ...net, rx_Hz: net.rx_Hz.map((r, kk) => (kk === k ? r : 0)) };
    const g = asyncGamma(only);
    const w = 1 - (c[k] ?? 0);
    g.forEach((row, a) => row.forEach((v, b) => (G[a]![b]! += w * v)));
  });
  return G;
}

/**
 * Theory of a cell. `fano` (per population, measured) enters the Fano-corrected variant; `jFinal`
 * (post<-pre -> mean final j) replaces plastic weights by their final values (weights: 'final').
 */
export function cellTheory(spec: NetworkSpec, fano: readonly number[], jFinal?: Record<string, number>): CellTheory {
  const net = specToMeanField(spec, { at_s: spec.T_s * 0.999, ...(jFinal && Object.keys(jFinal).length ? { j: jFinal } : {}) });
  const names = spec.populations.map((p) => p.name);
  const Twin = spec.recording.window_ms;
  const c = spec.inputs.map((x) => x.correlation);
  const correlated = c.some((x) => x > 0);
  const rates = balancedRates(net);
  const base = sandwich(net, weightedAsyncGamma(net, c), Twin); // N·C, uncorrected
  const fanoTerm = rates.map((r, a) => (hzToKhz(r) * Twin * (fano[a] ?? 1)) / net.q[a]!);
  const C7 = correlated ? correlatedCovariance(net, { Twin_ms: Twin, c }) : null;
  const cov: Record<string, PairTheory> = Object.create(null); // keys are user names: no prototype
  const NC: CellTheory['NC'] = {};
  names.forEach((a, i) =>
    names.forEach((b, k) => {
      if (k < i) return;
      const u = base[i]![k]!;
      const cc = i === k ? u - fanoTerm[i]! : u;
      const e7 = C7 ? C7[i]![k]! : 0;
      const key = `${a}-${b}`;
      NC[key] = { uncorrected: u, corrected: cc };
      cov[key] = { eq5u: u / spec.N, eq5c: cc / spec.N, eq7: e7, uncorrected: e7 + u / spec.N, corrected: e7 + cc / spec.N };
    }),
  );
  return {
    rates_Hz: Object.fromEntries(names.map((n, i) => [n, rates[i]!])),
    cov,
    NC,
    regime: correlated ? 'correlated' : 'asynchronous',
    weights: jFinal && Object.keys(jFinal).length ? 'final' : 'initial',
    note: correlated
      ? 'Eq 7 (leading order) plus the finite-N Eq 5 term with (1 - c) Gamma_6; uncorrected drops the Fano term, corrected keeps it'
      : "Eq 5-6: uncorrected = authors' checker (Fano term dropped); corrected = Eq 5 with the measured Fano factors",
  };
}
