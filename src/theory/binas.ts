// Binas, Rutishauser, Indiveri & Pfeiffer 2014 (SPEC §4): the weight-dependent rate rule derived from triplet STDP,
// and the single-node (one E + one I population) fixed points, gain and stability.
//
// The seed text lacks its display equations (Eqs 1-3, 6, 11-18, 26-45 and Tables 1-2), so every equation here is
// SPEC §4's reconstruction, checked against the seed's textual statements (SPEC §4.2-4.3); SPEC is the reference.
// Units: rates in Hz, time in s; tauS_Hz2 = 1/(A3+ tau+ tau_y) has units s^-2 (= Hz^2), so dw/dt is in 1/s.
import { SpecError, type SpecIssue } from '../model/validate.ts';

/** Parameters of one triplet-STDP fit (Pfister & Gerstner 2006): amplitudes per spike, time constants in ms. */
export interface TripletParams {
  A2plus: number;
  A3plus: number;
  A2minus: number;
  A3minus: number;
  tauPlus_ms: number;
  tauMinus_ms: number;
  tauX_ms: number;
  tauY_ms: number;
}

/** Pfister & Gerstner 2006 visual-cortex fit, all-to-all spike interactions (SPEC §4.2, recalled there from P&G Table 4; to be verified). */
export const PG2006_VISUAL_ALL_TO_ALL: TripletParams = { A2plus: 5e-10, A3plus: 6.2e-3, A2minus: 7e-3, A3minus: 2.3e-4, tauPlus_ms: 16.8, tauMinus_ms: 33.7, tauX_ms: 101, tauY_ms: 125 };
/** Pfister & Gerstner 2006 visual-cortex fit, nearest-spike interactions (as above). */
export const PG2006_VISUAL_NEAREST: TripletParams = { A2plus: 8.8e-11, A3plus: 5.3e-2, A2minus: 6.6e-3, A3minus: 3.1e-3, tauPlus_ms: 16.8, tauMinus_ms: 33.7, tauX_ms: 714, tauY_ms: 40 };

/** One parameter set of the Eq 18 rule: LTD threshold Theta_w (Hz), presynaptic LTD factor A_w, learning time tau_s. */
export interface RuleParams {
  theta_Hz: number;
  A: number;
  tauS_Hz2: number;
}

/**
 * Eqs 14-16 (reconstructed): tau_s = 1/(A3+ tau+ tau_y), Theta_w = (A2- tau- - A2+ tau+)/(A3+ tau+ tau_y),
 * A_w = A3- tau- tau_x/(A3+ tau+ tau_y), times in seconds.
 */
export function tripletToRule(p: TripletParams): RuleParams {
  const s = 1e-3;
  const ltp3 = p.A3plus * p.tauPlus_ms * s * p.tauY_ms * s;
  return {
    tauS_Hz2: 1 / ltp3,
    theta_Hz: (p.A2minus * p.tauMinus_ms * s - p.A2plus * p.tauPlus_ms * s) / ltp3,
    A: (p.A3minus * p.tauMinus_ms * s * p.tauX_ms * s) / ltp3,
  };
}

/**
 * Eq 18 (reconstructed): dw/dt = x_pre x_post [(w_max - w) x_post - w (Theta_w + A_w x_pre)] / tau_s, in 1/s.
 * Zero when either side is silent; w = 0 and w = w_max are absorbing/repelling bounds that keep w in [0, w_max].
 */
export function ruleDwDt(w: number, xPre_Hz: number, xPost_Hz: number, wMax: number, r: RuleParams): number {
  return (xPre_Hz * xPost_Hz * ((wMax - w) * xPost_Hz - w * (r.theta_Hz + r.A * xPre_Hz))) / r.tauS_Hz2;
}

/** Eq 26: the weight at which Eq 18 vanishes for fixed rates (x_post > 0): w* = w_max x_post/(x_post + Theta + A x_pre). */
export function ruleFixedPoint(xPre_Hz: number, xPost_Hz: number, wMax: number, r: Pick<RuleParams, 'theta_Hz' | 'A'>): number {
  return (wMax * xPost_Hz) / (xPost_Hz + r.theta_Hz + r.A * xPre_Hz);
}

/** The circuit's plasticity parameters (SPEC §4.2): Eq 18 on E synapses with (Theta_exc, A_exc), on I with (Theta_inh, A_inh). */
export interface BinasParams {
  thetaExc_Hz: number;
  thetaInh_Hz: number;
  aExc: number;
  aInh: number; // the analysis (cubic, limits, b-form) assumes 0, as the paper does
  wMax: number;
}

/** The seed's typical values (Fig 2-6): Theta_exc 6 Hz, Theta_inh 18 Hz, A_exc 2, A_inh 0, w_max 4 [S]. */
export const BINAS_TYPICAL: BinasParams = { thetaExc_Hz: 6, thetaInh_Hz: 18, aExc: 2, aInh: 0, wMax: 4 };

