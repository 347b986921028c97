// One run's checkpointing, learned-weight loading and resume state, as runSimulation options. Used by
// `plasticnet run` (fresh runs) and `plasticnet resume` (continuations); see docs/checkpoints.md.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyInitWeights, type LoadedWeights } from '../network/initWeights.ts';
import type { BuiltNetwork } from '../network/network.ts';
import type { CheckpointInfo, RunOptions } from '../pipeline/simulation.ts';
import type { EngineSnapshot, StreamedSnapshot } from '../engine/snapshot.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { specHash, type DecodedCheckpoint } from '../io/checkpoint.ts';
import { nodeIo, writeCheckpointFile, writeCheckpointStream, type WriteIo } from '../io/checkpointFile.ts';
import { safeJoin } from '../io/safePath.ts';
import { checkConnectivity, checkpointArrays, connectivityFingerprint, restoreImportedStructure, snapshotOf, streamedSnapshotOf, type RunCheckpointMeta } from '../io/runCheckpoint.ts';
import { parseSeconds, UsageError } from './loadSpec.ts';

export const CHECKPOINT_FILE = 'checkpoint.pnck';
export const GUARD_CHECKPOINT_FILE = 'guard.pnck';

/** --checkpoint-every: a wall-clock interval ('60s', '5min') or a simulated one ('sim:2s'). */
export interface CheckpointEvery {
  text: string;
  wall_s?: number;
  sim_s?: number;
}

export function parseCheckpointEvery(v: string): CheckpointEvery {
  const t = v.trim();
  const sim = /^sim:(.+)$/i.exec(t);
  const s = parseSeconds('checkpoint-every', sim ? sim[1]! : t);
  if (!(s > 0)) throw new UsageError(`--checkpoint-every '${v}': expected a positive interval such as 60s, 10min (wall clock) or sim:2s (simulated time)`);
  return sim ? { text: t, sim_s: s } : { text: t, wall_s: s };
}

export interface SessionOptions {
  every?: CheckpointEvery;
  initWeights?: { path: string; weights: LoadedWeights };
  resume?: { ck: DecodedCheckpoint; meta: RunCheckpointMeta; file: string };
  io?: WriteIo;
  log?: (line: string) => void;
}

export class RunSession {
  readonly ckPath: string;
  readonly guardPath: string;
  readonly hash: string;
  lastCheckpoint: { step: number; t_s: number; path: string } | null = null;
  guardCheckpoint: string | null = null;
  private net: BuiltNetwork | null = null;
  private imported: number[] = [];
  private connectivity: RunCheckpointMeta['connectivity'] = [];

  constructor(
    readonly out: string,
    readonly spec: NetworkSpec,
    readonly opts: SessionOptions = {},
  ) {
    this.ckPath = safeJoin(out, CHECKPOINT_FILE);
    this.guardPath = safeJoin(out, GUARD_CHECKPOINT_FILE);
    this.hash = specHash(spec);
    if (opts.resume) {
      const m = opts.resume.meta;
      this.lastCheckpoint = { step: m.step, t_s: m.t_s, path: opts.resume.file };
      this.imported = [...m.importedStructure];
    } else {
      // A fresh run: an earlier run's checkpoints (--force) must not be resumed, nor its summary.json
      // (the mark of a finished run) taken for this one's.
      for (const f of [this.ckPath, this.guardPath, safeJoin(out, 'summary.json')]) if (existsSync(f)) rmSync(f, { force: true });
    }
  }

  private sim_steps(): number | undefined {
    const s = this.opts.every?.sim_s;
    return s === undefined ? undefined : Math.max(1, Math.round((s * 1000) / this.spec.dt_ms));
  }

  /** Why this session's network must be built on the host (runSimulation's hostBuildReason), if it must. */
  buildOptions(): Pick<RunOptions, 'hostBuildReason'> {
    if (this.opts.initWeights) return { hostBuildReason: '--init-weights replaces synapses on the host' };
    if (this.imported.length > 0) return { hostBuildReason: 'the checkpoint holds imported synapses (--init-weights)' };
    return {};
  }

