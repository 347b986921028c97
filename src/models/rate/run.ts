// runRate(spec): runs every trial of a rate spec through the shared run loop (driveEngine, src/pipeline/simulation.ts)
// on a rate engine from the engine registry (model kind 'rate': 'cpu' or 'webgpu', register.ts) and returns the
// per-trial recordings. Progress, checkpoints, resume and stop requests are the spiking runs' RunOptions.
import { createModelEngine } from '../../engine/engines.ts';
import type { EngineOptions } from '../../engine/registry.ts';
import { driveEngine, type RunOptions, type RunResult } from '../../pipeline/simulation.ts';
import { deriveRate, type RateModel } from './derive.ts';
import { RateEngine, type RateCoreRecordings, type RateEngineLike, type RateRecordings } from './engine.ts';
import type { RateSpec } from './spec.ts';
import { RATE_CPU_DEVICE } from './register.ts';

export { blockWeightSums, type RateEngineLike, type RateRecordings } from './engine.ts';

export interface RateResult {
  spec: RateSpec;
  model: RateModel;
  recordings: RateRecordings;
  backend: string;
  device: string;
  wall_s: number;
  /** How the run loop ended (guard, stop request); absent for a complete run. */
  stoppedBy?: RunResult['stoppedBy'];
  interrupted?: RunResult['interrupted'];
}

export interface RateRunOptions extends Pick<RunOptions, 'onProgress' | 'checkpoint' | 'resumeFrom' | 'shouldStop'> {
  /** A back end built here instead of a registered engine (tests, benchmarks). */
  engine?: (m: RateModel) => RateEngineLike;
  /** A registered rate engine's name ('cpu', 'webgpu', 'auto'; default 'cpu'), or with `engine` the name to report. */
  backend?: string;
  device?: string;
  /** Handed to the registered engine (a GPUDevice for 'webgpu'). */
  engineOptions?: EngineOptions;
  /** After each trial, with the recordings so far (trials 1..trial filled); awaited (a page can pause here). */
  onTrial?: (trial: number, total: number, rec: RateRecordings) => unknown;
}

/** Trials per advance(): about 20 000 steps per chunk, at least one trial. */
export function rateChunkSteps(m: RateModel): number {
  return m.trialSteps * Math.max(1, Math.floor(20000 / m.trialSteps));
}

export async function runRate(spec: RateSpec, o: RateRunOptions = {}): Promise<RateResult> {
  const m = deriveRate(spec);
  const engine = o.engine ? new RateEngine(m, o.engine(m), o.backend ?? 'cpu', o.device ?? RATE_CPU_DEVICE) : ((await createModelEngine('rate', m, o.backend ?? 'cpu', o.engineOptions)) as RateEngine);
  const T = spec.trials.count;
  if (o.onTrial) engine.onTrial = o.onTrial; // after every trial, awaited, with the recordings so far
  const onProgress = o.onProgress;
  const r = await driveEngine<RateCoreRecordings>(engine, { nSteps: T * m.trialSteps, dt_ms: spec.dt_ms, chunkSteps: rateChunkSteps(m) }, { ...o, ...(onProgress ? { onProgress } : {}) });
  return {
    spec,
    model: m,
    recordings: r.recordings.rate,
    backend: r.backend,
    device: r.device,
    wall_s: r.wall_s,
    ...(r.stoppedBy ? { stoppedBy: r.stoppedBy } : {}),
    ...(r.interrupted ? { interrupted: r.interrupted } : {}),
  };
}
