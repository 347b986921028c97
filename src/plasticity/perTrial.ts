// Plasticity family 'trial' (rule 'per-trial'): the projection's weights are per synapse and change only
// between trials, by the trial protocol's rule (src/trials/rules.ts: the cross-homeostatic pre-scalar rule of
// the Soldado-Magraner 2022 co-author's trainer.py and the two-term rule), never during a run. So no spike
// updates anything: the rule's start step lies beyond every run (the engines' plasticity passes skip it, on
// the CPU and on the GPU), and the bounds are the reference's weight bounds, which the weight guard checks.
import type { DerivedRule } from '../model/derive.ts';
import type { PlasticityFamily } from './registry.ts';

const f = Math.fround;
/** A start step no run reaches (i32 max): the spike-driven passes never run this rule. */
export const NEVER_STEP = 2147483647;

export const perTrial: PlasticityFamily = {
  name: 'trial',
  description: 'weights changed between trials by the trial protocol (src/trials), not by spikes',
  rules: ['per-trial'],
  validate(c, path, pl, { sign }) {
    c.known(path, pl, ['rule', 'bounds']);
    if (!c.obj(`${path}.bounds`, pl['bounds'])) return;
    const b = pl['bounds'];
    c.known(`${path}.bounds`, b, ['jMin', 'jMax', 'mode']);
    const okLo = c.num(`${path}.bounds.jMin`, b['jMin'], -1e12, 1e12);
    const okHi = c.num(`${path}.bounds.jMax`, b['jMax'], -1e12, 1e12);
    if (b['mode'] !== 'clip') c.bad(`${path}.bounds.mode`, b['mode'], "'clip' (the trial rule clips after each trial)");
    if (okLo && okHi && !((b['jMin'] as number) < (b['jMax'] as number))) c.bad(`${path}.bounds.jMax`, b['jMax'], `> jMin (${b['jMin']})`);
    if (okLo && okHi && sign !== 0 && ((b['jMin'] as number) * sign < 0 || (b['jMax'] as number) * sign < 0))
      c.bad(`${path}.bounds`, `[${b['jMin']}, ${b['jMax']}]`, `bounds of the weight's sign (${sign > 0 ? '>= 0' : '<= 0'})`);
  },
  derive(pl, { jScale, preTrace, postTrace }): DerivedRule {
    const zero = { eta: 0, a: 0, bPre: 0, bPost: 0, dep: 0 as const, invJRef: 0 };
    const b = pl['bounds'] as { jMin: number; jMax: number };
    return {
      family: 'trial', rule: 'per-trial', eta: 0, tauSTDP_ms: 0, preTrace, postTrace, onPre: zero, onPost: zero,
      bounded: true, gate: false, jMin: f(b.jMin * jScale), jMax: f(b.jMax * jScale), startStep: NEVER_STEP,
    };
  },
  cpuPre() {},
  cpuPost() {},
  gpu: 'pair',
};
