// Named plasticity rules (Akil 2021 Table 1 and code; Vogels 2011) expressed in the general per-spike
// form of spec.ts (RuleTerm): dj = eta * f(j) * (a + bPre*x_pre + bPost*x_post), in j units.
//
// Learning rates: `eta` is the per-spike rate of the authors' code, applied to scaled weights J exactly
// as their code does (terms whose coefficients are weights, like beta or jMax, are marked scaled). The
// paper's 1/eta time scale (e.g. 10^5 ms) is accepted as learningTimescale_ms, with
// eta = 1 ms / learningTimescale_ms (Eq 10 integrated over one spike, time in ms).
import type { PlasticitySpec, RuleTerm } from './spec.ts';

const T = (a: number, bPre: number, bPost: number, jRef?: number): RuleTerm =>
  jRef === undefined ? { a, bPre, bPost, weightDep: 'none' } : { a, bPre, bPost, weightDep: 'linear', jRef };
/** A term whose coefficients are weights in j units (increment scaled by 1/sqrt(N)). */
const S = (a: number, bPre: number, bPost: number, jRef?: number): RuleTerm => ({ ...T(a, bPre, bPost, jRef), scaled: true });

/** Options shared by the rule builders: learning rate and the STDP time constant. */
export interface RateOpts {
  eta?: number; // per spike (code convention)
  learningTimescale_ms?: number; // paper convention 1/eta
  tauSTDP_ms?: number; // default 200 ms
  startAt_s?: number;
}

function base(rule: string, o: RateOpts, onPre: RuleTerm, onPost: RuleTerm): PlasticitySpec {
  const rate = o.learningTimescale_ms !== undefined ? { learningTimescale_ms: o.learningTimescale_ms } : { eta: o.eta ?? 1e-3 };
  return { rule, tauSTDP_ms: o.tauSTDP_ms ?? 200, ...rate, onPre, onPost, ...(o.startAt_s !== undefined ? { startAt_s: o.startAt_s } : {}) };
}

/** Classical EE Hebbian: pre spike k: dj = -eta x_post; post spike j: dj = +eta x_pre (Table 1). Unbounded. */
export const hebbian = (o: RateOpts = {}) => base('hebbian', o, T(0, 0, -1), T(0, 1, 0));

/** Classical EE anti-Hebbian: the sign-reversed Hebbian rule (Table 1). */
export const antiHebbian = (o: RateOpts = {}) => base('anti-hebbian', o, T(0, 0, 1), T(0, -1, 0));

/** Weight-dependent ("soft") Hebbian: pre: dj = -eta x_post j; post: dj = +eta x_pre jMax (fixed point j = jMax). */
export const softHebbian = (o: RateOpts & { jMax: number }) => base('soft-hebbian', o, S(0, 0, -1, 1), S(0, o.jMax, 0));

/** Hard-bounded Hebbian (authors' gating): additive Hebbian updates applied only while jMin < j < jMax. */
export const hardHebbian = (o: RateOpts & { jMin: number; jMax: number }): PlasticitySpec => ({
  ...base('hard-hebbian', o, T(0, 0, -1), T(0, 1, 0)),
  bounds: { jMin: o.jMin, jMax: o.jMax, mode: 'gate' },
});

/** Oja: pre: dj = eta beta x_post; post: dj = -eta j x_post (fixed point j ≈ beta). */
export const oja = (o: RateOpts & { beta: number }) => base('oja', o, S(0, 0, o.beta), S(0, 0, -1, 1));

/** Kohonen (Eq 20): pre: dj = eta beta x_post; post: dj = -eta j (fixed point j = beta tau r). beta in j units (2 = 2/sqrt(N) scaled). */
export const kohonen = (o: RateOpts & { beta: number }) => base('kohonen', o, S(0, 0, o.beta), S(-1, 0, 0, 1));

/**
 * Homeostatic inhibitory STDP (Eq 22 on E<-I, Eq 24 on I<-I): pre (I) spike: dj = -eta (j/jNorm)(x_post - alpha);
 * post spike: dj = -eta (j/jNorm) x_pre; alpha = 2 rho tauSTDP; jNorm < 0 (e.g. -200).
 */
export function homeostaticInhibitory(rule: 'istdp-ei' | 'istdp-ii', o: RateOpts & { rho_Hz: number; jNorm: number }): PlasticitySpec {
  const alpha = (2 * o.rho_Hz * (o.tauSTDP_ms ?? 200)) / 1000;
  return base(rule, o, T(alpha, 0, -1, o.jNorm), T(0, -1, 0, o.jNorm));
}

/** Homeostatic I<-E (package): E (pre) spike: dj = -eta (j/jNorm)(x_post - alpha); I (post) spike: dj = -eta (j/jNorm) x_pre; jNorm > 0. */
export function homeostaticIE(o: RateOpts & { rho_Hz: number; jNorm: number }): PlasticitySpec {
  const alpha = (2 * o.rho_Hz * (o.tauSTDP_ms ?? 200)) / 1000;
  return base('homeostatic-ie', o, T(alpha, 0, -1, o.jNorm), T(0, -1, 0, o.jNorm));
}

/** Hebbian I<-E (package): the soft Hebbian form with jMax. */
export const hebbianIE = (o: RateOpts & { jMax: number }) => ({ ...softHebbian(o), rule: 'hebbian-ie' });

/**
 * Vogels et al. 2011 additive iSTDP on an inhibitory projection: pre spike: dw = eta (x_post - alpha);
 * post spike: dw = eta x_pre; w = |j| clipped to [0, wMax]. With signed (negative) inhibitory weights
 * (sign = -1) every term flips sign and the bounds become [-wMax, 0].
 */
export function vogels(o: RateOpts & { rho_Hz: number; wMax: number; sign: 1 | -1 }): PlasticitySpec {
  const alpha = (2 * o.rho_Hz * (o.tauSTDP_ms ?? 20)) / 1000;
  const s = o.sign;
  return {
    ...base('vogels', { ...o, tauSTDP_ms: o.tauSTDP_ms ?? 20 }, T(-alpha * s, 0, s), T(0, s, 0)),
    bounds: s > 0 ? { jMin: 0, jMax: o.wMax, mode: 'clip' } : { jMin: -o.wMax, jMax: 0, mode: 'clip' },
  };
}

/** The allowed `plasticity.rule` names of a projection. */
export const RULE_NAMES = ['hebbian', 'anti-hebbian', 'soft-hebbian', 'hard-hebbian', 'oja', 'kohonen', 'istdp-ei', 'istdp-ii', 'homeostatic-ie', 'hebbian-ie', 'vogels', 'general'] as const;
