// Checkpoints of rate runs: the same .pnck file and run-checkpoint header as spiking runs (src/io/runCheckpoint.ts,
// docs/checkpoints.md) with the rate spec as `spec`, no connectivity (dense weights are state: rate.W) and the
// RateEngine snapshot (rate.*, rec.*, scalar rate.trial). Written at trial boundaries by `plasticnet run
// <rate spec> --checkpoint-every ...`; `plasticnet resume <dir>` continues bit-identically on either engine.
import { existsSync, rmSync } from 'node:fs';
import type { Engine } from '../../engine/engine.ts';
import type { EngineSnapshot } from '../../engine/snapshot.ts';
import { specHash, type DecodedCheckpoint } from '../../io/checkpoint.ts';
import { nodeIo, writeCheckpointFile, type WriteIo } from '../../io/checkpointFile.ts';
import type { RunCheckpointMeta } from '../../io/runCheckpoint.ts';
import { safeJoin } from '../../io/safePath.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import type { RunOptions } from '../../pipeline/simulation.ts';
import { snapshotOf } from '../../io/runCheckpoint.ts';
import { deriveRate } from './derive.ts';
import type { RateSpec } from './spec.ts';

export interface RateCheckpointEvery {
  text: string;
  wall_s?: number;
  sim_s?: number;
}

export interface RateSessionOptions {
  every?: RateCheckpointEvery;
  resume?: { ck: DecodedCheckpoint; meta: RunCheckpointMeta; file: string };
  io?: WriteIo;
}

/** One rate run's checkpointing (fresh or resumed), as RunOptions for runRate. */
export class RateSession {
  readonly ckPath: string;
  readonly guardPath: string;
  readonly hash: string;
  lastCheckpoint: { step: number; t_s: number; path: string } | null = null;
  private readonly trialSteps: number;
  private readonly nSteps: number;

  constructor(
    readonly out: string,
    readonly spec: RateSpec,
    readonly opts: RateSessionOptions = {},
  ) {
    this.ckPath = safeJoin(out, 'checkpoint.pnck');
    this.guardPath = safeJoin(out, 'guard.pnck');
    this.hash = specHash(spec);
    const m = deriveRate(spec);
    this.trialSteps = m.trialSteps;
    this.nSteps = m.trialSteps * spec.trials.count;
    if (opts.resume) this.lastCheckpoint = { step: opts.resume.meta.step, t_s: opts.resume.meta.t_s, path: opts.resume.file };
    else for (const f of [this.ckPath, this.guardPath, safeJoin(out, 'summary.json')]) if (existsSync(f)) rmSync(f, { force: true });
  }

  /** runRate options: checkpoints every whole number of trials (a simulated interval is rounded up to whole trials). */
  runOptions(): Pick<RunOptions, 'checkpoint' | 'resumeFrom'> {
    const e = this.opts.every;
    const r = this.opts.resume;
    const steps = e?.sim_s !== undefined ? Math.max(1, Math.ceil((e.sim_s * 1000) / this.spec.dt_ms / this.trialSteps)) * this.trialSteps : undefined;
    return {
      ...(e ? { checkpoint: { ...(steps !== undefined ? { everySteps: steps } : {}), ...(e.wall_s !== undefined ? { everyWall_s: e.wall_s } : {}), write: (snap, info) => this.write(snap, info) } } : {}),
      ...(r ? { resumeFrom: { snapshot: snapshotOf(r.ck), wall_s: r.meta.wall_s } } : {}),
    };
  }

  private write(snap: EngineSnapshot, info: { reason: 'periodic' | 'guard'; engine: Engine; wall_s: number }): void {
    const t_s = (snap.step * this.spec.dt_ms) / 1000;
    const meta: RunCheckpointMeta & { model: 'rate' } = {
      model: 'rate',
      createdAt: new Date().toISOString(),
      reason: info.reason,
      resumable: info.reason === 'periodic',
      step: snap.step,
      nSteps: this.nSteps,
      t_s,
      spec: this.spec as unknown as NetworkSpec, // a rate spec: resume dispatches on spec.kind
      specHash: this.hash,
      connectivity: [],
      engine: { backend: info.engine.backend, device: info.engine.device },
      wall_s: info.wall_s,
      run: this.opts.every ? { checkpointEvery: this.opts.every.text } : {},
      importedStructure: [],
      scalars: snap.scalars,
      snapshotBackend: snap.backend,
    };
    writeCheckpointFile(this.ckPath, meta as unknown as Record<string, unknown>, snap.arrays, this.opts.io ?? nodeIo);
    this.lastCheckpoint = { step: snap.step, t_s, path: this.ckPath };
  }

  /** After a complete run whose outputs are written: its checkpoint is no longer needed. */
  finished(): void {
    rmSync(this.ckPath, { force: true });
  }
}
