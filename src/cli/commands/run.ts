// `plasticnet run`: simulate a preset or spec file, print simulated vs theory, write runs/<x>/.
import { writeOutputs, writeRunResult } from '../../output/writeOutputs.ts';
import { npyWeightSink } from '../../output/weightFiles.ts';
import type { FinalWeightStreamOptions } from '../../pipeline/finalWeightStream.ts';
import { comparisonRows } from '../../output/runReport.ts';
import { checkInitWeights } from '../../network/initWeights.ts';
import { EngineFaultError } from '../../engine/faults.ts';
import { runSimulation, type Backend, type RunOptions } from '../../pipeline/simulation.ts';
import { terminalSafe } from '../../model/names.ts';
import { loadWeights } from '../../io/weightsFile.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import { PreparedRun } from '../../pipeline/session.ts';
import { applyOverrides, loadSpec, UsageError, type Overrides } from '../loadSpec.ts';
import { catchSignals } from '../interrupt.ts';
import { checkOutPath, prepareOut } from '../outDir.ts';
import { checkResources, memoryLimit } from '../resources.ts';
import { resolveAutoStorage } from '../../model/estimate.ts';
import { validate } from '../../model/validate.ts';
import { RunSession, type CheckpointEvery } from '../runSession.ts';
import { progressBar } from '../progress.ts';
import { runRateCommand } from '../../models/rate/command.ts';
import { isRateSpec } from '../../models/rate/spec.ts';
import { runMeta } from '../runInfo.ts';
import { BUILD_CHOICES, describeBuild, hostBuildReason, isBuildChoice, type BuildChoice } from '../../pipeline/networkBuild.ts';

export interface RunFlags extends Overrides {
  out: string;
  force: boolean;
  backend: Backend;
  quiet: boolean;
  threads?: number; // --threads: CPU engine threads (default: the idle cores, availableThreads in src/engine/cpu/threads/pool.ts)
  checkpointEvery?: CheckpointEvery; // --checkpoint-every
  initWeights?: string; // --init-weights: a weights directory, run directory or .pnck
  maxMemory?: number; // --max-memory in bytes (default: 80% of this machine's memory)
  gpuSchedule?: string; // --gpu-schedule: the WebGPU engine's schedule (auto | resident | fused | passes)
  build?: BuildChoice; // --build: where the network is built (auto | host | device; src/pipeline/networkBuild.ts)
  plan?: boolean; // --plan: print the memory estimate and the WebGPU engine's plan on an assumed H200, run nothing
}

/** In-process hooks (tests): e.g. an engine factory that injects faults. */
export interface RunHooks {
  engineFactory?: RunOptions['engineFactory'];
  /** The spec already validated and derived (runCommand), so runSimulation does not repeat it. */
  prepared?: PreparedRun;
  /** Final-weight streaming (tests: wholeMax 0 and small chunks); the sink is always the output directory's .npy files. */
  finalWeights?: Omit<FinalWeightStreamOptions, 'sink'>;
}

/** Prints rows as an aligned text table. */
export function printTable(rows: string[][]): void {
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((x, c) => (c === 0 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join('  '));
    if (i === 0) console.log(w.map((n) => '-'.repeat(n)).join('  '));
  }
}

/** Runs one simulation and writes its outputs; returns the process exit status. */
export async function runCommand(ref: string, flags: RunFlags, hooks: RunHooks = {}): Promise<number> {
  const loaded = loadSpec(ref);
  // Rate networks (kind 'rate'): the same registry (model kind 'rate') and run loop (driveEngine), their own outputs.
  if (isRateSpec(loaded)) {
    checkOutPath(flags.out);
    return runRateCommand(loaded as unknown as Record<string, unknown>, flags, prepareOut);
  }
  const initReason = flags.initWeights !== undefined ? '--init-weights' : undefined;
  // On the WebGPU engine, storage 'auto' also keeps the graph within its u32 indices (loaded only for that backend).
  const fits = flags.backend === 'webgpu' ? (await import('../../engine/webgpu/fitPlan.ts')).withinGraphIndices : undefined;
  const prepared = prepareRunSpec(loaded, flags, initReason, fits);
  const spec = prepared.spec;
  if (flags.plan) return await printPlan(spec);
  checkResources(spec, flags.maxMemory, estimateBuild(prepared, flags.backend, flags.build, initReason));
  checkOutPath(flags.out);
  checkBuildChoice(prepared, flags.backend, flags.build, initReason);
  const init = flags.initWeights !== undefined ? { path: flags.initWeights, weights: loadWeights(flags.initWeights) } : undefined;
  if (init) checkInitWeights(prepared.derived, init.weights); // refuse before touching the output directory
  const lock = prepareOut(flags.out, flags.force);
  try {
    writeOutputs(flags.out, [{ name: 'spec.json', json: spec }]); // first: `plasticnet resume` checks the checkpoint against it
    const log = flags.quiet ? undefined : (l: string) => console.log(l);
    const session = new RunSession(flags.out, spec, { ...(flags.checkpointEvery ? { every: flags.checkpointEvery } : {}), ...(init ? { initWeights: init } : {}), ...(log ? { log } : {}) });
    return await executeRun(spec, flags, session, { ...hooks, prepared });
  } finally {
    lock.release();
  }
}

