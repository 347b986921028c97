// The app's dashed mean-field weight curve (src/theory/adapters/weightTrajectory.ts) maps the spec's rule terms onto
// the theory's weight ODE. Control: over a long horizon it must end at the fixed points predictWeights()
// solves independently (Eq 25 for homeostatic iSTDP, Eq 21 for Kohonen), and start at the initial weights.
import { describe, expect, it } from 'vitest';
import { weightTrajectory } from '../../src/theory/adapters/weightTrajectory.ts';
import { predictWeights } from '../../src/theory/adapters/weightTheory.ts';
import { fig1Kohonen, fig3fIstdpEiIi, fig3IstdpEi } from '../../src/presets/akilFigures.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';

const long = (s: NetworkSpec, T_s: number): NetworkSpec => ({ ...s, T_s, recording: { ...s.recording, statsStart_s: T_s / 2 } });

describe('weightTrajectory', () => {
  it.each([
    ['EI iSTDP (Fig 3)', long(fig3IstdpEi(), 600)],
    ['EI + II iSTDP (Fig 3F)', long(fig3fIstdpEiIi(), 600)],
    ['Kohonen E<-E (Fig 1)', long(fig1Kohonen(0, 1e-2), 3000)],
  ])('%s starts at the initial j and ends at the predicted fixed point', (_name, spec) => {
    const wc = weightTrajectory(spec);
    if ('error' in wc) throw new Error(wc.error);
    expect(wc.stopped).toBeNull();
    const fp = predictWeights(spec);
    if ('error' in fp) throw new Error(fp.error);
    wc.names.forEach((n, k) => {
      const j = wc.j[k]!;
      expect(j[0]).toBe(spec.projections.find((p) => `${p.post}<-${p.pre}` === n)!.j);
      expect(Math.abs(j[j.length - 1]! - fp.jStar[n]!)).toBeLessThan(1e-3 * Math.abs(fp.jStar[n]!));
    });
  });

  it('reports why there is no curve for a static network', () => {
    const s = fig3IstdpEi();
    s.projections.forEach((p) => delete p.plasticity);
    expect(weightTrajectory(s)).toEqual({ error: 'no plastic projection' });
  });
});
