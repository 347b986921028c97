// Mean-field weight dynamics with quasi-static balanced rates (SPEC §2.7, Eqs 11–14, 21, 25, 27–28).
// Weights are unscaled j (J·√N). Drifts are η·bracket with rates in kHz and τ_STDP in ms, so dj/dt is per ms.
// Learning-rate conventions: the authors' per-spike η goes in unchanged for the Kohonen and Hebbian rules
// (β, J_max and J all carry the same 1/√N); for the normalised iSTDP rule ΔJ = −(η₀/J_norm)(…)J the j-unit drift is
// η₀·√N·(−j/j_norm)(…) (use istdpEtaInJUnits); the paper's "1/η = 10⁵ ms" is η = etaFromTimescale(1e5) = 1e-5.
import { balancedRates, externalDrive_kHz, meanFieldW, withInputRates, withWeights } from './balanced.ts';
import { alphaFromRho, istdpRule, kohonenRule, ruleDrift, type PairRule } from './drift.ts';
import { inverse, matVec, solve } from './linalg.ts';
import { findRoots, maximize } from './roots.ts';
import { at, el, hzToKhz, khzToHz, type Matrix, type MeanFieldNetwork } from './types.ts';

/** η for a learning timescale: η = 1/τ_learn (τ in ms), e.g. the paper's 1/η = 10⁵ ms → 1e-5. */
export function etaFromTimescale(tauLearn_ms: number): number {
  return 1 / tauLearn_ms;
}

/** j-unit η of the normalised iSTDP rule from the authors' per-spike η₀ (ΔJ = −(η₀/J_norm)(…)J): η₀·√N. */
export function istdpEtaInJUnits(eta0: number, N: number): number {
  return eta0 * Math.sqrt(N);
}

// ---------------------------------------------------------------- Kohonen (Eq 21)

/** Options of the Kohonen mean-field drift; β in j units (β·√N), τ_STDP in ms. */
export interface KohonenOptions {
  beta: number;
  tauSTDP_ms: number;
  eta?: number;
  /** Plastic class (default E←E: post 0, pre 0). */
  post?: number;
  pre?: number;
  /** Optional covariance area ∫₀^∞e^{−s/τ}C_ee(s)ds (kHz) as a function of the network at this weight. */
  covTerm?: (net: MeanFieldNetwork, rates_Hz: number[]) => number;
}

/** Kohonen drift dj_ee/dt = η(β τ r_e² − j_ee r_e + β·Cov) with r from Eq 3 at j_ee (Eq 21); NaN if W̄ is singular. */
export function kohonenDrift(net: MeanFieldNetwork, jee: number, opts: KohonenOptions): number {
  const post = opts.post ?? 0;
  const pre = opts.pre ?? 0;
  const n = withWeights(net, [{ post, pre, value: jee }]);
  let r: number[];
  try {
    r = balancedRates(n);
  } catch {
    return NaN;
  }
  const cov = opts.covTerm ? opts.covTerm(n, r) : 0;
  return ruleDrift(
    kohonenRule(opts.beta),
    { J: jee, rPre_Hz: el(r, pre), rPost_Hz: el(r, post), tauSTDP_ms: opts.tauSTDP_ms, covPostThenPre_kHz: cov },
    opts.eta ?? 1,
  );
}

/** Kohonen fixed point in j units for a given rate: j* = β τ r_e (no covariance term). */
export function kohonenFixedPointFromRate(beta: number, tauSTDP_ms: number, rate_Hz: number): number {
  return beta * tauSTDP_ms * hzToKhz(rate_Hz);
}

/** A weight fixed point with its balanced rates and 1-D stability. */
export interface WeightFixedPoint {
  j: number;
  rates_Hz: number[];
  slope: number;
  stable: boolean;
  /** All balanced rates positive (the balanced solution is meaningful). */
  valid: boolean;
}

/** All Kohonen fixed points j_ee* in `range` (bracketing + bisection) with stability from the drift slope. */
export function kohonenFixedPoints(
  net: MeanFieldNetwork,
  opts: KohonenOptions & { range: [number, number]; samples?: number },
): WeightFixedPoint[] {
  const o = { ...opts, eta: 1 };
  const roots = findRoots((x) => kohonenDrift(net, x, o), opts.range[0], opts.range[1], {
    samples: opts.samples ?? 4000,
  });
  return roots.map((rt) => {
    const rates = balancedRates(withWeights(net, [{ post: opts.post ?? 0, pre: opts.pre ?? 0, value: rt.x }]));
    return { j: rt.x, rates_Hz: rates, slope: rt.slope, stable: rt.stable, valid: rates.every((r) => r > 0) };
  });
}