/** Rejects w_max <= 0, negative thresholds or A, naming the field, its value and the allowed range. */
export function validateBinasParams(p: BinasParams, path = 'plasticity'): BinasParams {
  const issues: SpecIssue[] = [];
  const fin = (k: keyof BinasParams, lo: number, open: boolean) => {
    const v = p[k] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v) || (open ? v <= lo : v < lo)) issues.push({ path: `${path}.${k}`, value: v, allowed: `a finite number ${open ? '>' : '>='} ${lo}` });
  };
  fin('wMax', 0, true);
  fin('thetaExc_Hz', 0, false);
  fin('thetaInh_Hz', 0, false);
  fin('aExc', 0, false);
  fin('aInh', 0, false);
  if (issues.length) throw new SpecError(issues);
  return p;
}

/** Single-node weights E->E, E->I, I->E. */
export interface NodeWeights {
  wEE: number;
  wEI: number;
  wIE: number;
}

/** Gain Lambda = (1 - w_EE + w_EI w_IE)^-1 [S]: x_E* = Lambda I_ext with mu_E = 1, mu_I = 0, T = 0. */
export function gain(w: NodeWeights): number {
  return 1 / (1 - w.wEE + w.wEI * w.wIE);
}

/**
 * Eqs 27-29: the weight fixed points for a given x_E* (x_I* = w_EI x_E*). w_E->I is the non-zero root
 * w_max - A_exc - Theta_exc/x_E (clamped at 0: below it inhibition dies out).
 */
export function weightsAtRate(xE_Hz: number, p: BinasParams): NodeWeights {
  const wEE = ruleFixedPoint(xE_Hz, xE_Hz, p.wMax, { theta_Hz: p.thetaExc_Hz, A: p.aExc });
  const wEI = Math.max(0, p.wMax - p.aExc - p.thetaExc_Hz / xE_Hz);
  const wIE = ruleFixedPoint(wEI * xE_Hz, xE_Hz, p.wMax, { theta_Hz: p.thetaInh_Hz, A: p.aInh });
  return { wEE, wEI, wIE };
}

/** Eqs 35-37: the same weights written in b := Theta_exc/x_E* (A_inh = 0; Theta~ = Theta_exc/(Theta_exc + b Theta_inh)). */
export function weightsAtB(b: number, p: BinasParams): NodeWeights {
  const thetaTilde = p.thetaExc_Hz / (p.thetaExc_Hz + b * p.thetaInh_Hz);
  return { wEE: p.wMax / (1 + p.aExc + b), wEI: Math.max(0, p.wMax - p.aExc - b), wIE: p.wMax * thetaTilde };
}

/** I_ext -> infinity (b -> 0): w_EE -> w_max/(1 + A_exc), w_EI -> w_max - A_exc, w_IE -> w_max, and the gain there. */
export function infiniteInputLimit(p: BinasParams): NodeWeights & { gain: number } {
  const w = weightsAtB(0, { ...p, thetaExc_Hz: 1 }); // Theta~ = 1 at b = 0 for any Theta_exc > 0
  return { ...w, gain: gain(w) };
}

/**
 * Eq 30: coefficients [c0, c1, c2, c3] of the cubic whose positive root is x_E* (A_inh = 0), obtained by inserting
 * Eqs 27-29 into x_E = Lambda I_ext and multiplying by (a x + Theta_e)(x + Theta_i) with a = 1 + A_exc:
 * c3 = a - W + a W (W - A), c2 = a Th_i + Th_e - W Th_i + W Th_e (W - A - a) - a I,
 * c1 = Th_e Th_i - W Th_e^2 - I (a Th_i + Th_e), c0 = -I Th_e Th_i.
 */
export function fixedPointCubic(I_Hz: number, p: BinasParams): [number, number, number, number] {
  const W = p.wMax, A = p.aExc, a = 1 + A, te = p.thetaExc_Hz, ti = p.thetaInh_Hz;
  return [-I_Hz * te * ti, te * ti - W * te * te - I_Hz * (a * ti + te), a * ti + te - W * ti + W * te * (W - A - a) - a * I_Hz, a - W + a * W * (W - A)];
}

