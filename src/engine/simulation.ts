// Simulation: spec -> validated, derived, built network -> engine -> recordings, with progress callbacks.
// DOM-free: hand it a GPUDevice (or let it acquire one) or run on the CPU engine.
import { buildNetwork, type BuiltNetwork } from '../build/network.ts';
import { derive } from '../model/derive.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { validate } from '../model/validate.ts';
import { CpuEngine } from './cpu/CpuEngine.ts';
import { RunGuardError, type Engine } from './engine.ts';
import type { Recordings } from './recordings.ts';
import { SnapshotError, type EngineSnapshot } from './snapshot.ts';

/** Engine choice: 'cpu' (the reference engine), 'webgpu', or 'auto' (WebGPU on a hardware adapter, else the CPU). */
export type Backend = 'auto' | 'cpu' | 'webgpu';

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
  chunkSteps?: number; // steps per advance() call between progress reports
  onProgress?: (p: Progress) => void;
  /** Engine factory hook for the WebGPU engine (registered by src/engine/webgpu when present). */
  /** Creates the engine instead of `backend` (tests: fault injection; embedders: custom engines). */
  engineFactory?: (net: BuiltNetwork) => Promise<Engine>;
  /** Edits the built network before the engine is created (e.g. learned weights from --init-weights). */
  prepareNetwork?: (net: BuiltNetwork) => void;
  /** Continues a run from a snapshot (checkpoint resume); wall_s is the earlier segments' wall time. */
  resumeFrom?: { snapshot: EngineSnapshot; wall_s: number };
  /** Checkpoints: periodic (every `everySteps` simulated steps and/or `everyWall_s` wall seconds) and at a guard. */
  checkpoint?: CheckpointOptions;
}

export interface CheckpointOptions {
  everySteps?: number;
  everyWall_s?: number;
  /** Stores a snapshot; 'guard' snapshots are the state where a guard fired (kept for inspection). */
  write: (snap: EngineSnapshot, info: { reason: 'periodic' | 'guard'; engine: Engine; wall_s: number; stoppedBy?: NonNullable<RunResult['stoppedBy']> }) => void | Promise<void>;
}

export interface RunResult {
  spec: NetworkSpec;
  net: BuiltNetwork;
  recordings: Recordings;
  backend: 'cpu' | 'webgpu';
  device: string;
  wall_s: number;
  build_s: number;
  stoppedBy: { guard: string; step: number; where: string; value: number; message: string } | null;
  /** A guard checkpoint that could not be written (the guard is still reported). */
  guardCheckpointError?: string;
}

type GpuFactory = (net: BuiltNetwork, device?: GPUDevice) => Promise<Engine>;
let gpuFactory: GpuFactory | null = null;
let hardwareProbe: (() => Promise<boolean>) | null = null;

/** Registers the WebGPU engine (done by src/engine/webgpu/register.ts) so the core stays GPU-optional. */
export function registerWebGpu(factory: GpuFactory, probe: () => Promise<boolean>): void {
  gpuFactory = factory;
  hardwareProbe = probe;
}

/** Picks and creates the engine: 'auto' takes a hardware WebGPU adapter when one exists, else the CPU. */
export async function createEngine(net: BuiltNetwork, backend: Backend, device?: GPUDevice): Promise<Engine> {
  if (backend === 'cpu') return new CpuEngine(net);
  if (backend === 'webgpu') {
    if (!gpuFactory) throw new Error("backend 'webgpu' is not available in this build (WebGPU engine not registered)");
    return gpuFactory(net, device);
  }
  if (gpuFactory && (device || (hardwareProbe && (await hardwareProbe())))) return gpuFactory(net, device);
  return new CpuEngine(net);
}

/** Lets timers, I/O and UI events run between chunks (the CPU engine computes synchronously). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs a spec to completion (or until a guard fires, keeping what was recorded). */
export async function runSimulation(specIn: unknown, opts: RunOptions = {}): Promise<RunResult> {
  const spec = validate(specIn);
  const t0 = performance.now();
  const net = buildNetwork(derive(spec));
  opts.prepareNetwork?.(net);
  const build_s = (performance.now() - t0) / 1000;
  const engine = opts.engineFactory ? await opts.engineFactory(net) : await createEngine(net, opts.backend ?? 'auto', opts.device);
  const d = net.derived;
  const ck = opts.checkpoint;
  const wall0 = opts.resumeFrom?.wall_s ?? 0;
  try {
    if (ck && (ck.everySteps !== undefined || ck.everyWall_s !== undefined) && !engine.snapshot)
      throw new SnapshotError(`the ${engine.backend} engine cannot write checkpoints yet (Engine.snapshot); run with --backend cpu or without --checkpoint-every`);
    if (opts.resumeFrom) {
      if (!engine.restore) throw new SnapshotError(`the ${engine.backend} engine cannot restore checkpoints yet (Engine.restore); resume with --backend cpu`);
      await engine.restore(opts.resumeFrom.snapshot);
    }
  } catch (e) {
    engine.dispose();
    throw e;
  }
  // Small chunks: the CPU engine computes synchronously, so this bounds the time between event-loop turns.
  const chunk = opts.chunkSteps ?? Math.max(1, Math.min(d.binSteps * 10, 2000));
  const step0 = engine.step;
  const t1 = performance.now();
  const wall = () => wall0 + (performance.now() - t1) / 1000;
  const every = ck?.everySteps;
  let nextCk = every ? (Math.floor(engine.step / every) + 1) * every : Infinity;
  let lastCkWall = performance.now();
  let stoppedBy: RunResult['stoppedBy'] = null;
  let guardCheckpointError: string | undefined;
  try {
    while (engine.step < d.nSteps) {
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
          await ck.write(await engine.snapshot(), { reason: 'periodic', engine, wall_s: wall() });
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
        await ck.write(await engine.snapshot(), { reason: 'guard', engine, wall_s: wall(), stoppedBy });
      } catch (we) {
        guardCheckpointError = (we as Error).message;
      }
    }
  }
  const wall_s = wall();
  const recordings = await engine.recordings();
  const result: RunResult = { spec, net, recordings, backend: engine.backend, device: engine.device, wall_s, build_s, stoppedBy, ...(guardCheckpointError ? { guardCheckpointError } : {}) };
  engine.dispose();
  return result;
}
