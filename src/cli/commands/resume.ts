// `plasticnet resume <dir>`: continues a run from <dir>/checkpoint.pnck and finishes it, writing the same
// outputs as `plasticnet run`. The spec must be the one the run started with (spec.json's hash is checked
// against the checkpoint's); a corrupt, foreign or guard checkpoint is refused with the reason.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../pipeline/simulation.ts';
import { CheckpointEngineError, CheckpointError, specHash } from '../../io/checkpoint.ts';
import { engineLoadError, loadEngines } from '../../engine/engines.ts';
import { engineProvider, registeredEngines } from '../../engine/registry.ts';
import { openCheckpointFile } from '../../io/checkpointFile.ts';
import { readJson } from '../../io/files.ts';
import { runMetaOf, streamableSection } from '../../io/runCheckpoint.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import { validate } from '../../model/validate.ts';
import { UsageError } from '../loadSpec.ts';
import { CHECKPOINT_FILE, GUARD_CHECKPOINT_FILE, parseCheckpointEvery, RunSession, type CheckpointEvery } from '../runSession.ts';
import { checkBuildChoice, estimateBuild, executeRun, type RunHooks } from './run.ts';
import { PreparedRun } from '../../pipeline/session.ts';
import type { BuildChoice } from '../../pipeline/networkBuild.ts';
import { acquireLock } from '../outDir.ts';
import { terminalSafe } from '../../model/names.ts';
import { checkResources } from '../resources.ts';
import { totalmem } from 'node:os';
import { isRateSpec } from '../../models/rate/spec.ts';
import { validateRateSpec } from '../../models/rate/validate.ts';
import { deriveRate } from '../../models/rate/derive.ts';
import { checkRateBatchFits } from '../../models/rate/resources.ts';
import { executeRateRun } from '../../models/rate/command.ts';
import type { RateSessionOptions } from '../../models/rate/checkpoint.ts';

export interface ResumeFlags {
  backend?: Backend; // default: the engine that wrote the checkpoint (refused by name when it is not available)
  checkpointEvery?: CheckpointEvery; // default: the run's
  checkpoint?: string; // default: <dir>/checkpoint.pnck
  quiet: boolean;
  maxMemory?: number; // --max-memory in bytes
  build?: BuildChoice; // --build: where the network is rebuilt (default auto)
}

