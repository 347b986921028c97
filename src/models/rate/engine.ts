// RateEngine: the rate networks' Engine (src/engine/engine.ts), registered as 'cpu' and 'webgpu' for model kind
// 'rate' (register.ts). It wraps a rate back end (the CPU reference cpu.ts or the WGSL twin gpu.ts), advances in
// whole trials (a run's step count is trials x trialSteps), records every trial (RateRecordings) and returns them
// as CoreRecordings (no spike part), so rate runs go through the same run loop (driveEngine in
// src/pipeline/simulation.ts), checkpoints and stop requests as spiking runs.
import type { Engine } from '../../engine/engine.ts';
import { restoreInto, snapArray, snapScalar, SnapshotError, type EngineSnapshot, type SnapshotArray } from '../../engine/snapshot.ts';
import type { CoreRecordings } from '../../record/recordings.ts';
import type { RateModel } from './derive.ts';

/** The state of a rate back end at a trial boundary, in the CPU reference's layout (B x nW, B x U). */
export interface RateState {
  W: Float32Array;
  r: Float32Array; // rates (the next trial resets them when trials.resetRates)
  ou: Float32Array; // OU noise (continues across trials)
  avg: Float32Array; // cross-trial average (trial rules) or calcium sensor (online rule)
  mean: Float32Array; // last trial mean
}

/** What the rate engine needs of a back end (CPU reference or WebGPU twin). */
export interface RateEngineLike {
  readonly W: Float32Array;
  readonly mean: Float32Array;
  readonly avg: Float32Array;
  runTrial(trace?: Float32Array): void | Promise<void>;
  /** Brings W, mean and avg up to date on the host (no-op on the CPU). */
  sync?(): Promise<void>;
  /** Checkpoints: the complete state at a trial boundary (copies or views valid until the next trial). */
  exportState?(): Promise<RateState>;
  /** Restores exportState()'s layout before trial `trial` (0-based trials completed). */
  importState?(s: RateState, trial: number): Promise<void>;
  destroy?(): void;
}

export interface RateRecordings {
  /** Trials recorded: the trials that ran (fewer than trialsRequested when the run was stopped); the stride of the per-trial arrays. */
  trials: number;
  /** The spec's trials.count. */
  trialsRequested: number;
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

/** A rate engine's recordings: the core part (series = network 0's trial means, one bin per trial) and `rate`, all of it. */
export interface RateCoreRecordings extends CoreRecordings {
  rate: RateRecordings;
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

/** The first n of T trials of a B x T x k array (k = a.length / (B T)), as B x n x k. */
export function truncateTrials(a: Float32Array, B: number, T: number, n: number): Float32Array {
  const k = T > 0 ? a.length / (B * T) : 0;
  const out = new Float32Array(B * n * k);
  for (let b = 0; b < B; b++) out.set(a.subarray(b * T * k, (b * T + n) * k), b * n * k);
  return out;
}

const STATE_KEYS = ['W', 'r', 'ou', 'avg', 'mean'] as const;
const REC_KEYS = ['trialMean_Hz', 'trialAvg_Hz', 'weightSum', 'initialWeights'] as const;

export class RateEngine implements Engine {
  private trials = 0; // completed
  /** Called after every trial with the live recordings (trials 1..trial filled); awaited (a page can pause here). */
  onTrial?: (trial: number, total: number, rec: RateRecordings) => unknown;
  private readonly rec: RateRecordings;
  private readonly T: number;

  constructor(
    readonly m: RateModel,
    private readonly inner: RateEngineLike,
    readonly backend: string,
    readonly device: string,
  ) {
    this.T = m.spec.trials.count;
    const P = m.pops.length;
    this.rec = {
      trials: this.T,
      trialsRequested: this.T,
      popNames: m.pops.map((p) => p.name),
      blockNames: m.spec.weights.map((w) => `${w.post}<-${w.pre}`),
      trialMean_Hz: new Float32Array(m.B * this.T * P),
      trialAvg_Hz: new Float32Array(m.B * this.T * P),
      weightSum: new Float32Array(m.B * this.T * m.blocks.length),
      finalWeights: new Float32Array(0),
      finalMean_Hz: new Float32Array(0),
      finalAvg_Hz: new Float32Array(0),
      initialWeights: Float32Array.from(inner.W),
      traces: [],
    };
    if (!inner.exportState) (this as { snapshot?: unknown }).snapshot = undefined;
    if (!inner.importState) (this as { restore?: unknown }).restore = undefined;
  }

  get step(): number {
    return this.trials * this.m.trialSteps;
  }

  /** Runs steps / trialSteps whole trials (never past the last); `steps` must be a multiple of trialSteps. */
  async advance(steps: number): Promise<void> {
    const ts = this.m.trialSteps;
    if (!Number.isInteger(steps) || steps < 0 || steps % ts !== 0) throw new RangeError(`the rate engine advances in whole trials of ${ts} steps; asked for ${steps}`);
    let last = performance.now();
    for (let k = 0; k < steps / ts && this.trials < this.T; k++) {
      if (performance.now() - last > 100) {
        await new Promise((res) => setTimeout(res, 0)); // let timers and IPC run between trials (long CPU trials)
        last = performance.now();
      }
      await this.runOne();
    }
  }

