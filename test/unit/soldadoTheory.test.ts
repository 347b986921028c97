// Soldado-Magraner 2022 theory (src/theory/soldado.ts) against SPEC §3.4: S1/S2 static rates, the Eqs 4-5 lines,
// the neural eigenvalues, and S3 (the rule-Jacobian eigenvalue signs, and the paradoxical boundary of the
// standard rule when alpha_I >> alpha_E). Tolerances: half a unit in the last printed digit of the SPEC value.
import { describe, expect, it } from 'vitest';
import {
  SOLDADO_PARAMS as P,
  eig2,
  inhibitoryResponse,
  isParadoxical,
  neuralJacobian,
  ruleJacobian,
  setpointWeights,
  stabilityMap,
  staticRates,
  type W4,
} from '../../src/theory/soldado.ts';

const near = (a: number, b: number, tol: number): void => {
  if (!(Math.abs(a - b) <= tol + 1e-12)) expect.fail(`${a} not within ${tol} of ${b}`);
};
const sp = setpointWeights(P, 5, 10);
const W_SET: W4 = [5, sp.WEI, 10, sp.WII];

describe('Soldado-Magraner theory (SPEC §3.4)', () => {
  it('S1: (5, 1.52, 10, 2.25) gives 5 / 10 Hz; W_IE = 12 gives the paradoxical drop to 3.16 / 5.15 Hz', () => {
    const a = staticRates(P, [5, 1.52, 10, 2.25])!;
    near(a.E, 5.0, 0.005);
    near(a.I, 10.0, 0.005);
    const b = staticRates(P, [5, 1.52, 12, 2.25])!;
    near(b.E, 3.16, 0.005);
    near(b.I, 5.15, 0.005);
    expect(b.I).toBeLessThan(a.I); // more excitation of I lowers I: the paradoxical effect
    expect(isParadoxical(P, [5, 1.52, 10, 2.25])).toBe(true);
    expect(inhibitoryResponse(P, [5, 1.52, 10, 2.25])).toBeLessThan(0);
    expect(inhibitoryResponse(P, [0.5, 1.52, 10, 2.25])).toBeGreaterThan(0);
  });

  it('Eqs 4-5: W_EI = 0.3571 W_EE - 0.7, W_II = 0.3571 W_IE - 2.0357; (5, 1.0857, 10, 1.5357) gives 5 / 14 Hz', () => {
    near(sp.WEI, 1.0857, 5e-5);
    near(sp.WII, 1.5357, 5e-5);
    near(setpointWeights(P, 0, 0).WEI, -0.7, 5e-5);
    near(setpointWeights(P, 0, 0).WII, -2.0357, 5e-5);
    near(setpointWeights(P, 1, 0).WEI - setpointWeights(P, 0, 0).WEI, 0.3571, 5e-5);
    const r = staticRates(P, W_SET)!;
    near(r.E, 5, 1e-9);
    near(r.I, 14, 1e-9);
  });

  it('S2: neural Jacobian eigenvalues at the set point are -0.255 and -2.917 per ms (stable ISN)', () => {
    const [l1, l2] = eig2(neuralJacobian(P, W_SET));
    near(l1.re, -0.255, 5e-4);
    near(l2.re, -2.917, 5e-4);
    expect(l1.im).toBe(0);
  });

  it('S3: rule-Jacobian eigenvalue signs as SPEC §3.4 lists them', () => {
    const eig = (rule: 'homeostatic' | 'cross-homeostatic' | 'two-term', aE: number, aI: number) => ruleJacobian(P, W_SET, rule, aE, aI).eig;
    const a = 1e-4;
    const stdEq = eig('homeostatic', a, a);
    expect(stdEq[0]!.re).toBeGreaterThan(0); // complex pair, positive real part
    expect(Math.abs(stdEq[0]!.im)).toBeGreaterThan(0);
    expect(stdEq[1]!.im).toBeCloseTo(-stdEq[0]!.im, 12);
    expect(Math.max(...eig('homeostatic', 10 * a, a).slice(0, 2).map((l) => l.re))).toBeLessThan(0);
    expect(Math.max(...eig('homeostatic', a, 10 * a).slice(0, 2).map((l) => l.re))).toBeGreaterThan(0);
    for (const [aE, aI] of [[a, a], [10 * a, a], [a, 10 * a]] as const) expect(Math.max(...eig('cross-homeostatic', aE, aI).slice(0, 2).map((l) => l.re))).toBeLessThan(0);
    expect(Math.max(...eig('two-term', a, a).slice(0, 2).map((l) => l.re))).toBeLessThan(0);
    expect(Math.max(...eig('two-term', 10 * a, a).slice(0, 2).map((l) => l.re))).toBeLessThan(0);
    // two zero modes along the plane of Eqs 4-5
    expect(eig('cross-homeostatic', a, a).slice(2).every((l) => l.re === 0 && l.im === 0)).toBe(true);
  });

  it('S3: with alpha_I >> alpha_E the standard rule is unstable exactly where W_EE g_E > 1 (Fig 2I)', () => {
    const WEE = Array.from({ length: 40 }, (_, k) => 0.05 + k * 0.25);
    const WIE = Array.from({ length: 20 }, (_, k) => 8 + k);
    const cells = stabilityMap(P, 'homeostatic', 1e-7, 1e-3, WEE, WIE).filter((c) => c.valid && Math.abs(c.WEE * P.gainE - 1) > 0.05);
    expect(cells.length).toBeGreaterThan(100);
    const mismatched = cells.filter((c) => c.ruleStable === c.paradoxical);
    expect(mismatched).toEqual([]);
    // and the neural (ISN) stable region lies mostly in the rule-unstable region for alpha_E = alpha_I (Fig 2F)
    const eq = stabilityMap(P, 'homeostatic', 1e-4, 1e-4, WEE, WIE).filter((c) => c.valid && c.neuralStable && c.paradoxical);
    expect(eq.length).toBeGreaterThan(20);
    expect(eq.filter((c) => !c.ruleStable).length / eq.length).toBeGreaterThan(0.5);
    // cross-homeostatic: rule-stable wherever the neural subsystem is
    const cross = stabilityMap(P, 'cross-homeostatic', 1e-4, 1e-4, WEE, WIE).filter((c) => c.valid && c.neuralStable);
    expect(cross.every((c) => c.ruleStable)).toBe(true);
  });
});
