// WebGPU rate engine (shaders/rate_*.wgsl, src/models/rate/gpu.ts) against the CPU reference (cpu.ts): the same
// Philox draws, the same f32 order. Noise-free runs converge to the same fixed point (differences only from
// rounding and possible FMA fusion); with OU noise, the Box-Muller cos has an absolute error of 2^-11 in WGSL
// (log and sqrt a few ulp), which bounds the difference of the noise, and through the linear response of the
// network the difference of the trial means and of the weight updates (bounds derived below).
import { describe, expect, it } from 'vitest';
import { CpuRateEngine } from '../../src/models/rate/cpu.ts';
import { deriveRate, type RateModel } from '../../src/models/rate/derive.ts';
import { GpuRateEngine, type GpuRateOptions } from '../../src/models/rate/gpu.ts';
import { constInit, MULTI_INIT, SOLDADO, soldadoSpec } from '../../src/models/rate/presets.ts';
import type { RateInit } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';
import { runRate } from '../../src/models/rate/run.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import { useTestDevice } from './helpers.ts';

/** |difference of one N(0,1) draw| between WGSL (f32 log/cos/sqrt) and the host (f64 then rounded). */
const XI_BOUND = 2 ** -11 * Math.sqrt(-2 * Math.log(2 ** -24)) + 16 * 2 ** -23 * 6;
/** Steady-state difference of an OU process u += a(0 - u) + s xi when each xi differs by at most XI_BOUND. */
const ouBound = (a: number, s: number): number => (s * XI_BOUND) / a;

/** The same model on both engines, run for `trials` trials; the GPU's read-backs synced. */
async function runBoth(device: GPUDevice, m: RateModel, trials: number, o: GpuRateOptions = {}): Promise<{ cpu: CpuRateEngine; gpu: GpuRateEngine }> {
  const cpu = new CpuRateEngine(m);
  const gpu = new GpuRateEngine(device, m, o);
  for (let t = 0; t < trials; t++) {
    cpu.runTrial();
    await gpu.runTrial();
  }
  await gpu.sync();
  return { cpu, gpu };
}

