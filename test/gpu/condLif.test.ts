// The conductance-based LIF (Vogels et al. 2011) and the rate-modulated Poisson sources on the WebGPU
// engine against the CPU reference (DESIGN "Validation", levels 1 to 3):
//  1. one pass from the same uploaded state, on a mixed network (cond LIF E and I with background
//     current and Vogels iSTDP on E<-I; Poisson source populations modulated by two signals, spread over
//     channels or on one channel, and unmodulated; an independent input layer with a reversal potential):
//     'input' (signals within signalStepBound, input accumulators exact), 'neuron_update' (every spike
//     list, refractory count and accumulator exact, cond LIF V within condVStepBound, source draws exact),
//     'synapse_propagate' (conductance increments, kick = 1, exact);
//  2. short whole runs from the same seed: identical spike trains (the Vogels network with iSTDP on the
//     fused schedule; the mixed network on both schedules);
//  3. a longer Vogels network run: rates, CVs and the mean E<-I weight agree (test/tolerances.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { fixedIncrement } from '../../src/engine/fixed.ts';
import { inputPass } from '../../src/engine/cpu/input.ts';
import { sourceProbability } from '../../src/neurons/poisson.ts';
import { neuronUpdatePass } from '../../src/engine/cpu/neuronUpdate.ts';
import type { CpuState } from '../../src/engine/cpu/state.ts';
import { synapsePropagatePass } from '../../src/engine/cpu/synapsePropagate.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import type { GpuPassName } from '../../src/engine/webgpu/passes/pass.ts';
import type { GpuSnapshot } from '../../src/engine/webgpu/snapshot.ts';
import { WebGpuEngine, type Schedule } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import { vogels } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { AMPA, GABA, vogelsNetwork, vogelsNeuron } from '../../src/presets/vogels2011.ts';
import { philox4x32, u01 } from '../../src/rng/philox.ts';
import { STREAM } from '../../src/rng/streams.ts';
import { condVStepBound, CURRENT_STEP_ULPS, signalStepBound, sourceProbabilityBand, ulp32, weightRunBound } from '../tolerances.ts';
import { boundDiff, cloneState, exactDiff, expectSameStatistics, firstDivergence, runBothEngines } from './fixture.ts';
import { getTestDevice, releaseDevice, useTestDevice } from './helpers.ts';

const f = Math.fround;

/** The mixed network (N = 400): every cond LIF and Poisson-source path of the GPU engine. */
function mixedSpec(T_s: number): NetworkSpec {
  const N = 400;
  const pop = (name: string, n: number, neuron: NetworkSpec['populations'][number]['neuron'], syn: typeof AMPA | typeof GABA) => ({ name, fraction: n / N, neuron, ...syn });
  const connect = (pre: string, post: string, p: number, j: number, plastic = false): ProjectionSpec => ({
    pre, post, connectivity: 'bernoulli', p, j, scaleBySqrtN: false,
    ...(plastic ? { plasticity: vogels({ eta: 1e-2, rho_Hz: 3, tauSTDP_ms: 20, wMax: 100, sign: 1 }) } : {}),
  });
  return validate({
    name: 'cond-mixed',
    N,
    dt_ms: 0.1,
    T_s,
    seed: 11,
    signals: [
      { name: 'A', channels: 3, tau_ms: 50 },
      { name: 'B', channels: 2, tau_ms: 20 },
    ],
    populations: [
      pop('E', 160, vogelsNeuron(150, [-60, -50]), AMPA),
      pop('I', 40, vogelsNeuron(150, [-60, -50]), GABA),
      pop('S', 120, { model: 'poisson', rate_Hz: 5, refractory_ms: 5, modulation: { signal: 'A', gain_Hz: 500 / 0.03 } }, AMPA),
      pop('X', 40, { model: 'poisson', rate_Hz: 5, refractory_ms: 2, modulation: { signal: 'B', channel: 1, gain_Hz: 300 / 0.03 } }, GABA),
      pop('U', 40, { model: 'poisson', rate_Hz: 20, refractory_ms: 0 }, AMPA),
    ],
    inputs: [{ name: 'ext', fraction: 20 / N, rate_Hz: 20, correlation: 0, jitter_ms: 0, ...AMPA }],
    projections: [
      connect('E', 'E', 0.1, 0.3),
      connect('E', 'I', 0.1, 0.3),
      connect('I', 'I', 0.2, 3),
      connect('I', 'E', 0.2, 3, true),
      connect('S', 'E', 0.1, 0.3),
      connect('X', 'I', 0.2, 1),
      connect('U', 'E', 0.1, 0.2),
      connect('ext', 'E', 0.2, 0.5),
    ],
    recording: { window_ms: 50, statsStart_s: 0, bin_ms: 10, rasterNeurons: N, currentSamples: 5, weightSamples: 10, covSample: 0 },
    maxRate_Hz: 500,
  });
}

