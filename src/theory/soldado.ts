// Soldado-Magraner et al. 2022 theory (SPEC §3.1, §3.4): noise-free threshold-linear two-population rates, the
// set-point weight lines (Eqs 4-5), the neural Jacobian, the paradoxical-effect test, and the quasi-static
// Jacobian of the trial rules (Eqs 6-8) with its eigenvalues; stability maps over (W_EE, W_IE) (Fig 2F-I).
// All in f64. Rates in Hz, time constants in ms, so the neural eigenvalues are in 1/ms and the rule ones per trial.

export interface SoldadoParams {
  tauE_ms: number;
  tauI_ms: number;
  thetaE: number;
  thetaI: number;
  gainE: number;
  gainI: number;
  Eset_Hz: number;
  Iset_Hz: number;
}

export const SOLDADO_PARAMS: SoldadoParams = { tauE_ms: 10, tauI_ms: 2, thetaE: 4.8, thetaI: 25, gainE: 1, gainI: 4, Eset_Hz: 5, Iset_Hz: 14 };

/** (W_EE, W_EI, W_IE, W_II). */
export type W4 = readonly [number, number, number, number];
export type TrialRule = 'homeostatic' | 'cross-homeostatic' | 'two-term';

export interface Complex {
  re: number;
  im: number;
}

/** Eqs 4-5: the W_EI and W_II that put the fixed point at the set points, given W_EE and W_IE. */
export function setpointWeights(p: SoldadoParams, WEE: number, WIE: number): { WEI: number; WII: number } {
  return {
    WEI: (WEE * p.Eset_Hz) / p.Iset_Hz - (p.thetaE * p.gainE + p.Eset_Hz) / (p.Iset_Hz * p.gainE),
    WII: (WIE * p.Eset_Hz) / p.Iset_Hz - (p.thetaI * p.gainI + p.Iset_Hz) / (p.Iset_Hz * p.gainI),
  };
}

/** Distance of weights from the set-point lines: (W_EI - line, W_II - line). */
export function setpointResidual(p: SoldadoParams, w: W4): { dWEI: number; dWII: number } {
  const s = setpointWeights(p, w[0], w[2]);
  return { dWEI: w[1] - s.WEI, dWII: w[3] - s.WII };
}

/**
 * Noise-free fixed point with both populations above threshold (the linear regime, sustained 'Up' state):
 * E = gE (W_EE E - W_EI I - thetaE + inE), I = gI (W_IE E - W_II I - thetaI + inI). Null when the solution is
 * not in that regime (a rate <= 0 or a singular system).
 */
export function staticRates(p: SoldadoParams, w: W4, inE = 0, inI = 0): { E: number; I: number } | null {
  const [WEE, WEI, WIE, WII] = w;
  const a = 1 - p.gainE * WEE;
  const b = p.gainE * WEI;
  const c = -p.gainI * WIE;
  const d = 1 + p.gainI * WII;
  const r1 = p.gainE * (inE - p.thetaE);
  const r2 = p.gainI * (inI - p.thetaI);
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-14) return null;
  const E = (r1 * d - b * r2) / det;
  const I = (a * r2 - c * r1) / det;
  return E > 0 && I > 0 ? { E, I } : null;
}

/** Jacobian of Eqs 1-2 in the linear regime (1/ms). */
export function neuralJacobian(p: SoldadoParams, w: W4): [[number, number], [number, number]] {
  const [WEE, WEI, WIE, WII] = w;
  return [
    [(p.gainE * WEE - 1) / p.tauE_ms, (-p.gainE * WEI) / p.tauE_ms],
    [(p.gainI * WIE) / p.tauI_ms, (-1 - p.gainI * WII) / p.tauI_ms],
  ];
}

/** Eigenvalues of a real 2x2 matrix, larger real part first. */
export function eig2(m: readonly (readonly number[])[]): [Complex, Complex] {
  const a = m[0]![0]!;
  const b = m[0]![1]!;
  const c = m[1]![0]!;
  const d = m[1]![1]!;
  const tr = a + d;
  const disc = ((a - d) * (a - d)) / 4 + b * c;
  if (disc >= 0) {
    const s = Math.sqrt(disc);
    return [
      { re: tr / 2 + s, im: 0 },
      { re: tr / 2 - s, im: 0 },
    ];
  }
  const s = Math.sqrt(-disc);
  return [
    { re: tr / 2, im: s },
    { re: tr / 2, im: -s },
  ];
}

/** Inhibition-stabilised ('paradoxical') regime: W_EE g_E - 1 > 0 (SPEC §3.1, Fig 2H). */
export function isParadoxical(p: SoldadoParams, w: W4): boolean {
  return w[0] * p.gainE - 1 > 0;
}

