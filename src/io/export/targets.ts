// Which PyNN / NEST type carries each plasticnet model and rule, with explicit unit conversions.
// plasticnet units: cond_lif in Brian's nS, pF, pA, mV, ms (weights: conductance jumps in nS); eif/lif in
// the Akil code units with C_m = 1, i.e. currents in mV/ms, which are pA for C_m = 1 pF (the convention
// used here), and a spike of a projection with weight J adds J/tau_syn to the current (charge J).
// PyNN: nF, nA, uS, mV, ms. NEST native: pF, pA, nS, mV, ms. The table is docs/scale-out.md's.
import type { Derived, DerivedPop, DerivedProjection } from '../../model/derive.ts';
import type { NetworkSpec, NeuronSpec } from '../../model/spec.ts';

export type Simulator = 'neuron' | 'nest';
export const SIMULATORS: readonly Simulator[] = ['neuron', 'nest'];
export type Receptor = 'excitatory' | 'inhibitory';

export interface CellPlan {
  name: string;
  size: number;
  source: boolean; // a spike source (no state, no initial V)
  type: string; // Python expression of the cell type class, e.g. 'sim.IF_cond_exp'
  params: Record<string, number>; // in the target's units
  offset: number; // global index of neuron 0 (populations) or -1 (inputs)
}

export interface SynapsePlan {
  pr: DerivedProjection;
  label: string; // 'E<-I'
  receptor: Receptor;
  /** Target weight of a synapse = J * weightFactor (uS or nA for PyNN types, pA or nS for NEST native). */
  weightFactor: number;
  /** Vogels iSTDP parameters in the target's units, or null for a static synapse. */
  vogels: null | { tau: number; eta: number; rho: number; alpha: number; wMin: number; wMax: number; start_ms: number };
}

export interface Plan {
  simulator: Simulator;
  dt_ms: number;
  cells: CellPlan[];
  synapses: SynapsePlan[];
  /** Differences from the plasticnet model that have no exact equivalent (exit 2 unless --allow-approximate). */
  approximations: string[];
  /** Exact by definition but worth knowing (integrator, nearest-spike pairing). */
  notes: string[];
}

/** Receptor of each channel projecting onto `post`, and its synaptic time constant (and reversal). */
interface ReceptorSet {
  of: Map<number, Receptor>;
  tau: Record<Receptor, number>;
  rev: Record<Receptor, number>;
}

function receptorsOf(d: Derived, spec: NetworkSpec, post: DerivedPop, approx: string[]): ReceptorSet {
  const cond = post.neuron.model === 'cond_lif';
  const of = new Map<number, Receptor>();
  const tau: Record<Receptor, number> = { excitatory: 5, inhibitory: 5 };
  const rev: Record<Receptor, number> = { excitatory: 0, inhibitory: -70 };
  const seen: Record<Receptor, number[]> = { excitatory: [], inhibitory: [] };
  const tauOf = (c: number) => {
    const name = d.channels[c]!.name;
    const src = (spec.populations.find((p) => p.name === name) ?? spec.inputs.find((p) => p.name === name))! as { tauSyn_ms?: number; tauDecay_ms?: number };
    // a double exponential is exported with its decay time (the PyNN cells here have single-exponential synapses)
    return src.tauSyn_ms ?? src.tauDecay_ms!;
  };
  for (const pr of d.projections) {
    if (pr.post.index !== post.index || of.has(pr.channel)) continue;
    const ch = d.channels[pr.channel]!;
    const r: Receptor = cond ? (ch.reversal! > post.neuron.eL ? 'excitatory' : 'inhibitory') : pr.J >= 0 ? 'excitatory' : 'inhibitory';
    of.set(pr.channel, r);
    seen[r].push(pr.channel);
  }
  for (const r of ['excitatory', 'inhibitory'] as const) {
    const cs = seen[r];
    if (cs.length === 0) continue;
    tau[r] = tauOf(cs[0]!);
    if (cond) rev[r] = d.channels[cs[0]!]!.reversal!;
    for (const c of cs.slice(1)) {
      const t = tauOf(c);
      const e = cond ? d.channels[c]!.reversal! : rev[r];
      if (t !== tau[r] || e !== rev[r])
        approx.push(
          `population ${post.name}: ${d.channels[c]!.name} (tau_syn ${t} ms${cond ? `, E_rev ${e} mV` : ''}) shares the ${r} receptor of ${d.channels[cs[0]!]!.name} (tau_syn ${tau[r]} ms${cond ? `, E_rev ${rev[r]} mV` : ''}): the target has two synaptic time constants per cell; ${cond ? 'the conductance jump is kept' : 'the charge J per spike is kept'}`,
        );
    }
  }
  return { of, tau, rev };
}

