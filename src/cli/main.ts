// plasticnet command line: argument parsing and commands only. Bad input exits 2 without a stack trace.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SpecError } from '../model/validate.ts';
import { presets } from '../presets/index.ts';
import { runCommand } from './commands/run.ts';
import { applyOverrides, loadSpec, parseNumber, parseSeconds, UsageError } from './loadSpec.ts';

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

/** Builds the commander program. */
export function program(): Command {
  const p = new Command('plasticnet').description('Simulate plastic balanced spiking networks on WebGPU or the CPU').exitOverride();
  p.command('run')
    .description('run a preset or spec.json; writes summary.json, .npy arrays and report.html')
    .argument('<spec>', 'preset name (see `plasticnet presets`) or path to a spec .json')
    .option('--N <n>', 'network size', intFlag('N'))
    .option('--T <duration>', 'simulated time, e.g. 20s, 500ms', wrap((v) => parseSeconds('T', v)))
    .option('--seed <u32>', 'master seed', intFlag('seed'))
    .option('--c <corr>', 'input correlation c_x of every input layer', wrap((v) => parseNumber('c', v)))
    .option('--backend <name>', 'auto | cpu | webgpu', wrap((v) => {
      if (!['auto', 'cpu', 'webgpu'].includes(v)) throw new UsageError(`--backend '${v}': allowed auto, cpu, webgpu`);
      return v;
    }), 'auto')
    .option('--out <dir>', 'output directory', 'runs/latest')
    .option('--force', 'overwrite a non-empty output directory', false)
    .option('--quiet', 'no progress bar or table', false)
    .action(async (ref: string, o: Record<string, unknown>) => {
      process.exitCode = await runCommand(ref, {
        out: o['out'] as string,
        force: o['force'] as boolean,
        backend: o['backend'] as 'auto',
        quiet: o['quiet'] as boolean,
        ...(o['N'] !== undefined ? { N: o['N'] as number } : {}),
        ...(o['T'] !== undefined ? { T_s: o['T'] as number } : {}),
        ...(o['seed'] !== undefined ? { seed: o['seed'] as number } : {}),
        ...(o['c'] !== undefined ? { c: o['c'] as number } : {}),
      });
    });
  p.command('presets')
    .description('list the presets')
    .action(() => {
      for (const x of presets) console.log(`${x.name.padEnd(28)} ${x.figure}`);
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
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof SpecError || e instanceof UsageError) {
      console.error(`plasticnet: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  });
}
