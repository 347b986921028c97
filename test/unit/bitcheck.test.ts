// The Akil golden checksums (bench/bitcheck.reference.json) in npm test (issue 25): per-neuron spike counts,
// final V, currents, traces and plastic weights of two 2 s runs at N = 2000 (bench/bitcheck.ts, cases in
// bench/bitcheckCases.ts) must be bit-identical to the reference. The conductance-based (Vogels) golden
// checksums are test/unit/vogelsGolden.test.ts. A change that is meant to alter results re-records them as
// described in bench/README.md ("Golden checksums"); any other failure here is a regression.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cases, fingerprint, REFERENCE, type Fingerprint } from '../../bench/bitcheckCases.ts';

const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as Record<string, Fingerprint>;

describe('Akil golden checksums (CPU engine, bench/bitcheck.reference.json)', () => {
  it('the reference lists exactly the cases of bench/bitcheckCases.ts', () => {
    expect(Object.keys(reference).sort()).toEqual(Object.keys(cases).sort());
  });
  for (const [name, spec] of Object.entries(cases)) {
    it(`${name}: spike counts, V, currents, traces and weights bit-identical to the reference`, () => {
      expect(fingerprint(spec)).toEqual(reference[name]);
    });
  }
});
