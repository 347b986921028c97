// The trial rules (src/trials/rules.ts) against a hand computation: 2 E units (0, 1) and 1 I unit (2),
// set points E 5 Hz, I 14 Hz, alpha 0.01 pA/Hz^2, moving averages (2, 0.5 -> floored to 1, 20) Hz, so
// <r>_E = 1.5 (error 3.5), <r>_I = 20 (error -6). Every expected number below is worked out by hand in
// the comments (trainer.py's cross-homeo-pre-scalar and cross-homeo-pre-scalar-homeo formulas).
// Also: the moving average over trials, the clip at the reference's bounds, and trial statistics on a
// hand-made raster (Up-state detection, per-unit Up rates, the no-Up fallback with kicked units).
import { describe, expect, it } from 'vitest';
import { applyTrialRule, floorRates, updateMovingAverage, type TrialProjection, type TrialRuleParams } from '../../src/trials/rules.ts';
import { trialStats } from '../../src/trials/stats.ts';

const E = { offset: 0, size: 2, set_Hz: 5 };
const I = { offset: 2, size: 1, set_Hz: 14 };

function projections(): Record<'EE' | 'EI' | 'IE' | 'II', TrialProjection> {
  return {
    // E -> E: 0 -> 1, 1 -> 0 (rows per pre unit; post as global index)
    EE: { preOffset: 0, preSize: 2, preExc: true, postExc: true, postSet_Hz: 5, other: I, rowPtr: Int32Array.of(0, 1, 2), post: Int32Array.of(1, 0), w: Float32Array.of(80, 80), sign: 1 },
    // I -> E: 2 -> 0, 2 -> 1 (the reference's wEI, 350 pA)
    EI: { preOffset: 2, preSize: 1, preExc: false, postExc: true, postSet_Hz: 5, other: I, rowPtr: Int32Array.of(0, 2), post: Int32Array.of(0, 1), w: Float32Array.of(-350, -350), sign: -1 },
    // E -> I: 0 -> 2, 1 -> 2 (the reference's wIE, 100 pA)
    IE: { preOffset: 0, preSize: 2, preExc: true, postExc: false, postSet_Hz: 14, other: E, rowPtr: Int32Array.of(0, 1, 2), post: Int32Array.of(2, 2), w: Float32Array.of(100, 100), sign: 1 },
    // I -> I: 2 -> 2
    II: { preOffset: 2, preSize: 1, preExc: false, postExc: false, postSet_Hz: 14, other: E, rowPtr: Int32Array.of(0, 1), post: Int32Array.of(2), w: Float32Array.of(-225), sign: -1 },
  };
}

const rates = (): Float64Array => {
  const r = Float64Array.of(2, 0.5, 20);
  floorRates(r, 1);
  return r;
};
const params = (rule: TrialRuleParams['rule']): TrialRuleParams => ({ rule, alpha: 0.01, minRate_Hz: 1, wMin: 5, wMax: 750 });
const f = Math.fround;

describe('trial rule: cross-homeostatic pre-scalar (hand computation)', () => {
  it('floors the moving average at 1 Hz in place', () => {
    expect(Array.from(rates())).toEqual([2, 1, 20]);
  });

  it('updates every projection by s_c alpha r_pre (set_O - <r>_O)', () => {
    const p = projections();
    const dw = applyTrialRule(params('cross-homeo-pre-scalar'), rates(), [p.EE, p.EI, p.IE, p.II]);
    // EE: +0.01 * 2 * (14 - 20) = -0.12; +0.01 * 1 * (-6) = -0.06
    expect(Array.from(p.EE.w)).toEqual([f(80 - 0.12), f(80 - 0.06)]);
    // EI (I -> E): -0.01 * 20 * (14 - 20) = +1.2 on |w|: j = -351.2 for both synapses
    expect(Array.from(p.EI.w)).toEqual([f(-351.2), f(-351.2)]);
    // IE (E -> I): -0.01 * 2 * (5 - 1.5) = -0.07; -0.01 * 1 * 3.5 = -0.035
    expect(Array.from(p.IE.w)).toEqual([f(100 - 0.07), f(100 - 0.035)]);
    // II: +0.01 * 20 * 3.5 = +0.7 on |w|
    expect(Array.from(p.II.w)).toEqual([f(-225.7)]);
    // mean |dw| per projection
    expect(dw[0]).toBeCloseTo(0.09, 12);
    expect(dw[1]).toBeCloseTo(1.2, 12);
    expect(dw[2]).toBeCloseTo(0.0525, 12);
    expect(dw[3]).toBeCloseTo(0.7, 12);
  });
});

