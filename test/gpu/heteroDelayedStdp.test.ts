// STDP and iSTDP with per-synapse (heterogeneous) delays on the WebGPU engine (the axonal-delay convention synapse by
// synapse, docs/trials-delays.md: shaders/synapse_propagate.wgsl propagate_row_lag, plasticity_pre.wgsl
// plasticity_pre_row_lag, plasticity_post.wgsl with each synapse's own lag; one pre trace group per lag) against the
// CPU reference (src/engine/cpu/heteroDelayed.ts), on the three schedules:
//  - an Akil network with hebbian STDP on E<-E (delays drawn in [2, 9] steps) and EI iSTDP on E<-I (delays drawn in
//    [1, 4] steps: lag 0 reads this step's own spikers), the other projections undelayed: spike trains identical
//    and the final weights identical bit for bit. Exact, not within a bound: each weight sees the same f32
//    operations in the same order on both engines (at most one onPre per step, at the arrival of its presynaptic
//    neuron's spike over its own delay, then one onPost per spike of its postsynaptic neuron, with the same f32 trace
//    of its own lag), and the inputs are fixed-point integers summed in any order;
//  - a GPU snapshot taken with arrivals pending resumes on the CPU engine bit-identically (the history travels).
// N = 100, 40 ms (SwiftShader). Small submissions (stepsPerSubmit 37) so that arrivals cross submission boundaries.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import * as R from '../../src/model/rules.ts';
import type { NetworkSpec, PlasticitySpec } from '../../src/model/spec.ts';
import { SpecError, validate } from '../../src/model/validate.ts';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { exactDiff, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { expectPlasticRunMatchesCpu, plasticIndices as plastic } from './plasticMatch.ts';

const DT = 0.1;

const HEBBIAN = R.hebbian({ eta: 1e-2, tauSTDP_ms: 20 });
const ISTDP = R.homeostaticInhibitory('istdp-ei', { eta: 1e-2, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 20 });
/** A 'general' pair rule whose onPre reads the pre trace too (bPre != 0: the named rules' onPre reads x_post only). */
const GENERAL: PlasticitySpec = { ...HEBBIAN, rule: 'general', onPre: { a: 0, bPre: 0.5, bPost: -1, weightDep: 'none' } };

/** Delays in steps of E<-E and E<-I. */
type Ranges = { ee: [number, number]; ei: [number, number] };
const RANGES: Ranges = { ee: [2, 9], ei: [1, 4] };

/**
 * The Akil network (N = 100, 40 ms, leak reversal above threshold: every neuron fires from the start) with hebbian
 * STDP on E<-E and istdp-ei iSTDP on E<-I, each with per-synapse delays drawn in its range of steps.
 */
function heteroSpec(r: Ranges, ee: PlasticitySpec = HEBBIAN): NetworkSpec {
  const s = akilNetwork({ N: 100, T_s: 0.04, c: 0, seed: 3, plastic: { 'E<-E': ee, 'E<-I': ISTDP } });
  const range = (d: [number, number]) => ({ min_ms: d[0] * DT, max_ms: d[1] * DT });
  return validate({
    ...s,
    populations: s.populations.map((p) => ({ ...p, neuron: { ...p.neuron, eL_mV: -45 } })),
    recording: { ...s.recording, rasterNeurons: 100 },
    projections: s.projections.map((p) => (p.post === 'E' && p.pre === 'E' ? { ...p, delay: range(r.ee) } : p.post === 'E' && p.pre === 'I' ? { ...p, delay: range(r.ei) } : p)),
  });
}

describe('STDP / iSTDP with per-synapse delays on the WebGPU engine vs the CPU reference', () => {
  const dev = useTestDevice();

  const cases = [
    ['fused', HEBBIAN],
    ['passes', HEBBIAN],
    ['resident', HEBBIAN],
    ['passes', GENERAL], // onPre with x_pre: the pre trace of the arrival's own lag
  ] as const;
  for (const [schedule, ee] of cases) {
    it(`${ee.rule} E<-E (delays 2..9 steps) + istdp-ei E<-I (1..4), ${schedule}: identical spike trains and weights`, async () => {
      const net = buildNetwork(derive(heteroSpec(RANGES, ee)));
      const js = plastic(net);
      expect(js.map((j) => net.derived.projections[j]!.plastic!.rule)).toEqual([ee.rule, 'istdp-ei']);
      for (const [j, [lo, hi]] of [RANGES.ee, RANGES.ei].entries()) {
        const pr = net.derived.projections[js[j]!]!;
        expect([pr.arrivalLagMin, pr.arrivalLag]).toEqual([lo - 1, hi - 1]);
        expect(new Set(net.delays[pr.index]!).size).toBe(hi - lo + 1); // every delay of the range drawn
      }
      await expectPlasticRunMatchesCpu(net, dev, schedule);
    });
  }

  it('a GPU snapshot with arrivals pending resumes on the CPU engine bit-identically (delays 2..9 and 1..4)', async () => {
    const net = buildNetwork(derive(heteroSpec(RANGES)));
    const js = plastic(net);
    const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule: 'fused', stepsPerSubmit: 37 });
    try {
      await g.advance(203);
      const snap = await g.snapshot();
      const c = new CpuEngine(net);
      await c.advance(203);
      expect(Array.from(snap.arrays['state.shistLen'] as Int32Array)).toEqual(Array.from(c.state.shistLen));
      expect(c.state.shistLen.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // arrivals pending
      const b = new CpuEngine(net);
      await b.restore(snap);
      await b.advance(197);
      await c.advance(197);
      expect(Array.from(b.state.v)).toEqual(Array.from(c.state.v));
      for (const j of js) expect(Array.from(b.state.weights[j]!)).toEqual(Array.from(c.state.weights[j]!));
    } finally {
      g.dispose();
    }
  });

  it('more pre trace groups of arrivals than MAX_TRACES: a SpecError naming projections[i].delay', async () => {
    const net = buildNetwork(derive(heteroSpec({ ee: [1, 17], ei: [1, 4] })));
    await expect(WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info })).rejects.toThrow(SpecError);
    await expect(WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info })).rejects.toThrow(/projections\[\d+\]\.delay = "1\.\.17 steps".*exceed MAX_TRACES = 16/s);
  });
});
