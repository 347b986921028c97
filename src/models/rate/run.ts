// runRate(spec): runs every trial of a rate spec on an engine (the CPU reference here; the WebGPU twin plugs in
// through RateEngineLike) and collects the per-trial recordings.
import { CpuRateEngine } from './cpu.ts';
import { deriveRate, type RateModel } from './derive.ts';
import type { RateSpec } from './spec.ts';

/** What the runner needs of an engine (CPU reference or WebGPU twin). */
export interface RateEngineLike {
  readonly W: Float32Array;
  readonly mean: Float32Array;
  readonly avg: Float32Array;
  runTrial(trace?: Float32Array): void | Promise<void>;
  /** Brings W, mean and avg up to date on the host (no-op on the CPU). */
  sync?(): Promise<void>;
}

export interface RateRecordings {
  trials: number;
  popNames: string[];
  blockNames: string[]; // "post<-pre"
  /** Population mean of each unit's trial mean (B x trials x P). */
  trialMean_Hz: Float32Array;
  /** Population mean of the cross-trial average the rule sees (B x trials x P). */
  trialAvg_Hz: Float32Array;
  /** Mean total input weight per post unit, W summed over pre (B x trials x blocks); the weight itself for one-unit populations. */
  weightSum: Float32Array;
  finalWeights: Float32Array; // B x nW
  finalMean_Hz: Float32Array; // B x U: last trial mean per unit
  finalAvg_Hz: Float32Array; // B x U
  initialWeights: Float32Array; // B x nW
  traces: { trial: number; every_steps: number; data: Float32Array }[]; // network 0: steps/every x U
}

export interface RateResult {
  spec: RateSpec;
  model: RateModel;
  recordings: RateRecordings;
  backend: string;
  device: string;
  wall_s: number;
}

export interface RateRunOptions {
  engine?: (m: RateModel) => RateEngineLike; // default: CPU reference
  backend?: string;
  device?: string;
  /** After each trial, with the recordings so far (trials 1..trial filled); awaited (a page can pause here). */
  onTrial?: (trial: number, total: number, rec: RateRecordings) => unknown;
}

/** Row sums of every post unit, averaged over post units, for each block of network b. */
export function blockWeightSums(m: RateModel, W: Float32Array, b: number, out: Float32Array, at: number): void {
  m.blocks.forEach((blk, k) => {
    const nPost = m.pops[blk.post]!.n;
    const nPre = m.pops[blk.pre]!.n;
    let s = 0;
    const base = b * m.nW + blk.wOff;
    for (let q = 0; q < nPost * nPre; q++) s += W[base + q]!;
    out[at + k] = s / nPost;
  });
}

function popMeans(m: RateModel, v: Float32Array, b: number, out: Float32Array, at: number): void {
  m.pops.forEach((p, k) => {
    let s = 0;
    for (let i = 0; i < p.n; i++) s += v[b * m.U + p.offset + i]!;
    out[at + k] = s / p.n;
  });
}

export async function runRate(spec: RateSpec, o: RateRunOptions = {}): Promise<RateResult> {
  const m = deriveRate(spec);
  const eng: RateEngineLike = o.engine ? o.engine(m) : new CpuRateEngine(m);
  const T = spec.trials.count;
  const P = m.pops.length;
  const nB = m.blocks.length;
  const rec: RateRecordings = {
    trials: T,
    popNames: m.pops.map((p) => p.name),
    blockNames: spec.weights.map((w) => `${w.post}<-${w.pre}`),
    trialMean_Hz: new Float32Array(m.B * T * P),
    trialAvg_Hz: new Float32Array(m.B * T * P),
    weightSum: new Float32Array(m.B * T * nB),
    finalWeights: new Float32Array(0),
    finalMean_Hz: new Float32Array(0),
    finalAvg_Hz: new Float32Array(0),
    initialWeights: Float32Array.from(eng.W),
    traces: [],
  };
  const t0 = performance.now();
  let lastYield = t0;
  for (let t = 0; t < T; t++) {
    if (performance.now() - lastYield > 100) {
      await new Promise((res) => setTimeout(res, 0)); // let timers and IPC run between trials (long CPU runs)
      lastYield = performance.now();
    }
    const want = spec.recording.traceTrials.includes(t + 1);
    const trace = want ? new Float32Array(Math.ceil(m.trialSteps / m.traceEvery) * m.U) : undefined;
    await eng.runTrial(trace);
    await eng.sync?.();
    if (trace) rec.traces.push({ trial: t + 1, every_steps: m.traceEvery, data: trace });
    for (let b = 0; b < m.B; b++) {
      popMeans(m, eng.mean, b, rec.trialMean_Hz, (b * T + t) * P);
      popMeans(m, eng.avg, b, rec.trialAvg_Hz, (b * T + t) * P);
      blockWeightSums(m, eng.W, b, rec.weightSum, (b * T + t) * nB);
    }
    await o.onTrial?.(t + 1, T, rec);
  }
  rec.finalWeights = Float32Array.from(eng.W);
  rec.finalMean_Hz = Float32Array.from(eng.mean);
  rec.finalAvg_Hz = Float32Array.from(eng.avg);
  return { spec, model: m, recordings: rec, backend: o.backend ?? 'cpu', device: o.device ?? 'cpu (JavaScript, Float32 reference)', wall_s: (performance.now() - t0) / 1000 };
}
