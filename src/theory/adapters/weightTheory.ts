// Mean-field weight fixed points for a spec's plastic projections (Eqs 21, 25, 27-28): homeostatic rules
// drive their post rate to rho = alpha / (2 tauSTDP); Kohonen settles at j* = beta tau r_e (stable root).
import type { NetworkSpec } from '../../model/spec.ts';
import { homeostaticFixedPoint, kohonenFixedPoints, type HomeostaticTarget } from '../index.ts';
import { specToMeanField } from './meanField.ts';
import { neuronModel } from '../../neurons/index.ts';

export interface WeightPrediction {
  jStar: Record<string, number>; // projection name -> predicted fixed-point j
  rates_Hz: Record<string, number>;
  method: string;
}

const HOMEOSTATIC = ['istdp-ei', 'istdp-ii', 'homeostatic-ie'];

/** Predicted weight fixed points at time at_s (inputs active then), or an error string. */
export function predictWeights(spec: NetworkSpec, at_s = spec.T_s * 0.999): WeightPrediction | { error: string } {
  const names = spec.populations.map((p) => p.name);
  const plastic = spec.projections.filter((p) => p.plasticity && names.includes(p.pre));
  if (plastic.length === 0) return { error: 'no plastic projection' };
  if (spec.populations.some((p) => !neuronModel(p.neuron.model).meanField)) return { error: 'mean-field weight theory covers current-based networks only' };
  try {
    const net = specToMeanField(spec, { at_s });
    const homeo = plastic.filter((p) => HOMEOSTATIC.includes(p.plasticity!.rule));
    const koh = plastic.filter((p) => p.plasticity!.rule === 'kohonen');
    if (homeo.length === plastic.length) {
      const targets: HomeostaticTarget[] = homeo.map((p) => ({
        post: names.indexOf(p.post),
        pre: names.indexOf(p.pre),
        rho_Hz: (p.plasticity!.onPre.a / (2 * p.plasticity!.tauSTDP_ms)) * 1000,
      }));
      const fp = homeostaticFixedPoint(net, targets);
      return {
        jStar: Object.fromEntries(homeo.map((p, i) => [`${p.post}<-${p.pre}`, fp.values[i]!])),
        rates_Hz: Object.fromEntries(names.map((n, i) => [n, fp.rates_Hz[i]!])),
        method: 'Eq 25/27-28 rate term: post rates at rho = alpha/(2 tau_STDP), Eq 3 for the rest (covariance term neglected)',
      };
    }
    if (koh.length === 1 && plastic.length === 1) {
      const p = koh[0]!;
      const pl = p.plasticity!;
      const roots = kohonenFixedPoints(net, { beta: pl.onPre.bPost, tauSTDP_ms: pl.tauSTDP_ms, post: names.indexOf(p.post), pre: names.indexOf(p.pre), range: [0, 200] });
      const stable = roots.find((r) => r.stable && r.valid);
      if (!stable) return { error: 'no stable valid Kohonen fixed point in [0, 200]' };
      return {
        jStar: { [`${p.post}<-${p.pre}`]: stable.j },
        rates_Hz: Object.fromEntries(names.map((n, i) => [n, stable.rates_Hz[i]!])),
        method: 'Eq 21 without the covariance term: stable root of beta tau r_e^2 - j r_e = 0',
      };
    }
    return { error: `no fixed-point solver for this rule combination (${plastic.map((p) => p.plasticity!.rule).join(', ')})` };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
