// Theory values set beside a run's statistics: balanced rates (Eq 3) and spike-count covariances
// (Eq 5 with and without the Fano term, or Eq 7 for correlated input), per population pair.
import type { NetworkSpec } from '../model/spec.ts';
import { asyncCovariance, balancedRates, correlatedCovariance, type MeanFieldNetwork } from '../theory/index.ts';
import { specToMeanField } from './meanField.ts';

/** Mean-field predictions set beside a run's statistics: balanced rates (Eq 3) and spike-count covariances per population pair. */
export interface RunTheory {
  rates_Hz: Record<string, number>;
  /** Per pair key "A-B": covariance predictions in spikes^2 for this N and window. */
  cov: Record<string, { uncorrected: number; corrected: number | null }>;
  regime: 'asynchronous' | 'correlated';
  note: string;
}

/** Theory for a run: rates at the end of the run's weights, covariances with measured Fano factors. */
export function theoryFor(spec: NetworkSpec, fano: number[], jFinal?: Record<string, number>): RunTheory | { error: string } {
  let net: MeanFieldNetwork;
  if (spec.populations.some((p) => p.neuron.model === 'cond_lif' || p.neuron.model === 'poisson'))
    return { error: 'the balanced-network theory (Eqs 3-7) covers current-based EIF/LIF networks, not conductance-based neurons or Poisson source populations' };
  try {
    net = specToMeanField(spec, { at_s: spec.T_s * 0.999, ...(jFinal ? { j: jFinal } : {}) });
    const rates = balancedRates(net);
    const names = spec.populations.map((p) => p.name);
    const Twin = spec.recording.window_ms;
    const c = Math.max(0, ...spec.inputs.map((x) => x.correlation));
    const cov: RunTheory['cov'] = {};
    if (c > 0) {
      const C = correlatedCovariance(net, { Twin_ms: Twin, c: spec.inputs.map((x) => x.correlation) });
      names.forEach((a, i) => names.forEach((b, k) => k >= i && (cov[`${a}-${b}`] = { uncorrected: C[i]![k]!, corrected: null })));
    } else {
      const A = asyncCovariance(net, { Twin_ms: Twin, fano, N: spec.N });
      names.forEach((a, i) =>
        names.forEach((b, k) => k >= i && (cov[`${a}-${b}`] = { uncorrected: A.C_uncorrected![i]![k]!, corrected: A.C_corrected![i]![k]! })),
      );
    }
    return {
      rates_Hz: Object.fromEntries(names.map((n, i) => [n, rates[i]!])),
      cov,
      regime: c > 0 ? 'correlated' : 'asynchronous',
      note:
        c > 0
          ? 'Eq 7: leading-order covariance for correlated input (N-independent)'
          : 'Eq 5-6: uncorrected = authors\' checker (Fano term dropped); corrected = with the measured Fano factors',
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
