// The PyNN plan (src/io/export/targets.ts): which type carries each model and rule, and the unit
// conversions of docs/scale-out.md, checked value by value on the Vogels and Akil networks.
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/model/derive.ts';
import { planPynn } from '../../src/io/export/targets.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { fig3IstdpEi } from '../../src/presets/akilFigures.ts';
import { vogelsAssembly, vogelsNetwork, vogelsSingle } from '../../src/presets/vogels2011.ts';

describe('planPynn', () => {
  it('Vogels network: IF_cond_exp and Vogels2011Rule in PyNN units, no approximation', () => {
    const p = planPynn(derive(vogelsNetwork({ N: 1000, T_s: 2 })), 'neuron');
    expect(p.approximations).toEqual([]);
    expect(p.cells.map((c) => [c.name, c.size, c.type])).toEqual([['E', 800, 'sim.IF_cond_exp'], ['I', 200, 'sim.IF_cond_exp']]);
    expect(p.cells[0]!.params).toEqual({ cm: 0.2, tau_m: 20, v_rest: -60, v_thresh: -50, v_reset: -60, tau_refrac: 5, i_offset: 0.2, tau_syn_E: 5, tau_syn_I: 10, e_rev_E: 0, e_rev_I: -80 });
    expect(p.synapses.map((s) => [s.label, s.receptor, s.weightFactor])).toEqual([['E<-E', 'excitatory', 1e-3], ['I<-E', 'excitatory', 1e-3], ['I<-I', 'inhibitory', 1e-3], ['E<-I', 'inhibitory', 1e-3]]);
    const v = p.synapses[3]!.vogels!;
    expect(v.eta).toBeCloseTo(1e-5, 15); // 1e-2 nS per spike in uS
    expect(v.rho).toBeCloseTo(0.003, 15); // 3 Hz in 1/ms (alpha = 2 rho tau = 0.12)
    expect(v.alpha).toBeCloseTo(0.12, 15);
    expect([v.tau, v.wMin, v.wMax, v.start_ms]).toEqual([20, 0, 0.1, 1000]);
    expect(p.notes.join('\n')).toMatch(/nearest-spike/);
  });

  it('Vogels assembly: the time-windowed cue becomes a SpikeSourcePoisson with start and duration', () => {
    const p = planPynn(derive(vogelsAssembly({ N: 1000, T_s: 4 })), 'neuron');
    expect(p.approximations).toEqual([]);
    expect(p.cells.find((c) => c.name === 'cue')).toMatchObject({ type: 'sim.SpikeSourcePoisson', size: 100, params: { rate: 50, start: 2000, duration: 1000 } });
  });

  it('SOM single neuron: modulated Poisson sources are approximations, named', () => {
    const p = planPynn(derive(vogelsSingle({ T_s: 1 })), 'neuron');
    expect(p.approximations).toHaveLength(16);
    expect(p.approximations[0]).toMatch(/population E1: Poisson source modulated by signal 'S' has no PyNN equivalent on neuron/);
    expect(p.cells[1]).toMatchObject({ type: 'sim.SpikeSourcePoissonRefractory', params: { rate: 5, tau_refrac: 5 } });
  });

  it('Akil on NEST: aeif_psc_exp with a = b = 0 (C_m = 1 pF), current weights J / tau_receptor in pA', () => {
    const d = derive(akilNetwork({ N: 1000 }));
    const p = planPynn(d, 'nest');
    expect(p.cells[0]).toMatchObject({ type: "sim.native_cell_type('aeif_psc_exp')", params: { C_m: 1, g_L: 1 / 15, E_L: -72, V_th: -55, Delta_T: 1, V_peak: -50, V_reset: -75, t_ref: 0, a: 0, b: 0, tau_syn_ex: 8, tau_syn_in: 4 } });
    const w = Object.fromEntries(p.synapses.map((s) => [s.label, [s.receptor, s.weightFactor]]));
    expect(w).toEqual({ 'E<-E': ['excitatory', 1 / 8], 'E<-I': ['inhibitory', 1 / 4], 'I<-E': ['excitatory', 1 / 8], 'I<-I': ['inhibitory', 1 / 4], 'E<-X': ['excitatory', 1 / 8], 'I<-X': ['excitatory', 1 / 8] });
    // X (10 ms) shares the excitatory receptor of E (8 ms) on both populations: approximate
    expect(p.approximations).toEqual([expect.stringMatching(/population E: X \(tau_syn 10 ms\) shares the excitatory receptor/), expect.stringMatching(/population I: X/)]);
  });

  it('Akil on NEURON: the EIF and the iSTDP rule have no equivalent; both are named with the simulator', () => {
    const p = planPynn(derive({ ...fig3IstdpEi(-150, 1e-2), N: 1000 }), 'neuron');
    const a = p.approximations.join('\n');
    expect(a).toMatch(/population E: model 'eif' .* has no equivalent on simulator neuron/);
    expect(a).toMatch(/projection E<-I: plasticity rule 'istdp-ei' has no equivalent on neuron/);
    expect(p.cells[0]).toMatchObject({ type: 'sim.IF_curr_exp', params: { cm: 0.001, tau_m: 15, v_thresh: -55 } });
    expect(p.synapses[1]!.weightFactor).toBeCloseTo(1e-3 / 4, 18); // nA per unit J through a 4 ms receptor
  });
});
