// Spec, validation and derivation of the Vogels 2011 additions: cond_lif neurons, reversal potentials,
// Poisson source populations with rate-modulating signals, and the per-projection kick factor.
// Axes: one mutation per row of BAD on the three presets (single neuron, network, assembly).
// Controls: the unmodified presets validate; the Akil preset derives kick = 1/tau on every projection.
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/model/derive.ts';
import { validate, SpecError } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { getPreset } from '../../src/presets/index.ts';
import { SOM, somExcWeight, vogelsAssembly, vogelsNetwork, vogelsSingle } from '../../src/presets/vogels2011.ts';

type Mutable = Record<string, any>; // a spec as untyped JSON
const f32 = Math.fround;

function issues(spec: unknown): { path: string; allowed: string }[] {
  try {
    validate(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues;
  }
  return [];
}

describe('presets validate and derive', () => {
  it.each([
    ['vogels-single', vogelsSingle()],
    ['vogels-network', vogelsNetwork()],
    ['vogels-assembly', vogelsAssembly()],
    ['vogels-network at N = 2500', vogelsNetwork({ N: 2500 })],
  ] as const)('%s', (name, spec) => {
    expect(issues(spec)).toEqual([]);
    expect(getPreset(spec.name).name).toBe(spec.name);
    const d = derive(spec);
    expect(d.N, name).toBe(spec.N);
    for (const p of d.projections) expect(p.kick, p.name).toBe(p.post.neuron.model === 'cond_lif' ? 1 : d.channels[p.channel]!.invTau);
  });

  it('single neuron: 8 E groups of 100 and 8 I groups of 25 on one signal of 8 channels; tuned E weights, flat I weights', () => {
    const d = derive(vogelsSingle());
    expect(d.pops.map((p) => p.size)).toEqual([1, ...Array(8).fill(100), ...Array(8).fill(25)]);
    expect(d.signals).toEqual([{ name: 'S', index: 0, offset: 0, channels: 8, decay: f32(Math.exp(-0.1 / 50)) }]);
    expect(d.pops.slice(1).map((p) => p.neuron.source!.sigOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(d.pops[0]!.condChannels).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(d.channels.slice(1).map((c) => c.reversal)).toEqual([...Array(8).fill(0), ...Array(8).fill(-80)]);
    const jE = d.projections.slice(0, 8).map((p) => p.J);
    expect(jE).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((k) => f32(0.14 * somExcWeight(k))));
    expect(Math.max(...jE)).toBe(jE[4]); // peak at signal 5
    const rule = d.projections[8]!.plastic!;
    expect(rule.onPre.a).toBeCloseTo(-SOM.alpha, 12); // alpha = 2 rho0 tau = 0.25
    expect(rule.eta).toBeCloseTo(SOM.eta * SOM.gBarIn_nS, 15);
    expect([rule.jMin, rule.jMax]).toEqual([0, 35]);
  });

  it('network: cond LIF constants in Brian units and in-degrees 160 E + 40 I at every N', () => {
    for (const N of [10000, 2500]) {
      const d = derive(vogelsNetwork({ N }));
      const n = d.pops[0]!.neuron;
      expect([n.dtOverC, n.gL, n.eL, n.vThresh, n.vReset, n.refSteps, n.iBg]).toEqual([f32(0.1 / 200), 10, -60, -50, -60, 50, 200]);
      expect(d.projections.map((p) => Math.round(p.p * p.pre.size))).toEqual([160, 160, 40, 40]);
      expect(d.projections[3]!.plastic!.startStep).toBe(10000);
    }
  });

  it('control: the Akil preset keeps kick = 1/tau (J/tau increments) on every projection', () => {
    const d = derive(akilNetwork());
    for (const p of d.projections) expect(p.kick).toBe(d.channels[p.channel]!.invTau);
    expect(d.signals).toEqual([]);
    expect(d.nSignalChannels).toBe(0);
  });
});

interface BadCase {
  what: string;
  spec: () => Mutable;
  mutate: (s: Mutable) => void;
  path: string;
  allowed: string;
}
const single = () => structuredClone(vogelsSingle()) as unknown as Mutable;
const network = () => structuredClone(vogelsNetwork()) as unknown as Mutable;

const BAD: BadCase[] = [
  { what: 'cond post fed by a source without reversal', spec: network, mutate: (s) => delete s.populations[1].reversal_mV, path: 'projections[2].pre', allowed: 'a source with reversal_mV' },
  { what: 'negative conductance weight', spec: network, mutate: (s) => (s.projections[0].j = -0.3), path: 'projections[0].j', allowed: '>= 0: a conductance' },
  { what: 'plastic conductance without a lower bound', spec: network, mutate: (s) => delete s.projections[3].plasticity.bounds, path: 'projections[3].plasticity.bounds', allowed: 'jMin >= 0' },
  { what: 'cond_lif without C', spec: network, mutate: (s) => delete s.populations[0].neuron.C_pF, path: 'populations[0].neuron.C_pF', allowed: 'a finite number in (0' },
  { what: 'cond_lif with a tauMem_ms field', spec: network, mutate: (s) => (s.populations[0].neuron.tauMem_ms = 20), path: 'populations[0].neuron.tauMem_ms', allowed: 'no such field' },
  { what: 'zero leak conductance', spec: network, mutate: (s) => (s.populations[0].neuron.gL_nS = 0), path: 'populations[0].neuron.gL_nS', allowed: '(0, ' },
  { what: 'NaN reversal', spec: network, mutate: (s) => (s.populations[0].reversal_mV = NaN), path: 'populations[0].reversal_mV', allowed: 'a finite number' },
  { what: 'projection onto a Poisson source', spec: single, mutate: (s) => (s.projections[0].post = 'E2'), path: 'projections[0].post', allowed: 'poisson sources take no input' },
  { what: 'unknown signal', spec: single, mutate: (s) => (s.populations[1].neuron.modulation.signal = 'T'), path: 'populations[1].neuron.modulation.signal', allowed: 'a signal name (S)' },
  { what: 'signal channel out of range', spec: single, mutate: (s) => (s.populations[1].neuron.modulation.channel = 8), path: 'populations[1].neuron.modulation.channel', allowed: 'an integer in [0, 7]' },
  { what: 'negative source rate', spec: single, mutate: (s) => (s.populations[1].neuron.rate_Hz = -1), path: 'populations[1].neuron.rate_Hz', allowed: '[0, 1000]' },
  { what: 'signal with 0 channels', spec: single, mutate: (s) => (s.signals[0].channels = 0), path: 'signals[0].channels', allowed: 'an integer in [1, 65536]' },
  { what: 'signal with tau 0', spec: single, mutate: (s) => (s.signals[0].tau_ms = 0), path: 'signals[0].tau_ms', allowed: '(0, ' },
  { what: 'duplicate signal name', spec: single, mutate: (s) => s.signals.push({ ...s.signals[0] }), path: 'signals[1].name', allowed: 'not used by another signal' },
  { what: 'unknown source field', spec: single, mutate: (s) => (s.populations[1].neuron.tauMem_ms = 1), path: 'populations[1].neuron.tauMem_ms', allowed: 'no such field' },
];

describe('validate rejects bad Vogels fields, naming path and allowed range', () => {
  it.each(BAD.map((c) => [c.what, c] as const))('%s', (_w, c) => {
    const s = c.spec();
    expect(issues(s)).toEqual([]); // control: unmodified
    c.mutate(s);
    const found = issues(s);
    const hit = found.find((i) => i.path === c.path);
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit!.allowed).toContain(c.allowed);
  });
});
