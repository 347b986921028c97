// Which resident step blocks are exact (src/engine/webgpu/stepBlocks.ts) and the barrier count bench/gpu.ts
// --suite sync prints; the blocks themselves run in test/gpu/stepBlocks.test.ts.
import { describe, expect, it } from 'vitest';
import { chooseStepBlock, MAX_BLOCK_STEPS, residentBarriers, stepBlockFit } from '../../src/engine/webgpu/stepBlocks.ts';
import { derive } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { soldadoDrivenNetwork } from '../../src/presets/soldado2022.ts';

const istdp = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

function akil(delay: (p: ProjectionSpec) => ProjectionSpec['delay'] | undefined, plastic = false) {
  const s = akilNetwork({ N: 100, T_s: 0.01, ...(plastic ? { plastic: { 'E<-I': istdp } } : {}) });
  return derive(validate({ ...s, projections: s.projections.map((p) => { const d = delay(p); return d ? { ...p, delay: d } : p; }) }));
}
const steps = (n: number) => ({ min_ms: n * 0.1, max_ms: n * 0.1 });

describe('stepBlockFit: the longest exact block', () => {
  it('no delay: per step, naming the projection', () => {
    const f = stepBlockFit(akil(() => undefined));
    expect(f.steps).toBe(1);
    expect(f.why).toMatch(/delay of 1 step/);
  });

  it.each([2, 3, 7])('every delay %i steps: blocks of d', (d) => {
    expect(stepBlockFit(akil(() => steps(d))).steps).toBe(d);
  });

  it('a mix of delays: the minimum over the population projections governs', () => {
    const f = stepBlockFit(akil((p) => (p.pre === 'E' ? { min_ms: 0.4, max_ms: 0.9 } : steps(6))));
    expect(f.steps).toBe(4);
    expect(f.why).toMatch(/minimum delay 4 steps/);
  });

  it(`capped at ${MAX_BLOCK_STEPS} steps (the mask's width)`, () => {
    expect(stepBlockFit(akil(() => steps(50))).steps).toBe(MAX_BLOCK_STEPS);
  });

  it('spike-driven plasticity: per step, naming the projection and its rule', () => {
    const f = stepBlockFit(akil(() => steps(5), true));
    expect(f.steps).toBe(1);
    expect(f.why).toMatch(/E<-I is plastic \(rule 'istdp-ei'\)/);
  });

  it("per-trial weights (never updated by spikes) do not stop the blocks", () => {
    const s = soldadoDrivenNetwork(100, 0.01);
    expect(s.projections.some((p) => p.plasticity?.rule === 'per-trial')).toBe(true);
    const d = derive(validate({ ...s, projections: s.projections.map((p) => ({ ...p, delay: steps(3) })) }));
    expect(stepBlockFit(d).steps).toBe(3);
  });
});

describe('chooseStepBlock', () => {
  const fit = { steps: 3, why: 'minimum delay 3 steps' };
  it("'auto' takes the fit on the resident schedule, 1 elsewhere", () => {
    expect(chooseStepBlock('auto', fit, true).steps).toBe(3);
    expect(chooseStepBlock('auto', fit, false).steps).toBe(1);
    expect(chooseStepBlock(2, fit, true).steps).toBe(2);
    expect(chooseStepBlock(1, fit, true).steps).toBe(1);
  });
  it('more than is exact, or not an integer in range: an error naming the field and the limit', () => {
    expect(() => chooseStepBlock(4, fit, true)).toThrow(/stepBlocks = 4: at most 3 steps are exact/);
    expect(() => chooseStepBlock(0, fit, true)).toThrow(/stepBlocks = 0: must be 'auto' or an integer in \[1, 32\]/);
    expect(() => chooseStepBlock(2.5, fit, true)).toThrow(/stepBlocks = 2.5/);
  });
});

describe('residentBarriers (the counts of bench/gpu.ts --suite sync)', () => {
  it('per step: 7 per step and one at the end', () => {
    expect(residentBarriers(100, 1, true, 10)).toBe(701);
  });
  it('blocks of 4 without input, bins of 8 steps: 3 per block, 1 or 2 per bin end', () => {
    // 25 blocks; bins end at steps 7, 15, ..., 95: 7 and 15 end a block (1 each), the others... every 8th step
    // is 4k + 3: each ends a block
    expect(residentBarriers(100, 4, false, 8)).toBe(3 * 25 + 1 + 12);
    // bins of 6 steps end at 5, 11, 17, ...: 11, 23, ... end a block (1), 5, 17, ... inside one (2)
    expect(residentBarriers(24, 4, false, 6)).toBe(3 * 6 + 1 + 2 + 1 + 2 + 1);
  });
  it('with input: 3 more per step, less the first step of each block', () => {
    expect(residentBarriers(12, 3, true, 1000)).toBe(3 * 4 + 1 + 3 * 12 - 4);
  });
});