/**
 * Saddle-node of the Kohonen rule (no covariance term): fixed points satisfy β = h(j) = j/(τ r_pre(j)), so roots exist
 * only for β ≤ max h; returns that critical β (j units) and the j where the two roots merge.
 */
export function kohonenSaddleNode(
  net: MeanFieldNetwork,
  opts: { tauSTDP_ms: number; range: [number, number]; post?: number; pre?: number },
): { beta: number; j: number } {
  const post = opts.post ?? 0;
  const pre = opts.pre ?? 0;
  const h = (x: number): number => {
    try {
      const r = balancedRates(withWeights(net, [{ post, pre, value: x }]));
      if (!r.every((v) => v > 0)) return NaN;
      return x / (opts.tauSTDP_ms * hzToKhz(el(r, pre)));
    } catch {
      return NaN;
    }
  };
  const m = maximize(h, opts.range[0], opts.range[1]);
  return { beta: m.value, j: m.x };
}

// ---------------------------------------------------------------- homeostatic iSTDP (Eqs 25, 27, 28)

/** One homeostatic class: the weight j[post][pre] is plastic and drives r_post to rho_Hz. */
export interface HomeostaticTarget {
  post: number;
  pre: number;
  rho_Hz: number;
}

/**
 * Rate-term fixed point of homeostatic iSTDP (Eq 25: 2τ r_post = α ⇔ r_post = ρ): sets every target rate to ρ, solves
 * the rows of the other populations (Eq 3, linear) for their rates, then each target row for its plastic weight.
 * Works when W̄ is singular at the fixed point (the identical-block opto model). Targets need distinct posts.
 */
export function homeostaticFixedPoint(
  net: MeanFieldNetwork,
  targets: readonly HomeostaticTarget[],
): { values: number[]; rates_Hz: number[]; net: MeanFieldNetwork } {
  const n = net.q.length;
  const posts = new Set(targets.map((t) => t.post));
  if (posts.size !== targets.length) throw new Error('homeostaticFixedPoint: one target per post population');
  const W = meanFieldW(net);
  const X = externalDrive_kHz(net);
  const r = new Array<number>(n).fill(NaN);
  for (const t of targets) r[t.post] = hzToKhz(t.rho_Hz);
  const free = [...Array(n).keys()].filter((a) => !posts.has(a));
  if (free.length > 0) {
    // Σ_{b free} W_ab r_b = −X_a − Σ_{b target} W_ab ρ_b for every free row a (no plastic weight in these rows).
    const A: Matrix = free.map((a) => free.map((b) => at(W, a, b)));
    const rhs = free.map((a) => -el(X, a) - targets.reduce((s, t) => s + at(W, a, t.post) * el(r, t.post), 0));
    solve(A, rhs).forEach((v, i) => (r[free[i]!] = v));
  }
  const values = targets.map((t) => {
    let rest = el(X, t.post);
    for (let b = 0; b < n; b++) if (b !== t.pre) rest += at(W, t.post, b) * el(r, b);
    return -rest / (at(net.p, t.post, t.pre) * el(net.q, t.pre) * el(r, t.pre));
  });
  const out = withWeights(
    net,
    targets.map((t, i) => ({ post: t.post, pre: t.pre, value: el(values, i) })),
  );
  return { values, rates_Hz: r.map(khzToHz), net: out };
}

// ---------------------------------------------------------------- generic plastic classes

/** A plastic weight class j[post][pre] with its pair rule (weights in j units) and learning rate. */
export interface PlasticClass {
  post: number;
  pre: number;
  rule: PairRule;
  /** Multiplier of the drift bracket (rates in kHz, τ in ms): dj/dt is per ms. See the file header. */
  eta: number;
  tauSTDP_ms: number;
  /** Optional symmetric covariance area ∫₀^∞e^{−s/τ}C_post,pre(s)ds in kHz (used for both event orders). */
  cov?: (net: MeanFieldNetwork, rates_Hz: number[]) => number;
}

