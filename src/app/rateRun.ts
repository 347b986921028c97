// Rate models in the page (issues 16 and 17): the Soldado-Magraner rate networks (kind 'rate') and the Binas WTA
// circuits (kind 'binas') run through the rate model's own public functions (runRate, analyseBinas) on the CPU
// reference in a Web Worker, or on the WebGPU twin on the main thread. This file is only the glue: info up front,
// the recordings so far after each trial (at most ~7 posts a second), the final numbers and downloads' data.
import { analyseBinas, type BinasAnalysis } from '../models/binas/run.ts';
import { binasPatterns, binasToRateSpec } from '../models/binas/build.ts';
import { classOf } from '../models/binas/run.ts';
import type { BinasSpec } from '../models/binas/spec.ts';
import { validateBinasSpec } from '../models/binas/validate.ts';
import { deriveRate, type RateModel } from '../models/rate/derive.ts';
import { rateArrays, renderRateReport, soldadoParamsOf, summarizeRate, type RateSummary } from '../models/rate/output.ts';
import { runRate, type RateEngineLike, type RateRecordings, type RateResult } from '../models/rate/run.ts';
import type { RateSpec } from '../models/rate/spec.ts';
import { validateRateSpec } from '../models/rate/validate.ts';
import type { SoldadoParams } from '../theory/soldado.ts';
import type { RunMeta } from '../output/runOutput.ts';
import type { Control } from './drive.ts';
import type { NetworkSpec } from '../model/spec.ts';

export type ModelKind = 'spiking' | 'rate' | 'binas';

/** Any spec the app runs: a spiking network, a rate network or a Binas circuit. */
export type AppSpec = NetworkSpec | RateSpec | BinasSpec;

/** Which model a spec object is for (its `kind`; spiking when absent). */
export function kindOf(spec: unknown): ModelKind {
  const k = typeof spec === 'object' && spec !== null ? (spec as { kind?: unknown }).kind : undefined;
  return k === 'rate' ? 'rate' : k === 'binas' ? 'binas' : 'spiking';
}

/** Validates a rate or Binas spec (SpecError naming the field otherwise). */
export function validateRateLike(raw: unknown): RateSpec | BinasSpec {
  return kindOf(raw) === 'binas' ? validateBinasSpec(raw) : validateRateSpec(raw);
}

/** What the views need before the first trial. */
export interface RateInfo {
  kind: 'rate' | 'binas';
  name: string;
  seed: number;
  B: number;
  trials: number;
  trialSteps: number;
  dt_ms: number;
  traceEvery: number;
  U: number;
  pops: { name: string; offset: number; n: number; setpoint_Hz: number | null }[];
  blockNames: string[];
  soldado: SoldadoParams | null; // two-population E/I theory (set-point lines), when the spec has E and I
  device: string;
  // Binas only: input pattern rows (Hz, E order), E and I population indices, class of each block
  patterns?: number[][];
  ePops?: number[];
  iPops?: number[];
  blockClass?: string[];
  pattern_ms?: number;
}

export interface RateProgress {
  trial: number;
  trials: number;
  wall_s: number;
  trialMean_Hz: Float32Array; // B x trials x P (filled to `trial`)
  weightSum: Float32Array; // B x trials x blocks
  trace: { trial: number; data: Float32Array } | null; // the newest traced trial, network 0 (steps x U)
}

export interface RateFinal {
  recordings: RateRecordings;
  binas: BinasAnalysis | null;
  summary: RateSummary | Record<string, unknown>;
  reportHtml: string | null;
  arrays: { name: string; data: Float32Array; shape: number[] }[];
  wall_s: number;
  /** Trials (patterns) completed: every per-trial array holds these only. */
  trials: number;
  /** Why the run ended before its last trial (the page's Stop, a guard), or null. */
  stopped: string | null;
}

export type RateMessage =
  | { type: 'rate-info'; info: RateInfo }
  | { type: 'rate-progress'; p: RateProgress }
  | { type: 'rate-done'; result: RateFinal }
  | { type: 'error'; message: string };

/** The rate spec a Binas or rate spec runs as, and its model. */
export function prepareRate(raw: unknown): { spec: RateSpec | BinasSpec; rate: RateSpec; model: RateModel } {
  const spec = validateRateLike(raw);
  const rate = spec.kind === 'binas' ? binasToRateSpec(spec) : spec;
  return { spec, rate, model: deriveRate(rate) };
}

/** Why the WebGPU rate engine cannot run this model (it runs on the CPU then), or null. */
export function gpuUnsupported(m: RateModel): string | null {
  if (m.kicks.length) return 'Poisson kicks run on the CPU rate engine only';
  if (m.rule?.kind === 'online') return 'the online rule (Fig S4) runs on the CPU rate engine only';
  return null;
}

