// Mean-field theory (src/theory): reproduces the SPEC §2.9 numbers from the model parameters (no stored results).
// Tolerances are half a unit in the last printed digit of the SPEC/brief value (plus 1e-9 for exact ties),
// written next to each assertion as "± tol".
import { describe, it, expect } from 'vitest';
import {
  SingularMatrixError,
  akilOpto3Pop,
  akilTwoPop,
  alphaFromRho,
  asyncCovariance,
  balanceCondition,
  balancedRates,
  classDrifts,
  classicalHebbRule,
  correlatedCovariance,
  countCorrelation,
  determinant,
  findRoots,
  homeostaticFixedPoint,
  integrateWeights,
  inverse,
  istdpClass,
  istdpRule,
  kohonenClass,
  kohonenDrift,
  kohonenFixedPointFromRate,
  kohonenFixedPoints,
  kohonenRule,
  kohonenSaddleNode,
  linearStability,
  matMul,
  meanFieldW,
  meanFieldWx,
  ruleDrift,
  ruleDriftParts,
  softHebbRule,
  solveWeightFixedPoint,
  traceCovFromCountCov,
  withInputRates,
  withWeights,
  type Matrix,
} from '../../src/theory/index.ts';

/** |actual − expected| ≤ tol (+1e-9 so that exact half-unit ties of printed values pass). */
function near(actual: number | undefined, expected: number, tol: number): void {
  expect(actual).toBeDefined();
  const ok = Math.abs((actual as number) - expected) <= tol + 1e-9;
  if (!ok) expect.fail(`expected ${actual} to be within ${tol} of ${expected}`);
}

const get = (m: Matrix, i: number, k: number): number => {
  const v = m[i]?.[k];
  if (v === undefined) throw new RangeError('index');
  return v;
};

const KOHONEN_J: Matrix = [
  [1, -100],
  [112.5, -250],
];
const TWIN = 250; // ms
const TAU = 200; // ms, tau_STDP

describe('linear algebra', () => {
  it('inverts 2×2, 3×3 and 4×4 matrices (A·A⁻¹ = I to 1e-12)', () => {
    const mats: Matrix[] = [
      [
        [2, -3],
        [9, -5],
      ],
      [
        [1, 2, 0.5],
        [0.3, -4, 1],
        [2, 1, -5],
      ],
      [
        [4, 1, 0, 2],
        [1, -3, 1, 0],
        [0, 2, 5, 1],
        [1, 0, 1, -2],
      ],
    ];
    for (const a of mats) {
      const p = matMul(a, inverse(a));
      p.forEach((row, i) => row.forEach((x, k) => near(x, i === k ? 1 : 0, 1e-12)));
    }
    near(determinant([[2, -3], [9, -5]]), 17, 1e-12); // ± 1e-12
  });

  it('rejects singular matrices', () => {
    expect(() => inverse([[1, 2], [2, 4]])).toThrow(SingularMatrixError);
  });
});