/**
 * Validates and derives the run's spec once, with storage 'auto' resolved against the memory budget (--max-memory or
 * 80% of RAM; spec.json records the choice). The budget counts the host memory of the build that will happen
 * (estimateBuild, judged with every 'auto' stored, as an unresolved spec derives): a run that surely builds on the
 * device keeps stored what its row pointers allow; every other run budgets the host build, as before. `fits` (the
 * WebGPU backend: withinGraphIndices, the u32 indices and storage bindings of its chunked arrays) must also accept the resolved spec.
 */
export function prepareRunSpec(loaded: Record<string, unknown>, flags: Pick<RunFlags, 'backend' | 'build' | 'maxMemory'> & Overrides, hostReason: string | undefined, fits?: (s: NetworkSpec) => boolean): PreparedRun {
  const unresolved = PreparedRun.of(validate(applyOverrides(loaded, flags)));
  const build = estimateBuild(unresolved, flags.backend, flags.build, hostReason);
  const spec = resolveAutoStorage(unresolved.spec, memoryLimit(flags.maxMemory), { build }, fits);
  return spec === unresolved.spec ? unresolved : PreparedRun.of(spec);
}

/**
 * `run --plan`: the host estimate and the WebGPU engine's memory plan (src/engine/webgpu/fitPlan.ts) on an H200's
 * limits (assumed: no device is asked), without building or writing anything. Exit 0 when it fits, 2 with the
 * exact reason (bytes or elements against the limit) when it does not.
 */
async function printPlan(spec: NetworkSpec): Promise<number> {
  const { estimateResources, formatBytes } = await import('../../model/estimate.ts');
  const { deviceFit, describeFit, H200_LIMITS, proceduralInputCandidate } = await import('../../engine/webgpu/fitPlan.ts');
  const { derive } = await import('../../model/derive.ts');
  const e = estimateResources(spec);
  const fit = deviceFit(spec, H200_LIMITS);
  console.log(`${terminalSafe(spec.name)}: N = ${spec.N}, about ${e.synapses.toExponential(3)} synapses (${e.proceduralSynapses.toExponential(3)} procedural); host memory about ${formatBytes(e.hostBytes)} (network built on the host), ${formatBytes(fit.hostBytesDeviceBuild)} (network built on the device)`);
  console.log(terminalSafe(describeFit(fit)));
  // What making the stored input projections procedural would change: the same plan with them procedural.
  if (derive(spec).projections.some(proceduralInputCandidate)) {
    const alt = deviceFit(spec, H200_LIMITS, { proceduralInputs: true });
    const verdict = alt.refusal === null ? `fits, ${alt.bindings} storage bindings` : `does not fit either: ${alt.refusal}`;
    console.log(terminalSafe(`  with procedural input projections (${alt.proceduralInputs.join(', ')}; set their storage to 'procedural', e.g. --set 'projections[${alt.proceduralInputs[0]}].storage=procedural'): graph ${alt.graphElems.toLocaleString('en')} elements, column index ${alt.colidxElems.toLocaleString('en')}${alt.colsSplit ? ' (own array)' : ''}; ${verdict}`));
  }
  return fit.refusal === null ? 0 : 2;
}

/**
 * Where the host-memory estimate assumes the network is built: 'device' where runSimulation will surely build it
 * there (--backend webgpu, --build auto or device, and no host reason: hostBuildReason), else 'host'. --backend auto
 * counts as 'host' (it builds on the device only where it finds a hardware adapter, known after the check).
 */
export function estimateBuild(prepared: PreparedRun, backend: string, build: string | undefined, hostReason: string | undefined): 'host' | 'device' {
  if (build !== undefined && build !== 'auto' && build !== 'device') return 'host';
  return hostBuildReason(prepared, backend, hostReason) === null ? 'device' : 'host';
}

/**
 * Refuses --build device where the run cannot build on the device (exit 2), and names a bad --build value (the CLI
 * parser already does; the library's callers may not).
 */
