// validate(spec): the Akil preset passes; each bad field is rejected by a SpecError whose message
// names the field's path, its value and the allowed range; several bad fields give several issues.
// Axes: one mutation per row of BAD (field kind x failure kind); controls: the unmodified preset and
// near-miss values that must still pass.
import { describe, expect, it } from 'vitest';
import { validate, SpecError, type SpecIssue } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import type { PlasticitySpec } from '../../src/model/spec.ts';

type Mutable = Record<string, any>; // a spec as untyped JSON, so tests can write bad values into it

/** A deep copy of the Akil preset as a plain mutable object. */
const fresh = (): Mutable => structuredClone(akilNetwork()) as unknown as Mutable;

/** Runs validate and returns the SpecError it throws (fails the test if it does not throw one). */
function rejection(spec: unknown): SpecError {
  try {
    validate(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('validate accepted a bad spec');
}

/** A homeostatic-iSTDP-like rule in the general form whose onPre term is multiplicative with the given jRef. */
const multiplicative = (jRef: number, rule = 'general'): PlasticitySpec => ({
  rule,
  tauSTDP_ms: 200,
  eta: 1e-4,
  onPre: { a: 0.8, bPre: 0, bPost: -1, weightDep: 'linear', jRef },
  onPost: { a: 0, bPre: -1, bPost: 0, weightDep: 'none' },
});

interface BadCase {
  what: string;
  mutate: (s: Mutable) => void;
  path: string; // issue path
  value: string; // how the value is printed in the message
  allowed: string; // a substring of the allowed range
  only?: boolean; // the mutation must produce exactly this one issue
}

const BAD: BadCase[] = [
  { what: 'negative N', mutate: (s) => (s.N = -5), path: 'N', value: '-5', allowed: 'an integer in [1, 10000000]' },
  { what: 'fractional N', mutate: (s) => (s.N = 2000.5), path: 'N', value: '2000.5', allowed: 'an integer in [1, 10000000]', only: true },
  { what: 'NaN N', mutate: (s) => (s.N = NaN), path: 'N', value: 'NaN', allowed: 'an integer in [1, 10000000]' },
  { what: 'p > 1', mutate: (s) => (s.projections[0].p = 1.5), path: 'projections[0].p', value: '1.5', allowed: 'a finite number in [0, 1]', only: true },
  { what: 'p < 0', mutate: (s) => (s.projections[0].p = -0.1), path: 'projections[0].p', value: '-0.1', allowed: 'a finite number in [0, 1]', only: true },
  { what: 'dt = 0', mutate: (s) => (s.dt_ms = 0), path: 'dt_ms', value: '0', allowed: 'a finite number in (0, 10]', only: true },
  { what: 'dt < 0', mutate: (s) => (s.dt_ms = -0.1), path: 'dt_ms', value: '-0.1', allowed: 'a finite number in (0, 10]', only: true },
  { what: 'T not a multiple of dt', mutate: (s) => (s.T_s = 20.00005), path: 'T_s', value: '20.00005', allowed: 'a whole number of steps of dt_ms = 0.1', only: true },
  { what: 'NaN tauSyn', mutate: (s) => (s.populations[0].tauSyn_ms = NaN), path: 'populations[0].tauSyn_ms', value: 'NaN', allowed: 'a finite number in (0, 1000000]', only: true },
  { what: 'Infinity rate', mutate: (s) => (s.inputs[0].rate_Hz = Infinity), path: 'inputs[0].rate_Hz', value: 'Infinity', allowed: 'a finite number in [0, 1000]', only: true },
  { what: '-Infinity weight', mutate: (s) => (s.projections[2].j = -Infinity), path: 'projections[2].j', value: '-Infinity', allowed: 'a finite number', only: true },
  { what: 'string where a number belongs', mutate: (s) => (s.seed = '2538'), path: 'seed', value: '"2538"', allowed: 'an integer in [0, 4294967295]', only: true },
  { what: 'unknown neuron model', mutate: (s) => (s.populations[1].neuron.model = 'hh'), path: 'populations[1].neuron.model', value: '"hh"', allowed: 'one of eif, lif', only: true },
  { what: 'unknown projection population', mutate: (s) => (s.projections[1].pre = 'Z'), path: 'projections[1].pre', value: '"Z"', allowed: 'a population or input name (E, I, X)', only: true },
  { what: 'input as a projection target', mutate: (s) => (s.projections[0].post = 'X'), path: 'projections[0].post', value: '"X"', allowed: 'a population name (E, I)', only: true },
  { what: "a population named 'total' (the summed-current key)", mutate: (s) => (s.populations[0].name = 'total'), path: 'populations[0].name', value: '"total"', allowed: "a name other than 'total' (the sum of a population's current channels in summaries, tables and figures)" },
  { what: "an input named 'total'", mutate: (s) => (s.inputs[0].name = 'total'), path: 'inputs[0].name', value: '"total"', allowed: "a name other than 'total' (the sum of a population's current channels in summaries, tables and figures)" },
  { what: 'missing population list', mutate: (s) => delete s.populations, path: 'populations', value: '(missing)', allowed: 'an array' },
  { what: 'unknown top-level field', mutate: (s) => (s.foo = 1), path: 'spec.foo', value: '1', allowed: 'no such field', only: true },
  { what: 'unknown nested field', mutate: (s) => (s.populations[0].neuron.tauRef_ms = 2), path: 'populations[0].neuron.tauRef_ms', value: '2', allowed: 'no such field', only: true },
  {
    what: 'multiplicative rule with positive jRef on an inhibitory projection',
    mutate: (s) => (s.projections[1].plasticity = multiplicative(200)),
    path: 'projections[1].plasticity.onPre.jRef',
    value: '200',
    allowed: "the sign of the projection's weight (negative: inhibitory)",
    only: true,
  },
  {
    what: 'multiplicative rule with negative jRef on an excitatory projection',
    mutate: (s) => (s.projections[0].plasticity = multiplicative(-200)),
    path: 'projections[0].plasticity.onPre.jRef',
    value: '-200',
    allowed: "the sign of the projection's weight (positive: excitatory)",
    only: true,
  },
  {
    what: 'a named inhibitory rule on an excitatory projection',
    mutate: (s) => (s.projections[0].plasticity = multiplicative(200, 'istdp-ei')),
    path: 'projections[0].plasticity.rule',
    value: '"istdp-ei"',
    allowed: 'a rule for excitatory (j > 0) projections',
    only: true,
  },
  {
    what: 'an unknown rule name',
    mutate: (s) => (s.projections[0].plasticity = multiplicative(200, 'stdp-typo')),
    path: 'projections[0].plasticity.rule',
    value: '"stdp-typo"',
    allowed: 'one of ',
    only: true,
  },
];

describe('validate: accepted specs (controls)', () => {
  it('accepts the Akil preset and returns it unchanged', () => {
    const spec = akilNetwork();
    expect(validate(spec)).toBe(spec);
  });

  it.each([1000, 2000, 10000])('accepts the Akil preset at N = %i, c = 0.1', (N) => {
    expect(() => validate(akilNetwork({ N, c: 0.1 }))).not.toThrow();
  });

  it('accepts near-miss values: p = 0 and 1, T = 0.3 s at dt = 0.1 ms (float 2999.9999999999995 steps), an LIF population', () => {
    const s = fresh();
    s.projections[0].p = 0;
    s.projections[1].p = 1;
    s.T_s = 0.3;
    s.recording.statsStart_s = 0.1;
    s.populations[1].neuron = { model: 'lif', tauMem_ms: 20, eL_mV: -70, vThresh_mV: -50, vReset_mV: -60, refractory_ms: 2, vInitLow_mV: -70, vInitHigh_mV: -50 };
    expect(() => validate(s)).not.toThrow();
  });

  it('accepts a multiplicative rule whose jRef has the sign of the weight (the control of the sign check)', () => {
    const s = fresh();
    s.projections[1].plasticity = multiplicative(-200);
    s.projections[0].plasticity = multiplicative(200);
    expect(() => validate(s)).not.toThrow();
    s.projections[1].plasticity = multiplicative(-200, 'istdp-ei'); // the named rule on its own sign
    expect(() => validate(s)).not.toThrow();
  });
});

describe('validate: each bad field is rejected with path, value and allowed range', () => {
  it.each(BAD.map((c) => [c.what, c] as const))('%s', (_what, c) => {
    const s = fresh();
    c.mutate(s);
    const err = rejection(s);
    const issue = err.issues.find((i: SpecIssue) => i.path === c.path);
    expect(issue, `issues: ${err.message}`).toBeDefined();
    expect(issue!.allowed).toContain(c.allowed);
    expect(err.message).toContain(`${c.path} = ${c.value}: allowed `);
    expect(err.message).toContain(c.allowed);
    expect(err.name).toBe('SpecError');
    if (c.only) expect(err.issues.map((i) => i.path)).toEqual([c.path]);
  });

  it('rejects a non-object spec', () => {
    for (const bad of [null, 42, 'spec', []]) {
      const err = rejection(bad);
      expect(err.issues[0]!.path).toBe('spec');
    }
  });
});

describe('validate: several bad fields give several issues in one error', () => {
  it('reports N, dt, p and an unknown field together (4 issues, in walk order)', () => {
    const s = fresh();
    s.N = 2000.5;
    s.dt_ms = 0;
    s.projections[0].p = 2;
    s.foo = 1;
    const err = rejection(s);
    expect(err.issues.map((i) => i.path)).toEqual(['spec.foo', 'N', 'dt_ms', 'projections[0].p']);
    expect(err.issues.length).toBe(4);
    expect(err.message.split('\n').length).toBe(1 + 4); // header + one line per issue
  });

  it('a bad N is one issue: no derived "fraction giving at least one neuron" or per-step rate issues (N = -5, 0.5, 1e8)', () => {
    for (const N of [-5, 0.5, 1e8]) {
      const s = fresh();
      s.N = N;
      expect(rejection(s).issues.map((i) => i.path), `N = ${N}`).toEqual(['N']);
    }
    // Control: a valid but tiny N still reports the fractions that give no neuron.
    const s = fresh();
    s.N = 1;
    expect(rejection(s).issues.some((i) => i.path.endsWith('.fraction'))).toBe(true);
  });

  it('collects issues from nested specs (neuron, input, plasticity) in one pass', () => {
    const s = fresh();
    s.populations[0].neuron.deltaT_mV = 0;
    s.inputs[0].correlation = 1;
    s.projections[1].plasticity = multiplicative(200);
    const err = rejection(s);
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ['inputs[0].correlation', 'populations[0].neuron.deltaT_mV', 'projections[1].plasticity.onPre.jRef'].sort(),
    );
  });
});
