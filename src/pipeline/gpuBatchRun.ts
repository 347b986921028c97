// Runs of several specs as one-dispatch GPU batches (issue 19: GpuBatch, src/engine/webgpu/batch.ts): the
// sweep's cells and the repro scripts' realisations (they go through runSweep). Every spec that builds a
// resident WebGPU engine joins a batch of networks of its shape and length; a batch advances all its
// networks with one dispatch of one workgroup each per submission. A spec that does not fit (no resident
// engine, another shape, a packed batch over the device's limits) or whose batch fails (a run guard, an
// error) gets null: the caller runs it alone, as it would have without batches, so a guard is reported
// by the lone run exactly as before. Networks with stored 'bernoulli-counter' projections are built on the device.
// The WebGPU modules are imported on demand (the CPU core never loads them).
import type { NetworkSpec } from '../model/spec.ts';
import type { WebGpuEngine } from '../engine/webgpu/WebGpuEngine.ts';
import type { GpuBatch } from '../engine/webgpu/batch.ts';
import { spikingRecordings } from '../record/recordings.ts';
import { PreparedRun } from './session.ts';
import { hostBuildReason } from './networkBuild.ts';
import type { RunResult } from './simulation.ts';

export interface GpuBatchRunOptions {
  /** A device to use (tests, browser); else one is acquired (software adapters allowed) and released. */
  device?: GPUDevice;
  /** Networks per batch at most (default 16). */
  maxBatch?: number;
  /** Steps per advance() between stop checks (default 2000). */
  chunkSteps?: number;
  /** Asked between chunks: a reason stops every batch (no result for an unfinished spec). */
  shouldStop?: () => string | null;
  /** A batch starts (the indices of its specs) and ends. */
  onBatch?: (indices: number[], phase: 'start' | 'done') => void;
}

export interface GpuBatchRunResult {
  /** Per spec: its run, or null (run it alone). */
  results: (RunResult | null)[];
  /** Why each null spec is not in a batch (index -> reason). */
  alone: Map<number, string>;
  interrupted?: string;
}

/** Engine shape and length: networks of one key can share one batch kernel. */
function shapeKey(e: WebGpuEngine): string {
  const p = e.state.plan;
  return JSON.stringify([p.N, p.nCh, p.net.derived.delaySlots, p.net.derived.nSteps, p.corrThreads, e.resident?.shape, e.state.weight.buffers.length, e.state.graph.buffers.length]);
}

/** Runs specs as GPU batches where they fit (see the file comment). */
export async function runGpuBatches(specs: readonly NetworkSpec[], o: GpuBatchRunOptions = {}): Promise<GpuBatchRunResult> {
  const { WebGpuEngine } = await import('../engine/webgpu/WebGpuEngine.ts');
  const { GpuBatch } = await import('../engine/webgpu/batch.ts');
  const { acquireDevice, releaseDevice } = await import('../engine/webgpu/device.ts');
  const { RESIDENT_MAX_NEURONS } = await import('../engine/webgpu/passes/ResidentStep.ts');
  const results: (RunResult | null)[] = specs.map(() => null);
  const alone = new Map<number, string>();
  const owns = o.device === undefined;
  const device = o.device ?? (await acquireDevice({ allowSoftware: true, powerPreference: 'high-performance' })).device;
  const maxBatch = Math.max(1, o.maxBatch ?? 16);
  // Engines are built one spec at a time and grouped by shape; a group runs once it is full (bounded memory).
  const groups = new Map<string, { i: number; e: WebGpuEngine; build_s: number; prepared: PreparedRun; net: WebGpuEngine['net'] }[]>();
  try {
    const run = async (key: string): Promise<string | undefined> => {
      const g = groups.get(key)!;
      groups.delete(key);
      if (g.length === 1) {
        alone.set(g[0]!.i, 'no other network of its shape and length in the batch window');
        g[0]!.e.dispose();
        return undefined;
      }
      o.onBatch?.(g.map((x) => x.i), 'start');
      let batch: GpuBatch | null = null;
      try {
        batch = await GpuBatch.create(g.map((x) => x.e));
        const nSteps = g[0]!.net.derived.nSteps;
        const chunk = Math.max(1, o.chunkSteps ?? 2000);
        const t0 = performance.now();
        while (batch.step < nSteps) {
          const stop = o.shouldStop?.() ?? null;
          if (stop !== null) return stop;
          await batch.advance(Math.min(chunk, nSteps - batch.step));
        }
        const wall_s = (performance.now() - t0) / 1000;
        for (const x of g) {
          const recordings = spikingRecordings(await x.e.recordings(), 'a batched run');
          results[x.i] = {
            spec: x.prepared.spec,
            net: x.net,
            recordings,
            backend: 'webgpu',
            device: `${x.e.device}; ${batch.describe()}`,
            wall_s: wall_s / g.length, // its share of the batch's wall time
            build_s: x.build_s,
            stoppedBy: null,
          };
        }
        o.onBatch?.(g.map((x) => x.i), 'done');
      } catch (e) {
        for (const x of g) {
          results[x.i] = null;
          alone.set(x.i, `its batch failed (${e instanceof Error ? e.message : String(e)}): runs alone`);
        }
      } finally {
        batch?.dispose();
        for (const x of g) x.e.dispose();
      }
      return undefined;
    };
    for (const [i, spec] of specs.entries()) {
      const stop = o.shouldStop?.() ?? null;
      if (stop !== null) return { results, alone, interrupted: stop };
      const prepared = PreparedRun.of(spec);
      if (prepared.derived.N > RESIDENT_MAX_NEURONS) {
        alone.set(i, `N = ${prepared.derived.N} exceeds the resident limit of ${RESIDENT_MAX_NEURONS} neurons ('auto' runs it fused)`);
        continue;
      }
      // Stored 'bernoulli-counter' projections are built on the batch's device (buildNetworkOnDevice): the host keeps
      // the row pointers of static ones only; every other network is built on the host as before.
      const { net, build_s } = hostBuildReason(prepared, 'webgpu') === null ? await prepared.buildOnDevice(device) : prepared.build();
      let e: WebGpuEngine;
      try {
        e = await WebGpuEngine.create(net, device, { schedule: 'resident' });
      } catch (err) {
        alone.set(i, `no resident engine: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const key = shapeKey(e);
      const g = groups.get(key) ?? [];
      g.push({ i, e, build_s, prepared, net });
      groups.set(key, g);
      if (g.length === maxBatch) {
        const why = await run(key);
        if (why !== undefined) return { results, alone, interrupted: why };
      }
    }
    for (const key of [...groups.keys()]) {
      const why = await run(key);
      if (why !== undefined) return { results, alone, interrupted: why };
    }
    return { results, alone };
  } finally {
    for (const g of groups.values()) for (const x of g) x.e.dispose(); // groups left by an interruption
    if (owns) releaseDevice(device);
  }
}