/** dI* / d(input to I) at the linear fixed point: negative is the paradoxical effect. */
export function inhibitoryResponse(p: SoldadoParams, w: W4): number {
  const a = 1 - p.gainE * w[0];
  const det = a * (1 + p.gainI * w[3]) + p.gainE * w[1] * p.gainI * w[2];
  return (a * p.gainI) / det;
}

/** Weight changes of one trial (population form of Eqs 6-8) at rates (E, I), without the rate floor. */
export function ruleDrift(p: SoldadoParams, rule: TrialRule, alphaE: number, alphaI: number, E: number, I: number): [number, number, number, number] {
  const eE = p.Eset_Hz - E;
  const eI = p.Iset_Hz - I;
  const own = rule !== 'cross-homeostatic' ? 1 : 0;
  const cross = rule !== 'homeostatic' ? 1 : 0;
  return [
    alphaE * E * (own * eE + cross * eI),
    -alphaE * I * (own * eE + cross * eI),
    alphaI * E * (own * eI - cross * eE),
    -alphaI * I * (own * eI - cross * eE),
  ];
}

/**
 * Quasi-static rule Jacobian at set-point weights (rates follow the weights instantly): J = M D with
 * M = d(drift)/d(E, I) (4x2) and D = d(E, I)/dW (2x4). J has rank 2, so its eigenvalues are the two of D M (2x2)
 * and two zeros (the directions along the plane of Eqs 4-5). Per trial.
 */
export function ruleJacobian(p: SoldadoParams, w: W4, rule: TrialRule, alphaE: number, alphaI: number): { J: number[][]; eig: Complex[] } {
  const fp = staticRates(p, w);
  if (!fp) throw new RangeError(`weights (${w.join(', ')}) have no fixed point in the linear regime`);
  const h = 1e-6;
  const M: number[][] = [[], [], [], []];
  for (let k = 0; k < 2; k++) {
    const up = ruleDrift(p, rule, alphaE, alphaI, fp.E + (k === 0 ? h : 0), fp.I + (k === 1 ? h : 0));
    const dn = ruleDrift(p, rule, alphaE, alphaI, fp.E - (k === 0 ? h : 0), fp.I - (k === 1 ? h : 0));
    for (let a = 0; a < 4; a++) M[a]![k] = (up[a]! - dn[a]!) / (2 * h);
  }
  const D: number[][] = [[], []];
  for (let b = 0; b < 4; b++) {
    const wp = [...w] as [number, number, number, number];
    const wm = [...w] as [number, number, number, number];
    wp[b] = wp[b]! + h;
    wm[b] = wm[b]! - h;
    const up = staticRates(p, wp)!;
    const dn = staticRates(p, wm)!;
    D[0]![b] = (up.E - dn.E) / (2 * h);
    D[1]![b] = (up.I - dn.I) / (2 * h);
  }
  const J = M.map((row) => D[0]!.map((_, b) => row[0]! * D[0]![b]! + row[1]! * D[1]![b]!));
  const DM = [0, 1].map((i) => [0, 1].map((k) => D[i]!.reduce((s, d, b) => s + d * M[b]![k]!, 0)));
  const [l1, l2] = eig2(DM);
  return { J, eig: [l1, l2, { re: 0, im: 0 }, { re: 0, im: 0 }] };
}

export interface StabilityCell {
  WEE: number;
  WIE: number;
  WEI: number;
  WII: number;
  neuralStable: boolean; // both neural eigenvalues with negative real part (and a linear-regime fixed point)
  ruleStable: boolean; // both non-zero rule eigenvalues with negative real part
  paradoxical: boolean;
  valid: boolean; // set-point weights non-negative
}

/** Stability map over a (W_EE, W_IE) grid on the set-point plane (Fig 2F-I). */
export function stabilityMap(p: SoldadoParams, rule: TrialRule, alphaE: number, alphaI: number, WEE: readonly number[], WIE: readonly number[]): StabilityCell[] {
  const out: StabilityCell[] = [];
  for (const wie of WIE)
    for (const wee of WEE) {
      const { WEI, WII } = setpointWeights(p, wee, wie);
      const w: W4 = [wee, WEI, wie, WII];
      const valid = WEI >= 0 && WII >= 0;
      const ne = eig2(neuralJacobian(p, w));
      let ruleStable = false;
      try {
        const re = ruleJacobian(p, w, rule, alphaE, alphaI).eig;
        ruleStable = re[0]!.re < 0 && re[1]!.re < 0;
      } catch {
        ruleStable = false;
      }
      out.push({ WEE: wee, WIE: wie, WEI, WII, neuralStable: ne[0].re < 0 && ne[1].re < 0, ruleStable, paradoxical: isParadoxical(p, w), valid });
    }
  return out;
}
