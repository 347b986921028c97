// Where a run executes: the CPU engine in a Web Worker, or the WebGPU engine on the main thread (its work
// is on the GPU; the loop awaits between chunks so the page stays responsive).
import type { RunMeta } from '../output/runOutput.ts';
import { createEngine } from '../engine/engines.ts';
import { Control, drive } from './drive.ts';
import type { ControlMessage, RunMessage } from './protocol.ts';
import { driveRate, type RateMessage } from './rateRun.ts';
import type { RateModel } from '../models/rate/derive.ts';
import type { RateEngineLike } from '../models/rate/run.ts';

export interface RunHandle {
  pause(): void;
  resume(): void;
  /** Ends the run now (Reset); no further messages arrive. */
  stop(): void;
  /** Rate runs: ends the run after the trials in flight and delivers the completed trials as the result (Stop). */
  finish?(): void;
}

export function runInWorker(spec: unknown, meta: RunMeta, onMessage: (m: RunMessage) => void): RunHandle;
export function runInWorker(spec: unknown, meta: RunMeta, onMessage: (m: RateMessage) => void, rate: true): RunHandle;
export function runInWorker(spec: unknown, meta: RunMeta, onMessage: ((m: RunMessage) => void) | ((m: RateMessage) => void), rate = false): RunHandle {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const send = (m: ControlMessage) => worker.postMessage(m);
  const deliver = onMessage as (m: RunMessage | RateMessage) => void;
  worker.onmessage = (e: MessageEvent<RunMessage | RateMessage>) => deliver(e.data);
  worker.onerror = (e) => deliver({ type: 'error', message: `the simulation worker failed: ${e.message || 'could not load worker.ts'}` });
  send({ type: rate ? 'start-rate' : 'start', spec, meta });
  const handle: RunHandle = { pause: () => send({ type: 'pause' }), resume: () => send({ type: 'resume' }), stop: () => worker.terminate() };
  if (rate) handle.finish = () => send({ type: 'finish' });
  return handle;
}

export function runOnMainThread(spec: unknown, meta: RunMeta, device: GPUDevice, onMessage: (m: RunMessage) => void): RunHandle {
  const ctl = new Control();
  void drive(spec, meta, (net) => createEngine(net, 'webgpu', { device }), ctl, (m) => {
    if (!ctl.stopped) onMessage(m);
  });
  return { pause: () => ctl.pause(), resume: () => ctl.resume(), stop: () => ctl.stop() };
}

/** A rate or Binas spec on the WebGPU rate engine (main thread; the work is on the GPU, trials await it). */
export function runRateOnMainThread(spec: unknown, meta: RunMeta, gpu: { engine: (m: RateModel) => RateEngineLike; device: string }, onMessage: (m: RateMessage) => void): RunHandle {
  const ctl = new Control();
  void driveRate(spec, meta, ctl, (m) => {
    if (!ctl.stopped) onMessage(m);
  }, gpu);
  return { pause: () => ctl.pause(), resume: () => ctl.resume(), stop: () => ctl.stop(), finish: () => ctl.finish() };
}
