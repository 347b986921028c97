// The trial driver (src/trials/protocol.ts) on the CPU engine, against closed forms on a network without
// synapses between units (20 adaptive LIF units, no adaptation, no noise, at rest below threshold):
//  - a current step of I pA over [0.1, 0.3) s makes every unit fire with the LIF interspike interval
//    t_ref + tau ln((V_inf - V_re) / (V_inf - V_th)) inside the step only (the first spike at the rise time
//    tau ln((V_inf - E_L) / (V_inf - V_th)) after its start, within a step), and nothing outside it;
//  - a kick of the first 25% of the units fires those units only, at the kick;
//  - each trial starts from the same initial state (the same spikes in every trial without noise);
//  - bad protocols are TrialProtocolErrors naming the field.
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { runTrials, TrialProtocolError, type TrialProtocol } from '../../src/trials/protocol.ts';

const C = 200, GL = 10, EL = 7.6, TH = 20, RE = 14, REF = 5, DT = 0.1;

function spec(): NetworkSpec {
  const neuron = { model: 'adaptive_lif' as const, C_pF: C, gL_nS: GL, eL_mV: EL, vThresh_mV: TH, vReset_mV: RE, refractory_ms: REF, iBg_pA: 0, tauAdapt_ms: 500, betaAdapt_pAms: 0, noiseSigma_mV: 0, vInitLow_mV: EL, vInitHigh_mV: EL };
  return validate({
    name: 'trial-probe', N: 20, dt_ms: DT, T_s: 0.4, seed: 2,
    populations: [{ name: 'E', fraction: 1, neuron, tauSyn_ms: 5 }],
    inputs: [], projections: [],
    recording: { window_ms: 100, statsStart_s: 0, bin_ms: 10, rasterNeurons: 20, currentSamples: 0, weightSamples: 0, covSample: 0 },
    maxRate_Hz: 1e4,
  });
}

const base: TrialProtocol = { trials: 2, duration_s: 0.4, upState: { bin_ms: 10, thresh_Hz: 0.2, minDur_ms: 50, from_s: 0, detectPop: 'E' } };

describe('trial protocol: current steps and kicks (closed forms)', () => {
  it('a 300 pA step over [0.1, 0.3) s: LIF spikes inside the step only, same in every trial', async () => {
    const s = spec();
    const I = 300;
    const r = await runTrials(s, buildNetwork(derive(s)), { ...base, currentSteps: [{ pop: 'E', from_s: 0.1, to_s: 0.3, current_pA: I }] });
    const vInf = EL + I / GL, tau = C / GL;
    const first = tau * Math.log((vInf - EL) / (vInf - TH));
    const isi = REF + tau * Math.log((vInf - RE) / (vInf - TH));
    const expected = 1 + Math.floor((200 - first) / isi); // spikes in the 200 ms step (within one step of rounding)
    for (const t of r.trials) {
      expect(t.stats.up).toBe(true);
      const bins = t.stats.psth_Hz[0]!;
      bins.forEach((x, b) => {
        if (b < 10 || b >= 31) expect(x, `bin ${b}`).toBe(0);
      });
      expect(t.stats.upStart_s).toBeCloseTo(Math.floor((100 + first) / 10) / 100, 9);
      const spikes = t.stats.unitRate_Hz[0]! * t.stats.upDur_s;
      expect(Math.abs(spikes - expected)).toBeLessThanOrEqual(1);
    }
    expect(Array.from(r.trials[1]!.stats.unitRate_Hz)).toEqual(Array.from(r.trials[0]!.stats.unitRate_Hz));
  });

  it('a kick of 25% of the units at 0.2 s fires those units only', async () => {
    const s = spec();
    const r = await runTrials(s, buildNetwork(derive(s)), { ...base, trials: 1, kick: { pop: 'E', fraction: 0.25, at_s: 0.2, charge_pAms: 30000 } });
    const t = r.trials[0]!;
    const psth = t.stats.psth_Hz[0]!;
    expect(psth.slice(0, 20).every((x) => x === 0)).toBe(true);
    expect(psth.slice(20).some((x) => x > 0)).toBe(true);
    // fallback (no Up of 50 ms): kicked units take the mean of the rest (0); the rest never fired
    expect(t.stats.unitRate_Hz.slice(5).every((x) => x === 0)).toBe(true);
  });

  it.each([
    [{ trials: 0 }, /trials = 0/],
    [{ duration_s: 1 }, /duration_s = 1.*T_s/],
    [{ kick: { pop: 'X', fraction: 0.1, at_s: 0.1, charge_pAms: 1 } }, /kick\.pop: 'X' is not a population/],
    [{ kick: { pop: 'E', fraction: 0, at_s: 0.1, charge_pAms: 1 } }, /kick\.fraction = 0/],
    [{ currentSteps: [{ pop: 'E', from_s: 0.3, to_s: 0.2, current_pA: 1 }] }, /currentSteps\[0\]\.to_s = 0\.2/],
    [{ rule: { name: 'two-term', alpha: 1, minRate_Hz: 1, tauTrials: 2, setpoints_Hz: { E: 5 }, wMin: 5, wMax: 750 } }, /rule.*per-trial/],
  ] as const)('%j is a TrialProtocolError naming the field', async (bad, re) => {
    const s = spec();
    const p = { ...base, ...bad } as TrialProtocol;
    await expect(runTrials(s, buildNetwork(derive(s)), p)).rejects.toThrow(TrialProtocolError);
    await expect(runTrials(s, buildNetwork(derive(s)), p)).rejects.toThrow(re);
  });
});
