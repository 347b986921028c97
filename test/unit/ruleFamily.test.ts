// A plasticity-rule family added from this file alone, through registerPlasticityFamily: its spec check runs in
// validate, its constants in derive, its CPU update in the CPU engine's plasticity passes (SCHEDULE order), and
// the WebGPU engine refuses it (no WGSL twin). The pair family (src/plasticity/pair.ts) is registered the same way.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { GpuPlan } from '../../src/engine/webgpu/plan.ts';
import { derive } from '../../src/model/derive.ts';
import { validate, SpecError } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { checkRate } from '../../src/plasticity/pair.ts';
import { familyOfRule, gpuRunsRules, registerPlasticityFamily, ruleNames, type PlasticityFamily } from '../../src/plasticity/index.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { akilEif } from '../../src/presets/akil2021.ts';

const f = Math.fround;

/** toy-step: every presynaptic spike adds `step` (j units, times jScale) to each synapse of its row; post spikes do nothing. */
const toy: PlasticityFamily = {
  name: 'toy',
  description: 'additive step per presynaptic spike (test only)',
  rules: ['toy-step'],
  validate(c, path, pl) {
    c.known(path, pl, ['rule', 'tauSTDP_ms', 'eta', 'learningTimescale_ms', 'step']);
    checkRate(c, path, pl);
    c.num(`${path}.step`, pl['step'], 0, 1);
  },
  derive(pl, { jScale, preTrace, postTrace, startStep }) {
    const zero = { eta: 0, a: 0, bPre: 0, bPost: 0, dep: 0 as const, invJRef: 0 };
    return {
      family: 'toy', rule: 'toy-step', eta: 0, tauSTDP_ms: pl['tauSTDP_ms'] as number, preTrace, postTrace,
      onPre: zero, onPost: zero, bounded: false, gate: false, jMin: -Infinity, jMax: Infinity, startStep,
      params: { step: f((pl['step'] as number) * jScale) },
    };
  },
  cpuPre({ pr, r, c, w }, st) {
    const step = r.params!['step']!;
    for (let s = 0; s < st.nSpikes; s++) {
      const k = st.spikes[s]! - pr.pre.offset;
      if (k < 0 || k >= pr.pre.size) continue;
      for (let y = c.rowPtr[k]!; y < c.rowPtr[k + 1]!; y++) w[y] = f(w[y]! + step);
    }
  },
  cpuPost() {},
  gpu: null,
};
registerPlasticityFamily(toy);

function spec(plasticity: Record<string, unknown>, T_s = 0.3): unknown {
  return {
    name: 'toy-rule', N: 40, dt_ms: 0.1, T_s, seed: 3, maxRate_Hz: 1e3,
    populations: [
      { name: 'A', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
      { name: 'B', fraction: 0.5, neuron: { ...akilEif }, tauSyn_ms: 5 },
    ],
    inputs: [{ name: 'X', fraction: 1, rate_Hz: 20, correlation: 0, jitter_ms: 0, tauSyn_ms: 5 }],
    projections: [
      { pre: 'X', post: 'A', connectivity: 'bernoulli', p: 0.5, j: 60, scaleBySqrtN: true },
      { pre: 'X', post: 'B', connectivity: 'bernoulli', p: 0.5, j: 60, scaleBySqrtN: true },
      { pre: 'A', post: 'B', connectivity: 'bernoulli', p: 0.5, j: 1, scaleBySqrtN: true, plasticity },
    ],
    recording: { window_ms: 100, statsStart_s: 0, bin_ms: 100, rasterNeurons: 0, currentSamples: 0, weightSamples: 2, covSample: 0 },
  };
}

const toyRule = { rule: 'toy-step', tauSTDP_ms: 20, eta: 0, step: 0.01 };

describe('plasticity-rule family registry', () => {
  it('lists the toy rule next to the pair rules and checks its fields', () => {
    expect(ruleNames()).toContain('toy-step');
    expect(ruleNames()).toContain('kohonen');
    expect(familyOfRule('toy-step')).toBe(toy);
    let err: unknown;
    try {
      validate(spec({ ...toyRule, step: 2 }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).issues).toEqual([{ path: 'projections[2].plasticity.step', value: 2, allowed: expect.stringContaining('[0, 1]') }]);
    expect(() => validate(spec({ ...toyRule, rule: 'nope' }))).toThrow(/toy-step/);
    expect(() => registerPlasticityFamily({ ...toy, name: 'other' })).toThrow(/belongs to family 'toy'/);
  });

  it('runs on the CPU engine through its passes: every pre spike adds the step to its row', () => {
    const net = buildNetwork(derive(validate(spec(toyRule))));
    const pr = net.derived.projections[2]!;
    expect(pr.plastic?.family).toBe('toy');
    const e = new CpuEngine(net);
    const st = e.state;
    const w0 = Float32Array.from(st.weights[2]!);
    const count = new Int32Array(net.derived.N);
    for (let step = 0; step < net.derived.nSteps; step++)
      for (const p of e.passes) {
        p.run(step);
        if (p.name === 'neuron_update') for (let s = 0; s < st.nSpikes; s++) count[st.spikes[s]!]!++;
      }
    const stepJ = pr.plastic!.params!['step']!;
    const c = net.csr[2]!;
    let spikes = 0;
    for (let k = 0; k < pr.pre.size; k++) {
      spikes += count[pr.pre.offset + k]!;
      for (let y = c.rowPtr[k]!; y < c.rowPtr[k + 1]!; y++) {
        let want = w0[y]!;
        for (let n = 0; n < count[pr.pre.offset + k]!; n++) want = f(want + stepJ);
        expect(st.weights[2]![y]).toBe(want);
      }
    }
    expect(spikes).toBeGreaterThan(10); // the rule acted
  });

  it('runs through the pipeline on the CPU engine; the WebGPU engine refuses it', async () => {
    const res = await runSimulation(spec(toyRule, 0.2), { backend: 'cpu' });
    const fw = res.recordings.finalWeights[0]!;
    expect(fw.name).toBe('B<-A');
    const J = fw.J!;
    const net = buildNetwork(derive(validate(spec(toyRule, 0.2))));
    const J0 = net.derived.projections[2]!.J;
    expect(J.every((x) => x >= J0)).toBe(true); // the toy rule only adds
    expect(J.some((x) => x > J0)).toBe(true);
    expect(gpuRunsRules(net.derived.projections)).toBe(false);
    expect(() => new GpuPlan(net, { stepsPerSubmit: 1, spikeWorkgroups: 1 } as never)).toThrow(/'toy-step' \(family 'toy' is CPU only\)/);
  });
});