describe('WebGPU rate engine vs CPU reference', () => {
  const dev = useTestDevice();

  it('noise-free trials give the same trial means and the same weights after the rule updates (Fig 1, set-point and authors\' initial weights)', async () => {
    const list = (k: number): RateInit => ({ kind: 'list', values: [SOLDADO.fig1[k]!, SOLDADO.setpointWeights[k]!, SOLDADO.codeInit[k]!] });
    const spec = validateRateSpec(soldadoSpec({ name: 'g', noise: false, batch: 3, rule: 'cross-homeostatic', trials: 2, init: [list(0), list(1), list(2), list(3)] }));
    const m = deriveRate(spec);
    const { cpu, gpu } = await runBoth(dev.device, m, 2, { stepsPerDispatch: 5000 });
    for (let i = 0; i < cpu.mean.length; i++) expect(Math.abs(gpu.mean[i]! - cpu.mean[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, cpu.mean[i]!));
    // a rule step changes a weight by alpha R err; a 1e-4 relative rate difference moves it by < alpha (R + |err|) 1e-4 R
    for (let i = 0; i < cpu.W.length; i++) expect(Math.abs(gpu.W[i]! - cpu.W[i]!)).toBeLessThanOrEqual(2 * 5e-4 * 100 * 1e-4 * 100 + 1e-6);
    gpu.destroy();
  });

  it('with OU noise: the same draws (noise within the Box-Muller bound), trial means and weights within the derived bounds', async () => {
    const spec = validateRateSpec(soldadoSpec({ name: 'g', batch: 4, rule: 'cross-homeostatic', trials: 2, init: constInit(SOLDADO.setpointWeights) }));
    const m = deriveRate(spec);
    const { cpu, gpu } = await runBoth(dev.device, m, 2);
    const pE = m.pops[0]!;
    const du = ouBound(pE.ouA, pE.ouS);
    const noise = await gpu.noise();
    for (let i = 0; i < noise.length; i++) expect(Math.abs(noise[i]! - cpu.ou[i]!)).toBeLessThanOrEqual(du);
    // the networks differ in their noise only (same weights): GPU draws are the CPU draws, not others
    expect(Math.max(...[2, 4, 6].map((k) => Math.abs(noise[0]! - noise[k]!)))).toBeGreaterThan(10 * du);
    // linear response at the set point: |dE/du|, |dI/du| <= 1/det * (|1 + gI W_II| gE + ...) < 8; trial means average the difference
    const rateBound = 8 * 2 * du;
    for (let i = 0; i < cpu.mean.length; i++) expect(Math.abs(gpu.mean[i]! - cpu.mean[i]!)).toBeLessThanOrEqual(rateBound);
    // two rule steps: |dW| <= 2 alpha (R + |err|) rateBound with R + |err| < 30 Hz
    for (let i = 0; i < cpu.W.length; i++) expect(Math.abs(gpu.W[i]! - cpu.W[i]!)).toBeLessThanOrEqual(2 * 5e-4 * 30 * rateBound);
    gpu.destroy();
  });

  it('multi-unit networks (sequential populations, no autapses, fan-in floors): noise-free trial means and weights agree', async () => {
    const init = [0, 1, 2, 3].map(() => ({ kind: 'uniform', lo: 0, hi: 0.64 }) as RateInit) as [RateInit, RateInit, RateInit, RateInit];
    const spec = validateRateSpec(soldadoSpec({ name: 'g', n: [8, 4], batch: 2, noise: false, rule: 'two-term', alphaE: 1e-3, trials: 2, trial_ms: 600, init }));
    spec.trials.window_ms = 200;
    const m = deriveRate(spec);
    const { cpu, gpu } = await runBoth(dev.device, m, 2);
    for (let i = 0; i < cpu.mean.length; i++) expect(Math.abs(gpu.mean[i]! - cpu.mean[i]!)).toBeLessThanOrEqual(1e-3 * Math.max(1, cpu.mean[i]!));
    for (let i = 0; i < cpu.W.length; i++) expect(Math.abs(gpu.W[i]! - cpu.W[i]!)).toBeLessThanOrEqual(1e-5);
    expect(cpu.W[0]).toBe(0); // autapse stays 0
    expect(gpu.W[0]).toBe(0);
    gpu.destroy();
  });

  /** Fig S4's inputs: the kick every trial at 200 ms (forced) and Poisson kicks at rate_Hz (10 ms, amp 7). */
  const kickSpec = (o: { rate_Hz: number; online: boolean; trial_ms: number; trials: number }) => {
    const list = (k: number): RateInit => ({ kind: 'list', values: [SOLDADO.fig1[k]!, SOLDADO.setpointWeights[k]!, SOLDADO.codeInit[k]!] });
    const s = soldadoSpec({ name: 'k', noise: false, batch: 3, trials: o.trials, trial_ms: o.trial_ms, traceTrials: [1], init: [list(0), list(1), list(2), list(3)], ...(o.online ? { rule: 'cross-homeostatic', kind: 'online', alphaE: 5e-6 } : {}) });
    s.inputs = [{ kind: 'poisson-pulse', target: 'E', rate_Hz: o.rate_Hz, duration_ms: 10, amp: 7, forced_ms: [200] }];
    s.trials.window_ms = 500;
    return deriveRate(validateRateSpec(s));
  };
  /** Samples of network 0's trace (every 10 steps = 1 ms) where E starts rising by more than 0.2 Hz per ms: the kick onsets (noise-free, so E is flat between them). */
  const onsets = (tr: Float32Array, U: number): number[] => {
    const out: number[] = [];
    const d = (k: number) => tr[k * U]! - tr[(k - 1) * U]!;
    for (let k = 2; k < tr.length / U; k++) if (d(k) > 0.2 && d(k - 1) <= 0.2) out.push(k);
    return out;
  };

  it('Poisson kicks and forced onsets (Fig S4): the same onsets as the CPU, trial means within the noise-free bound', async () => {
    const m = kickSpec({ rate_Hz: 2, online: false, trial_ms: 2000, trials: 2 });
    const cpu = new CpuRateEngine(m);
    const gpu = new GpuRateEngine(dev.device, m);
    const n = Math.ceil(m.trialSteps / m.traceEvery) * m.U;
    const trC = new Float32Array(n);
    const trG = new Float32Array(n);
    for (let t = 0; t < 2; t++) {
      cpu.runTrial(t === 1 ? trC : undefined);
      await gpu.runTrial(t === 1 ? trG : undefined);
    }
    await gpu.sync();
    const on = onsets(trC, m.U);
    expect(on.length).toBeGreaterThan(1); // the forced onset and Poisson ones (2 Hz over 2 s)
    expect(onsets(trG, m.U)).toEqual(on);
    // noise-free: the same arithmetic up to FMA fusion of r + (f - r) k (1 ulp per step, contracted by the stable dynamics)
    for (let i = 0; i < trC.length; i++) expect(Math.abs(trG[i]! - trC[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, trC[i]!));
    for (let i = 0; i < cpu.mean.length; i++) expect(Math.abs(gpu.mean[i]! - cpu.mean[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, cpu.mean[i]!));
    gpu.destroy();
  });

  it('online rule (Fig S4, calcium sensor and rule every step) with kicks: weights within the derived bound', async () => {
    const m = kickSpec({ rate_Hz: 1, online: true, trial_ms: 3000, trials: 1 });
    const { cpu, gpu } = await runBoth(dev.device, m, 1);
    let moved = 0;
    let worst = 0;
    for (let i = 0; i < cpu.W.length; i++) {
      moved = Math.max(moved, Math.abs(cpu.W[i]! - gpu.W[i]!));
      worst = Math.max(worst, Math.abs(cpu.W[i]! - new CpuRateEngine(m).W[i]!));
    }
    expect(worst).toBeGreaterThan(1e-3); // the rule did move the weights
    // Bound: the same f32 operations in the same order, except that a GPU may fuse a multiply-add (FMA): then each of
    // the two rule terms of a step rounds once instead of twice, at most 1 ulp of W each. Noise-free, the rates are
    // identical up to the same fusion (contracted by the stable dynamics), so over n steps |dW| <= 2 n ulp(max W).
    // (SwiftShader does not fuse: 0 there.)
    const maxW = Math.max(...cpu.W);
    const ulp = 2 ** (Math.floor(Math.log2(maxW)) - 23);
    const bound = 2 * m.trialSteps * ulp;
    expect(moved).toBeLessThanOrEqual(bound);
    for (let i = 0; i < cpu.avg.length; i++) expect(Math.abs(gpu.avg[i]! - cpu.avg[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, cpu.avg[i]!));
    gpu.destroy();
  });

  it("the registered 'webgpu' rate engine through runRate: a trial-3 checkpoint resumes bit-identically on the GPU", async () => {
    const spec = validateRateSpec(soldadoSpec({ name: 'g', batch: 3, rule: 'cross-homeostatic', alphaE: 2e-3, trials: 6, trial_ms: 600, traceTrials: [2, 6], init: constInit(SOLDADO.codeInit) }));
    const o = { backend: 'webgpu', engineOptions: { device: dev.device } };
    const full = await runRate(spec, o);
    expect(full.backend).toBe('webgpu');
    const every = 3 * deriveRate(spec).trialSteps;
    let snap: EngineSnapshot | null = null;
    await runRate(spec, { ...o, checkpoint: { everySteps: every, write: (x) => void (snap ??= { ...x, arrays: Object.fromEntries(Object.entries(x.arrays).map(([k, v]) => [k, v.slice()])) }) }, shouldStop: () => (snap ? 'SIGTERM' : null) });
    expect(snap!.backend).toBe('webgpu');
    const resumed = await runRate(spec, { ...o, resumeFrom: { snapshot: snap!, wall_s: 0 } });
    for (const k of ['trialMean_Hz', 'weightSum', 'finalWeights', 'finalAvg_Hz'] as const) expect(resumed.recordings[k], k).toEqual(full.recordings[k]);
    expect(resumed.recordings.traces[1]!.data).toEqual(full.recordings.traces[1]!.data);
  });

  it("the 'webgpu' rate engine stopped after trial 2 of 5 without a checkpoint: B x 2 x ... arrays equal to the full run's first 2 trials, no zero rows", async () => {
    // 1.1 s trials (11 000 steps): one trial per chunk, so the stop lands right after trial 2
    const spec = validateRateSpec(soldadoSpec({ name: 'g', batch: 3, rule: 'cross-homeostatic', alphaE: 2e-3, trials: 5, trial_ms: 1100, init: constInit(SOLDADO.codeInit) }));
    const o = { backend: 'webgpu', engineOptions: { device: dev.device } };
    const full = await runRate(spec, o);
    let done = 0;
    const r = await runRate(spec, { ...o, onTrial: (t) => void (done = t), shouldStop: () => (done >= 2 ? 'SIGINT' : null) });
    expect(r.backend).toBe('webgpu');
    expect([r.recordings.trials, r.recordings.trialsRequested]).toEqual([2, 5]);
    for (const [k, w] of [['trialMean_Hz', 2], ['trialAvg_Hz', 2], ['weightSum', 4]] as const) {
      const a = r.recordings[k];
      expect(a.length, k).toBe(3 * 2 * w);
      for (let b = 0; b < 3; b++) {
        const got = Array.from(a.subarray(b * 2 * w, (b + 1) * 2 * w));
        expect(got, `${k} network ${b}`).toEqual(Array.from(full.recordings[k].subarray(b * 5 * w, (b * 5 + 2) * w)));
        for (let t = 0; t < 2; t++) expect(got.slice(t * w, (t + 1) * w).some((x) => x !== 0), `${k} network ${b} trial ${t + 1}`).toBe(true);
      }
    }
  });

  it('normal initial weights (authors\' multi-unit init): the GPU buffer holds exactly the host draws the CPU engine uses', async () => {
    const spec = validateRateSpec(soldadoSpec({ name: 'g', n: [16, 4], batch: 3, seed: 44, rule: 'cross-homeostatic', trials: 1, init: MULTI_INIT }));
    const m = deriveRate(spec);
    const cpu = new CpuRateEngine(m);
    const gpu = new GpuRateEngine(dev.device, m);
    await gpu.sync(); // reads W back from the device buffer, no trial run
    expect(gpu.W.length).toBe(cpu.W.length);
    expect(Array.from(gpu.W)).toEqual(Array.from(cpu.W));
    expect(new Set(cpu.W).size).toBeGreaterThan(m.B * (m.nW - 20) - 10); // drawn, not constant
    gpu.destroy();
  });

  it('refuses a batch that does not fit the device, naming the field', () => {
    const spec = validateRateSpec(soldadoSpec({ name: 'g', n: [1000, 250], batch: 1 }));
    const m = { ...deriveRate(spec), B: Math.ceil(dev.device.limits.maxStorageBufferBindingSize / (deriveRate(spec).nW * 4)) + 1 };
    expect(() => new GpuRateEngine(dev.device, m)).toThrow(/batch = \d+: allowed a batch whose weights/);
  });
});
