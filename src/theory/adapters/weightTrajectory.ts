// Mean-field prediction of the mean weight of every plastic projection over a run: the weight ODE of the
// theory module (quasi-static Eq-3 rates, Eqs 11-14 rate terms) driven by the spec's own rule terms, so any
// rule in the general pair form gets a curve. Used as the dashed line beside the simulated mean weights.
import { etaPerSpike } from '../../model/derive.ts';
import type { NetworkSpec, RuleTerm } from '../../model/spec.ts';
import { integrateWeights, type EventTerm, type PlasticClass } from '../index.ts';
import { specToMeanField } from './meanField.ts';

export interface WeightCurve {
  names: string[]; // plastic projections, 'post<-pre'
  t_s: number[];
  j: number[][]; // j[k][sample]: predicted mean j of projection k
  method: string;
  stopped: string | null; // why the integration ended early, if it did
}

/**
 * One spec term as a theory event term in j units. The engine applies dJ = eta*s*f*(a + ...), s = 1/sqrt(N)
 * on `scaled` terms, f = j/jRef; so dj = sqrt(N)*dJ = eta*(scaled ? 1 : sqrt(N))*f*(...). The class eta is 1
 * and this per-term factor goes into f, so rules mixing scaled and unscaled terms work too.
 */
function eventTerm(t: RuleTerm, eta: number, sqrtN: number): EventTerm {
  const m = eta * (t.scaled ? 1 : sqrtN);
  const jRef = t.jRef ?? 1;
  return { a: t.a, bPre: t.bPre, bPost: t.bPost, f: t.weightDep === 'linear' ? (J) => (m * J) / jRef : () => m };
}

/** Whether input k of the spec is active at time t_s. */
const active = (spec: NetworkSpec, k: number, t_s: number): boolean => {
  const w = spec.inputs[k]?.activeWindow_s;
  return !w || (t_s >= w.start_s && t_s < w.stop_s);
};

/** Predicted mean-weight trajectories of all plastic recurrent projections, or why there is none. */
export function weightTrajectory(spec: NetworkSpec, samples = 400): WeightCurve | { error: string } {
  const pops = spec.populations.map((p) => p.name);
  const plastic = spec.projections.filter((p) => p.plasticity && pops.includes(p.pre));
  if (plastic.length === 0) return { error: 'no plastic projection' };
  if (plastic.some((p) => !p.scaleBySqrtN)) return { error: 'the mean-field theory needs scaleBySqrtN projections' };
  const sqrtN = Math.sqrt(spec.N);
  const classes: PlasticClass[] = plastic.map((p) => {
    const pl = p.plasticity!;
    const eta = etaPerSpike(pl);
    return {
      post: pops.indexOf(p.post),
      pre: pops.indexOf(p.pre),
      rule: { onPre: eventTerm(pl.onPre, eta, sqrtN), onPost: eventTerm(pl.onPost, eta, sqrtN) },
      eta: 1,
      tauSTDP_ms: pl.tauSTDP_ms,
    };
  });
  const starts = plastic.map((p) => (p.plasticity!.startAt_s ?? 0) * 1000);
  const T_ms = spec.T_s * 1000;
  // Forward Euler with at most 20000 steps (cheap at page start); for the presets' learning rates the
  // weight time scale 1/(eta r) is seconds or longer, far above these steps.
  const dt_ms = Math.max(1, T_ms / 20000);
  const net = specToMeanField(spec, { at_s: 0 });
  const rx = (t_ms: number) => spec.inputs.map((x, k) => (active(spec, k, t_ms / 1000) ? x.rate_Hz : 0));
  // Plasticity switched on late (startAt_s): hold those classes until then by integrating only after the latest start.
  const t0 = Math.max(...starts);
  const tr = integrateWeights(net, classes, {
    T_ms: Math.max(0, T_ms - t0),
    dt_ms,
    recordEvery_ms: Math.max(dt_ms, (T_ms - t0) / samples),
    rx_Hz: (t) => rx(t + t0),
  });
  const t_s = [...(t0 > 0 ? [0] : []), ...tr.t_ms.map((t) => (t + t0) / 1000)];
  const j = plastic.map((p, k) => [...(t0 > 0 ? [p.j] : []), ...tr.values.map((v) => v[k]!)]);
  return {
    names: plastic.map((p) => `${p.post}<-${p.pre}`),
    t_s,
    j,
    method: 'mean-field weight ODE: quasi-static balanced rates (Eq 3), rate terms of the rule (Eqs 11-14), covariance terms and bounds neglected',
    stopped: tr.stopped,
  };
}
