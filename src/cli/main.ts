// plasticnet command line: argument parsing and commands only. Bad input exits 2 without a stack trace.
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SpecError } from '../model/validate.ts';
import { presets } from '../presets/index.ts';
import { ratePresets } from '../models/rate/presets.ts';
import { runCommand } from './commands/run.ts';
import { checkpointInfoCommand, exportWeightsCommand } from './commands/export.ts';
import { resumeCommand } from './commands/resume.ts';
import { registerExchangeCommands } from './commands/exchange.ts';
import { parseCheckpointEvery } from './runSession.ts';
import { WeightsError } from '../network/initWeights.ts';
import { ENGINE_CHOICES } from '../engine/engines.ts';
import { isScheduleChoice, SCHEDULE_CHOICES } from '../engine/webgpu/scheduleChoice.ts';
import { SnapshotError } from '../engine/snapshot.ts';
import { CheckpointError } from '../io/checkpoint.ts';
import { OutputWriteError } from '../io/checkpointFile.ts';
import { sweepCommand } from './commands/sweep.ts';
import { parseNumberList, parseSetArg, type SetDimension } from '../sweep/sweepGrid.ts';
import { applyOverrides, loadSpec, parseNumber, parseSeconds, UsageError } from './loadSpec.ts';
import { UnsafePathError } from '../io/safePath.ts';
import { terminalSafe } from '../model/names.ts';
import { parseMaxMemory } from './resources.ts';
import { BUILD_CHOICES, isBuildChoice, type BuildChoice } from '../pipeline/networkBuild.ts';

