// Simulation: spec -> validated, derived, built network -> engine -> recordings, with progress callbacks.
// DOM-free: hand it a GPUDevice (or let it acquire one) or run on the CPU engine.
import { buildNetwork, type BuiltNetwork } from '../build/network.ts';
import { derive } from '../model/derive.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { validate } from '../model/validate.ts';
import { CpuEngine } from './cpu/CpuEngine.ts';
import { RunGuardError, type Engine } from './engine.ts';
import type { Recordings } from './recordings.ts';

export type Backend = 'auto' | 'cpu' | 'webgpu';

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
  const build_s = (performance.now() - t0) / 1000;
  const engine = await createEngine(net, opts.backend ?? 'auto', opts.device);
  const d = net.derived;
  const chunk = opts.chunkSteps ?? d.binSteps * 10;
  const t1 = performance.now();
  let stoppedBy: RunResult['stoppedBy'] = null;
  try {
    while (engine.step < d.nSteps) {
      await engine.advance(Math.min(chunk, d.nSteps - engine.step));
      await yieldToEventLoop();
      if (opts.onProgress) {
        const wall_s = (performance.now() - t1) / 1000;
        const simTime_s = (engine.step * d.dt_ms) / 1000;
        const rtf = simTime_s > 0 ? wall_s / simTime_s : 0;
        opts.onProgress({ step: engine.step, nSteps: d.nSteps, simTime_s, wall_s, rtf, eta_s: rtf * ((d.nSteps - engine.step) * d.dt_ms) / 1000 });
      }
    }
  } catch (e) {
    if (!(e instanceof RunGuardError)) {
      engine.dispose();
      throw e;
    }
    stoppedBy = { guard: e.guard, step: e.step, where: e.where, value: e.value, message: e.message };
  }
  const wall_s = (performance.now() - t1) / 1000;
  const recordings = await engine.recordings();
  const result: RunResult = { spec, net, recordings, backend: engine.backend, device: engine.device, wall_s, build_s, stoppedBy };
  engine.dispose();
  return result;
}