describe('balanced state (Eq 1–3)', () => {
  const net = akilTwoPop();

  it('builds W̄ = [[2,−3],[9,−5]] and W̄x = [3.6, 2.7] (± 1e-12)', () => {
    const W = meanFieldW(net);
    const Wx = meanFieldWx(net);
    [[2, -3], [9, -5]].forEach((row, a) => row.forEach((w, b) => near(get(W, a, b), w, 1e-12)));
    near(get(Wx, 0, 0), 3.6, 1e-12);
    near(get(Wx, 1, 0), 2.7, 1e-12);
  });

  it('static default rates r_e = 5.82 Hz, r_i = 15.88 Hz (± 0.005)', () => {
    const r = balancedRates(net);
    near(r[0], 5.82, 0.005);
    near(r[1], 15.88, 0.005);
    // The balanced rates cancel the mean input: W̄ r + W̄x rx = 0 (± 1e-12, kHz units).
    const W = meanFieldW(net);
    for (let a = 0; a < 2; a++) near(get(W, a, 0) * r[0]! / 1000 + get(W, a, 1) * r[1]! / 1000 + get(meanFieldWx(net), a, 0) * 0.01, 0, 1e-12);
  });

  it('balance condition 1.333 > 0.6 > 0.222 holds (± 0.0005), and fails when w̄_ei/w̄_ii < w̄_ee/w̄_ie', () => {
    const b = balanceCondition(net);
    expect(b.holds).toBe(true);
    expect(b.positiveRates).toBe(true);
    near(b.twoPop?.xRatio, 1.333, 0.0005);
    near(b.twoPop?.eiOverIi, 0.6, 0.0005);
    near(b.twoPop?.eeOverIe, 0.222, 0.0005);
    const bad = balanceCondition(withWeights(net, [{ post: 0, pre: 1, value: -50 }]));
    expect(bad.holds).toBe(false);
    expect(bad.positiveRates).toBe(false);
  });

  it('3-population opto model: identical E columns make W̄ singular, so Eq 3 throws', () => {
    expect(() => balancedRates(akilOpto3Pop({ jE1I: -150, jE2I: -120, rx2_Hz: 5 }))).toThrow(SingularMatrixError);
    expect(balanceCondition(akilOpto3Pop()).holds).toBe(false);
  });

  it('3-population model with distinct E blocks is solved by Eq 3 (3×3 inverse) and balances the input (± 1e-12)', () => {
    const net3 = { ...akilOpto3Pop({ rx2_Hz: 5 }), j: [[25, 20, -150], [25, 30, -130], [112.5, 100, -250]] };
    const r = balancedRates(net3).map((x) => x / 1000);
    const W = meanFieldW(net3);
    const Wx = meanFieldWx(net3);
    for (let a = 0; a < 3; a++) {
      const s = [0, 1, 2].reduce((acc, b) => acc + get(W, a, b) * r[b]!, 0) + get(Wx, a, 0) * 0.01 + get(Wx, a, 1) * 0.005;
      near(s, 0, 1e-12);
    }
  });
});

describe('covariances (Eq 5–7)', () => {
  const net = akilTwoPop();

  it('async static default: N·C_ee = 4.24 − 1.82F_e, N·C_ei = 11.56, N·C_ii = 31.53 − 19.85F_i (± 0.005)', () => {
    const c = asyncCovariance(net, { Twin_ms: TWIN });
    near(get(c.NC_uncorrected, 0, 0), 4.24, 0.005);
    near(get(c.NC_uncorrected, 0, 1), 11.56, 0.005);
    near(get(c.NC_uncorrected, 1, 0), 11.56, 0.005);
    near(get(c.NC_uncorrected, 1, 1), 31.53, 0.005);
    near(c.fanoCoeff[0], 1.82, 0.005);
    near(c.fanoCoeff[1], 19.85, 0.005);
    // Fano-corrected variant with F = 1 (default) and with F = (1.2, 0.8); off-diagonals unchanged (± 1e-12).
    near(get(c.NC_corrected, 0, 0), 4.24 - 1.82, 0.01);
    near(get(c.NC_corrected, 1, 1), 31.53 - 19.85, 0.01);
    const f = asyncCovariance(net, { Twin_ms: TWIN, fano: [1.2, 0.8], N: 1e4 });
    near(get(f.NC_corrected, 0, 0), get(c.NC_uncorrected, 0, 0) - 1.2 * c.fanoCoeff[0]!, 1e-12);
    near(get(f.NC_corrected, 1, 1), get(c.NC_uncorrected, 1, 1) - 0.8 * c.fanoCoeff[1]!, 1e-12);
    near(get(f.NC_corrected, 0, 1), get(c.NC_uncorrected, 0, 1), 1e-12);
    near(get(f.C_corrected!, 0, 1), get(f.NC_corrected, 0, 1) / 1e4, 1e-15);
    near(get(f.C_uncorrected!, 1, 1), get(f.NC_uncorrected, 1, 1) / 1e4, 1e-15);
    expect(c.C_corrected).toBeNull();
  });

  it('async N·C (uncorrected part) is proportional to T_win (± 1e-12)', () => {
    const a = asyncCovariance(net, { Twin_ms: 100 });
    const b = asyncCovariance(net, { Twin_ms: 200 });
    near(get(b.NC_uncorrected, 0, 1), 2 * get(a.NC_uncorrected, 0, 1), 1e-12);
  });

  it('correlated c = 0.1: C_ee = 0.0848 (± 0.00005), C_ei = 0.231, C_ii = 0.631 (± 0.0005)', () => {
    const C = correlatedCovariance(net, { Twin_ms: TWIN, c: 0.1 });
    near(get(C, 0, 0), 0.0848, 0.00005);
    near(get(C, 0, 1), 0.231, 0.0005);
    near(get(C, 1, 1), 0.631, 0.0005);
    // Leading order is linear in c (± 1e-12).
    near(get(correlatedCovariance(net, { Twin_ms: TWIN, c: 0.2 }), 0, 1), 2 * get(C, 0, 1), 1e-12);
  });

  it('Kohonen fixed point covariances: N·C = 7.03 − 2.34F_e, 17.72, 44.65 − 23.63F_i (± 0.005); c = 0.1: 0.141, 0.354, 0.893 (± 0.0005)', () => {
    const k = withWeights(akilTwoPop({ j: KOHONEN_J }), [{ post: 0, pre: 0, value: 3 }]);
    const c = asyncCovariance(k, { Twin_ms: TWIN });
    near(get(c.NC_uncorrected, 0, 0), 7.03, 0.005);
    near(c.fanoCoeff[0], 2.34, 0.005);
    near(get(c.NC_uncorrected, 0, 1), 17.72, 0.005);
    near(get(c.NC_uncorrected, 1, 1), 44.65, 0.005);
    near(c.fanoCoeff[1], 23.63, 0.005);
    const C = correlatedCovariance(k, { Twin_ms: TWIN, c: 0.1 });
    near(get(C, 0, 0), 0.141, 0.0005);
    near(get(C, 0, 1), 0.354, 0.0005);
    near(get(C, 1, 1), 0.893, 0.0005);
  });

  it('iSTDP fixed point: N·C_ee = 12.5 − 3.1F_e (± 0.05); E correlation at N = 10^4 lies in [1e-4, 1e-3]', () => {
    const fp = homeostaticFixedPoint(akilTwoPop(), [{ post: 0, pre: 1, rho_Hz: 10 }]);
    const c = asyncCovariance(fp.net, { Twin_ms: TWIN, N: 1e4 });
    near(get(c.NC_uncorrected, 0, 0), 12.5, 0.05);
    near(c.fanoCoeff[0], 3.1, 0.05);
    const R = countCorrelation(c.C_corrected!, c.rates_Hz, TWIN);
    expect(get(R, 0, 0)).toBeGreaterThan(1e-4);
    expect(get(R, 0, 0)).toBeLessThan(1e-3);
  });
});