export function checkBuildChoice(prepared: PreparedRun, backend: string, build: string | undefined, hostReason: string | undefined): void {
  if (build === undefined) return;
  if (!isBuildChoice(build)) throw new UsageError(`--build '${build}': allowed ${BUILD_CHOICES.join(', ')}`);
  if (build !== 'device') return;
  // auto builds on the device where it takes the WebGPU engine (a hardware adapter); a required device build names it.
  if (backend === 'auto') throw new UsageError("--build device: name the engine (--backend webgpu); --backend auto builds on the device only where it finds a hardware adapter (--build auto)");
  const why = hostBuildReason(prepared, backend, hostReason !== undefined ? `${hostReason} needs the host build` : undefined);
  if (why !== null) throw new UsageError(`--build device: ${why}`);
}

/** Runs a validated spec in a session (fresh or resumed), writes the outputs; returns the exit status. */
export async function executeRun(spec: NetworkSpec, flags: Pick<RunFlags, 'out' | 'backend' | 'quiet' | 'gpuSchedule' | 'threads' | 'build'>, session: RunSession, hooks: RunHooks = {}): Promise<number> {
  const bar = progressBar(spec.name, spec.T_s, flags.quiet);
  const intr = catchSignals();
  let result;
  try {
    result = await runSimulation(hooks.prepared ?? spec, { backend: flags.backend, ...(flags.gpuSchedule ? { gpuSchedule: flags.gpuSchedule } : {}), ...(flags.threads !== undefined ? { threads: flags.threads } : {}), ...(flags.build ? { build: flags.build } : {}), ...session.buildOptions(), onProgress: bar.update, shouldStop: intr.requested, ...session.simOptions(), ...(hooks.engineFactory ? { engineFactory: hooks.engineFactory } : {}), finalWeights: { ...hooks.finalWeights, sink: npyWeightSink(flags.out) } });
  } catch (e) {
    intr.dispose();
    bar.stop();
    if (!(e instanceof EngineFaultError)) throw e;
    const ck = session.lastCheckpoint;
    console.error(`plasticnet: ${e.message}`);
    console.error(
      ck
        ? `the run can continue from its last checkpoint (${ck.path}, step ${ck.step}, t = ${ck.t_s} s): plasticnet resume ${flags.out} --backend cpu`
        : `no checkpoint was written (use --checkpoint-every for long runs): the run must be restarted`,
    );
    return 4;
  }
  bar.stop();
  if (!flags.quiet && result.networkBuild && result.backend === 'webgpu') console.log(terminalSafe(describeBuild(result.networkBuild)));
  let summary;
  try {
    summary = writeRunResult(flags.out, spec, result, runMeta()); // the one output list (src/output/writeOutputs.ts)
  } finally {
    intr.dispose();
  }
  if (result.interrupted) {
    const it = result.interrupted;
    const ck = session.lastCheckpoint;
    console.error(`plasticnet: stopped by ${it.reason} after step ${it.step} of ${result.net.derived.nSteps} (t = ${(it.step * spec.dt_ms) / 1000} s); recordings up to there are in ${flags.out} (summary.json meta.interrupted)`);
    console.error(ck ? `continue with: plasticnet resume ${flags.out} (checkpoint at step ${ck.step})` : 'no checkpoint was written (use --checkpoint-every to make a run resumable)');
    return intr.exitCode();
  }
  if (!flags.quiet) {
    console.log(`\n${spec.name}: N = ${spec.N}, T = ${spec.T_s} s on ${result.device}`);
    console.log(`wall ${result.wall_s.toFixed(1)} s, real-time factor ${summary.meta.rtf.toFixed(3)}, ${summary.meta.synapses} synapses\n`);
    printTable(comparisonRows(result, summary));
    console.log(terminalSafe(`\nwrote ${flags.out}/summary.json, report.html and .npy arrays`));
  }
  if (result.stoppedBy) {
    const g = result.stoppedBy;
    const prefix = `run guard '${g.guard}' fired at step ${g.step} (${g.where}): `;
    console.error(`run stopped early by guard '${g.guard}' at step ${g.step} (t = ${(((g.step + 1) * spec.dt_ms) / 1000).toFixed(4)} s): ${g.message.startsWith(prefix) ? g.message.slice(prefix.length) : g.message}`);
    console.error(`  where: ${g.where}; value: ${g.value}`);
    console.error(`recordings up to the guard are in ${flags.out} (summary.json meta.stoppedBy)`);
    if (session.guardCheckpoint) console.error(`the state where the guard fired is in ${session.guardCheckpoint} (plasticnet checkpoint-info ${session.guardCheckpoint})`);
    else if (result.guardCheckpointError) console.error(`the guard checkpoint could not be written: ${result.guardCheckpointError}`);
    if (session.lastCheckpoint) console.error(`last periodic checkpoint: ${session.lastCheckpoint.path} (t = ${session.lastCheckpoint.t_s} s)`);
    return 3;
  }
  session.finished();
  return 0;
}
