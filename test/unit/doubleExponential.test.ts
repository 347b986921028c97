// Synapse model 'double_exponential' (src/synapses/doubleExponential.ts) through the real CPU passes, against
// the closed form: one presynaptic spike of weight w at step t0 into a silent current-based post; its current
//   s(t) = w (e^{-t/tauD} - e^{-t/tauR}) / (tauD - tauR)   (tauR < tauD),   w t / tau^2 e^{-t/tau}   (tauR = tauD),
// within the Euler error; the charge (sum s dt) is w; tauRise > tauDecay is a SpecError naming the field.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';

const DT = 0.01;

function spec(tauRise_ms: number, tauDecay_ms: number): NetworkSpec {
  const lif = (v0: number, refractory_ms: number, vThresh_mV: number) => ({ model: 'lif' as const, tauMem_ms: 20, eL_mV: 0, vThresh_mV, vReset_mV: 0, refractory_ms, vInitLow_mV: v0, vInitHigh_mV: v0 });
  return {
    name: 'dexp-probe', N: 2, dt_ms: DT, T_s: 0.2, seed: 5,
    populations: [
      { name: 'A', fraction: 0.5, neuron: lif(11, 1000, 10), synapse: 'double_exponential', tauRise_ms, tauDecay_ms } as never,
      { name: 'B', fraction: 0.5, neuron: lif(0, 0, 1000), tauSyn_ms: 5 },
    ],
    inputs: [],
    projections: [{ pre: 'A', post: 'B', connectivity: 'bernoulli', p: 1, j: 2, scaleBySqrtN: false }],
    recording: { window_ms: 10, statsStart_s: 0, bin_ms: 10, rasterNeurons: 2, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1e4,
  };
}

describe('double_exponential: one spike, closed form', () => {
  it.each([[1, 5], [8, 23], [1, 1], [2, 2]])('tauRise %f ms, tauDecay %f ms: s(t) within the Euler bound, charge w', async (tr, td) => {
    const w = 2;
    const net = buildNetwork(derive(validate(spec(tr, td))));
    const e = new CpuEngine(net);
    const ch = net.derived.pops[0]!.channel;
    const N = net.derived.N;
    let charge = 0, peak = 0;
    const steps = net.derived.nSteps;
    for (let k = 0; k < steps; k++) {
      await e.advance(1);
      const s = e.state.current[ch * N + 1]!;
      charge += s * DT;
      peak = Math.max(peak, s);
      // the spike at step 0 joins u at the end of step 0; after step k, s has advanced k times from u0 = w / tauR
      const t = k * DT;
      const exact = tr === td ? (w * t) / (td * td) * Math.exp(-t / td) : (w * (Math.exp(-t / td) - Math.exp(-t / tr))) / (td - tr);
      expect(Math.abs(s - exact), `step ${k}`).toBeLessThanOrEqual(0.02 * peak + 1e-4 + (w / tr) * (DT / tr));
    }
    expect(charge).toBeGreaterThan(w * 0.97);
    expect(charge).toBeLessThanOrEqual(w * 1.001);
  });

  it('tauRise_ms > tauDecay_ms is a SpecError naming the field', () => {
    expect(() => validate(spec(5, 2))).toThrow(/populations\[0\]\.tauRise_ms.*tauDecay_ms/);
  });
});
