// A run watched while it goes: advances an engine in chunks sized to a wall-time budget, and hands out
// snapshots holding only what is new since the last one (bins, raster spikes) plus running statistics
// against theory. DOM-free: the browser app uses it in a Web Worker (CPU engine) or on the main thread
// (WebGPU engine); the final result is what the CLI writes (summary, .npy arrays, figures, report).
import type { BuiltNetwork } from '../network/network.ts';
import { RunGuardError, type Engine } from '../engine/engine.ts';
import { spikingRecordings, type PopulationLayout, type Recordings } from '../record/recordings.ts';
import type { RunResult } from './simulation.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { runArrays, summarizeRun, type RunMeta, type RunSummary } from '../output/runOutput.ts';
import { renderReportFor } from '../output/runReport.ts';
import { runFigures, type Figure } from '../output/runFigures.ts';
import { runCheck, type RunCheck } from '../output/runCheck.ts';
import { liveStats, type LiveStats } from './liveStats.ts';
import { theoryFor, type RunTheory } from '../theory/adapters/theoryFor.ts';
import { weightTrajectory, type WeightCurve } from '../theory/adapters/weightTrajectory.ts';
import { nnzOf } from '../network/connectivity.ts';

/** What does not change during a run: sent once, before the first snapshot. */
export interface RunInfo {
  spec: NetworkSpec;
  backend: string; // the engine's registered name
  device: string;
  build_s: number;
  nSteps: number;
  dt_ms: number;
  bin_ms: number;
  statsStart_s: number;
  synapses: number;
  populations: PopulationLayout[];
  channels: string[]; // current channels (source names)
  plasticNames: string[];
  rasterNeurons: Int32Array;
  weightSamples: number;
  theory: RunTheory | { error: string }; // with the initial weights
  weightCurve: WeightCurve | { error: string };
}

/** What happened since the previous snapshot. */
export interface Snapshot {
  step: number;
  simTime_s: number;
  wall_s: number; // time spent advancing (pauses excluded)
  rtf: number; // wall / simulated
  firstBin: number; // index of the first new bin
  rate_Hz: Float64Array; // new bins x populations
  currents: Float64Array; // new bins x populations x channels
  jMean: Float64Array; // new bins x plastic projections
  jSample: Float32Array | null; // the last bin's sampled weights (plastic x weightSamples), when new bins came
  rasterSteps: Int32Array; // new raster spikes
  rasterIds: Int32Array;
  stats: LiveStats | null; // when new count windows completed
}

export type { LiveStats };

export interface FinalResult {
  summary: RunSummary;
  arrays: { name: string; data: Float32Array | Float64Array | Int32Array | Uint16Array | Uint32Array; shape: number[] }[];
  figures: Figure[];
  reportHtml: string;
  check: RunCheck;
  finalWeights: { name: string; j: Float32Array }[];
}

export class LiveRun {
  private wallMs = 0;
  private chunk: number;
  private sentBins = 0;
  private sentRaster = 0;
  private statsWindows = 0;
  stoppedBy: RunResult['stoppedBy'] = null;
  readonly info: RunInfo;

  constructor(readonly spec: NetworkSpec, readonly net: BuiltNetwork, readonly engine: Engine, build_s: number) {
    const d = net.derived;
    this.chunk = Math.max(1, Math.round(d.binSteps / 10));
    const theory = theoryFor(spec, spec.populations.map(() => 1));
    this.info = {
      spec,
      backend: engine.backend,
      device: engine.device,
      build_s,
      nSteps: d.nSteps,
      dt_ms: d.dt_ms,
      bin_ms: spec.recording.bin_ms,
      statsStart_s: spec.recording.statsStart_s,
      synapses: net.csr.reduce((a, c) => a + nnzOf(c), 0),
      populations: d.pops.map((p) => ({ name: p.name, offset: p.offset, size: p.size })),
      channels: d.channels.map((c) => c.name),
      plasticNames: d.projections.filter((p) => p.plastic).map((p) => p.name),
      rasterNeurons: net.rasterNeurons,
      weightSamples: spec.recording.weightSamples,
      theory,
      weightCurve: weightTrajectory(spec),
    };
  }

