// Binas 2014 Fig 5 as a batched rate-engine sweep (src/models/binas/stabilitySweep.ts): per-network Eq 18 parameters
// (plasticity.perNetwork) give each network exactly the run it has alone, and bad per-network values are refused.
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/model/validate.ts';
import { BINAS_TAU_S_HZ2 } from '../../src/models/binas/presets.ts';
import { classifySweep, stabilitySweepSpec, sweepCells } from '../../src/models/binas/stabilitySweep.ts';
import { runRate } from '../../src/models/rate/run.ts';
import type { RateContinuousPlasticitySpec, RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';
import { BINAS_TYPICAL } from '../../src/theory/binas.ts';

const all_nW = (s: RateSpec): number => s.weights.length; // one unit per population: one weight per block
const wMax = [3, 4, 6];
const aExc = [1, 2];
const o = { tauS_Hz2: BINAS_TAU_S_HZ2, trials: 100 };

describe('Binas Fig 5 sweep: one network per (w_max, A_exc) cell', () => {
  it('each network of the batch is bit-identical to the same cell run alone (its own w_max and A_exc)', async () => {
    const spec = stabilitySweepSpec(10, wMax, aExc, BINAS_TYPICAL, o);
    expect(spec.batch).toBe(6);
    expect(all_nW(spec)).toBe(3); // E<-E, E<-I, I<-E
    const all = await runRate(spec);
    const cells = sweepCells(wMax, aExc);
    for (const k of [1, 4]) {
      const one: RateSpec = structuredClone(spec);
      one.batch = 1;
      for (const w of one.weights) if (w.init.kind === 'list') w.init.values = [w.init.values[k]!];
      const pl = one.plasticity as RateContinuousPlasticitySpec;
      delete pl.perNetwork;
      pl.wMax = cells[k]!.wMax;
      pl.aExc = cells[k]!.aExc;
      const alone = await runRate(validateRateSpec(one));
      const T = spec.trials.count;
      expect(alone.recordings.trialMean_Hz).toEqual(all.recordings.trialMean_Hz.slice(k * T * 2, (k + 1) * T * 2));
      expect(alone.recordings.finalWeights).toEqual(all.recordings.finalWeights.slice(k * 3, (k + 1) * 3));
    }
    // the cells differ: w_max and A_exc reach the rule network by network
    expect(new Set(Array.from({ length: 6 }, (_, k) => all.recordings.finalWeights[k * 3]!)).size).toBe(6);
    const c = classifySweep(all);
    expect(c.status).toHaveLength(6);
    for (const s of c.status) expect(['stable', 'unstable', 'no-inhibition']).toContain(s);
  });

  it('refuses per-network values of the wrong length or range, naming the field', () => {
    const spec = stabilitySweepSpec(10, wMax, aExc, BINAS_TYPICAL, o);
    const bad = structuredClone(spec);
    (bad.plasticity as RateContinuousPlasticitySpec).perNetwork = { wMax: [1, 2], aExc: [0, 0, 0, 0, 0, -1] };
    expect(() => validateRateSpec(bad)).toThrow(SpecError);
    expect(() => validateRateSpec(bad)).toThrow(/plasticity\.perNetwork\.wMax = "2 values": allowed one value per network of the batch \(6\)/);
    expect(() => validateRateSpec(bad)).toThrow(/plasticity\.perNetwork\.aExc\[5\] = -1/);
    (bad.plasticity as RateContinuousPlasticitySpec).perNetwork = { wMax: [1, 2, 3, 4, 5, 0] };
    expect(() => validateRateSpec(bad)).toThrow(/plasticity\.perNetwork\.wMax\[5\] = 0/);
  });
});
