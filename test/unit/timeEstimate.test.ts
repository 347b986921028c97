// The app's time estimate: a calibration from one run reproduces that run's time, and scales with T and N.
import { describe, expect, it } from 'vitest';
import { calibrationFrom, estimateTime, formatDuration, stepUnits } from '../../src/app/timeEstimate.ts';
import { getPreset } from '../../src/presets/index.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';

const withNT = (N: number, T_s: number): NetworkSpec => ({ ...getPreset('akil-static'), N, T_s, recording: { ...getPreset('akil-static').recording, statsStart_s: T_s / 2 } });

describe('timeEstimate', () => {
  it('reproduces the calibration run and scales linearly in T, faster than linearly in N (synapses grow as N^2)', () => {
    const small = withNT(1000, 0.5);
    const c = calibrationFrom(small, 'cpu-worker', 0.2, 1.5, 'test');
    const e = estimateTime(small, c);
    expect(e.build_s).toBeCloseTo(0.2, 10);
    expect(e.run_s).toBeCloseTo(1.5, 10);
    expect(estimateTime(withNT(1000, 5), c).run_s).toBeCloseTo(15, 8);
    const ratio = estimateTime(withNT(4000, 0.5), c).run_s / 1.5;
    expect(ratio).toBeGreaterThan(4);
    expect(stepUnits(withNT(4000, 0.5))).toBeGreaterThan(stepUnits(small));
  });
  it('formats durations', () => {
    expect([0.42, 12.4, 300, 9000].map(formatDuration)).toEqual(['0.42 s', '12 s', '5.0 min', '2.5 h']);
  });
});