describe('Kohonen EE (Eq 21)', () => {
  const net = akilTwoPop({ j: KOHONEN_J });
  const opts = { beta: 2, tauSTDP_ms: TAU };

  it('r_e = 0.315/(45 − j_ee) kHz along j_ee (± 1e-12 kHz)', () => {
    for (const jee of [0, 3, 10, 30, 42]) {
      const r = balancedRates(withWeights(net, [{ post: 0, pre: 0, value: jee }]));
      near(r[0]! / 1000, 0.315 / (45 - jee), 1e-12);
    }
  });

  it('stable j_ee* = 3 (± 0.5) with r_e = 7.5, r_i = 18.9 Hz (± 0.05); unstable root 42 (± 0.5) with r_e = 105 Hz (± 0.5)', () => {
    const fps = kohonenFixedPoints(net, { ...opts, range: [0, 60] });
    expect(fps).toHaveLength(2); // the pole of r_e at j_ee = 45 is not reported as a root
    const [s, u] = fps;
    near(s?.j, 3, 0.5);
    expect(s?.stable).toBe(true);
    near(s?.rates_Hz[0], 7.5, 0.05);
    near(s?.rates_Hz[1], 18.9, 0.05);
    near(u?.j, 42, 0.5);
    expect(u?.stable).toBe(false);
    near(u?.rates_Hz[0], 105, 0.5);
    // In j units the fixed point is j* = β τ r_e(j*) (± 1e-6).
    near(kohonenFixedPointFromRate(2, TAU, s!.rates_Hz[0]!), s!.j, 1e-6);
  });

  it('drift changes sign around the stable root and scales with η', () => {
    expect(kohonenDrift(net, 1, opts)).toBeGreaterThan(0);
    expect(kohonenDrift(net, 10, opts)).toBeLessThan(0);
    near(kohonenDrift(net, 10, { ...opts, eta: 1e-3 }), 1e-3 * kohonenDrift(net, 10, opts), 1e-15);
  });

  it('saddle-node (roots merge) at β√N ≈ 8.04 (± 0.005)', () => {
    const sn = kohonenSaddleNode(net, { tauSTDP_ms: TAU, range: [0, 44.9] });
    near(sn.beta, 8.04, 0.005);
    expect(kohonenFixedPoints(net, { beta: 8.1, tauSTDP_ms: TAU, range: [0, 44.9] })).toHaveLength(0);
    expect(kohonenFixedPoints(net, { beta: 7.9, tauSTDP_ms: TAU, range: [0, 44.9] })).toHaveLength(2);
  });

  it('a covariance term raises j_ee* (β·Cov/r_e shift, SPEC Fig 2B trend)', () => {
    const covTerm = (n: typeof net): number => traceCovFromCountCov(get(correlatedCovariance(n, { Twin_ms: TWIN, c: 0.1 }), 0, 0), TWIN);
    const [s] = kohonenFixedPoints(net, { ...opts, range: [0, 40], covTerm });
    expect(s!.j).toBeGreaterThan(3.05);
    expect(s!.j).toBeLessThan(4);
  });
});