  private async runOne(): Promise<void> {
    const m = this.m;
    const t = this.trials;
    const P = m.pops.length;
    const nB = m.blocks.length;
    const rec = this.rec;
    const trace = m.spec.recording.traceTrials.includes(t + 1) ? new Float32Array(Math.ceil(m.trialSteps / m.traceEvery) * m.U) : undefined;
    await this.inner.runTrial(trace);
    await this.inner.sync?.();
    if (trace) rec.traces.push({ trial: t + 1, every_steps: m.traceEvery, data: trace });
    const eng = this.inner;
    for (let b = 0; b < m.B; b++) {
      popMeans(m, eng.mean, b, rec.trialMean_Hz, (b * this.T + t) * P);
      popMeans(m, eng.avg, b, rec.trialAvg_Hz, (b * this.T + t) * P);
      blockWeightSums(m, eng.W, b, rec.weightSum, (b * this.T + t) * nB);
    }
    this.trials++;
    await this.onTrial?.(this.trials, this.T, rec);
  }

  /**
   * The rate recordings so far (final* = the current state): the per-trial arrays hold the trials that ran only
   * (B x trials x ..., trials = completed), so a stopped run has no rows of trials that never ran.
   */
  rateRecordings(): RateRecordings {
    const n = this.trials;
    const rows = (a: Float32Array): Float32Array => (n === this.T ? Float32Array.from(a) : truncateTrials(a, this.m.B, this.T, n));
    return {
      ...this.rec,
      trials: n,
      trialMean_Hz: rows(this.rec.trialMean_Hz),
      trialAvg_Hz: rows(this.rec.trialAvg_Hz),
      weightSum: rows(this.rec.weightSum),
      traces: [...this.rec.traces],
      finalWeights: Float32Array.from(this.inner.W),
      finalMean_Hz: Float32Array.from(this.inner.mean),
      finalAvg_Hz: Float32Array.from(this.inner.avg),
    };
  }

  async recordings(): Promise<RateCoreRecordings> {
    const m = this.m;
    const rate = this.rateRecordings();
    const P = m.pops.length;
    const nT = this.trials;
    const plastic = m.spec.plasticity !== null;
    const rate_Hz = new Float64Array(nT * P);
    for (let t = 0; t < nT; t++) for (let p = 0; p < P; p++) rate_Hz[t * P + p] = rate.trialMean_Hz[t * P + p]!; // network 0
    const nB = m.blocks.length;
    const jMean = new Float64Array(plastic ? nT * nB : 0);
    if (plastic) for (let t = 0; t < nT; t++) for (let k = 0; k < nB; k++) jMean[t * nB + k] = rate.weightSum[t * nB + k]!;
    return {
      steps: this.step,
      dt_ms: m.spec.dt_ms,
      statsStart_step: 0,
      populations: m.pops.map((p) => ({ name: p.name, offset: p.offset, size: p.n })),
      series: { bin_ms: m.spec.trials.duration_ms, nBins: nT, rate_Hz, currents: new Float64Array(0), channels: [], jMean, jSample: new Float32Array(0) },
      plasticNames: plastic ? rate.blockNames : [],
      finalWeights: plastic
        ? m.blocks.map((blk, k) => {
            const nPost = m.pops[blk.post]!.n;
            const nPre = m.pops[blk.pre]!.n;
            const pre = new Int32Array(nPost * nPre);
            const post = new Int32Array(nPost * nPre);
            for (let i = 0; i < nPost; i++) for (let j = 0; j < nPre; j++) ((pre[i * nPre + j] = m.pops[blk.pre]!.offset + j), (post[i * nPre + j] = m.pops[blk.post]!.offset + i));
            return { name: rate.blockNames[k]!, j: rate.finalWeights.slice(blk.wOff, blk.wOff + nPost * nPre), pre, post };
          })
        : [],
      rate,
    };
  }

  /** The state and recordings at the current trial boundary (engine-neutral: any rate engine restores it). */
  async snapshot(): Promise<EngineSnapshot> {
    const s = await this.inner.exportState!();
    const arrays: Record<string, SnapshotArray> = {};
    for (const k of STATE_KEYS) arrays[`rate.${k}`] = Float32Array.from(s[k]);
    for (const k of REC_KEYS) arrays[`rec.${k}`] = Float32Array.from(this.rec[k]);
    for (const tr of this.rec.traces) arrays[`rec.trace.${tr.trial}`] = Float32Array.from(tr.data);
    return { backend: this.backend, step: this.step, scalars: { 'rate.trial': this.trials }, arrays };
  }

  /** Restores a snapshot of a run of the same spec (every array checked for presence, type and size first). */
  async restore(s: EngineSnapshot): Promise<void> {
    const m = this.m;
    const trial = snapScalar(s, 'rate.trial');
    if (!Number.isInteger(trial) || trial < 0 || trial > this.T) throw new SnapshotError(`snapshot trial ${trial} is outside this run's [0, ${this.T}]`);
    if (s.step !== trial * m.trialSteps) throw new SnapshotError(`snapshot step ${s.step} is not trial ${trial} x ${m.trialSteps} steps of this spec`);
    const sizes = { W: m.B * m.nW, r: m.B * m.U, ou: m.B * m.U, avg: m.B * m.U, mean: m.B * m.U };
    const st = Object.fromEntries(STATE_KEYS.map((k) => [k, snapArray<Float32Array>(s, `rate.${k}`, Float32Array, sizes[k])])) as unknown as RateState;
    for (const k of REC_KEYS) snapArray(s, `rec.${k}`, Float32Array, this.rec[k].length);
    const traceLen = Math.ceil(m.trialSteps / m.traceEvery) * m.U;
    const traces = m.spec.recording.traceTrials.filter((t) => t <= trial).map((t) => ({ trial: t, every_steps: m.traceEvery, data: Float32Array.from(snapArray<Float32Array>(s, `rec.trace.${t}`, Float32Array, traceLen)) }));
    await this.inner.importState!(st, trial);
    for (const k of REC_KEYS) restoreInto(s, `rec.${k}`, this.rec[k]);
    this.rec.traces = traces;
    this.trials = trial;
  }

  dispose(): void {
    this.inner.destroy?.();
  }
}