describe('trial rule: two-term (cross + homeostatic, hand computation)', () => {
  it('adds s_h alpha r_pre (set_post - r_post)', () => {
    const p = projections();
    applyTrialRule(params('two-term'), rates(), [p.EE, p.EI, p.IE, p.II]);
    // EE 0 -> 1: -0.12 + 0.01 * 2 * (5 - 1) = -0.04; 1 -> 0: -0.06 + 0.01 * 1 * (5 - 2) = -0.03
    expect(p.EE.w[0]).toBeCloseTo(79.96, 4);
    expect(p.EE.w[1]).toBeCloseTo(79.97, 4);
    // EI 2 -> 0: 1.2 - 0.01 * 20 * (5 - 2) = 0.6; 2 -> 1: 1.2 - 0.01 * 20 * (5 - 1) = 0.4
    expect(p.EI.w[0]).toBeCloseTo(-350.6, 4);
    expect(p.EI.w[1]).toBeCloseTo(-350.4, 4);
    // IE 0 -> 2: -0.07 + 0.01 * 2 * (14 - 20) = -0.19; 1 -> 2: -0.035 + 0.01 * 1 * (-6) = -0.095
    expect(p.IE.w[0]).toBeCloseTo(99.81, 4);
    expect(p.IE.w[1]).toBeCloseTo(99.905, 4);
    // II: 0.7 - 0.01 * 20 * (14 - 20) = 1.9
    expect(p.II.w[0]).toBeCloseTo(-226.9, 4);
  });

  it('clips |w| to [wMin, wMax] (the reference: [5, 750] pA)', () => {
    const p = projections();
    p.EI.w.set([-749.5, -5.1]);
    p.EE.w.set([5.05, 749.99]);
    applyTrialRule({ ...params('cross-homeo-pre-scalar'), alpha: 1 }, rates(), [p.EE, p.EI]);
    // EI: +120 on |w|: 869.5 -> 750, 125.1 stays; EE: -12 and -6: 5.05 -> 5 (floor), 749.99 -> 743.99
    expect(Array.from(p.EI.w)).toEqual([-750, f(-125.1)]);
    expect(Array.from(p.EE.w)).toEqual([5, f(743.99)]);
  });
});

describe('trial statistics and the moving average', () => {
  it('moving average: first trial as is, then m + (r - m) / tau', () => {
    let m = updateMovingAverage(null, Float64Array.of(4, 10), 2);
    expect(Array.from(m)).toEqual([4, 10]);
    m = updateMovingAverage(m, Float64Array.of(8, 0), 2);
    expect(Array.from(m)).toEqual([6, 5]);
  });

  it('Up state detected on the I PSTH; unit rates are spikes in the Up over its duration', () => {
    // dt 1 ms, 10 ms bins, 100 steps. E = units 0..1, I = unit 2. I fires in bins 2..5 (steps 25, 35, 45, 55).
    const spikes: Array<[number, number]> = [[5, 0], [25, 2], [26, 0], [35, 2], [36, 1], [45, 2], [55, 2], [56, 0], [90, 1]];
    const steps = Int32Array.from(spikes, (s) => s[0]);
    const ids = Int32Array.from(spikes, (s) => s[1]);
    const st = trialStats(steps, ids, spikes.length, 100, 1, [{ offset: 0, size: 2 }, { offset: 2, size: 1 }], { bin_ms: 10, thresh_Hz: 0.2, minDur_ms: 30, from_s: 0.01, detectPop: 1 }, null);
    expect(st.up).toBe(true);
    expect(st.upStart_s).toBeCloseTo(0.02, 12);
    expect(st.upDur_s).toBeCloseTo(0.04, 12); // bins 2..5
    // in [20, 60): unit 0: 26, 56 -> 2 spikes / 0.04 s = 50 Hz; unit 1: 36 -> 25 Hz; unit 2: 4 -> 100 Hz
    expect(Array.from(st.unitRate_Hz).map((x) => +x.toFixed(9))).toEqual([50, 25, 100]);
    expect(st.popRate_Hz[0]).toBeCloseTo(37.5, 9);
    // ISIs of unit 2 in the Up: 10, 10, 10 ms -> CV 0
    expect(st.popCv[1]).toBeCloseTo(0, 12);
  });

  it('no Up: spikes over the event duration; kicked units take the mean of the rest', () => {
    // E = units 0..3 (unit 0 kicked), I = unit 4 silent. Spikes: unit 0 x3 (bin 0), unit 1 at bin 3, unit 2 at bin 4.
    const spikes: Array<[number, number]> = [[1, 0], [2, 0], [3, 0], [31, 1], [41, 2]];
    const st = trialStats(Int32Array.from(spikes, (s) => s[0]), Int32Array.from(spikes, (s) => s[1]), spikes.length, 100, 1,
      [{ offset: 0, size: 4 }, { offset: 4, size: 1 }], { bin_ms: 10, thresh_Hz: 0.2, minDur_ms: 30, from_s: 0, detectPop: 1 }, { pop: 0, count: 1 });
    expect(st.up).toBe(false);
    // E bins with spikes: 0, 3, 4 -> 3 bins = 0.03 s; units 1, 2: 1 / 0.03; unit 3: 0; kicked unit 0 -> mean(1/0.03, 1/0.03, 0)
    expect(st.upDur_s).toBeCloseTo(0.03, 12);
    const r = 1 / 0.03;
    expect(st.unitRate_Hz[1]).toBeCloseTo(r, 9);
    expect(st.unitRate_Hz[0]).toBeCloseTo((2 * r) / 3, 9);
    expect(st.unitRate_Hz[4]).toBe(0);
  });
});