/** The Vogels network (Brian2 example) at N = 500 with iSTDP from t = 0 and inhibition started at 3 nS. */
function vogelsSmall(T_s: number): NetworkSpec {
  const spec = validate(vogelsNetwork({ N: 500, T_s, plasticFrom_s: 0, wIE0_nS: 3, bin_ms: 20 }));
  spec.recording.rasterNeurons = spec.N;
  return spec;
}

const WARMUP = 500; // CPU steps before the compared ones (signals, conductances and traces developed)
const K = 10; // consecutive steps compared per pass

interface Stage {
  step: number;
  input: CpuState; // before the input pass
  neuron_update: CpuState;
  synapse_propagate: CpuState;
  end: CpuState; // after synapse_propagate
}

describe('cond LIF and modulated Poisson sources: WebGPU passes vs the CPU reference from the same state', () => {
  let device: GPUDevice;
  let engine: WebGpuEngine;
  let net: BuiltNetwork;
  const stages: Stage[] = [];

  beforeAll(async () => {
    const acquired = await getTestDevice();
    device = acquired.device;
    net = buildNetwork(derive(mixedSpec(1)));
    engine = await WebGpuEngine.create(net, device, { adapterInfo: acquired.adapterInfo, schedule: 'passes' });
    const cpu = new CpuEngine(net);
    await cpu.advance(WARMUP);
    const q = Float64Array.from(net.derived.projections, (p) => fixedIncrement(p.J, p.kick));
    for (let t = WARMUP; t < WARMUP + K; t++) {
      const st = cloneState(cpu.state);
      const s: Partial<Stage> = { step: t, input: cloneState(st) };
      inputPass(net, st, t, q);
      s.neuron_update = cloneState(st);
      neuronUpdatePass(net.derived, st);
      s.synapse_propagate = cloneState(st);
      synapsePropagatePass(net, st, q);
      s.end = cloneState(st);
      stages.push(s as Stage);
      cpu.stepOnce(); // the whole step (plasticity, traces) on the engine's own state
    }
  });

  afterAll(() => {
    engine?.dispose();
    if (device) releaseDevice(device);
  });

  async function gpuAfter(pass: GpuPassName, before: CpuState, step: number): Promise<GpuSnapshot> {
    const early = pass === 'input' || pass === 'neuron_update'; // the GPU's list of a step starts empty
    engine.uploadState(early ? { ...before, nSpikes: 0 } : before, step);
    await engine.runPasses([pass]);
    return engine.downloadState();
  }

  it('input: signals within signalStepBound, input accumulators bit-identical', async () => {
    const d = net.derived;
    let worst = 0;
    for (const s of stages) {
      const g = await gpuAfter('input', s.input, s.step);
      const want = s.neuron_update;
      const bound = Array.from(want.signal, (xn, c) => {
        const sg = d.signals.find((x) => c >= x.offset && c < x.offset + x.channels)!;
        const w = new Uint32Array(4);
        philox4x32(w, s.step, c, 0, 0, d.spec.seed >>> 0, STREAM.signal);
        return signalStepBound({ xn, diff: f(f(u01(w[0]!) - 0.5) - s.input.signal[c]!), decay: sg.decay });
      });
      const r = boundDiff(`step ${s.step} signal`, g.signal, want.signal, (c) => bound[c]!);
      expect(r.msg).toBe('');
      worst = Math.max(worst, r.worst);
      expect(exactDiff(`step ${s.step} acc`, g.acc, want.acc)).toBe('');
      expect(want.signal.some((x, c) => x !== s.input.signal[c])).toBe(true);
    }
    console.log(`input: ${d.nSignalChannels} signal channels x ${stages.length} steps; worst |dx| / bound = ${worst.toFixed(3)}`);
  });

  it('neuron_update: spike lists (cond LIF and Poisson sources), refractory counts, accumulators exact; V within condVStepBound', async () => {
    const d = net.derived;
    const N = d.N;
    const seed = d.spec.seed >>> 0;
    let condSpikes = 0;
    let sourceSpikes = 0;
    let ties = 0;
    let worstV = 0;
    const w = new Uint32Array(4);
    for (const s of stages) {
      const before = s.neuron_update;
      const want = s.synapse_propagate;
      const g = await gpuAfter('neuron_update', before, s.step);
      const bound = new Float64Array(N);
      const tie = new Set<number>();
      for (const p of d.pops) {
        const n = p.neuron;
        for (let i = p.offset; i < p.offset + p.size; i++) {
          if (before.refr[i]! > 0) continue; // held: must be exact
          if (n.model === 'poisson') {
            const k = i - p.offset;
            philox4x32(w, s.step, k >> 2, p.index, 0, seed, STREAM.source);
            const prob = sourceProbability(p, k, before.signal);
            if (Math.abs(u01(w[k & 3]!) - prob) <= sourceProbabilityBand({ prob, pGain: n.source!.pGain, xErr: 0 })) tie.add(i);
            continue;
          }
          const vi = before.v[i]!;
          let syn = 0;
          const channels = p.condChannels.map((c) => {
            const gc = want.current[c * N + i]!;
            const dc = f(d.channels[c]!.reversal! - vi);
            const prod = f(gc * dc);
            syn = f(syn + prod);
            return { g: gc, d: dc, prod, partial: syn };
          });
          const dL = f(n.eL - vi);
          const leak = f(n.gL * dL);
          const s1 = f(leak + syn);
          const s2 = f(s1 + n.iBg);
          const vn = f(vi + f(n.dtOverC * s2));
          const b = condVStepBound({ vn, channels, gL: n.gL, dL, leak, s1, s2, dtC: n.dtOverC });
          if (Math.abs(vn - n.vThresh) <= b) tie.add(i);
          else if (vn < n.vThresh) bound[i] = b; // spikers reset to vReset exactly
        }
      }
      ties += tie.size;
      const gs = Array.from(g.spikes).filter((i) => !tie.has(i));
      const ws = Array.from(want.spikes.subarray(0, want.nSpikes)).filter((i) => !tie.has(i)).sort((a, b) => a - b);
      for (const i of ws) if (d.pops.find((p) => i >= p.offset && i < p.offset + p.size)!.neuron.model === 'poisson') sourceSpikes++;
      else condSpikes++;
      expect(exactDiff(`step ${s.step} spike list`, gs, ws)).toBe('');
      expect(exactDiff(`step ${s.step} refractory`, g.refr, want.refr)).toBe('');
      expect(exactDiff(`step ${s.step} acc`, g.acc, want.acc)).toBe('');
      const v = boundDiff(`step ${s.step} V`, g.v, want.v, (i) => (tie.has(i) ? Infinity : bound[i]!));
      expect(v.msg).toBe('');
      worstV = Math.max(worstV, v.worst);
      // The input join: conductances of the input channel (a * 2^-20 exact, one addition).
      expect(boundDiff(`step ${s.step} conductances`, g.current, want.current, (i) => CURRENT_STEP_ULPS * ulp32(want.current[i]!)).msg).toBe('');
    }
    console.log(`neuron_update: ${condSpikes} cond LIF and ${sourceSpikes} source spikes compared, ${ties} ties left out; worst |dV| / bound = ${worstV.toFixed(3)}`);
    expect(condSpikes).toBeGreaterThan(0);
    expect(sourceSpikes).toBeGreaterThan(10);
  });

  it('synapse_propagate: conductance increments round(w * 2^20) (kick = 1) bit-identical', async () => {
    let spikes = 0;
    for (const s of stages) {
      spikes += s.synapse_propagate.nSpikes;
      const g = await gpuAfter('synapse_propagate', s.synapse_propagate, s.step);
      expect(exactDiff(`step ${s.step} acc`, g.acc, s.end.acc)).toBe('');
    }
    expect(spikes).toBeGreaterThan(10);
  });
});