/** Kohonen EE class (β in j units). */
export function kohonenClass(opts: { beta: number; eta: number; tauSTDP_ms: number; post?: number; pre?: number }): PlasticClass {
  return { post: opts.post ?? 0, pre: opts.pre ?? 0, rule: kohonenRule(opts.beta), eta: opts.eta, tauSTDP_ms: opts.tauSTDP_ms };
}

/** Homeostatic iSTDP class j[post][pre] with target ρ (Hz) and normaliser j_norm (< 0, j units). */
export function istdpClass(opts: {
  post: number;
  pre: number;
  rho_Hz: number;
  jNorm: number;
  eta: number;
  tauSTDP_ms: number;
}): PlasticClass {
  return {
    post: opts.post,
    pre: opts.pre,
    rule: istdpRule(alphaFromRho(opts.rho_Hz, opts.tauSTDP_ms), opts.jNorm),
    eta: opts.eta,
    tauSTDP_ms: opts.tauSTDP_ms,
  };
}

/** Drifts dj/dt (per ms) of all classes at the given weights, with the quasi-static Eq-3 rates (throws if W̄ singular). */
export function classDrifts(
  net: MeanFieldNetwork,
  classes: readonly PlasticClass[],
  values: readonly number[],
): { drift: number[]; rates_Hz: number[]; net: MeanFieldNetwork } {
  const n = withWeights(
    net,
    classes.map((c, i) => ({ post: c.post, pre: c.pre, value: el(values, i) })),
  );
  const r = balancedRates(n);
  const drift = classes.map((c, i) => {
    const K = c.cov ? c.cov(n, r) : 0;
    return ruleDrift(
      c.rule,
      {
        J: el(values, i),
        rPre_Hz: el(r, c.pre),
        rPost_Hz: el(r, c.post),
        tauSTDP_ms: c.tauSTDP_ms,
        covPostThenPre_kHz: K,
        covPreThenPost_kHz: K,
      },
      c.eta,
    );
  });
  return { drift, rates_Hz: r, net: n };
}

/** Finite-difference Jacobian ∂(dj_i/dt)/∂j_k of the class drifts (per ms per j unit). */
export function driftJacobian(
  net: MeanFieldNetwork,
  classes: readonly PlasticClass[],
  values: readonly number[],
  h = 1e-5,
): Matrix {
  return classes.map((_, i) =>
    classes.map((__, k) => {
      const up = values.slice();
      const dn = values.slice();
      up[k] = el(values, k) + h;
      dn[k] = el(values, k) - h;
      return (el(classDrifts(net, classes, up).drift, i) - el(classDrifts(net, classes, dn).drift, i)) / (2 * h);
    }),
  );
}

/** Linear stability of a weight fixed point: Jacobian and Routh–Hurwitz verdict (n ≤ 3; null for larger n). */
export function linearStability(
  net: MeanFieldNetwork,
  classes: readonly PlasticClass[],
  values: readonly number[],
): { jacobian: Matrix; stable: boolean | null } {
  const J = driftJacobian(net, classes, values);
  const n = J.length;
  const g = (i: number, k: number): number => at(J, i, k);
  let stable: boolean | null = null;
  if (n === 1) stable = g(0, 0) < 0;
  else if (n === 2) {
    const tr = g(0, 0) + g(1, 1);
    const det = g(0, 0) * g(1, 1) - g(0, 1) * g(1, 0);
    stable = tr < 0 && det > 0;
  } else if (n === 3) {
    // Characteristic polynomial λ³ + a2 λ² + a1 λ + a0; stable iff a2 > 0, a0 > 0, a2·a1 > a0.
    const tr = g(0, 0) + g(1, 1) + g(2, 2);
    const m2 =
      g(0, 0) * g(1, 1) - g(0, 1) * g(1, 0) + g(0, 0) * g(2, 2) - g(0, 2) * g(2, 0) + g(1, 1) * g(2, 2) - g(1, 2) * g(2, 1);
    const det =
      g(0, 0) * (g(1, 1) * g(2, 2) - g(1, 2) * g(2, 1)) -
      g(0, 1) * (g(1, 0) * g(2, 2) - g(1, 2) * g(2, 0)) +
      g(0, 2) * (g(1, 0) * g(2, 1) - g(1, 1) * g(2, 0));
    const a2 = -tr;
    const a1 = m2;
    const a0 = -det;
    stable = a2 > 0 && a0 > 0 && a2 * a1 > a0;
  }
  return { jacobian: J, stable };
}