describe('homeostatic iSTDP (Eq 25, 27–28)', () => {
  const net = akilTwoPop();

  it('EI only, ρ_e = 10 Hz: j_ei* = −119.66 (± 0.005), r_e = 10, r_i = 23.4 Hz (± 0.05), checked through Eq 3', () => {
    const fp = homeostaticFixedPoint(net, [{ post: 0, pre: 1, rho_Hz: 10 }]);
    near(fp.values[0], -119.66, 0.005);
    const r = balancedRates(fp.net); // independent check: invert W̄ at the solved weight
    near(r[0], 10, 0.05);
    near(r[1], 23.4, 0.05);
  });

  it('EI + II, ρ_e = 10 Hz: ρ_i = 20 → (−140.0, −292.5) (± 0.05); ρ_i = 23 → (−121.74, −254.35) (± 0.005)', () => {
    const a = homeostaticFixedPoint(net, [
      { post: 0, pre: 1, rho_Hz: 10 },
      { post: 1, pre: 1, rho_Hz: 20 },
    ]);
    near(a.values[0], -140.0, 0.05);
    near(a.values[1], -292.5, 0.05);
    const ra = balancedRates(a.net);
    near(ra[0], 10, 1e-9);
    near(ra[1], 20, 1e-9);
    const b = homeostaticFixedPoint(net, [
      { post: 0, pre: 1, rho_Hz: 10 },
      { post: 1, pre: 1, rho_Hz: 23 },
    ]);
    near(b.values[0], -121.74, 0.005);
    near(b.values[1], -254.35, 0.005);
  });

  it('opto 3-pop: before/after j_e1i* = j_e2i* = −119.66; during stim j_e1i* = −158.12, j_e2i* = −119.66 (± 0.005); r_i = 23.4 Hz (± 0.05)', () => {
    const targets = [
      { post: 0, pre: 2, rho_Hz: 10 },
      { post: 1, pre: 2, rho_Hz: 10 },
    ];
    const off = homeostaticFixedPoint(akilOpto3Pop({ rx2_Hz: 0 }), targets);
    near(off.values[0], -119.66, 0.005);
    near(off.values[1], -119.66, 0.005);
    near(off.rates_Hz[2], 23.4, 0.05);
    const on = homeostaticFixedPoint(akilOpto3Pop({ rx2_Hz: 5 }), targets);
    near(on.values[0], -158.12, 0.005);
    near(on.values[1], -119.66, 0.005);
    near(on.rates_Hz[2], 23.4, 0.05);
    // The solved rates satisfy every row of W̄ r + W̄x rx = 0 (± 1e-12 kHz) although W̄ is singular.
    const W = meanFieldW(on.net);
    const Wx = meanFieldWx(on.net);
    const r = on.rates_Hz.map((x) => x / 1000);
    for (let a = 0; a < 3; a++) {
      const s = [0, 1, 2].reduce((acc, b) => acc + get(W, a, b) * r[b]!, 0) + get(Wx, a, 0) * 0.01 + get(Wx, a, 1) * 0.005;
      near(s, 0, 1e-12);
    }
  });

  it('Newton on the Eq-25 drift agrees with the analytic fixed point (± 1e-6)', () => {
    const cls = [istdpClass({ post: 0, pre: 1, rho_Hz: 10, jNorm: -200, eta: 1e-4, tauSTDP_ms: TAU })];
    const fp = solveWeightFixedPoint(net, cls, [-150]);
    near(fp.values[0], homeostaticFixedPoint(net, [{ post: 0, pre: 1, rho_Hz: 10 }]).values[0]!, 1e-6);
    near(fp.rates_Hz[0], 10, 1e-6);
  });

  it('EI + II stability needs η_ei ≳ η_ii: equal rates stable, η_ii = 10 η_ei unstable', () => {
    const targets = [
      { post: 0, pre: 1, rho_Hz: 10 },
      { post: 1, pre: 1, rho_Hz: 20 },
    ];
    const fp = homeostaticFixedPoint(net, targets);
    const classes = (etaEI: number, etaII: number) => [
      istdpClass({ post: 0, pre: 1, rho_Hz: 10, jNorm: -200, eta: etaEI, tauSTDP_ms: TAU }),
      istdpClass({ post: 1, pre: 1, rho_Hz: 20, jNorm: -200, eta: etaII, tauSTDP_ms: TAU }),
    ];
    const drift = classDrifts(net, classes(1, 1), fp.values).drift;
    drift.forEach((d) => near(d, 0, 1e-15));
    expect(linearStability(net, classes(1e-3, 1e-3), fp.values).stable).toBe(true);
    expect(linearStability(net, classes(1e-3, 1e-4), fp.values).stable).toBe(true);
    expect(linearStability(net, classes(1e-4, 1e-3), fp.values).stable).toBe(false);
  });
});

