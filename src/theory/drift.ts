// Mean drift of a pair-based Eq-10 plasticity rule in the mean-field limit (SPEC §2.4, §2.7 Eqs 11–14).
//
// Per-event convention of this codebase: when the presynaptic neuron spikes, dJ = η·f_pre(J)·(a + b_pre·x_pre + b_post·x_post)
// (terms of `onPre`); when the postsynaptic neuron spikes, the same with the `onPost` terms. Traces x jump by 1 per
// spike and decay with τ_STDP, so x ≈ τ_STDP·r. The mean drift per ms (rates r in kHz, τ in ms) is
//   dJ/dt = η·[ A_0
//             + f_pre(J) · r_pre  · (a_pre  + b_pre_pre ·τ r_pre + b_post_pre ·τ r_post + b_post_pre ·K_post→pre)
//             + f_post(J)· r_post · (a_post + b_pre_post·τ r_pre + b_post_post·τ r_post + b_pre_post ·K_pre→post) ]
// where K_post→pre = ∫₀^∞ e^{−s/τ} C_post,pre(s) ds is the cross-covariance area with the post spike s ms before the
// pre spike (kHz; ≈ C_count/(2T_win), see traceCovFromCountCov), and K_pre→post the reverse. Self-trace covariance
// terms (b_pre on pre events, b_post on post events) are not modelled. η multiplies the bracket as is: with the
// authors' per-spike η the result is dJ/dt per ms; with the paper's 1/η = 10⁵ ms put η = 1e-5.

/** Terms applied at one kind of spike event: dJ = η·f(J)·(a + bPre·x_pre + bPost·x_post). */
export interface EventTerm {
  a?: number;
  bPre?: number;
  bPost?: number;
  /** Weight dependence f(J); defaults to 1. */
  f?: (J: number) => number;
}

/** A pair-based Eq-10 rule: optional constant drift a0 (per ms) plus terms at pre and post spikes. */
export interface PairRule {
  a0?: number;
  onPre?: EventTerm;
  onPost?: EventTerm;
}

/** Quasi-static state a synapse class sees: its weight, the two rates (Hz), τ_STDP and optional covariance areas. */
export interface DriftState {
  J: number;
  rPre_Hz: number;
  rPost_Hz: number;
  tauSTDP_ms: number;
  /** ∫₀^∞ e^{−s/τ} C_post,pre(s) ds in kHz (post leads pre); default 0. */
  covPostThenPre_kHz?: number;
  /** ∫₀^∞ e^{−s/τ} C_pre,post(s) ds in kHz (pre leads post); default 0. */
  covPreThenPost_kHz?: number;
}

/** Rate and covariance parts of the drift bracket (without η), in kHz·(weight units). */
export interface DriftParts {
  rate: number;
  cov: number;
}

/** The bracket of ruleDrift split into its rate part (incl. A_0) and covariance part. */
export function ruleDriftParts(rule: PairRule, s: DriftState): DriftParts {
  const rPre = s.rPre_Hz / 1000;
  const rPost = s.rPost_Hz / 1000;
  const tau = s.tauSTDP_ms;
  let rate = rule.a0 ?? 0;
  let cov = 0;
  const pre = rule.onPre;
  if (pre) {
    const f = pre.f ? pre.f(s.J) : 1;
    rate += f * rPre * ((pre.a ?? 0) + (pre.bPre ?? 0) * tau * rPre + (pre.bPost ?? 0) * tau * rPost);
    cov += f * (pre.bPost ?? 0) * (s.covPostThenPre_kHz ?? 0);
  }
  const post = rule.onPost;
  if (post) {
    const f = post.f ? post.f(s.J) : 1;
    rate += f * rPost * ((post.a ?? 0) + (post.bPre ?? 0) * tau * rPre + (post.bPost ?? 0) * tau * rPost);
    cov += f * (post.bPre ?? 0) * (s.covPreThenPost_kHz ?? 0);
  }
  return { rate, cov };
}

/** Mean-field drift dJ/dt (per ms) of a pair rule: η·(rate terms + covariance terms); see the file header. */
export function ruleDrift(rule: PairRule, s: DriftState, eta = 1): number {
  const { rate, cov } = ruleDriftParts(rule, s);
  return eta * (rate + cov);
}

/** Kohonen rule (Eq 20): pre spike J += η β x_post; post spike J −= η J. Drift η(β τ r_post r_pre − J r_post). */
export function kohonenRule(beta: number): PairRule {
  return { onPre: { bPost: beta }, onPost: { a: -1, f: (J) => J } };
}

/**
 * Homeostatic iSTDP (Eqs 22, 24): pre (I) spike J −= (η/J_norm)(x_post − α) J; post spike J −= (η/J_norm) x_pre J.
 * Drift −η (J/J_norm) r_pre (2τ r_post − α): zero at r_post = α/(2τ). jNorm < 0 for inhibitory weights.
 */
export function istdpRule(alpha: number, jNorm: number): PairRule {
  const f = (J: number): number => -J / jNorm;
  return { onPre: { a: -alpha, bPost: 1, f }, onPost: { bPre: 1, f } };
}

/** Weight-dependent ("soft") Hebbian: pre spike J −= η x_post J; post spike J += η x_pre J_max. Fixed point J_max. */
export function softHebbRule(Jmax: number): PairRule {
  return { onPre: { bPost: -1, f: (J) => J }, onPost: { bPre: Jmax } };
}

/** Classical pair Hebbian: pre spike J −= η x_post; post spike J += η x_pre. Rate terms cancel. */
export function classicalHebbRule(): PairRule {
  return { onPre: { bPost: -1 }, onPost: { bPre: 1 } };
}

/** iSTDP target trace α = 2 ρ τ_STDP (ρ in Hz, τ in ms; dimensionless trace units), e.g. 10 Hz, 200 ms → 4. */
export function alphaFromRho(rho_Hz: number, tauSTDP_ms: number): number {
  return 2 * (rho_Hz / 1000) * tauSTDP_ms;
}
