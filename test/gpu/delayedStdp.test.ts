// STDP and iSTDP with a synaptic delay on the WebGPU engine (the axonal-delay convention, docs/trials-delays.md: updates
// at the arrival time; shaders/state.wgsl spike history, synapse_propagate.wgsl propagate_arrivals,
// plasticity_pre.wgsl plasticity_pre_arrivals, trace_update.wgsl lagged trace groups) against the CPU reference
// (src/engine/cpu/spikeHistory.ts), on the three schedules, for d = 2, 5, 17 steps:
//  - an Akil network with hebbian STDP on E<-E and EI iSTDP on E<-I, both with a delay of d steps (the other
//    projections undelayed): spike trains identical and the final weights identical bit for bit.
//    Exact, not within a bound: each weight sees the same f32 operations in the same order on both engines (one
//    onPre per arrival of its presynaptic neuron, then one onPost per spike of its postsynaptic one, with the same
//    f32 traces), and the inputs are fixed-point integers summed in any order;
//  - a GPU snapshot taken with arrivals pending resumes on the CPU engine bit-identically (the history travels).
// N = 100, 40 ms (SwiftShader). Small submissions (stepsPerSubmit 37) so that arrivals cross submission boundaries.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import * as R from '../../src/model/rules.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { exactDiff, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { expectPlasticRunMatchesCpu, plasticIndices as plastic } from './plasticMatch.ts';

const DT = 0.1;

const HEBBIAN = R.hebbian({ eta: 1e-2, tauSTDP_ms: 20 });
const ISTDP = R.homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 20 });

/**
 * The Akil network (N = 100, 40 ms, leak reversal above threshold: every neuron fires from the start) with hebbian
 * STDP on E<-E and istdp-ei iSTDP on E<-I, both delayed by d steps (two lagged projections of two populations).
 */
function delayedSpec(d: number): NetworkSpec {
  const s = akilNetwork({ N: 100, T_s: 0.04, c: 0, seed: 3, plastic: { 'E<-E': HEBBIAN, 'E<-I': ISTDP } });
  return validate({
    ...s,
    populations: s.populations.map((p) => ({ ...p, neuron: { ...p.neuron, eL_mV: -45 } })),
    recording: { ...s.recording, rasterNeurons: 100 },
    projections: s.projections.map((p) => (p.post === 'E' && (p.pre === 'E' || p.pre === 'I') ? { ...p, delay: { min_ms: d * DT, max_ms: d * DT } } : p)),
  });
}

describe('delayed STDP / iSTDP on the WebGPU engine vs the CPU reference', () => {
  const dev = useTestDevice();

  for (const d of [2, 5, 17]) {
    for (const schedule of ['fused', 'passes', 'resident'] as const) {
      it(`hebbian + istdp-ei, d = ${d} steps, ${schedule}: identical spike trains and weights`, async () => {
        const net = buildNetwork(derive(delayedSpec(d)));
        const js = plastic(net);
        expect(js.map((j) => net.derived.projections[j]!.plastic!.rule)).toEqual(['hebbian', 'istdp-ei']);
        for (const j of js) expect(net.derived.projections[j]!.arrivalLag).toBe(d - 1);
        await expectPlasticRunMatchesCpu(net, dev, schedule);
      });
    }
  }

  it('a GPU snapshot with arrivals pending resumes on the CPU engine bit-identically (d = 5)', async () => {
    const net = buildNetwork(derive(delayedSpec(5)));
    const j = plastic(net)[1]!;
    const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule: 'fused', stepsPerSubmit: 37 });
    try {
      await g.advance(201);
      const snap = await g.snapshot();
      const c = new CpuEngine(net);
      await c.advance(201);
      expect(Array.from(snap.arrays['state.shistLen'] as Int32Array)).toEqual(Array.from(c.state.shistLen));
      const b = new CpuEngine(net);
      await b.restore(snap);
      await b.advance(199);
      await c.advance(199);
      expect(Array.from(b.state.v)).toEqual(Array.from(c.state.v));
      expect(Array.from(b.state.weights[j]!)).toEqual(Array.from(c.state.weights[j]!));
    } finally {
      g.dispose();
    }
  });
});
