// Simulation: spec -> validated, derived, built network -> engine -> recordings, with progress callbacks.
// DOM-free. The engine is found by name in the registry (src/engine/engines.ts, registry.ts); a GPU engine
// takes a handed-in GPUDevice or acquires its own.
import type { BuiltNetwork } from '../network/network.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { PreparedRun } from './session.ts';
import { hostBuildReason, type BuildChoice, type NetworkBuildInfo } from './networkBuild.ts';
import type { AdapterSummary } from '../engine/webgpu/device.ts';
import { RunGuardError, type Engine } from '../engine/engine.ts';
import { createEngine, loadEngines } from '../engine/engines.ts';
import { engineProvider } from '../engine/registry.ts';
import { spikingRecordings, type CoreRecordings, type Recordings } from '../record/recordings.ts';
import { materializeSnapshot, SnapshotError, type EngineSnapshot, type StreamedSnapshot } from '../engine/snapshot.ts';
import { streamedSources, streamFinalWeights, type FinalWeightStreamOptions } from './finalWeightStream.ts';

/** Engine choice: 'auto' (WebGPU on a hardware adapter, else the CPU) or a registered engine's name ('cpu', 'webgpu'; src/engine/registry.ts, ENGINE_CHOICES in src/engine/engines.ts). */
export type Backend = string;

/** Progress of a run, reported between chunks: steps done, simulated and wall time, real-time factor and the estimated time left. */
export interface Progress {
  step: number;
  nSteps: number;
  simTime_s: number;
  wall_s: number;
  rtf: number; // wall time / simulated time so far
  eta_s: number;
}

export interface RunOptions {
  backend?: Backend;
  device?: GPUDevice; // hand the engine a device (browser, tests)
  /** The WebGPU engine's schedule (`--gpu-schedule`: auto | resident | fused | passes; default auto). */
  gpuSchedule?: string;
  threads?: number; // CPU engine threads (default: the machine's cores; small networks use one)
  chunkSteps?: number; // steps per advance() call between progress reports
  onProgress?: (p: Progress) => void;
  /** Creates the engine instead of `backend` (tests: fault injection; embedders: custom engines). */
  engineFactory?: (net: BuiltNetwork) => Promise<Engine>;
  /**
   * Where the network is built (networkBuild.ts): 'auto' (default) builds stored 'bernoulli-counter' projections
   * on the device when the backend is 'webgpu', else on the host; 'host' always on the host; 'device' refuses a
   * run it cannot build there.
   */
  build?: BuildChoice;
  /** Why this run must build on the host (e.g. --init-weights, imported synapses); 'device' then refuses it. */
  hostBuildReason?: string;
  /** Edits the built network before the engine is created (e.g. learned weights from --init-weights). */
  prepareNetwork?: (net: BuiltNetwork) => void;
  /** Continues a run from a snapshot (checkpoint resume); wall_s is the earlier segments' wall time. */
  resumeFrom?: { snapshot: EngineSnapshot | StreamedSnapshot; wall_s: number };
  /** Checkpoints: periodic (every `everySteps` simulated steps and/or `everyWall_s` wall seconds) and at a guard. */
  checkpoint?: CheckpointOptions;
  /**
   * Asked between chunks: a non-null reason (e.g. 'SIGTERM') stops the run there, keeping what was recorded;
   * with periodic checkpoints on, a checkpoint of that step is written first (so the run can resume).
   */
  shouldStop?: () => string | null;
  /**
   * Streams the final weights past a size (src/pipeline/finalWeightStream.ts): Recordings.finalWeights stays empty,
   * Recordings.finalWeightDigests holds their statistics and histograms, and `sink` receives them chunk by chunk (the
   * CLI writes the weights_*.npy files there). Absent (the default): finalWeights whole, as before.
   */
  finalWeights?: FinalWeightStreamOptions;
}

