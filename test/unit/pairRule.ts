// The f64 closed form of the general pair rule (onPre / onPost terms with traces, weight dependence, scaling and
// bounds) for one presynaptic and one postsynaptic spike train: the reference of plasticity.test.ts and of
// delayedStdp.test.ts (which passes the presynaptic spikes at their arrival steps). dt = 0.1 ms.
import type { PlasticitySpec } from '../../src/model/spec.ts';

const dt = 0.1;

/** Trace value just before step s of a neuron that spiked at steps < s: sum of d^(s - t). */
const traceAt = (spikes: number[], s: number, tau: number) => spikes.filter((t) => t < s).reduce((a, t) => a + Math.fround(1 - dt / tau) ** (s - t), 0);

/** f64 closed form of the general rule for one pre and one post spike train. */
export function expectedPairRule(rule: PlasticitySpec, j0: number, jScale: number, pre: number[], post: number[], nSteps: number): number {
  const eta = rule.eta ?? 1 / rule.learningTimescale_ms!;
  let J = j0 * jScale;
  const term = (t: PlasticitySpec['onPre'], xPre: number, xPost: number) => {
    const f = t.weightDep === 'linear' ? J / (t.jRef! * jScale) : 1;
    let Jn = J + eta * (t.scaled ? jScale : 1) * f * (t.a + t.bPre * xPre + t.bPost * xPost);
    const b = rule.bounds;
    if (b && b.mode === 'gate' && !(J > b.jMin * jScale && J < b.jMax * jScale)) Jn = J;
    if (b && b.mode === 'clip') Jn = Math.min(b.jMax * jScale, Math.max(b.jMin * jScale, Jn));
    return Jn;
  };
  for (let s = 0; s < nSteps; s++) {
    const xPre = traceAt(pre, s, rule.tauSTDP_ms);
    const xPost = traceAt(post, s, rule.tauSTDP_ms);
    if (pre.includes(s)) J = term(rule.onPre, xPre, xPost);
    if (post.includes(s)) J = term(rule.onPost, xPre, xPost);
  }
  return J;
}