const wrap = <T>(f: (v: string) => T) => (v: string): T => {
  try {
    return f(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

const intFlag = (name: string) => wrap((v) => {
  const x = parseNumber(name, v);
  if (!Number.isInteger(x)) throw new UsageError(`--${name} '${v}': expected an integer`);
  return x;
});

/** Binas 2014 circuits: run by `plasticnet binas` (src/cli/commands/binas.ts). */
const BINAS_PRESETS: [string, string][] = [
  ['binas-wta', 'Binas 2014 Figs 7-8: 2 groups x (2 E + 1 I) WTA learned by Eq 18 (SPEC B4)'],
  ['binas-wta-typical', "Binas 2014 Figs 7-8 with the seed's typical w_max 4, A_exc 2, tau_I = tau_E"],
];

/** --threads: 1 .. 1024 (the CPU engine's threads; default: the idle cores, src/engine/cpu/threads/pool.ts availableThreads). */
const threadsFlag = wrap((v) => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1 || x > 1024) throw new UsageError(`--threads '${v}': expected an integer from 1 to 1024`);
  return x;
});
/** --build: auto | host | device (where the network is built; src/pipeline/networkBuild.ts). */
const buildFlag = wrap((v) => {
  if (!isBuildChoice(v)) throw new UsageError(`--build '${v}': allowed ${BUILD_CHOICES.join(', ')}`);
  return v;
});
const THREADS_HELP = `CPU engine threads, 1 to 1024 (default: the idle cores, the ${os.availableParallelism()} cores here less the 1-minute load average, at least 1; networks under 5000 neurons use one)`;

/** Builds the commander program. */
export function program(): Command {
  const p = new Command('plasticnet').description('Simulate plastic balanced spiking networks on WebGPU or the CPU').exitOverride();
  // Commander echoes flags and arguments in its errors: no control characters reach the terminal.
  p.configureOutput({ writeErr: (s) => process.stderr.write(terminalSafe(s)), writeOut: (s) => process.stdout.write(terminalSafe(s)) });
  p.addHelpText('after', EXIT_STATUS_HELP);
  p.command('run')
    .description('run a preset or spec.json; writes summary.json, .npy arrays and report.html')
    .argument('<spec>', 'preset name (see `plasticnet presets`) or path to a spec .json')
    .option('--N <n>', 'network size', intFlag('N'))
    .option('--T <duration>', 'simulated time, e.g. 20s, 500ms', wrap((v) => parseSeconds('T', v)))
    .option('--seed <u32>', 'master seed', intFlag('seed'))
    .option('--c <corr>', 'input correlation c_x of every input layer', wrap((v) => parseNumber('c', v)))
    .option('--backend <name>', 'auto | cpu | webgpu', wrap((v) => {
      if (!ENGINE_CHOICES.includes(v)) throw new UsageError(`--backend '${v}': allowed ${ENGINE_CHOICES.join(', ')}`);
      return v;
    }), 'auto')
    .option('--gpu-schedule <name>', `WebGPU engine: ${SCHEDULE_CHOICES.join(' | ')} (auto: resident where the network fits one workgroup, else fused)`, wrap((v) => {
      if (!isScheduleChoice(v)) throw new UsageError(`--gpu-schedule '${v}': allowed ${SCHEDULE_CHOICES.join(', ')}`);
      return v;
    }))
    .option('--threads <n>', THREADS_HELP, threadsFlag)
    .option('--build <where>', `where the network is built: ${BUILD_CHOICES.join(' | ')} (auto: stored 'bernoulli-counter' projections on the device with --backend webgpu, else the host)`, buildFlag)
    .option('--out <dir>', 'output directory', 'runs/latest')
    .option('--force', 'overwrite a non-empty output directory', false)
    .option('--quiet', 'no progress bar or table', false)
    .option('--checkpoint-every <interval>', 'write <out>/checkpoint.pnck every interval of wall time (60s, 10min) or simulated time (sim:5s); resume with `plasticnet resume <out>`', wrap(parseCheckpointEvery))
    .option('--init-weights <path>', 'start plastic projections from learned weights: a directory from export-weights, a finished run directory, or a .pnck checkpoint')
    .option('--set <path=value>', 'override any spec field (dot path, [i] or [name] / [post<-pre] selectors, as sweep --set), repeatable; e.g. projections[E<-I].plasticity.eta=1e-3', (v: string, prev: SetDimension[] | undefined) => [...(prev ?? []), wrap(parseSetArg)(v)])
    .option('--max-memory <size>', 'refuse a spec whose estimated host memory exceeds this (e.g. 8GiB; default 80% of this machine)', wrap(parseMaxMemory))
    .option('--plan', 'dry run: print the memory estimate and the WebGPU engine\'s plan (buffers, chunks, bindings) on an NVIDIA H200\'s limits (assumed), then exit: 0 fits, 2 does not (with the limit)', false)
    .action(async (ref: string, o: Record<string, unknown>) => {
      process.exitCode = await runCommand(ref, {
        ...(o['plan'] ? { plan: true } : {}),
        ...(o['set'] !== undefined ? { set: o['set'] as SetDimension[] } : {}),
        ...(o['maxMemory'] !== undefined ? { maxMemory: o['maxMemory'] as number } : {}),
        out: o['out'] as string,
        force: o['force'] as boolean,
        backend: o['backend'] as 'auto',
        quiet: o['quiet'] as boolean,
        ...(o['gpuSchedule'] !== undefined ? { gpuSchedule: o['gpuSchedule'] as string } : {}),
        ...(o['threads'] !== undefined ? { threads: o['threads'] as number } : {}),
        ...(o['build'] !== undefined ? { build: o['build'] as BuildChoice } : {}),
        ...(o['checkpointEvery'] !== undefined ? { checkpointEvery: o['checkpointEvery'] as ReturnType<typeof parseCheckpointEvery> } : {}),
        ...(o['initWeights'] !== undefined ? { initWeights: o['initWeights'] as string } : {}),
        ...(o['N'] !== undefined ? { N: o['N'] as number } : {}),
        ...(o['T'] !== undefined ? { T_s: o['T'] as number } : {}),
        ...(o['seed'] !== undefined ? { seed: o['seed'] as number } : {}),
        ...(o['c'] !== undefined ? { c: o['c'] as number } : {}),
      });
    });
  p.command('sweep')
    .description('resumable grid of runs over N, seeds, input correlation and any spec field (a rate spec: seeds and --set fields, one rate run per cell); writes table.csv/json and report.html')
    .argument('<spec>', 'preset name or path to a spec .json')
    .option('--N <list>', 'network sizes, e.g. 1000,1390,1930,2680,3730,5180,7200,10000', wrap((v) => parseNumberList('N', v).map((x) => {
      if (!Number.isInteger(x) || x <= 0) throw new UsageError(`--N: '${x}' is not a positive integer`);
      return x;
    })))
    .option('--seeds <list>', 'master seeds, e.g. 1,2 (default: 1; a rate spec: its own seed)', wrap((v) => parseNumberList('seeds', v)))
    .option('--c <list>', 'input correlations c_x, e.g. 0,0.1 (default 0; spiking networks)', wrap((v) => parseNumberList('c', v)))
    .option('--set <path=values>', 'spec field (dot path, [i] or [name] / [post<-pre] selectors) and value(s), repeatable; a comma list adds a grid dimension', (v: string, prev: SetDimension[] | undefined) => [...(prev ?? []), wrap(parseSetArg)(v)])
    .option('--T <duration>', 'simulated time per cell, e.g. 20s (statistics over [T/2, T] unless --stats-start)', wrap((v) => parseSeconds('T', v)))
    .option('--stats-start <duration>', 'start of the statistics interval', wrap((v) => parseSeconds('stats-start', v)))
    .option('--backend <name>', 'auto | cpu | webgpu', wrap((v) => {
      if (!ENGINE_CHOICES.includes(v)) throw new UsageError(`--backend '${v}': allowed ${ENGINE_CHOICES.join(', ')}`);
      return v;
    }), 'auto')
    .option('--threads <n>', THREADS_HELP, threadsFlag)
    .option('--out <dir>', 'output directory (finished cells there are reused)', 'runs/sweep')
    .option('--force', 'recompute cells already finished', false)
    .option('--quiet', 'no progress output', false)
    .option('--max-memory <size>', 'refuse cells whose estimated host memory exceeds this (e.g. 8GiB; default 80% of this machine)', wrap(parseMaxMemory))
    .action(async (ref: string, o: Record<string, unknown>) => {
      const sets = (o['set'] as SetDimension[] | undefined) ?? [];
      process.exitCode = await sweepCommand(ref, {
        ...(o['N'] !== undefined ? { N: o['N'] as number[] } : {}),
        ...(o['seeds'] !== undefined ? { seeds: o['seeds'] as number[] } : {}),
        ...(o['c'] !== undefined ? { c: o['c'] as number[] } : {}),
        set: sets,
        backend: o['backend'] as 'auto',
        ...(o['threads'] !== undefined ? { threads: o['threads'] as number } : {}),
        out: o['out'] as string,
        force: o['force'] as boolean,
        quiet: o['quiet'] as boolean,
        ...(o['maxMemory'] !== undefined ? { maxMemory: o['maxMemory'] as number } : {}),
        ...(o['T'] !== undefined ? { T_s: o['T'] as number } : {}),
        ...(o['statsStart'] !== undefined ? { statsStart_s: o['statsStart'] as number } : {}),
      });
    });
  p.command('resume')
    .description('continue a run from <dir>/checkpoint.pnck and finish it (same outputs as `run`; bit-identical on the same engine)')
    .argument('<dir>', 'the run directory (the --out of `plasticnet run`)')
    .option('--backend <name>', 'cpu | webgpu | auto (default: the engine that wrote the checkpoint, refused by name where it is not available; pass cpu after a lost GPU device)', wrap((v) => {
      if (!ENGINE_CHOICES.includes(v)) throw new UsageError(`--backend '${v}': allowed ${ENGINE_CHOICES.join(', ')}`);
      return v;
    }))
    .option('--checkpoint-every <interval>', 'checkpoint interval from here on (default: the run\'s)', wrap(parseCheckpointEvery))
    .option('--checkpoint <file>', 'resume from this checkpoint file instead of <dir>/checkpoint.pnck')
    .option('--build <where>', `where the network is rebuilt: ${BUILD_CHOICES.join(' | ')} (auto: on the device with the webgpu backend where it can)`, buildFlag)
    .option('--quiet', 'no progress bar or table', false)
    .option('--max-memory <size>', 'refuse a spec whose estimated host memory exceeds this (default 80% of this machine)', wrap(parseMaxMemory))
    .action(async (dir: string, o: Record<string, unknown>) => {
      process.exitCode = await resumeCommand(dir, {
        quiet: o['quiet'] as boolean,
        ...(o['maxMemory'] !== undefined ? { maxMemory: o['maxMemory'] as number } : {}),
        ...(o['backend'] !== undefined ? { backend: o['backend'] as 'cpu' } : {}),
        ...(o['checkpointEvery'] !== undefined ? { checkpointEvery: o['checkpointEvery'] as ReturnType<typeof parseCheckpointEvery> } : {}),
        ...(o['checkpoint'] !== undefined ? { checkpoint: o['checkpoint'] as string } : {}),
        ...(o['build'] !== undefined ? { build: o['build'] as BuildChoice } : {}),
      });
    });
  p.command('export-weights')
    .description('save the learned weights and spec of a run (finished, or its checkpoint) for `run --init-weights`')
    .argument('<src>', 'a run directory, a .pnck checkpoint or a weights directory')
    .requiredOption('--out <dir>', 'directory to write (weights.json, spec.json, weights_<proj>_{Jscaled,j,pre,post}.npy)')
    .option('--force', 'overwrite a non-empty output directory', false)
    .option('--quiet', 'no summary', false)
    .action((src: string, o: Record<string, unknown>) => {
      process.exitCode = exportWeightsCommand(src, { out: o['out'] as string, force: o['force'] as boolean, quiet: o['quiet'] as boolean });
    });
  registerExchangeCommands(p);
  p.command('checkpoint-info')
    .description('print the header of a checkpoint (step, reason, guard that fired, spec, sections) after verifying it')
    .argument('<path>', 'a .pnck file or a run directory')
    .action((path: string) => {
      process.exitCode = checkpointInfoCommand(path);
    });
  p.command('validate')
    .description("check this machine's WebGPU adapter against the CPU reference: whole runs and the per-pass suite (test/gpu)")
    .option('--quick', 'only the short whole-run checks', false)
    .action(async (o: Record<string, unknown>) => {
      const { validateCommand } = await import('./commands/validate.ts');
      const root = new URL('../..', import.meta.url).pathname;
      process.exitCode = await validateCommand({ quick: o['quick'] as boolean, root });
    });
  p.command('binas')
    .description('run a Binas 2014 WTA circuit (binas-wta, binas-wta-typical or a spec .json) on the rate engine; writes summary.json and report.svg')
    .argument('<spec>', 'binas-wta | binas-wta-typical | path to a Binas spec .json')
    .option('--patterns <n>', 'patterns shown (paper: 1000)', intFlag('patterns'))
    .option('--batch <n>', 'circuits with independent initial weights', intFlag('batch'))
    .option('--seed <u32>', 'seed', intFlag('seed'))
    .option('--backend <name>', 'cpu | webgpu (the WGSL twin of the rate engine; a batch of circuits in parallel)', wrap((v) => {
      if (!['cpu', 'webgpu'].includes(v)) throw new UsageError(`--backend '${v}': allowed cpu, webgpu`);
      return v;
    }), 'cpu')
    .option('--out <dir>', 'output directory', 'runs/binas')
    .option('--force', 'overwrite a non-empty output directory', false)
    .option('--quiet', 'no progress or table', false)
    .action(async (ref: string, o: Record<string, unknown>) => {
      const { binasCommand } = await import('./commands/binas.ts');
      process.exitCode = await binasCommand(ref, {
        out: o['out'] as string,
        force: o['force'] as boolean,
        quiet: o['quiet'] as boolean,
        backend: o['backend'] as 'cpu' | 'webgpu',
        ...(o['patterns'] !== undefined ? { patterns: o['patterns'] as number } : {}),
        ...(o['batch'] !== undefined ? { batch: o['batch'] as number } : {}),
        ...(o['seed'] !== undefined ? { seed: o['seed'] as number } : {}),
      });
    });
  p.command('presets')
    .description('list the presets')
    .action(() => {
      for (const x of [...presets, ...ratePresets]) console.log(`${x.name.padEnd(28)} ${x.figure}`);
      for (const [name, figure] of BINAS_PRESETS) console.log(`${name.padEnd(28)} ${figure} (run with \`plasticnet binas ${name}\`)`);
    });
  p.command('spec')
    .description('print the spec JSON of a preset (edit it and pass the file to `run`)')
    .argument('<preset>')
    .option('--N <n>', 'network size', intFlag('N'))
    .option('--T <duration>', 'simulated time', wrap((v) => parseSeconds('T', v)))
    .action((ref: string, o: Record<string, unknown>) => {
      const s = applyOverrides(loadSpec(ref), { ...(o['N'] !== undefined ? { N: o['N'] as number } : {}), ...(o['T'] !== undefined ? { T_s: o['T'] as number } : {}) });
      console.log(JSON.stringify(s, null, 2));
    });
  return p;
}

/** Entry: maps usage and spec errors to exit status 2 with a one-paragraph message. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined; // commands set it; main() may run several times in one process (tests)
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof SpecError || e instanceof UsageError || e instanceof CheckpointError || e instanceof SnapshotError || e instanceof WeightsError || e instanceof UnsafePathError) {
      console.error(`plasticnet: ${terminalSafe(e.message)}`);
      return 2;
    }
    const code = (e as NodeJS.ErrnoException)?.code;
    if (e instanceof OutputWriteError || (typeof code === 'string' && WRITE_ERRNO.has(code))) {
      console.error(`plasticnet: ${terminalSafe((e as Error).message)}`);
      console.error('files already written are complete (each is written to a temporary file and renamed); no partial file was left');
      return 5;
    }
    throw e;
  } finally {
    process.exitCode = undefined;
  }
}

/** errno codes of output failures reported without a stack trace (exit 5). */
const WRITE_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EFBIG', 'EMFILE', 'ENFILE']);

const EXIT_STATUS_HELP = `
Exit status: 0 done; 1 internal error (a bug: please report the stack trace); 2 bad input (spec, flags,
files, names outside the name rule, a spec estimated past the memory limit or --max-memory, an --out that
is a file, on /proc, /sys or /dev, or locked by a running plasticnet) or a refused checkpoint or weights
file; 3 a run guard stopped the run (maxRate_Hz, NaN/Inf, fixed-point overflow, weight bounds: recordings
and a guard checkpoint are written); 4 engine fault (WebGPU device lost: resume from the last checkpoint
with \`plasticnet resume <out> --backend cpu\`); 5 cannot write outputs (disk full, read-only or not
permitted; nothing partial is left behind); 130 / 143 stopped by SIGINT / SIGTERM (what was recorded is
written, and a checkpoint when --checkpoint-every is on).`;

/** Process entry (bin/plasticnet.js and `tsx src/cli/main.ts`): runs main() and exits with its status. */
export function cli(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) cli(process.argv.slice(2));
