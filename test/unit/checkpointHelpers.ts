// Shared helpers of the checkpoint, guard and bad-input tests: in-process CLI calls with captured output,
// small specs, a fault-injecting engine, and exact comparisons of recordings and output directories.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import { main } from '../../src/cli/main.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { DeviceLostError } from '../../src/engine/faults.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { getPreset } from '../../src/presets/index.ts';
import { RunSession, parseCheckpointEvery } from '../../src/cli/runSession.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';

/** Runs the CLI in this process; returns the exit status and what it printed. */
export async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    const status = await main(args);
    return { status, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

/** A preset at a small size: N neurons, T seconds, statistics over [T/2, T], bins of `bin_ms`. */
export function small(name: string, N: number, T_s: number, bin_ms = 100): NetworkSpec {
  const s = getPreset(name);
  s.N = N;
  s.T_s = T_s;
  s.recording = { ...s.recording, statsStart_s: T_s / 2, bin_ms, window_ms: Math.min(s.recording.window_ms, (T_s * 1000) / 4), rasterNeurons: 50, currentSamples: 20, weightSamples: 50, covSample: 40 };
  return s;
}

/** Every typed array of two recordings (filled parts) must be identical bit for bit. */
export function expectSameRecordings(a: Recordings, b: Recordings): void {
  expect(b.steps).toBe(a.steps);
  expect(b.windows.nWindows).toBe(a.windows.nWindows);
  expect(Buffer.compare(bytes(b.windows.counts), bytes(a.windows.counts))).toBe(0);
  expect(b.raster.count).toBe(a.raster.count);
  expect(Buffer.compare(bytes(b.raster.steps.subarray(0, b.raster.count)), bytes(a.raster.steps.subarray(0, a.raster.count)))).toBe(0);
  expect(Buffer.compare(bytes(b.raster.ids.subarray(0, b.raster.count)), bytes(a.raster.ids.subarray(0, a.raster.count)))).toBe(0);
  expect(b.series.nBins).toBe(a.series.nBins);
  for (const k of ['rate_Hz', 'currents', 'jMean', 'jSample'] as const) expect(Buffer.compare(bytes(b.series[k]), bytes(a.series[k])), k).toBe(0);
  for (const k of ['spikeCount', 'isiCount', 'isiSum_ms', 'isiSumSq_ms2'] as const) expect(Buffer.compare(bytes(b.neuronStats[k]), bytes(a.neuronStats[k])), k).toBe(0);
  expect(b.finalWeights.length).toBe(a.finalWeights.length);
  a.finalWeights.forEach((w, i) => expect(Buffer.compare(bytes(b.finalWeights[i]!.J!), bytes(w.J!)), w.name).toBe(0));
}

export const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The .npy files of two run directories must be byte-identical (and the same set). */
export function expectSameNpy(dirA: string, dirB: string): string[] {
  const npy = (d: string) => readdirSync(d).filter((f) => f.endsWith('.npy')).sort();
  const files = npy(dirA);
  expect(npy(dirB)).toEqual(files);
  for (const f of files) expect(readFileSync(join(dirB, f)).equals(readFileSync(join(dirA, f))), f).toBe(true);
  return files;
}

/**
 * A stand-in WebGPU engine (a CPU engine inside, so results are comparable bit for bit) that loses its
 * device when it reaches step `loseAt`, as WebGpuEngine should report it (DeviceLostError from advance).
 */
export class FlakyGpuEngine implements Engine {
  readonly backend = 'webgpu' as const;
  readonly device = 'fake WebGPU device (CPU engine inside)';
  readonly inner: CpuEngine;
  constructor(net: BuiltNetwork, private readonly loseAt: number) {
    this.inner = new CpuEngine(net);
  }
  get step(): number {
    return this.inner.step;
  }
  async advance(steps: number): Promise<void> {
    const end = Math.min(this.inner.step + steps, this.inner.net.derived.nSteps);
    while (this.inner.step < end) {
      if (this.inner.step === this.loseAt) throw new DeviceLostError(this.inner.step, 'unknown', 'injected by the test');
      this.inner.stepOnce();
    }
  }
  recordings(): Promise<Recordings> {
    return this.inner.recordings();
  }
  async snapshot(): Promise<EngineSnapshot> {
    return { ...(await this.inner.snapshot()), backend: 'webgpu' };
  }
  restore(s: EngineSnapshot): Promise<void> {
    return this.inner.restore(s);
  }
  dispose(): void {}
}

/** A CPU engine that runs `edit` on itself once it has completed `atStep` steps (state injection). */
export function injectingEngine(net: BuiltNetwork, atStep: number, edit: (e: CpuEngine) => void): CpuEngine {
  const e = new CpuEngine(net);
  const advance = e.advance.bind(e);
  let done = false;
  e.advance = async (steps: number) => {
    const end = Math.min(e.step + steps, net.derived.nSteps);
    if (done || e.step > atStep || end <= atStep) return advance(steps);
    await advance(atStep - e.step);
    edit(e);
    done = true;
    return advance(end - e.step);
  };
  return e;
}

/**
 * An output directory `cut` (made by `plasticnet run specFile`, its spec.json then s) whose run of s on the CPU
 * stopped right after its first checkpoint at 0.1 s simulated (step 1000); returns cut.
 */
export async function checkpointAtTenthSecond(specFile: string, s: NetworkSpec, cut: string): Promise<string> {
  const r1 = await cli(['run', specFile, '--backend', 'cpu', '--quiet', '--out', cut, '--T', '0.01s']); // the directory and its spec.json
  expect(r1.status, r1.err).toBe(0);
  writeFileSync(join(cut, 'spec.json'), JSON.stringify(s));
  const session = new RunSession(cut, s, { every: parseCheckpointEvery('sim:0.1s') });
  const r = await runSimulation(s, { backend: 'cpu', chunkSteps: 250, shouldStop: () => (session.lastCheckpoint ? 'SIGTERM' : null), ...session.simOptions() });
  expect(r.interrupted?.step).toBe(1000);
  return cut;
}
