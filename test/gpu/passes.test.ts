// Each WebGPU pass against its CPU reference twin, one pass at a time from the same uploaded state
// (DESIGN "Validation" level 1). The CPU engine runs the Akil network (N = 500, EI iSTDP on E<-I) to a
// step with activity; for K consecutive steps the reference state before every pass is uploaded to the
// GPU, that pass runs on both, and the outputs are compared: integer state exactly, float state within
// the per-step bounds of test/tolerances.ts. A second case replaces the spike list by 40 spikers spread
// over E and I so the per-spiker passes walk many rows and columns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { fixedIncrement } from '../../src/engine/fixed.ts';
import { independentSpikes, inputPass } from '../../src/engine/cpu/input.ts';
import { neuronUpdatePass } from '../../src/engine/cpu/neuronUpdate.ts';
import { plasticityPostPass, plasticityPrePass } from '../../src/engine/cpu/plasticity.ts';
import type { CpuState } from '../../src/engine/cpu/state.ts';
import { synapsePropagatePass } from '../../src/engine/cpu/synapsePropagate.ts';
import { traceUpdatePass } from '../../src/engine/cpu/traceUpdate.ts';
import type { GpuPassName } from '../../src/engine/webgpu/passes/pass.ts';
import type { GpuSnapshot } from '../../src/engine/webgpu/snapshot.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import type { DerivedRule, DerivedTerm } from '../../src/model/derive.ts';
import { CURRENT_STEP_ULPS, TRACE_STEP_ULPS, ulp32, vStepBound, weightStepBound } from '../tolerances.ts';
import { boundDiff, build, cloneState, exactDiff } from './fixture.ts';
import { getTestDevice, releaseDevice } from './helpers.ts';

const f = Math.fround;
const N = 500;
const WARMUP = 1200; // steps the CPU runs first (traces, weights and currents away from their start)
const K = 12; // consecutive steps compared

/** Reference states of one step: before each pass, and after the last. */
interface Stages {
  step: number;
  input: CpuState;
  neuron_update: CpuState;
  synapse_propagate: CpuState;
  plasticity_pre: CpuState;
  plasticity_post: CpuState;
  trace_update: CpuState;
  end: CpuState;
}

/** Runs the reference passes of one step on st (mutated), keeping a copy before each. */
function referenceStep(net: BuiltNetwork, st: CpuState, step: number, q: Float64Array, spikes?: number[]): Stages {
  const d = net.derived;
  const s: Partial<Stages> = { step };
  s.input = cloneState(st);
  inputPass(net, st, step, q);
  s.neuron_update = cloneState(st);
  neuronUpdatePass(d, st);
  if (spikes) {
    st.spikes.set(spikes);
    st.nSpikes = spikes.length;
  }
  s.synapse_propagate = cloneState(st);
  synapsePropagatePass(net, st, q);
  s.plasticity_pre = cloneState(st);
  plasticityPrePass(net, st, step);
  s.plasticity_post = cloneState(st);
  plasticityPostPass(net, st, step);
  s.trace_update = cloneState(st);
  traceUpdatePass(d, st, step);
  s.end = cloneState(st);
  return s as Stages;
}

/** Per-synapse bound of one plasticity pass: 0 for synapses it does not touch. */
function weightBounds(net: BuiltNetwork, before: CpuState, after: CpuState, which: 'pre' | 'post', projIndex: number, step: number): Float64Array {
  const d = net.derived;
  const pr = d.projections[projIndex]!;
  const r = pr.plastic as DerivedRule;
  const c = net.csr[projIndex]!;
  const w0 = before.weights[projIndex]!;
  const w1 = after.weights[projIndex]!;
  const xPre = before.traces[r.preTrace]!;
  const xPost = before.traces[r.postTrace]!;
  const out = new Float64Array(w0.length);
  if (step < r.startStep) return out;
  const bound = (t: DerivedTerm, y: number, xp: number, xq: number): void => {
    const w = w0[y]!;
    const etaF = t.eta * (t.dep === 1 ? w * t.invJRef : 1);
    const S = Math.abs(t.a) + Math.abs(t.bPre * xp) + Math.abs(t.bPost * xq);
    out[y] = weightStepBound({ wn: w1[y]!, etaF, S, dw: w1[y]! - w });
  };
  for (let s = 0; s < before.nSpikes; s++) {
    const g = before.spikes[s]!;
    if (which === 'pre') {
      const k = g - pr.pre.offset;
      if (k < 0 || k >= pr.pre.size) continue;
      for (let y = c.rowPtr[k]!; y < c.rowPtr[k + 1]!; y++) bound(r.onPre, y, xPre[g]!, xPost[c.post[y]!]!);
    } else {
      const j = g - pr.post.offset;
      if (j < 0 || j >= pr.post.size) continue;
      for (let e = c.colPtr[j]!; e < c.colPtr[j + 1]!; e++) bound(r.onPost, c.colSyn[e]!, xPre[pr.pre.offset + c.colPre[e]!]!, xPost[g]!);
    }
  }
  return out;
}

