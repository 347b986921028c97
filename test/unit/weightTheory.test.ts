// SPEC §2.9 weight fixed points, computed from the figure presets themselves (spec -> mean field -> solver).
import { describe, expect, it } from 'vitest';
import { predictWeights } from '../../src/theory/adapters/weightTheory.ts';
import { fig1Kohonen, fig3fIstdpEiIi, fig3IstdpEi, fig4Opto } from '../../src/presets/akilFigures.ts';

const ok = (p: ReturnType<typeof predictWeights>) => {
  if ('error' in p) throw new Error(p.error);
  return p;
};

describe('weight fixed points from the presets (SPEC §2.9, printed precision)', () => {
  it('Kohonen Fig 1: j_ee* = 3, r = (7.5, 18.9) Hz', () => {
    const p = ok(predictWeights(fig1Kohonen()));
    expect(p.jStar['E<-E']).toBeCloseTo(3, 2);
    expect(p.rates_Hz['E']).toBeCloseTo(7.5, 1);
    expect(p.rates_Hz['I']).toBeCloseTo(18.9, 1);
  });
  it('EI iSTDP Fig 3: j_ei* = -119.66, r_i = 23.4 Hz', () => {
    const p = ok(predictWeights(fig3IstdpEi()));
    expect(p.jStar['E<-I']).toBeCloseTo(-119.66, 2);
    expect(p.rates_Hz['I']).toBeCloseTo(23.4, 1);
  });
  it('EI+II iSTDP Fig 3F (rho_i = 20 Hz): (-140.0, -292.5)', () => {
    const p = ok(predictWeights(fig3fIstdpEiIi()));
    expect(p.jStar['E<-I']).toBeCloseTo(-140.0, 1);
    expect(p.jStar['I<-I']).toBeCloseTo(-292.5, 1);
  });
  it('Opto Fig 4: j_e1i* = -158.12 during stimulation, -119.66 after; E2 stays at -119.66', () => {
    const spec = fig4Opto({ T_s: 90, stim: [30, 60] });
    const during = ok(predictWeights(spec, 45));
    const after = ok(predictWeights(spec, 80));
    expect(during.jStar['E1<-I']).toBeCloseTo(-158.12, 2);
    expect(during.jStar['E2<-I']).toBeCloseTo(-119.66, 2);
    expect(after.jStar['E1<-I']).toBeCloseTo(-119.66, 2);
  });
});