export interface CheckpointOptions {
  everySteps?: number;
  everyWall_s?: number;
  /** Stores a snapshot; 'guard' snapshots are the state where a guard fired (kept for inspection). */
  write: (snap: EngineSnapshot, info: CheckpointInfo) => void | Promise<void>;
  /**
   * Stores a snapshot whose arrays may be sources (Engine.checkpointSnapshot: the WebGPU engine's plastic weights,
   * read from the device piece by piece). Used instead of `write` when both it and the engine's hook exist.
   */
  writeStreamed?: (snap: StreamedSnapshot, info: CheckpointInfo) => Promise<void>;
}

export interface CheckpointInfo {
  reason: 'periodic' | 'guard';
  engine: Engine;
  wall_s: number;
  stoppedBy?: NonNullable<RunResult['stoppedBy']>;
}

/** Writes a checkpoint of the engine's state: streamed when the engine and the writer can, else whole. */
async function writeCheckpoint(engine: Engine, ck: CheckpointOptions, info: CheckpointInfo): Promise<void> {
  if (ck.writeStreamed && engine.checkpointSnapshot) await ck.writeStreamed(await engine.checkpointSnapshot(), info);
  else await ck.write(await engine.snapshot!(), info);
}

/** A finished run; `R`: what its engine recorded (spiking engines: Recordings; any engine: CoreRecordings). */
export interface RunResult<R extends CoreRecordings = Recordings> {
  spec: NetworkSpec;
  net: BuiltNetwork;
  recordings: R;
  backend: string; // the engine's registered name
  device: string;
  /** Engine.meta of the engine that ran (summary.json meta.engine); absent when it has none. */
  engineMeta?: Readonly<Record<string, string | number | boolean>>;
  wall_s: number;
  build_s: number;
  /** Where the network was built (summary.json meta.networkBuild on the WebGPU backend). */
  networkBuild?: NetworkBuildInfo;
  stoppedBy: { guard: string; step: number; where: string; value: number; message: string } | null;
  /** A guard checkpoint that could not be written (the guard is still reported). */
  guardCheckpointError?: string;
  /** Stopped between chunks by RunOptions.shouldStop (reason, steps completed). */
  interrupted?: { reason: string; step: number };
}

/** Lets timers, I/O and UI events run between chunks (the CPU engine computes synchronously). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs a spec (or a PreparedRun: validated and derived once) to completion (or until a guard fires, keeping what was recorded). */
export async function runSimulation(specIn: unknown, opts: RunOptions = {}): Promise<RunResult> {
  const r = await runSimulationCore(specIn, opts);
  return { ...r, recordings: spikingRecordings(r.recordings, `runSimulation (engine '${r.backend}'; runSimulationCore takes core-only recordings)`) };
}