describe('cond LIF networks: whole runs, WebGPU vs CPU reference', () => {
  const dev = useTestDevice();

  async function runBoth(spec: NetworkSpec, schedule: Schedule, stepsPerSubmit: number): Promise<{ net: BuiltNetwork; gpu: Recordings; cpu: Recordings }> {
    const net = buildNetwork(derive(spec));
    return { net, ...(await runBothEngines(net, dev.device, { adapterInfo: dev.info, schedule, stepsPerSubmit })) };
  }

  /** Identical spike trains (the raster holds every neuron), then the series and final weights they imply. */
  function expectIdentical(label: string, net: BuiltNetwork, gpu: Recordings, cpu: Recordings): void {
    const div = firstDivergence(gpu.raster, cpu.raster);
    console.log(`${label}: ${cpu.raster.count} spikes, ${div ? `first divergence at step ${Math.min(div.a?.[0] ?? Infinity, div.b?.[0] ?? Infinity)} (GPU ${JSON.stringify(div.a)}, CPU ${JSON.stringify(div.b)})` : 'identical'}`);
    expect(div).toBeNull();
    expect(exactDiff('rate_Hz', gpu.series.rate_Hz, cpu.series.rate_Hz)).toBe('');
    // Weight means: f32 block sums on the GPU vs f64 sums (1e-6 relative, as in run.test.ts).
    expect(boundDiff('jMean', gpu.series.jMean, cpu.series.jMean, (i) => 1e-6 * Math.abs(cpu.series.jMean[i]!)).msg).toBe('');
    // Final weights: weightRunBound per synapse from its pre and post spike counts (exact on SwiftShader).
    const d = net.derived;
    const count = new Float64Array(d.N);
    for (let k = 0; k < cpu.raster.count; k++) count[cpu.raster.ids[k]!]!++;
    let worst = 0;
    cpu.finalWeights.forEach((want, k) => {
      const pr = d.projections.find((p) => p.name === want.name)!;
      const r = pr.plastic!;
      const xMax = (pop: number): number => 1 / (1 - d.traces[pop === pr.post.index ? r.postTrace : r.preTrace]!.decay ** (d.pops[pop]!.neuron.refSteps + 1));
      const xm = Math.max(xMax(pr.pre.index), xMax(pr.post.index));
      const tauSteps = r.tauSTDP_ms / d.dt_ms;
      const eta = Math.max(Math.abs(r.onPre.eta), Math.abs(r.onPost.eta)) / pr.jScale;
      const b = boundDiff(`final weights ${want.name}`, gpu.finalWeights[k]!.j, want.j, (s) =>
        weightRunBound({ w: want.j[s]!, updates: count[want.pre[s]!]! + count[want.post[s]!]!, eta, xMax: xm, tauSteps }),
      );
      expect(b.msg).toBe('');
      worst = Math.max(worst, b.worst);
    });
    console.log(`${label}: final weights worst |dw| / weightRunBound = ${worst.toFixed(4)}`);
  }

  it('Vogels network (N = 500, 200 ms, iSTDP on E<-I), fused, 97 steps per submission: identical spike trains, weights within weightRunBound', async () => {
    const { net, gpu, cpu } = await runBoth(vogelsSmall(0.2), 'fused', 97);
    expect(cpu.raster.count).toBeGreaterThan(200);
    expectIdentical('Vogels N = 500, 200 ms', net, gpu, cpu);
  });

  for (const [schedule, spp, T_s] of [['fused', 97, 0.1], ['passes', 500, 0.05]] as const) {
    it(`mixed network with modulated sources (N = 400, ${T_s * 1000} ms), ${schedule} schedule: identical spike trains`, async () => {
      const { net, gpu, cpu } = await runBoth(mixedSpec(T_s), schedule, spp);
      expect(cpu.raster.count).toBeGreaterThan(200);
      expectIdentical(`mixed, ${schedule}`, net, gpu, cpu);
    });
  }

  it('Vogels network (N = 500, 400 ms, iSTDP): rates, CVs and mean E<-I weight agree', async () => {
    const { gpu, cpu } = await runBoth(vogelsSmall(0.4), 'fused', 1000);
    expectSameStatistics('Vogels N = 500, 400 ms', gpu, cpu, { weights: true, weightUnit: 'nS' });
  });
});