describe('ruleDrift (generic Eq-10 pair rule)', () => {
  it('vanishes at the Kohonen fixed point (j = 3, r from Eq 3) and matches Eq 21 elsewhere (± 1e-15)', () => {
    const k = withWeights(akilTwoPop({ j: KOHONEN_J }), [{ post: 0, pre: 0, value: 3 }]);
    const r = balancedRates(k);
    near(ruleDrift(kohonenRule(2), { J: 3, rPre_Hz: r[0]!, rPost_Hz: r[0]!, tauSTDP_ms: TAU }), 0, 1e-15);
    const re = 0.012; // kHz
    const eq21 = 1e-3 * (2 * TAU * re * re - 5 * re);
    near(ruleDrift(kohonenRule(2), { J: 5, rPre_Hz: 12, rPost_Hz: 12, tauSTDP_ms: TAU }, 1e-3), eq21, 1e-15);
  });

  it('vanishes at the EI fixed point (r_e = 10 Hz) and matches Eq 25 elsewhere (± 1e-15)', () => {
    const fp = homeostaticFixedPoint(akilTwoPop(), [{ post: 0, pre: 1, rho_Hz: 10 }]);
    const r = balancedRates(fp.net);
    const alpha = alphaFromRho(10, TAU);
    near(alpha, 4, 1e-12);
    const rule = istdpRule(alpha, -200);
    near(ruleDrift(rule, { J: fp.values[0]!, rPre_Hz: r[1]!, rPost_Hz: r[0]!, tauSTDP_ms: TAU }), 0, 1e-15);
    const [J, re, ri] = [-150, 0.007, 0.02];
    const eq25 = -(J / -200) * ((2 * TAU * re - alpha) * ri);
    near(ruleDrift(rule, { J, rPre_Hz: ri * 1000, rPost_Hz: re * 1000, tauSTDP_ms: TAU }), eq25, 1e-15);
  });

  it('covariance terms: iSTDP gets 2·Cov (Eq 25), Kohonen β·Cov (Eq 21) (± 1e-15)', () => {
    const K = 3e-4;
    const s = { J: -150, rPre_Hz: 20, rPost_Hz: 7, tauSTDP_ms: TAU, covPostThenPre_kHz: K, covPreThenPost_kHz: K };
    near(ruleDriftParts(istdpRule(4, -200), s).cov, -(-150 / -200) * 2 * K, 1e-15);
    near(ruleDriftParts(kohonenRule(2), { ...s, J: 5 }).cov, 2 * K, 1e-15);
  });

  it('soft Hebbian drift vanishes at J = J_max; classical Hebbian rate terms cancel (± 1e-15)', () => {
    const s = { rPre_Hz: 8, rPost_Hz: 13, tauSTDP_ms: TAU };
    near(ruleDrift(softHebbRule(30), { ...s, J: 30 }), 0, 1e-15);
    expect(ruleDrift(softHebbRule(30), { ...s, J: 20 })).toBeGreaterThan(0);
    near(ruleDrift(classicalHebbRule(), { ...s, J: 20 }), 0, 1e-15);
  });
});