/** runSimulation for any engine: the recordings are typed as the core part (a rate engine records no spikes). */
export async function runSimulationCore(specIn: unknown, opts: RunOptions = {}): Promise<RunResult<CoreRecordings>> {
  const prepared = PreparedRun.of(specIn);
  const spec = prepared.spec;
  const choice = opts.build ?? 'auto';
  // backend 'auto' takes the WebGPU engine before the build where it would take it after (a hardware adapter or a
  // handed-in device), so that the network is built on that device; otherwise the engine is chosen after a host build.
  const backend = (choice !== 'host' && !opts.engineFactory ? await autoBackendBeforeBuild(prepared, opts) : null) ?? opts.backend ?? 'auto';
  const why = choice === 'host' ? 'build host asked' : opts.engineFactory ? 'a custom engine factory' : hostBuildReason(prepared, backend, opts.hostBuildReason);
  if (choice === 'device' && why !== null) throw new Error(`build 'device': ${why}`);
  let device = opts.device;
  let adapterInfo: AdapterSummary | undefined;
  let release: (() => void) | undefined;
  try {
    let built: { net: BuiltNetwork; build_s: number; info: NetworkBuildInfo };
    if (why === null) {
      if (device === undefined) {
        // the engine runs on the device the network was built on: acquired here, released after the run
        const gpu = await import('../engine/webgpu/device.ts');
        const acquired = await gpu.acquireDevice({ allowSoftware: true, powerPreference: 'high-performance' });
        device = acquired.device;
        adapterInfo = acquired.adapterInfo;
        release = () => gpu.releaseDevice(acquired.device);
      }
      built = await prepared.buildOnDevice(device, opts.prepareNetwork);
    } else {
      built = { ...prepared.build(opts.prepareNetwork), info: { where: 'host', reason: why, deviceOnly: [], copiedBack: [], host: [] } };
    }
    const { net, build_s } = built;
    const engine = opts.engineFactory
      ? await opts.engineFactory(net)
      : await createEngine(net, backend, { ...(device ? { device } : {}), ...(adapterInfo ? { adapterInfo } : {}), ...(opts.gpuSchedule ? { gpuSchedule: opts.gpuSchedule } : {}), ...(opts.threads !== undefined ? { threads: opts.threads } : {}) });
    const d = net.derived;
    // Small chunks: the CPU engine computes synchronously, so this bounds the time between event-loop turns.
    const r = await driveEngine(engine, { nSteps: d.nSteps, dt_ms: d.dt_ms, chunkSteps: opts.chunkSteps ?? Math.max(1, Math.min(d.binSteps * 10, 2000)) }, opts);
    return { spec, net, build_s, networkBuild: built.info, ...r };
  } finally {
    release?.();
  }
}

/**
 * With backend 'auto': 'webgpu' when auto would take the WebGPU engine for this network (it loads, supports the
 * network, and its probe passes: a device handed in or a hardware adapter; SwiftShader and other software adapters
 * do not count) and the network has a projection to build on the device; else null (the engine is chosen after the
 * build, as before).
 */
async function autoBackendBeforeBuild(prepared: PreparedRun, opts: RunOptions): Promise<string | null> {
  if ((opts.backend ?? 'auto') !== 'auto') return null;
  if (hostBuildReason(prepared, 'webgpu', opts.hostBuildReason) !== null) return null;
  if (!(await loadEngines('webgpu'))) return null;
  const p = engineProvider('webgpu');
  // supports() reads the derived network only (rules, synapse models, delays): no synapse is built yet.
  if (!p || !(p.supports?.({ derived: prepared.derived } as BuiltNetwork) ?? true)) return null;
  return (await (p.autoProbe?.(opts.device ? { device: opts.device } : {}) ?? Promise.resolve(true))) ? 'webgpu' : null;
}

/** What driveEngine returns: the engine's recordings and how the run ended. */
export type DriveResult<R extends CoreRecordings = CoreRecordings> = Pick<RunResult<R>, 'recordings' | 'backend' | 'device' | 'engineMeta' | 'wall_s' | 'stoppedBy' | 'guardCheckpointError' | 'interrupted'>;

/** The run's length in steps, its step and the steps per advance() between progress reports and checkpoints. */
export interface DrivePlan {
  nSteps: number;
  dt_ms: number;
  chunkSteps: number;
}

/**
 * The run loop of every engine, whatever model it simulates (spiking networks through runSimulationCore, rate
 * networks through src/models/rate/run.ts): restore (resume), advance in chunks with progress, periodic and
 * guard checkpoints, stop requests, then the recordings. Disposes the engine.
 */