/**
 * Newton solve of all class drifts = 0 from `initial` (finite-difference Jacobian, backtracking); includes covariance
 * terms when classes have `cov`. Throws if it does not converge within maxIter.
 */
export function solveWeightFixedPoint(
  net: MeanFieldNetwork,
  classes: readonly PlasticClass[],
  initial: readonly number[],
  opts: { tol?: number; maxIter?: number } = {},
): { values: number[]; rates_Hz: number[] } {
  const tol = opts.tol ?? 1e-12;
  const maxIter = opts.maxIter ?? 100;
  // Newton on the drift scaled by 1/η so that tolerances do not depend on the learning rate.
  const scaled = classes.map((c) => ({ ...c, eta: 1 }));
  const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  let x = initial.slice();
  let F = classDrifts(net, scaled, x).drift;
  for (let it = 0; it < maxIter; it++) {
    if (norm(F) < tol) return { values: x, rates_Hz: classDrifts(net, scaled, x).rates_Hz };
    const step = matVec(inverse(driftJacobian(net, scaled, x)), F);
    let lambda = 1;
    for (;;) {
      const trial = x.map((v, i) => v - lambda * el(step, i));
      let Ft: number[] | null = null;
      try {
        Ft = classDrifts(net, scaled, trial).drift;
      } catch {
        Ft = null;
      }
      if (Ft !== null && Ft.every(Number.isFinite) && norm(Ft) < norm(F)) {
        x = trial;
        F = Ft;
        break;
      }
      lambda /= 2;
      if (lambda < 1e-8) throw new Error('solveWeightFixedPoint: line search failed');
    }
  }
  if (norm(F) < Math.sqrt(tol)) return { values: x, rates_Hz: classDrifts(net, scaled, x).rates_Hz };
  throw new Error('solveWeightFixedPoint: no convergence');
}

/** Trajectory of the weight ODE: samples of time (ms), class weights (j units) and Eq-3 rates (Hz). */
export interface WeightTrajectory {
  t_ms: number[];
  values: number[][];
  rates_Hz: number[][];
  /** Why the integration stopped early (singular W̄ or non-finite drift), or null when it reached T_ms. */
  stopped: string | null;
}

/**
 * Forward-Euler integration of dj/dt = classDrifts(j) with quasi-static rates (Eq 3) from `initial` (default: the
 * current j of each class) over [0, T_ms]; `rx_Hz(t)` optionally changes the input rates over time (e.g. opto epochs).
 * Valid when τ_STDP ≪ dt_ms ≪ 1/(η r) (SPEC §2.7).
 */
export function integrateWeights(
  net: MeanFieldNetwork,
  classes: readonly PlasticClass[],
  opts: {
    T_ms: number;
    dt_ms: number;
    initial?: readonly number[];
    recordEvery_ms?: number;
    rx_Hz?: (t_ms: number) => readonly number[];
  },
): WeightTrajectory {
  const { T_ms, dt_ms } = opts;
  const every = Math.max(1, Math.round((opts.recordEvery_ms ?? dt_ms) / dt_ms));
  const steps = Math.round(T_ms / dt_ms);
  let x = opts.initial ? opts.initial.slice() : classes.map((c) => at(net.j, c.post, c.pre));
  const out: WeightTrajectory = { t_ms: [], values: [], rates_Hz: [], stopped: null };
  for (let s = 0; s <= steps; s++) {
    const t = s * dt_ms;
    const netT = opts.rx_Hz ? withInputRates(net, opts.rx_Hz(t)) : net;
    let d: { drift: number[]; rates_Hz: number[] };
    try {
      d = classDrifts(netT, classes, x);
    } catch (e) {
      out.stopped = `t = ${t} ms: ${(e as Error).message}`;
      break;
    }
    if (!d.drift.every(Number.isFinite)) {
      out.stopped = `t = ${t} ms: non-finite drift`;
      break;
    }
    if (s % every === 0 || s === steps) {
      out.t_ms.push(t);
      out.values.push(x.slice());
      out.rates_Hz.push(d.rates_Hz);
    }
    if (s === steps) break;
    x = x.map((v, i) => v + dt_ms * el(d.drift, i));
  }
  return out;
}