/** Leaf paths where two JSON values differ (at most `max`). */
function diffPaths(a: unknown, b: unknown, path = '', out: string[] = [], max = 4): string[] {
  if (out.length >= max) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out, max);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '(spec)'}: ${JSON.stringify(b)} -> ${JSON.stringify(a)}`);
  return out;
}

/** Resumes a rate run (kind 'rate') from its checkpoint on the rate engine it asks for (default: the one that wrote it). */
async function resumeRate(dir: string, raw: unknown, flags: ResumeFlags, resume: NonNullable<RateSessionOptions['resume']>): Promise<number> {
  const spec = validateRateSpec(raw);
  const meta = resume.meta;
  checkRateBatchFits(deriveRate(spec), flags.maxMemory, totalmem());
  const backend = flags.backend ?? (meta.engine.backend === 'webgpu' ? 'webgpu' : 'cpu');
  const every = flags.checkpointEvery ?? (meta.run.checkpointEvery !== undefined ? parseCheckpointEvery(meta.run.checkpointEvery) : undefined);
  if (!flags.quiet) console.log(terminalSafe(`resuming ${dir} from step ${meta.step} of ${meta.nSteps} (rate network, written ${meta.createdAt} by ${meta.engine.backend}) on backend ${backend}`));
  const lock = acquireLock(dir);
  try {
    return await executeRateRun(spec, { out: dir, backend, quiet: flags.quiet }, { ...(every ? { every } : {}), resume });
  } finally {
    lock.release();
  }
}

/**
 * The engine that wrote a checkpoint, when it is available here (loaded on demand through the engine registry);
 * otherwise a CheckpointEngineError naming it: the run resumes on another engine only when asked (--backend).
 */
export async function checkpointEngine(name: string, what: string): Promise<Backend> {
  if ((await loadEngines(name)) && engineProvider(name)) return name;
  const why = engineLoadError(name);
  throw new CheckpointEngineError(
    name,
    `${what} was written by engine '${terminalSafe(name)}', which is not available here (${why ? `it failed to load: ${why}` : `registered engines: ${registeredEngines().join(', ')}`}); resume on another engine with --backend <name>`,
  );
}

/** The `meta.interrupted` record of a summary.json (reason, step), or undefined when the run finished or the file is unreadable. */
function interruptionOf(file: string): { reason: string; step: number } | undefined {
  try {
    const it = (readJson(file) as { meta?: { interrupted?: { reason?: unknown; step?: unknown } } }).meta?.interrupted;
    if (it && typeof it.reason === 'string' && typeof it.step === 'number') return { reason: it.reason, step: it.step };
  } catch {
    // an unreadable summary says nothing about an interruption; the caller reports the missing checkpoint
  }
  return undefined;
}

export async function resumeCommand(dir: string, flags: ResumeFlags, hooks: RunHooks = {}): Promise<number> {
  if (!existsSync(dir)) throw new UsageError(`run directory '${dir}' does not exist`);
  const file = flags.checkpoint ?? join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) {
    if (flags.checkpoint === undefined && existsSync(join(dir, GUARD_CHECKPOINT_FILE)))
      throw new CheckpointError(`${dir} has no ${CHECKPOINT_FILE}, only ${GUARD_CHECKPOINT_FILE} (the state where a run guard fired, not resumable); start a new run`);
    if (existsSync(join(dir, 'summary.json'))) {
      const stop = interruptionOf(join(dir, 'summary.json'));
      if (stop)
        throw new CheckpointError(
          `the run in ${dir} was stopped by ${stop.reason} at step ${stop.step} and left no checkpoint (it was started without --checkpoint-every): it cannot be resumed; its recordings up to step ${stop.step} are in ${dir}; start a new run with --checkpoint-every to make a long run resumable`,
        );
      throw new CheckpointError(`the run in ${dir} has finished (summary.json) and left no checkpoint: nothing to resume`);
    }
    throw new CheckpointError(`no checkpoint at '${file}' (was the run started with --checkpoint-every?)`);
  }
  const what = `checkpoint '${file}'`;
  // The plastic weights stay in the file, read by pieces when the engine restores (no host copy of them on webgpu).
  const ck = openCheckpointFile(file, (name, header) => streamableSection(name, header.meta));
  const meta = runMetaOf(ck, what);
  if (!meta.resumable)
    throw new CheckpointError(`${what} was written when guard '${meta.stoppedBy?.guard}' fired (${meta.stoppedBy?.message}); it records that state for inspection and cannot be resumed`);
  const specFile = join(dir, 'spec.json');
  let spec: NetworkSpec = meta.spec;
  if (existsSync(specFile)) {
    let onDisk: unknown;
    try {
      onDisk = readJson(specFile);
    } catch (e) {
      throw new CheckpointError(`${specFile} is not readable JSON: ${(e as Error).message}`);
    }
    const h = specHash(onDisk);
    if (h !== meta.specHash)
      throw new CheckpointError(
        `${specFile} has changed since the checkpoint was written (spec hash ${h}, checkpoint ${meta.specHash}: ${diffPaths(onDisk, meta.spec).join('; ')}); a run resumes only with the spec it started with (restore spec.json, or start a new run)`,
      );
    spec = onDisk as NetworkSpec;
  }
  if (isRateSpec(spec)) return resumeRate(dir, spec, flags, { ck, meta, file });
  spec = validate(spec);
  const backend: Backend = flags.backend ?? (await checkpointEngine(meta.engine.backend, what));
  const imported = meta.importedStructure.length > 0 ? "the checkpoint's imported synapses (--init-weights)" : undefined;
  checkResources(spec, flags.maxMemory, estimateBuild(PreparedRun.of(spec), backend, flags.build, imported));
  const every = flags.checkpointEvery ?? (meta.run.checkpointEvery !== undefined ? parseCheckpointEvery(meta.run.checkpointEvery) : undefined);
  const log = flags.quiet ? undefined : (l: string) => console.log(terminalSafe(l));
  log?.(`resuming ${dir} from step ${meta.step} of ${meta.nSteps} (t = ${meta.t_s} s, written ${meta.createdAt} by ${meta.engine.backend}) on backend ${backend}`);
  if (flags.build === 'device') checkBuildChoice(PreparedRun.of(spec), backend, flags.build, imported);
  const lock = acquireLock(dir);
  try {
    const session = new RunSession(dir, spec, { ...(every ? { every } : {}), resume: { ck, meta, file }, ...(log ? { log } : {}) });
    return await executeRun(spec, { out: dir, backend, quiet: flags.quiet, ...(flags.build ? { build: flags.build } : {}) }, session, hooks);
  } finally {
    lock.release();
  }
}
