// `plasticnet run <rate preset | rate spec.json>` and `plasticnet resume <rate run dir>`: rate networks (kind
// 'rate') on a rate engine of the engine registry (model kind 'rate', register.ts) through the shared run loop
// (runRate -> driveEngine), with the same checkpoints, stop requests and exit statuses as spiking runs; the
// outputs are the rate ones (output.ts: summary.json, .npy arrays, report.html).
import { totalmem } from 'node:os';
import { UsageError } from '../../cli/loadSpec.ts';
import { runMeta } from '../../cli/runInfo.ts';
import { catchSignals } from '../../cli/interrupt.ts';
import { terminalSafe } from '../../model/names.ts';
import { writeOutputs } from '../../output/writeOutputs.ts';
import { summarizeRate } from './output.ts';
import { runRate, type RateResult } from './run.ts';
import { rateArrays, renderRateReport, type RateSummary } from './output.ts';
import { runOutputList } from '../../output/writeOutputs.ts';
import { validateRateSpec } from './validate.ts';
import type { RateSpec } from './spec.ts';
import { RateSession, type RateSessionOptions } from './checkpoint.ts';
import { RateBackendError } from './register.ts';
import { deriveRate } from './derive.ts';
import { checkRateBatchFits } from './resources.ts';

export interface RateRunFlags {
  out: string;
  force: boolean;
  quiet: boolean;
  backend: string;
  seed?: number;
  N?: number;
  T_s?: number;
  c?: number;
  initWeights?: string;
  checkpointEvery?: { text: string; wall_s?: number; sim_s?: number };
  maxMemory?: number;
}

/** Validates, runs and writes a rate spec; returns the exit status. prepareOut creates or refuses the output directory. */
export async function runRateCommand(raw: Record<string, unknown>, flags: RateRunFlags, prepareOut: (dir: string, force: boolean) => { release(): void }): Promise<number> {
  for (const [flag, v] of [['--N', flags.N], ['--T', flags.T_s], ['--c', flags.c], ['--init-weights', flags.initWeights]] as const) {
    if (v !== undefined) throw new UsageError(`${flag} does not apply to a rate network (kind 'rate'): edit batch, trials.count or populations[].n in the spec (plasticnet spec <preset> > spec.json)`);
  }
  const spec = validateRateSpec(flags.seed !== undefined ? { ...raw, seed: flags.seed } : raw);
  checkRateBatchFits(deriveRate(spec), flags.maxMemory, totalmem());
  const lock = prepareOut(flags.out, flags.force);
  try {
    writeOutputs(flags.out, [{ name: 'spec.json', json: spec }]); // first: `plasticnet resume` checks the checkpoint against it
    return await executeRateRun(spec, flags, flags.checkpointEvery ? { every: flags.checkpointEvery } : {});
  } finally {
    lock.release();
  }
}

/** Runs `f`, reporting a missing WebGPU adapter for a rate run as a usage error (exit 2). */
export async function runRateBackend<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RateBackendError) throw new UsageError(e.message);
    throw e;
  }
}

/** Runs a validated rate spec in a checkpointing session (fresh or resumed) and writes its outputs; returns the exit status. */
export async function executeRateRun(spec: RateSpec, flags: Pick<RateRunFlags, 'out' | 'backend' | 'quiet'>, sessionOpts: RateSessionOptions): Promise<number> {
  const session = new RateSession(flags.out, spec, sessionOpts);
  const intr = catchSignals();
  let lastPct = -1;
  let r: RateResult;
  try {
    r = await runRateBackend(() => runRate(spec, {
      backend: flags.backend,
      ...session.runOptions(),
      shouldStop: intr.requested,
      onTrial: (t, n) => {
        const pct = Math.floor((10 * t) / n) * 10;
        if (!flags.quiet && pct > lastPct) {
          lastPct = pct;
          process.stderr.write(`\r${spec.name}: trial ${t} / ${n}`);
        }
      },
    }));
  } finally {
    intr.dispose();
  }
  if (!flags.quiet) process.stderr.write('\n');
  const s = summarizeRate(r, runMeta());
  writeRateOutputs(flags.out, r, s);
  if (r.interrupted) {
    const it = r.interrupted;
    const ck = session.lastCheckpoint;
    const trials = it.step / (r.model.trialSteps || 1);
    console.error(`plasticnet: stopped by ${it.reason} after trial ${trials} of ${spec.trials.count}; recordings up to there are in ${flags.out}`);
    console.error(ck ? `continue with: plasticnet resume ${flags.out} (checkpoint at trial ${ck.step / r.model.trialSteps})` : 'no checkpoint was written (use --checkpoint-every to make a run resumable)');
    return intr.exitCode();
  }
  if (!flags.quiet) {
    console.log(`\n${spec.name}: ${spec.batch} network(s) x ${spec.trials.count} trials of ${spec.trials.duration_ms} ms on ${r.device}, wall ${r.wall_s.toFixed(1)} s`);
    for (const [name, f] of Object.entries(s.final.trialMean_Hz)) {
      const set = s.setpoints_Hz[name];
      console.log(`  ${name}: final trial mean ${f.mean.toFixed(3)} Hz (sd over networks ${f.sd.toFixed(3)}, across units ${s.final.unitSd_Hz[name]!.toFixed(3)})${set !== null && set !== undefined ? `, set point ${set} Hz` : ''}`);
    }
    for (const [name, w] of Object.entries(s.final.weightSum)) console.log(`  W ${name}: ${w.mean.toFixed(4)} (total input weight per unit)`);
    console.log(terminalSafe(`\nwrote ${flags.out}/summary.json, report.html and .npy arrays`));
  }
  session.finished();
  return 0;
}

/** Writes summary.json, the .npy arrays and report.html into dir. */
export function writeRateOutputs(dir: string, r: RateResult, s: RateSummary): void {
  writeOutputs(dir, runOutputList(r.spec, { summary: s, arrays: rateArrays(r), reportHtml: renderRateReport(r, s) })); // the one output writer
}