  get done(): boolean {
    return this.stoppedBy !== null || this.engine.step >= this.info.nSteps;
  }

  /** Advances one chunk sized to take about budget_ms; a run guard ends the run (kept in stoppedBy). */
  async advance(budget_ms = 80): Promise<void> {
    if (this.done) return;
    const steps = Math.min(this.chunk, this.info.nSteps - this.engine.step);
    const t0 = performance.now();
    try {
      await this.engine.advance(steps);
    } catch (e) {
      if (!(e instanceof RunGuardError)) throw e;
      this.stoppedBy = { guard: e.guard, step: e.step, where: e.where, value: e.value, message: e.message };
    }
    const ms = performance.now() - t0;
    this.wallMs += ms;
    const perStep = ms / steps;
    this.chunk = Math.max(1, Math.min(this.info.nSteps, Math.round(budget_ms / Math.max(perStep, 1e-4))));
  }

  /**
   * The recordings so far. Both engines feed a host-side Recorder as they advance (`recorder.rec`); reading
   * it in place avoids recordings(), which copies every final weight (and on the GPU reads back all state).
   */
  private async rec(): Promise<Recordings> {
    const own = (this.engine as { recorder?: { rec?: Recordings } }).recorder?.rec;
    return own ?? spikingRecordings(await this.engine.recordings(), 'the live view (raster, spike statistics)');
  }

  /** Everything new since the last snapshot (copies, safe to transfer). */
  async snapshot(): Promise<Snapshot> {
    const rec = await this.rec();
    const s = rec.series;
    const np = rec.populations.length;
    const nc = s.channels.length;
    const nk = rec.plasticNames.length;
    const ws = this.info.weightSamples;
    const b0 = this.sentBins;
    const b1 = s.nBins;
    const r0 = this.sentRaster;
    const r1 = rec.raster.count;
    this.sentBins = b1;
    this.sentRaster = r1;
    const newWindows = rec.windows.nWindows >= 2 && rec.windows.nWindows > this.statsWindows;
    if (newWindows) this.statsWindows = rec.windows.nWindows;
    const simTime_s = (this.engine.step * rec.dt_ms) / 1000;
    const wall_s = this.wallMs / 1000;
    return {
      step: this.engine.step,
      simTime_s,
      wall_s,
      rtf: simTime_s > 0 ? wall_s / simTime_s : 0,
      firstBin: b0,
      rate_Hz: s.rate_Hz.slice(b0 * np, b1 * np),
      currents: s.currents.slice(b0 * np * nc, b1 * np * nc),
      jMean: s.jMean.slice(b0 * nk, b1 * nk),
      jSample: b1 > b0 && nk > 0 ? s.jSample.slice((b1 - 1) * nk * ws, b1 * nk * ws) : null,
      rasterSteps: rec.raster.steps.slice(r0, r1),
      rasterIds: rec.raster.ids.slice(r0, r1),
      stats: newWindows ? liveStats(this.spec, rec) : null,
    };
  }

  /** The finished run as files: summary.json, .npy arrays, SVG figures, report.html, and check numbers. */
  async finish(meta: RunMeta): Promise<FinalResult> {
    const recordings = spikingRecordings(await this.engine.recordings(), 'the app (summary, arrays, figures)');
    const r: RunResult = {
      spec: this.spec,
      net: this.net,
      recordings,
      backend: this.engine.backend,
      device: this.engine.device,
      ...(this.engine.meta ? { engineMeta: this.engine.meta } : {}),
      wall_s: this.wallMs / 1000,
      build_s: this.info.build_s,
      stoppedBy: this.stoppedBy,
    };
    const { summary, analysis } = summarizeRun(r, meta);
    const arrays = runArrays(r, analysis).map((a) => ({ ...a, data: a.data.slice() }));
    return {
      summary,
      arrays,
      figures: runFigures(r, summary, this.info.weightCurve),
      reportHtml: renderReportFor(r, summary),
      check: runCheck(r, summary),
      finalWeights: recordings.finalWeights.map((w) => ({ name: w.name, j: w.j.slice() })),
    };
  }
}
