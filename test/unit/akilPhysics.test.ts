// Whole-network physics of the static Akil network on the CPU engine (issue 25): N = 5000, T = 5 s, seed 2538
// (outside the 20 seeds the bands were measured on, test/unit/bands.ts). Three kinds of check:
//  1. Campbell's theorem: the mean current of every channel (E, I, X) onto every population equals
//     K J r (1 - dt/tau) at the measured presynaptic rates, computed from the spec (physicsCases.ts). It holds
//     for any seed and catches a wrong coupling of any single projection class or of the external drive.
//  2. Balance (re-derived so it holds for any seed): the E and I parts have their signs, the total input
//     |E + I + X| is a small fraction of the E part (the cancellation, band from 20 seeds), and the total equals
//     its mean-field value (the sum of the Campbell parts) within the measured spread.
//  3. Rates against Eq 3 (5.82 / 15.88 Hz) with the measured finite-N offset, and irregular firing (CV).
import { beforeAll, describe, expect, it } from 'vitest';
import { STATIC_BANDS as B, bandText, within } from './bands.ts';
import { measureStatic, STATIC, type StaticMeasure } from './physicsCases.ts';

const SEED = 2538;
const POPS = ['E', 'I'] as const;

describe(`Akil static network physics (CPU engine, N = ${STATIC.N}, T = ${STATIC.T_s} s, seed ${SEED})`, () => {
  let m: StaticMeasure;
  beforeAll(async () => {
    m = await measureStatic(SEED);
  });

  for (const post of POPS)
    for (const pre of ['E', 'I', 'X'] as const) {
      const b = B.currentOverCampbell[post][pre];
      it(`mean ${post}<-${pre} current / K J r (1 - dt/tau) at the measured rates within ${bandText(b)}`, () => {
        const x = m.currentOverCampbell[post][pre]!;
        expect(within(x, b), `${post}<-${pre}: ${x}`).toBe(true);
      });
    }

  for (const p of POPS) {
    it(`balance on ${p}: |E + I + X| / |E part| within ${bandText(B.totalOverE[p])}, total at its mean-field value`, () => {
      expect(within(m.totalOverE[p], B.totalOverE[p]), `|total|/|E| = ${m.totalOverE[p]}`).toBe(true);
      expect(m.totalOverE[p]).toBeLessThan(1); // the cancellation itself, whatever the band
      expect(within(m.totalErrOverE[p], B.totalErrOverE[p]), `(total - Campbell total)/E = ${m.totalErrOverE[p]}`).toBe(true);
    });

    it(`rate of ${p} / Eq 3 within ${bandText(B.rateOverEq3[p])} (the measured finite-N offset)`, () => {
      expect(within(m.rateOverEq3[p], B.rateOverEq3[p]), `r/Eq3 = ${m.rateOverEq3[p]} (${m.rate_Hz[p]} Hz)`).toBe(true);
    });
  }

  it(`asynchronous irregular: CV of ISI of E within ${bandText(B.cvE)}`, () => {
    expect(within(m.cvE, B.cvE), `CV ${m.cvE}`).toBe(true);
  });
});
