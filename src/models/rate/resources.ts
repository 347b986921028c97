// Does a rate batch fit? Host bytes of a run (checked against --max-memory or 80% of this machine's memory before
// anything is allocated) and the WebGPU buffers against the device's limits (checked when the twin is created).
// Both refusals are SpecErrors on `batch` (exit 2) naming the bytes and the limit.
import { formatBytes } from '../../model/estimate.ts';
import { SpecError } from '../../model/validate.ts';
import type { RateModel } from './derive.ts';

/** State regions of the WebGPU twin (shaders/rate_common.wgsl) and its per-kick state. */
export const GPU_STATE_REGIONS = 6;

/** Host bytes of a run: weights (engine, initial and final copies), unit state, per-trial recordings, traces. */
export function rateHostBytes(m: RateModel): number {
  const T = m.spec.trials.count;
  const weights = 3 * m.B * m.nW * 4;
  const state = 8 * m.B * m.U * 4;
  const rec = m.B * T * (2 * m.pops.length + m.blocks.length) * 4;
  const traces = m.spec.recording.traceTrials.length * Math.ceil(m.trialSteps / m.traceEvery) * m.U * 4;
  return weights + state + rec + traces;
}

/** The WebGPU twin's storage buffers (bytes). */
export function rateGpuBuffers(m: RateModel): { weights: number; state: number } {
  return { weights: m.B * m.nW * 4, state: (GPU_STATE_REGIONS * m.B * m.U + m.B * m.kicks.length) * 4 };
}

/** Refuses a batch whose host bytes exceed maxMemory (--max-memory), else 80% of `machine_bytes` (this machine's memory). Pure. */
export function checkRateBatchFits(m: RateModel, maxMemory: number | undefined, machine_bytes: number): void {
  const limit = maxMemory ?? 0.8 * machine_bytes;
  const bytes = rateHostBytes(m);
  if (bytes > limit) {
    const of = maxMemory !== undefined ? '--max-memory' : `80% of this machine's ${formatBytes(machine_bytes)}`;
    throw new SpecError([{ path: 'batch', value: m.B, allowed: `a batch whose run needs at most ${formatBytes(limit)} (${of}); this one needs ${formatBytes(bytes)} (weights ${m.B} x ${m.nW}, ${m.spec.trials.count} trials recorded per network)` }]);
  }
}

/** Refuses a batch whose WebGPU buffers exceed the device's maxStorageBufferBindingSize or maxBufferSize. */
export function checkRateGpuFits(m: RateModel, limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }): void {
  const lim = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  for (const [what, bytes] of Object.entries(rateGpuBuffers(m))) {
    if (bytes > lim) throw new SpecError([{ path: 'batch', value: m.B, allowed: `a batch whose ${what} (${bytes} bytes) fit this device's storage-buffer limit (${lim} bytes: maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}, maxBufferSize ${limits.maxBufferSize})` }]);
  }
}