const condParams = (n: NeuronSpec & { model: 'cond_lif' }, r: ReceptorSet) => ({
  cm: n.C_pF / 1000, // pF -> nF
  tau_m: n.C_pF / n.gL_nS, // pF / nS = ms
  v_rest: n.eL_mV,
  v_thresh: n.vThresh_mV,
  v_reset: n.vReset_mV,
  tau_refrac: n.refractory_ms,
  i_offset: n.iBg_pA / 1000, // pA -> nA
  tau_syn_E: r.tau.excitatory,
  tau_syn_I: r.tau.inhibitory,
  e_rev_E: r.rev.excitatory,
  e_rev_I: r.rev.inhibitory,
});

/** The Vogels iSTDP shape of rules.ts vogels() with sign +1: pre: eta (x_post - alpha), post: eta x_pre, clip [0, wMax]. */
function vogelsShape(sp: NetworkSpec['projections'][number]): boolean {
  const pl = sp.plasticity;
  if (!pl || pl.rule !== 'vogels') return false;
  const { onPre: a, onPost: b, bounds } = pl;
  return a.bPre === 0 && a.bPost === 1 && a.a <= 0 && a.weightDep === 'none' && !a.scaled && b.a === 0 && b.bPre === 1 && b.bPost === 0 && b.weightDep === 'none' && !b.scaled && bounds?.mode === 'clip' && bounds.jMin === 0;
}

