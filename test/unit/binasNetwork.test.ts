// Binas et al. 2014 circuits on the rate engine (src/models/binas, the rate engine's pattern input and continuous
// Eq 18 hook): validation (named SpecErrors), the pattern input, the engine's single node against the Eq 30 cubic,
// (B4, the WTA training itself, is in binasWta.test.ts).
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/model/validate.ts';
import { binasPatterns, binasToRateSpec } from '../../src/models/binas/build.ts';
import { binasWta } from '../../src/models/binas/presets.ts';
import { runBinas } from '../../src/models/binas/run.ts';
import type { BinasSpec } from '../../src/models/binas/spec.ts';
import { validateBinasSpec } from '../../src/models/binas/validate.ts';
import { runRate } from '../../src/models/rate/run.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';
import { BINAS_TYPICAL, nodeFixedPoints } from '../../src/theory/binas.ts';

/** The issues of the SpecError that f throws (fails the test when it does not throw one). */
function issuesOf(f: () => unknown): { path: string; value: unknown; allowed: string }[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues;
  }
  throw new Error('expected a SpecError');
}

const clone = (s: BinasSpec): BinasSpec => structuredClone(s);

describe('validation: named SpecErrors', () => {
  it('w_max <= 0, negative thresholds, a group without its inhibitory population, a wrong-length pattern', () => {
    const s = clone(binasWta({ patterns: 5 }));
    s.plasticity!.wMax = 0;
    s.thresholdE = -1;
    s.plasticity!.thetaInh_Hz = -2;
    delete (s.groups[1] as Partial<BinasSpec['groups'][0]>).inhibitory;
    const issues = issuesOf(() => validateBinasSpec(s));
    expect(issues.map((i) => i.path)).toEqual(['thresholdE', 'groups[1].inhibitory', 'plasticity.wMax', 'plasticity.thetaInh_Hz']);
    expect(issues[0]!.value).toBe(-1);
    expect(issues[2]!.allowed).toBe('a finite number in (0, 1000000]');

    const p = clone(binasWta({ patterns: 5 }));
    p.patterns = { kind: 'list', values_Hz: [[5, 10, 15, 20], [5, 10, 15]] };
    expect(issuesOf(() => validateBinasSpec(p))).toEqual([{ path: 'patterns.values_Hz[1]', value: '3 values', allowed: '4 values (one per excitatory population, in group order)' }]);
    const l = clone(binasWta({ patterns: 5 }));
    l.patterns = { kind: 'random-levels', levels_Hz: [5, 10], jitter_Hz: 1 };
    expect(issuesOf(() => validateBinasSpec(l))[0]!.path).toBe('patterns.levels_Hz');
  });

  it('the rate engine refuses a pattern row of the wrong length and a bad continuous rule', () => {
    const r = binasToRateSpec(binasWta({ patterns: 3 }));
    const bad = structuredClone(r);
    const inp = bad.inputs[0]!;
    if (inp.kind !== 'pattern') throw new Error('pattern input expected');
    inp.values[2] = [1, 2, 3];
    if (bad.plasticity?.kind === 'continuous') bad.plasticity.wMax = -4;
    const issues = issuesOf(() => validateRateSpec(bad));
    expect(issues.map((i) => i.path)).toEqual(['inputs[0].values[2]', 'plasticity.wMax']);
    expect(issues[0]!.allowed).toBe('4 values (one per unit of E11, E12, E21, E22)');
  });
});

describe('the circuit as a rate spec', () => {
  it('has every E->E, every E->I, local I->E only, no I->I; patterns are permutations of the levels within +/- jitter', () => {
    const s = binasWta({ patterns: 50 });
    const r = binasToRateSpec(s);
    const blocks = r.weights.map((w) => `${w.post}<-${w.pre}`);
    expect(blocks.length).toBe(16 + 8 + 4);
    expect(blocks).toContain('E11<-E22');
    expect(blocks).toContain('I2<-E11');
    expect(blocks).toContain('E12<-I1');
    expect(blocks).not.toContain('E12<-I2');
    expect(blocks.some((b) => /^I\d<-I/.test(b))).toBe(false);
    const rows = binasPatterns(s);
    expect(rows.length).toBe(50);
    const firsts = new Set<number>();
    for (const row of rows) {
      const levels = row.map((v) => Math.round(v / 5) * 5).sort((a, b) => a - b);
      expect(levels).toEqual([5, 10, 15, 20]);
      row.forEach((v) => expect(Math.abs(v - Math.round(v / 5) * 5)).toBeLessThanOrEqual(2));
      firsts.add(row.indexOf(Math.max(...row)));
    }
    expect(firsts.size).toBe(4); // every population gets the strongest input sometimes
  });

  it('pattern inputs reach their units trial by trial (frozen zero weights: rate -> input)', async () => {
    const s = clone(binasWta({ patterns: 3 }));
    s.patterns = { kind: 'list', values_Hz: [[3, 7, 11, 2], [5, 1, 0, 9]] };
    s.plasticity = null;
    s.initialWeights = { lo: 0, hi: 0 };
    const { result } = await runBinas(s);
    const P = result.model.pops.length;
    const E = ['E11', 'E12', 'E21', 'E22'].map((n) => result.model.pops.findIndex((p) => p.name === n));
    const want = [[3, 7, 11, 2], [5, 1, 0, 9], [3, 7, 11, 2]];
    want.forEach((row, t) => row.forEach((v, i) => expect(result.recordings.trialMean_Hz[t * P + E[i]!]!).toBeCloseTo(v, 4)));
  });
});

describe('the engine single node against the theory', () => {
  it('one group of 1 E + 1 I under constant input converges to the Eq 30 fixed point (I_ext = 15 Hz, 1%)', async () => {
    const s = clone(binasWta({ patterns: 60 }));
    s.groups = [{ name: 'G', excitatory: ['E'], inhibitory: 'I' }];
    s.patterns = { kind: 'list', values_Hz: [[15]] };
    s.plasticity = { ...BINAS_TYPICAL, tauS_Hz2: 2000 };
    s.tauI_ms = 10;
    s.initialWeights = { lo: 1, hi: 1.5 };
    const { result } = await runBinas(s);
    const fp = nodeFixedPoints(15, BINAS_TYPICAL)[0]!;
    const W = result.recordings.finalWeights;
    const w = (post: string, pre: string) => W[result.model.blocks[result.spec.weights.findIndex((q) => q.post === post && q.pre === pre)]!.wOff]!;
    expect(Math.abs(w('E', 'E') / fp.wEE - 1)).toBeLessThan(0.01);
    expect(Math.abs(w('I', 'E') / fp.wEI - 1)).toBeLessThan(0.01);
    expect(Math.abs(w('E', 'I') / fp.wIE - 1)).toBeLessThan(0.01);
    const xE = result.recordings.finalMean_Hz[result.model.pops.findIndex((p) => p.name === 'E')]!;
    expect(Math.abs(xE / fp.xE_Hz - 1)).toBeLessThan(0.01);
  });
});