export async function driveEngine<R extends CoreRecordings = CoreRecordings>(engine: Engine, plan: DrivePlan, opts: Pick<RunOptions, 'onProgress' | 'resumeFrom' | 'checkpoint' | 'shouldStop' | 'finalWeights'> = {}): Promise<DriveResult<R>> {
  const d = plan;
  const ck = opts.checkpoint;
  const wall0 = opts.resumeFrom?.wall_s ?? 0;
  try {
    if (ck && (ck.everySteps !== undefined || ck.everyWall_s !== undefined) && !engine.snapshot)
      throw new SnapshotError(`the ${engine.backend} engine cannot write checkpoints yet (Engine.snapshot); run with --backend cpu or without --checkpoint-every`);
    if (opts.resumeFrom) {
      if (!engine.restore) throw new SnapshotError(`the ${engine.backend} engine cannot restore checkpoints yet (Engine.restore); resume with --backend cpu`);
      const snap = opts.resumeFrom.snapshot;
      // Sources (a checkpoint's weights left in the file) go piece by piece to an engine that takes them, else whole.
      if (engine.restoreStreamed) await engine.restoreStreamed(snap);
      else await engine.restore(await materializeSnapshot(snap as StreamedSnapshot));
    }
  } catch (e) {
    engine.dispose();
    throw e;
  }
  const chunk = Math.max(1, d.chunkSteps);
  const step0 = engine.step;
  const t1 = performance.now();
  const wall = () => wall0 + (performance.now() - t1) / 1000;
  const every = ck?.everySteps;
  let nextCk = every ? (Math.floor(engine.step / every) + 1) * every : Infinity;
  let lastCkWall = performance.now();
  let stoppedBy: RunResult['stoppedBy'] = null;
  let guardCheckpointError: string | undefined;
  let interrupted: RunResult['interrupted'];
  const periodic = ck !== undefined && (ck.everySteps !== undefined || ck.everyWall_s !== undefined);
  try {
    while (engine.step < d.nSteps) {
      const stop = opts.shouldStop?.() ?? null;
      if (stop !== null) {
        interrupted = { reason: stop, step: engine.step };
        if (periodic && engine.snapshot && engine.step > step0) await writeCheckpoint(engine, ck, { reason: 'periodic', engine, wall_s: wall() });
        break;
      }
      await engine.advance(Math.min(chunk, d.nSteps - engine.step, nextCk - engine.step));
      await yieldToEventLoop();
      if (opts.onProgress) {
        const wall_s = (performance.now() - t1) / 1000;
        const simTime_s = (engine.step * d.dt_ms) / 1000;
        const segment_s = ((engine.step - step0) * d.dt_ms) / 1000;
        const rtf = segment_s > 0 ? wall_s / segment_s : 0;
        opts.onProgress({ step: engine.step, nSteps: d.nSteps, simTime_s, wall_s, rtf, eta_s: rtf * ((d.nSteps - engine.step) * d.dt_ms) / 1000 });
      }
      if (ck && engine.snapshot && engine.step < d.nSteps) {
        const due = engine.step >= nextCk || (ck.everyWall_s !== undefined && (performance.now() - lastCkWall) / 1000 >= ck.everyWall_s);
        if (due) {
          await writeCheckpoint(engine, ck, { reason: 'periodic', engine, wall_s: wall() });
          lastCkWall = performance.now();
          if (every) nextCk = (Math.floor(engine.step / every) + 1) * every;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof RunGuardError)) {
      engine.dispose();
      throw e;
    }
    stoppedBy = { guard: e.guard, step: e.step, where: e.where, value: e.value, message: e.message };
    if (ck && engine.snapshot) {
      try {
        await writeCheckpoint(engine, ck, { reason: 'guard', engine, wall_s: wall(), stoppedBy });
      } catch (we) {
        guardCheckpointError = (we as Error).message;
      }
    }
  }
  const wall_s = wall();
  let recordings: CoreRecordings;
  try {
    const sources = streamedSources(engine, opts.finalWeights);
    recordings = await engine.recordings(sources ? { finalWeights: false } : undefined);
    if (sources) await streamFinalWeights(recordings, sources, opts.finalWeights!);
  } catch (e) {
    engine.dispose();
    throw e;
  }
  const result: DriveResult<R> = { recordings: recordings as R, backend: engine.backend, device: engine.device, ...(engine.meta ? { engineMeta: engine.meta } : {}), wall_s, stoppedBy, ...(guardCheckpointError ? { guardCheckpointError } : {}), ...(interrupted ? { interrupted } : {}) };
  engine.dispose();
  return result;
}