  /** The runSimulation options of this session. */
  simOptions(): Pick<RunOptions, 'checkpoint' | 'prepareNetwork' | 'resumeFrom'> {
    const every = this.opts.every;
    const steps = this.sim_steps();
    const r = this.opts.resume;
    return {
      prepareNetwork: (net) => this.prepare(net),
      checkpoint: {
        ...(steps !== undefined ? { everySteps: steps } : {}),
        ...(every?.wall_s !== undefined ? { everyWall_s: every.wall_s } : {}),
        write: (snap, info) => {
          const { path, meta } = this.meta(snap, info);
          writeCheckpointFile(path, meta as unknown as Record<string, unknown>, checkpointArrays(snap, this.net!, this.imported), this.opts.io ?? nodeIo);
          this.written(snap, info, path, meta);
        },
        writeStreamed: async (snap, info) => {
          const { path, meta } = this.meta(snap, info);
          await writeCheckpointStream(path, meta as unknown as Record<string, unknown>, checkpointArrays(snap, this.net!, this.imported), this.opts.io ?? nodeIo);
          this.written(snap, info, path, meta);
        },
      },
      ...(r ? { resumeFrom: { snapshot: r.ck.sources ? streamedSnapshotOf(r.ck) : snapshotOf(r.ck), wall_s: r.meta.wall_s } } : {}),
    };
  }

  private prepare(net: BuiltNetwork): void {
    const r = this.opts.resume;
    const w = this.opts.initWeights;
    if (r) {
      restoreImportedStructure(net, r.ck, r.meta, `checkpoint '${r.file}'`);
      checkConnectivity(net, r.meta, `checkpoint '${r.file}'`);
    } else if (w) {
      const { lines, replaced } = applyInitWeights(net, w.weights);
      this.imported = replaced;
      for (const l of lines) this.opts.log?.(`init weights: ${l}`);
    }
    this.net = net;
    this.connectivity = connectivityFingerprint(net);
  }

  /** The checkpoint's path and run meta. */
  private meta(snap: EngineSnapshot | StreamedSnapshot, info: CheckpointInfo): { path: string; meta: RunCheckpointMeta } {
    const net = this.net!;
    const d = net.derived;
    const guard = info.reason === 'guard';
    const runOpts: RunCheckpointMeta['run'] = {};
    if (this.opts.every) runOpts.checkpointEvery = this.opts.every.text;
    const initFrom = this.opts.initWeights?.path ?? (this.opts.resume?.meta.run.initWeights as string | undefined);
    if (initFrom !== undefined) runOpts.initWeights = initFrom;
    const meta: RunCheckpointMeta = {
      createdAt: new Date().toISOString(),
      reason: info.reason,
      resumable: !guard,
      // A guard checkpoint counts the step where the guard fired, as summary.json's steps does (the engine's
      // counter had not yet advanced past it); a periodic one counts completed steps (where resume starts).
      step: guard && info.stoppedBy ? info.stoppedBy.step + 1 : snap.step,
      nSteps: d.nSteps,
      t_s: ((guard && info.stoppedBy ? info.stoppedBy.step + 1 : snap.step) * d.dt_ms) / 1000,
      spec: this.spec,
      specHash: this.hash,
      connectivity: this.connectivity,
      engine: { backend: info.engine.backend, device: info.engine.device },
      wall_s: info.wall_s,
      run: runOpts,
      importedStructure: this.imported,
      scalars: snap.scalars,
      snapshotBackend: snap.backend,
      ...(info.stoppedBy ? { stoppedBy: info.stoppedBy } : {}),
    };
    return { path: guard ? this.guardPath : this.ckPath, meta };
  }

  /** Notes a written checkpoint. */
  private written(snap: EngineSnapshot | StreamedSnapshot, info: CheckpointInfo, path: string, meta: RunCheckpointMeta): void {
    if (info.reason === 'guard') this.guardCheckpoint = path;
    else this.lastCheckpoint = { step: snap.step, t_s: meta.t_s, path };
  }

  /** After a complete run whose outputs are written: its checkpoint is no longer needed. */
  finished(): void {
    rmSync(this.ckPath, { force: true });
  }
}
