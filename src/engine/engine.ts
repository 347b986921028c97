// The engine contract (every engine implements Engine and registers itself in src/engine/registry.ts), and the step schedule.
import type { CoreRecordings } from '../record/recordings.ts';
import type { EngineSnapshot, StreamedSnapshot } from './snapshot.ts';
import type { FinalWeightSource } from '../record/finalWeights.ts';

/**
 * One time step, in the authors' order (REFERENCE_CODE §1.3): external spikes reach the currents before
 * the membrane update; recurrent spikes use this step's weights; plasticity reads traces from before
 * this step's increment (pre-spike updates first, then post-spike updates); decay comes last.
 * This list drives the engines: CpuEngine.stepOnce runs its passes in this order, the WebGPU engine's
 * pass-by-pass schedule dispatches them in this order (its fused schedule and shader module concatenate
 * the pass files in this order), and bench/cpu.ts times them in this order.
 * 'check' is the per-step input-overflow guard (fixed-point input beyond i32), right after 'input' so a
 * guard stops the step before the membrane update (on the GPU the input pass flags it); the guards at
 * a bin's end (non-finite V or weights, weight bounds, rate) belong to 'record', which closes bins.
 * The order of 'check' does not change the bits of a run that no guard stops (it only reads), but it
 * decides the state a guard checkpoint holds, so it stays where the engines run it.
 */
export const SCHEDULE = [
  'input',
  'check',
  'neuron_update',
  'synapse_propagate',
  'plasticity_pre',
  'plasticity_post',
  'trace_update',
  'record',
] as const;
export type PassName = (typeof SCHEDULE)[number];

/** Raised when a run guard fires: the run stops, recordings so far are kept. */
export class RunGuardError extends Error {
  constructor(
    readonly guard: 'rate' | 'nan' | 'overflow' | 'weight-bounds',
    readonly step: number,
    readonly where: string,
    readonly value: number,
    detail: string,
  ) {
    super(`run guard '${guard}' fired at step ${step} (${where}): ${detail}`);
    this.name = 'RunGuardError';
  }
}

/** Options of Engine.recordings. */
export interface RecordingsOptions {
  /** false: leave Recordings.finalWeights empty (the caller reads them by chunks: finalWeightSources). Default true. */
  finalWeights?: boolean;
}

export interface Engine {
  readonly backend: string; // the name it is registered under (src/engine/registry.ts)
  readonly device: string; // human-readable device description
  /** Engine-specific choices worth keeping with a run (summary.json meta.engine), e.g. the WebGPU schedule and its step blocks. */
  readonly meta?: Readonly<Record<string, string | number | boolean>>;
  readonly step: number; // steps completed
  /** Advances by `steps` steps (recording as it goes); throws RunGuardError when a guard fires. */
  advance(steps: number): Promise<void>;
  /**
   * The recordings so far (GPU engines read back in bulk here): the core part always, the spike part
   * (src/record/recordings.ts, SpikeRecordings) when the engine spikes; the CPU and WebGPU engines return Recordings.
   */
  recordings(opts?: RecordingsOptions): Promise<CoreRecordings>;
  /**
   * The final weights of each plastic projection by chunks of rows (src/record/finalWeights.ts), read from the engine
   * chunk by chunk (valid until dispose); the CPU and WebGPU engines implement it. With recordings({ finalWeights:
   * false }) a caller streams them (RunOptions.finalWeights) instead of the whole Recordings.finalWeights.
   */
  finalWeightSources?(): FinalWeightSource[];
  /**
   * Checkpoint hook (optional; the CPU and WebGPU engines implement it): the complete dynamic state at the
   * current step boundary in the engine-neutral layout of src/engine/snapshot.ts (arrays may be views, valid
   * until the next advance). A GPU engine reads its buffers back here, into that layout (StateLayout).
   */
  snapshot?(): Promise<EngineSnapshot>;
  /** Restores a snapshot taken by any engine on the same spec (call before the first advance). */
  restore?(s: EngineSnapshot): Promise<void>;
  /**
   * As snapshot(), but arrays too large to copy to the host (the WebGPU engine's plastic weights) may be sources read
   * by pieces (src/engine/snapshot.ts, ArraySource): checkpoints are written from it piece by piece. Optional.
   */
  checkpointSnapshot?(): Promise<StreamedSnapshot>;
  /** As restore(), accepting sources (a checkpoint opened for streaming); without it a caller materializes them. */
  restoreStreamed?(s: StreamedSnapshot): Promise<void>;
  dispose(): void;
}