describe('weight ODE integration (quasi-static rates)', () => {
  it('Kohonen from j_ee = 1 converges to j_ee* = 3 (± 1e-3)', () => {
    const net = akilTwoPop({ j: KOHONEN_J });
    const tr = integrateWeights(net, [kohonenClass({ beta: 2, eta: 1, tauSTDP_ms: TAU })], {
      T_ms: 5000,
      dt_ms: 10,
      recordEvery_ms: 500,
    });
    expect(tr.stopped).toBeNull();
    near(tr.values[0]?.[0], 1, 1e-12);
    near(tr.t_ms.at(-1), 5000, 1e-9);
    near(tr.values.at(-1)?.[0], 3, 1e-3);
    near(tr.rates_Hz.at(-1)?.[0], 7.5, 1e-3);
    // monotone approach from below
    for (let i = 1; i < tr.values.length; i++) expect(tr.values[i]![0]!).toBeGreaterThanOrEqual(tr.values[i - 1]![0]!);
  });

  it('EI iSTDP from j_ei = −150 converges to −119.66 (± 0.005) and r_e to 10 Hz (± 0.01)', () => {
    const net = akilTwoPop();
    const tr = integrateWeights(net, [istdpClass({ post: 0, pre: 1, rho_Hz: 10, jNorm: -200, eta: 1, tauSTDP_ms: TAU })], {
      T_ms: 50_000,
      dt_ms: 10,
      recordEvery_ms: 5000,
    });
    near(tr.values.at(-1)?.[0], -119.66, 0.005);
    near(tr.rates_Hz.at(-1)?.[0], 10, 0.01);
  });

  it('time-varying input switches the stimulus; a singular W̄ stops the integration with a reason', () => {
    const net = akilTwoPop();
    const tr = integrateWeights(net, [istdpClass({ post: 0, pre: 1, rho_Hz: 10, jNorm: -200, eta: 1, tauSTDP_ms: TAU })], {
      T_ms: 100,
      dt_ms: 10,
      rx_Hz: (t) => [t < 50 ? 10 : 12],
    });
    near(tr.rates_Hz[0]?.[0], balancedRates(withWeights(net, [{ post: 0, pre: 1, value: tr.values[0]![0]! }]))[0]!, 1e-9);
    const last = tr.values.at(-1)![0]!;
    near(tr.rates_Hz.at(-1)?.[0], balancedRates(withInputRates(withWeights(net, [{ post: 0, pre: 1, value: last }]), [12]))[0]!, 1e-9);
    const opto = akilOpto3Pop({ jE1I: -150, jE2I: -120, rx2_Hz: 5 });
    const bad = integrateWeights(opto, [istdpClass({ post: 0, pre: 2, rho_Hz: 10, jNorm: -200, eta: 1, tauSTDP_ms: TAU })], {
      T_ms: 100,
      dt_ms: 10,
    });
    expect(bad.stopped).toMatch(/singular/);
    expect(bad.values).toHaveLength(0);
  });
});

describe('findRoots', () => {
  it('finds simple roots with stability and skips poles (± 1e-8)', () => {
    const roots = findRoots((x) => (x - 1) * (x - 3) * (x - 4) / (x - 2), 0, 5, { samples: 1000 });
    expect(roots.map((r) => Math.round(r.x * 1e6) / 1e6)).toEqual([1, 3, 4]);
    roots.forEach((r, i) => near(r.x, [1, 3, 4][i]!, 1e-8));
  });
});