/** Real roots of c0 + c1 x + c2 x^2 + c3 x^3 (degenerate leading terms handled), each polished by Newton steps. */
export function cubicRealRoots(c: readonly [number, number, number, number]): number[] {
  const [c0, c1, c2, c3] = c;
  const scale = Math.max(Math.abs(c0), Math.abs(c1), Math.abs(c2), Math.abs(c3));
  let roots: number[];
  if (Math.abs(c3) <= 1e-14 * scale) {
    if (Math.abs(c2) <= 1e-14 * scale) roots = c1 !== 0 ? [-c0 / c1] : [];
    else {
      const d = c1 * c1 - 4 * c2 * c0;
      roots = d < 0 ? [] : [(-c1 + Math.sqrt(d)) / (2 * c2), (-c1 - Math.sqrt(d)) / (2 * c2)];
    }
  } else {
    const a = c2 / c3, b = c1 / c3, d = c0 / c3; // x^3 + a x^2 + b x + d, x = t - a/3
    const q = (3 * b - a * a) / 9, r = (9 * a * b - 27 * d - 2 * a * a * a) / 54;
    const disc = q * q * q + r * r;
    if (disc > 0) {
      const s = Math.cbrt(r + Math.sqrt(disc)), t = Math.cbrt(r - Math.sqrt(disc));
      roots = [s + t - a / 3];
    } else {
      const th = Math.acos(Math.max(-1, Math.min(1, q === 0 ? 0 : r / Math.sqrt(-q * q * q))));
      const m = 2 * Math.sqrt(-q);
      roots = [0, 1, 2].map((k) => m * Math.cos((th + 2 * Math.PI * k) / 3) - a / 3);
    }
  }
  const f = (x: number) => ((c3 * x + c2) * x + c1) * x + c0;
  const df = (x: number) => (3 * c3 * x + 2 * c2) * x + c1;
  return roots.map((x) => {
    for (let i = 0; i < 4; i++) {
      const s = df(x);
      if (s === 0 || !Number.isFinite(s)) break;
      const nx = x - f(x) / s;
      if (!Number.isFinite(nx)) break;
      x = nx;
    }
    return x;
  });
}

/** Eigenvalues of the single-node Jacobian (1/tau)[[w_EE - 1, -w_IE], [w_EI, -1]] (1/s) and the convergence rate. */
export interface NodeEigen {
  re: [number, number];
  im: [number, number];
  stable: boolean; // both real parts < 0 (w_EE < 2 and Lambda > 0)
  rate_per_s: number; // -max Re: the convergence rate |lambda| of the activation dynamics (<= 0 when unstable)
}

/** The eigenvalues of the single-node activation Jacobian for weights w and time constant tau_s (s). */
export function nodeEigen(w: NodeWeights, tau_s: number): NodeEigen {
  const tr = (w.wEE - 2) / tau_s;
  const det = (-(w.wEE - 1) + w.wEI * w.wIE) / (tau_s * tau_s);
  const disc = (tr * tr) / 4 - det;
  const re: [number, number] = disc >= 0 ? [tr / 2 + Math.sqrt(disc), tr / 2 - Math.sqrt(disc)] : [tr / 2, tr / 2];
  const im: [number, number] = disc >= 0 ? [0, 0] : [Math.sqrt(-disc), -Math.sqrt(-disc)];
  return { re, im, stable: re[0] < 0 && re[1] < 0, rate_per_s: -Math.max(re[0], re[1]) };
}

/** A fixed point of the single-node rate + weight system. */
export interface NodeFixedPoint extends NodeWeights {
  I_Hz: number;
  xE_Hz: number;
  xI_Hz: number;
  gain: number;
  b: number; // Theta_exc / x_E*
  eigen: NodeEigen;
}

/**
 * The fixed points with active inhibition (w_EI* > 0, i.e. x_E* > Theta_exc/(w_max - A_exc)) at training input
 * I_ext: positive real roots of the Eq 30 cubic, with weights, gain and eigenvalues (tau in s). Sorted by x_E*.
 */
export function nodeFixedPoints(I_Hz: number, p: BinasParams, tau_s = 0.01): NodeFixedPoint[] {
  if (p.aInh !== 0) throw new SpecError([{ path: 'plasticity.aInh', value: p.aInh, allowed: '0 (the Eq 30 cubic assumes A_inh = 0)' }]);
  const out: NodeFixedPoint[] = [];
  for (const x of cubicRealRoots(fixedPointCubic(I_Hz, p)).sort((a, b) => a - b)) {
    if (!(x > 0) || !(p.wMax - p.aExc - p.thetaExc_Hz / x > 0)) continue;
    const w = weightsAtRate(x, p);
    const g = gain(w);
    if (!(g > 0) || Math.abs(g * I_Hz - x) > 1e-6 * Math.max(1, x)) continue;
    if (out.some((o) => Math.abs(o.xE_Hz - x) <= 1e-9 * x)) continue;
    out.push({ I_Hz, xE_Hz: x, xI_Hz: w.wEI * x, ...w, gain: g, b: p.thetaExc_Hz / x, eigen: nodeEigen(w, tau_s) });
  }
  return out;
}

/** Whether forward Euler with step dt (s) is stable at these eigenvalues: |1 + lambda dt| < 1 for both. */
export function eulerStable(e: NodeEigen, dt_s: number): boolean {
  return [0, 1].every((k) => (1 + e.re[k]! * dt_s) ** 2 + (e.im[k]! * dt_s) ** 2 < 1);
}