describe('WebGPU passes vs the CPU reference, one pass from the same state (N = 500, EI iSTDP)', () => {
  let device: GPUDevice;
  let engine: WebGpuEngine;
  let net: BuiltNetwork;
  const natural: Stages[] = [];
  const synthetic: Stages[] = [];

  beforeAll(async () => {
    const acquired = await getTestDevice();
    device = acquired.device;
    net = build({ N, T_s: 1, plastic: true });
    const d = net.derived;
    engine = await WebGpuEngine.create(net, device, { adapterInfo: acquired.adapterInfo, schedule: 'passes' });
    const cpu = new CpuEngine(net);
    await cpu.advance(WARMUP);
    const q = Float64Array.from(d.projections, (p) => fixedIncrement(p.J, d.channels[p.channel]!.invTau));
    const st = cloneState(cpu.state);
    for (let t = WARMUP; t < WARMUP + K; t++) natural.push(referenceStep(net, st, t, q));
    // 40 spikers spread over both populations (E and I rows, E and I columns of E<-I).
    const spread = Array.from({ length: 40 }, (_, i) => Math.floor((i * d.N) / 40) + (i % 3));
    for (let t = WARMUP + K; t < WARMUP + 2 * K; t++) synthetic.push(referenceStep(net, cloneState(st), t, q, spread));
  });

  afterAll(() => {
    engine?.dispose();
    if (device) releaseDevice(device);
  });

  async function gpuAfter(pass: GpuPassName, before: CpuState, step: number): Promise<GpuSnapshot> {
    // Before neuron_update the GPU's list of this step is empty (the advance pass cleared it); the CPU
    // state still holds the previous step's spikers there.
    const early = pass === 'input' || pass === 'neuron_update';
    engine.uploadState(early ? { ...before, nSpikes: 0 } : before, step);
    await engine.runPasses([pass]);
    return engine.downloadState();
  }

  it('input: independent Poisson input, fixed-point accumulators bit-identical (150 steps)', async () => {
    const d = net.derived;
    const x = d.inputs[0]!;
    const q = Float64Array.from(d.projections, (p) => fixedIncrement(p.J, d.channels[p.channel]!.invTau));
    let spikes = 0;
    for (let step = WARMUP; step < WARMUP + 150; step++) {
      const before = cloneState(natural[0]!.input); // accumulators are zero at the start of a step
      const g = await gpuAfter('input', before, step);
      inputPass(net, before, step, q);
      spikes += independentSpikes(d.spec.seed >>> 0, x, step, new Int32Array(4096));
      // Independent layers draw their sources inside the delivering workgroups (no event list): each
      // source adds its whole row, so equal accumulators mean equal sources.
      expect(g.events.length).toBe(0);
      expect(exactDiff(`step ${step} acc`, g.acc, before.acc)).toBe('');
    }
    expect(spikes).toBeGreaterThan(5); // about 0.1 input spikes per step at N = 500
  });

  it('neuron_update: spike lists, refractory counts and accumulators exact; V within vStepBound', async () => {
    const d = net.derived;
    let spikes = 0;
    let ties = 0;
    let worstV = 0;
    for (const s of natural) {
      const before = s.neuron_update;
      const want = s.synapse_propagate;
      const g = await gpuAfter('neuron_update', before, s.step);
      // Bound per neuron from the reference arithmetic (currents after the input join).
      const nCh = d.channels.length;
      const bound = new Float64Array(N);
      const tie = new Set<number>();
      for (const p of d.pops) {
        const n = p.neuron;
        for (let i = p.offset; i < p.offset + p.size; i++) {
          if (before.refr[i]! > 0) continue; // held: must be exact
          let itot = 0;
          let sumAbsI = 0;
          for (let c = 0; c < nCh; c++) {
            itot = f(itot + want.current[c * N + i]!);
            sumAbsI += Math.abs(want.current[c * N + i]!);
          }
          const vi = before.v[i]!;
          const leak = f(n.gL * f(n.eL - vi));
          const x = f(f(vi - n.vT) * n.invDeltaT);
          const ex = n.gLdT > 0 ? f(n.gLdT * f(Math.exp(x))) : 0;
          const s1 = f(itot + leak);
          const s2 = f(s1 + ex);
          const vn = f(vi + f(n.dtOverC * s2));
          const b = vStepBound({ vn, sumAbsI, nCh, leak, ex, x, s1, s2, dtC: n.dtOverC });
          if (Math.abs(vn - n.vThresh) <= b) tie.add(i);
          else if (vn < n.vThresh) bound[i] = b; // spikers reset to vReset exactly
        }
      }
      ties += tie.size;
      const gs = Array.from(g.spikes).filter((i) => !tie.has(i));
      const ws = Array.from(want.spikes.subarray(0, want.nSpikes)).filter((i) => !tie.has(i)).sort((a, b) => a - b);
      spikes += ws.length;
      expect(exactDiff(`step ${s.step} spike list`, gs, ws)).toBe('');
      expect(exactDiff(`step ${s.step} refractory`, g.refr, want.refr)).toBe('');
      expect(exactDiff(`step ${s.step} acc`, g.acc, want.acc)).toBe('');
      const v = boundDiff(`step ${s.step} V`, g.v, want.v, (i) => (tie.has(i) ? Infinity : bound[i]!));
      expect(v.msg).toBe('');
      worstV = Math.max(worstV, v.worst);
      const cur = boundDiff(`step ${s.step} current`, g.current, want.current, (i) => CURRENT_STEP_ULPS * ulp32(want.current[i]!));
      expect(cur.msg).toBe('');
    }
    if (ties > 0) console.log(`neuron_update: ${ties} threshold ties (|V - vThresh| within the bound) left out of the spike comparison`);
    expect(spikes).toBeGreaterThan(0);
    console.log(`neuron_update: ${spikes} spikes compared; worst |dV| / bound = ${worstV.toFixed(3)}`);
  });

  for (const [label, set] of [['natural', natural], ['40 spikers', synthetic]] as const) {
    it(`synapse_propagate (${label}): fixed-point accumulators bit-identical`, async () => {
      for (const s of set) {
        const g = await gpuAfter('synapse_propagate', s.synapse_propagate, s.step);
        expect(exactDiff(`step ${s.step} acc`, g.acc, s.plasticity_pre.acc)).toBe('');
      }
    });

    for (const which of ['pre', 'post'] as const) {
      it(`plasticity_${which} (${label}): weights within weightStepBound, untouched ones exact`, async () => {
        const pi = net.derived.projections.findIndex((p) => p.plastic);
        let touched = 0;
        let worst = 0;
        for (const s of set) {
          const before = which === 'pre' ? s.plasticity_pre : s.plasticity_post;
          const after = which === 'pre' ? s.plasticity_post : s.trace_update;
          const g = await gpuAfter(`plasticity_${which}`, before, s.step);
          const b = weightBounds(net, before, after, which, pi, s.step);
          touched += b.filter((x) => x > 0).length;
          const r = boundDiff(`step ${s.step} E<-I weights`, g.weights[pi]!, after.weights[pi]!, (y) => b[y]!);
          expect(r.msg).toBe('');
          worst = Math.max(worst, r.worst);
        }
        expect(touched).toBeGreaterThan(0);
        console.log(`plasticity_${which} (${label}): ${touched} weight updates; worst |dw| / bound = ${worst.toFixed(3)}`);
      });
    }

    it(`trace_update (${label}): traces and currents within 2 ulp, accumulators cleared, current samples`, async () => {
      const d = net.derived;
      const nCh = d.channels.length;
      for (const s of set) {
        const g = await gpuAfter('trace_update', s.trace_update, s.step);
        const want = s.end;
        want.traces.forEach((x, t) => {
          expect(boundDiff(`step ${s.step} trace ${t}`, g.traces[t]!, x, (i) => TRACE_STEP_ULPS * ulp32(x[i]!)).msg).toBe('');
        });
        expect(boundDiff(`step ${s.step} current`, g.current, want.current, (i) => CURRENT_STEP_ULPS * ulp32(want.current[i]!)).msg).toBe('');
        expect(exactDiff(`step ${s.step} acc`, g.acc, want.acc)).toBe('');
        const sampled = new Float32Array(net.currentSample.length * nCh);
        net.currentSample.forEach((i, slot) => {
          for (let c = 0; c < nCh; c++) sampled[slot * nCh + c] = want.current[c * N + i]!;
        });
        expect(boundDiff(`step ${s.step} current samples`, g.curAcc, sampled, (k) => CURRENT_STEP_ULPS * ulp32(sampled[k]!)).msg).toBe('');
      }
    });
  }
});