/** Plans the PyNN network for `simulator`; approximations are listed, never silently made. */
export function planPynn(d: Derived, simulator: Simulator): Plan {
  const spec = d.spec;
  const approximations: string[] = [];
  const notes: string[] = [];
  const receptors = new Map<number, ReceptorSet>();
  const cells: CellPlan[] = [];
  for (const p of d.pops) {
    const n = spec.populations[p.index]!.neuron;
    if (n.model === 'poisson') {
      if (n.modulation) approximations.push(`population ${p.name}: Poisson source modulated by signal '${n.modulation.signal}' has no PyNN equivalent on ${simulator}; exported unmodulated at its background rate ${n.rate_Hz} Hz`);
      const refr = n.refractory_ms > 0;
      cells.push({ name: p.name, size: p.size, source: true, offset: p.offset, type: refr ? 'sim.SpikeSourcePoissonRefractory' : 'sim.SpikeSourcePoisson', params: refr ? { rate: n.rate_Hz, tau_refrac: n.refractory_ms } : { rate: n.rate_Hz } });
      continue;
    }
    const r = receptorsOf(d, spec, p, approximations);
    receptors.set(p.index, r);
    if (n.model === 'cond_lif') {
      cells.push({ name: p.name, size: p.size, source: false, offset: p.offset, type: 'sim.IF_cond_exp', params: condParams(n, r) });
    } else if (n.model === 'adaptive_lif') {
      // NEST's aeif_psc_exp with Delta_T = 0 and a = 0 is the adaptive LIF (b = betaAdapt / tauAdapt pA per spike).
      if (n.noiseSigma_mV > 0) approximations.push(`population ${p.name}: white membrane noise (sigma ${n.noiseSigma_mV} mV) is not exported; add a noise_generator`);
      if (simulator === 'neuron') approximations.push(`population ${p.name}: model 'adaptive_lif' is exported as NEST's aeif_psc_exp (native cell type), which simulator neuron lacks`);
      cells.push({
        name: p.name, size: p.size, source: false, offset: p.offset, type: "sim.native_cell_type('aeif_psc_exp')",
        params: { C_m: n.C_pF, g_L: n.gL_nS, E_L: n.eL_mV, V_th: n.vThresh_mV, Delta_T: 0, V_peak: n.vThresh_mV, V_reset: n.vReset_mV, t_ref: n.refractory_ms, a: 0, b: n.betaAdapt_pAms / n.tauAdapt_ms, tau_w: n.tauAdapt_ms, I_e: n.iBg_pA, tau_syn_ex: r.tau.excitatory, tau_syn_in: r.tau.inhibitory },
      });
    } else if (n.model === 'lif' || (n.model === 'eif' && simulator === 'neuron')) {
      if (n.model === 'eif')
        approximations.push(`population ${p.name}: model 'eif' (exponential integrate-and-fire, current synapses) has no equivalent on simulator neuron; exported as IF_curr_exp without the exponential term, threshold at V_T = ${n.vT_mV} mV (use --simulator nest for aeif_psc_exp)`);
      const vTh = n.model === 'eif' ? n.vT_mV : n.vThresh_mV;
      cells.push({
        name: p.name, size: p.size, source: false, offset: p.offset, type: 'sim.IF_curr_exp',
        params: { cm: 0.001, tau_m: n.tauMem_ms, v_rest: n.eL_mV, v_thresh: vTh, v_reset: n.vReset_mV, tau_refrac: n.refractory_ms, i_offset: 0, tau_syn_E: r.tau.excitatory, tau_syn_I: r.tau.inhibitory },
      });
    } else {
      // eif on NEST: aeif_psc_exp with a = b = 0 is the EIF exactly (C_m = 1 pF, g_L = 1/tau_m nS).
      cells.push({
        name: p.name, size: p.size, source: false, offset: p.offset, type: "sim.native_cell_type('aeif_psc_exp')",
        params: { C_m: 1, g_L: 1 / n.tauMem_ms, E_L: n.eL_mV, V_th: n.vT_mV, Delta_T: n.deltaT_mV, V_peak: n.vThresh_mV, V_reset: n.vReset_mV, t_ref: n.refractory_ms, a: 0, b: 0, tau_w: 100, I_e: 0, tau_syn_ex: r.tau.excitatory, tau_syn_in: r.tau.inhibitory },
      });
      notes.push(`population ${p.name}: aeif_psc_exp integrates with NEST's adaptive Runge-Kutta solver; plasticnet uses forward Euler at dt = ${d.dt_ms} ms (same equations, different integration error)`);
    }
  }
  for (const x of d.inputs) {
    const s = spec.inputs[x.index]!;
    if (s.correlation > 0) approximations.push(`input ${x.name}: correlated input (c = ${s.correlation}, jitter ${s.jitter_ms} ms, a shared mother process) has no PyNN equivalent; exported as independent Poisson sources at ${s.rate_Hz} Hz`);
    const w = s.activeWindow_s;
    cells.push({ name: x.name, size: x.size, source: true, offset: -1, type: 'sim.SpikeSourcePoisson', params: { rate: s.rate_Hz, ...(w ? { start: w.start_s * 1000, duration: (w.stop_s - w.start_s) * 1000 } : {}) } });
  }
  const synapses: SynapsePlan[] = d.projections.map((pr) => {
    const sp = spec.projections[pr.index]!;
    const post = spec.populations[pr.post.index]!.neuron;
    const r = receptors.get(pr.post.index)!;
    const receptor = r.of.get(pr.channel)!;
    const cond = post.model === 'cond_lif';
    const native = post.model === 'eif' && simulator === 'nest';
    // cond: nS -> uS; current: charge J (mV with C = 1 pF, i.e. pA ms) over the receptor's tau -> pA (native) or nA.
    const weightFactor = cond ? 1e-3 : (native ? 1 : 1e-3) / r.tau[receptor];
    let vogels: SynapsePlan['vogels'] = null;
    const pl = sp.plasticity;
    if (pl && pr.plastic) {
      if (cond && vogelsShape(sp)) {
        const tau = pl.tauSTDP_ms;
        const alpha = -pl.onPre.a;
        const eta = pr.plastic.eta * 1e-3; // nS -> uS
        // PyNN 0.10's NEURON mechanism computes alpha = 2 rho tau with tau in ms, so rho is in 1/ms there.
        vogels = { tau, eta, rho: alpha / (2 * tau), alpha, wMin: 0, wMax: pl.bounds!.jMax * 1e-3, start_ms: (pl.startAt_s ?? 0) * 1000 };
        if (simulator === 'nest' && pr.delay.max > 1)
          approximations.push(`projection ${pr.name}: NEST's STDP synapses count the synaptic delay (${pr.delay.min === pr.delay.max ? pr.delay.max : `${pr.delay.min}..${pr.delay.max}`} steps here) as dendritic (postsynaptic spikes reach the synapse d later), plasticnet as axonal (the rule sees a presynaptic spike at its arrival, docs/trials-delays.md): the rule pairs spikes 2d - 1 steps apart from plasticnet's pairing (the NEURON export keeps plasticnet's timing)`);
        if (simulator === 'neuron')
          notes.push(`projection ${pr.name}: PyNN's Vogels2011Rule on NEURON pairs each spike with the other side's most recent spike (nearest-spike); plasticnet and NEST's vogels_sprekeler_synapse sum over all earlier spikes (traces). They differ by O(rate x tau) (about ${((pl.onPre.a === 0 ? 0 : alpha / 2) * 100).toFixed(0)}% at the target rate)`);
      } else {
        approximations.push(`projection ${pr.name}: plasticity rule '${pl.rule}' has no equivalent on ${simulator} (PyNN's standard rules and NEST's stdp_synapse / vogels_sprekeler_synapse differ from it); exported as a static synapse at the current weights`);
      }
    }
    return { pr, label: pr.name, receptor, weightFactor, vogels };
  });
  return { simulator, dt_ms: d.dt_ms, cells, synapses, approximations, notes };
}