function infoOf(spec: RateSpec | BinasSpec, rate: RateSpec, m: RateModel, device: string): RateInfo {
  const r = { spec: rate, model: m } as RateResult;
  const info: RateInfo = {
    kind: spec.kind === 'binas' ? 'binas' : 'rate',
    name: spec.name,
    seed: spec.seed,
    B: m.B,
    trials: rate.trials.count,
    trialSteps: m.trialSteps,
    dt_ms: rate.dt_ms,
    traceEvery: m.traceEvery,
    U: m.U,
    pops: m.pops.map((p) => ({ name: p.name, offset: p.offset, n: p.n, setpoint_Hz: Number.isFinite(p.setpoint) ? p.setpoint : null })),
    blockNames: rate.weights.map((w) => `${w.post}<-${w.pre}`),
    soldado: spec.kind === 'binas' ? null : soldadoParamsOf(r),
    device,
  };
  if (spec.kind === 'binas') {
    const names = m.pops.map((p) => p.name);
    info.patterns = binasPatterns(spec).slice(0, rate.trials.count);
    info.ePops = spec.groups.flatMap((g) => g.excitatory).map((n) => names.indexOf(n));
    info.iPops = spec.groups.map((g) => names.indexOf(g.inhibitory));
    info.blockClass = rate.weights.map((w) => classOf(spec, w.post, w.pre));
    info.pattern_ms = spec.protocol.pattern_ms;
  }
  return info;
}

/** Stops a run from inside its trial callback (Reset: nothing is reported). */
class Stopped extends Error {}

const POST_EVERY_MS = 150;

/**
 * Runs a rate or Binas spec: posts info, progress after trials (throttled; always after the last) and the final
 * result. `engine` builds the WebGPU twin (main thread); without it the CPU reference runs (the worker).
 * ctl.stop() (Reset) ends it silently; ctl.finish() (Stop) ends it after the trials in flight, as a SIGINT ends a
 * CLI run: the result holds the completed trials only (summary.json `trials`, `trialsRequested`, `stopped`).
 */
export async function driveRate(raw: unknown, meta: RunMeta, ctl: Control, post: (m: RateMessage, transfer: Transferable[]) => void, gpu?: { engine: (m: RateModel) => RateEngineLike; device: string }): Promise<void> {
  try {
    const { spec, rate, model } = prepareRate(raw);
    const device = gpu?.device ?? 'CPU rate engine (JavaScript, Float32 reference) in a Web Worker';
    post({ type: 'rate-info', info: infoOf(spec, rate, model, device) }, []);
    const t0 = performance.now();
    let last = 0;
    let lastTrace = 0;
    let posted = 0; // last trial posted as progress
    let pending: (() => void) | null = null; // posts the newest unposted trial (a stopped run's last one)
    const progress = (t: number, T: number, rec: RateRecordings, now: number) => {
      last = now;
      posted = t;
      const tr = rec.traces[rec.traces.length - 1];
      const fresh = tr && tr.trial !== lastTrace ? tr : null;
      if (fresh) lastTrace = fresh.trial;
      const p: RateProgress = { trial: t, trials: T, wall_s: (now - t0) / 1000, trialMean_Hz: rec.trialMean_Hz.slice(), weightSum: rec.weightSum.slice(), trace: fresh ? { trial: fresh.trial, data: fresh.data.slice() } : null };
      post({ type: 'rate-progress', p }, [p.trialMean_Hz.buffer, p.weightSum.buffer]);
    };
    const result = await runRate(rate, {
      ...(gpu ? { engine: gpu.engine, backend: 'webgpu', device: gpu.device } : { device }),
      shouldStop: () => (ctl.finishRequested ? 'stop from the page' : null),
      onTrial: async (t, T, rec) => {
        const now = performance.now();
        if (t === T || now - last >= POST_EVERY_MS) progress(t, T, rec, now);
        else pending = () => progress(t, T, rec, performance.now());
        await ctl.waitWhilePaused();
        if (ctl.stopped) throw new Stopped('stopped');
      },
    });
    if (ctl.stopped) return;
    if (result.interrupted && posted < result.recordings.trials) (pending as (() => void) | null)?.(); // the views show every completed trial
    const binas = spec.kind === 'binas' ? analyseBinas(spec, result) : null;
    const rateSummary = summarizeRate(result, meta);
    const summary = binas
      ? { kind: 'binas', name: spec.name, spec, backend: result.backend, device: result.device, wall_s: result.wall_s, trials: rateSummary.trials, trialsRequested: rateSummary.trialsRequested, stopped: rateSummary.stopped, accuracyFirst20s: binas.accuracyFirst, accuracyLast20s: binas.accuracyLast, hardLast20s: binas.hardLast, inhSyncLast20s: binas.inhSyncLast, oscillating: { first: binas.oscillatingFirst, last: binas.oscillatingLast }, accuracyByBlock: binas.accuracyByBlock, block: binas.block, weights: binas.weights, meta }
      : rateSummary;
    const reportHtml = binas ? null : renderRateReport(result, rateSummary);
    const stopped = rateSummary.stopped ? rateSummary.stopped.reason : null;
    post({ type: 'rate-done', result: { recordings: result.recordings, binas, summary, reportHtml, arrays: rateArrays(result), wall_s: result.wall_s, trials: result.recordings.trials, stopped } }, []);
  } catch (e) {
    if (e instanceof Stopped) return;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) }, []);
  }
}
