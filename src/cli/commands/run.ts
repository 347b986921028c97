// `plasticnet run`: simulate a preset or spec file, print simulated vs theory, write runs/<x>/.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportFor, runArrays, summarizeRun } from '../../analysis/runOutput.ts';
import { comparisonRows } from '../../analysis/runReport.ts';
import { runSimulation, type Backend } from '../../engine/simulation.ts';
import { writeFileAtomic, writeJson, writeNpy } from '../../io/files.ts';
import { validate } from '../../model/validate.ts';
import { applyOverrides, loadSpec, UsageError, type Overrides } from '../loadSpec.ts';
import { progressBar } from '../progress.ts';
import { runMeta } from '../runInfo.ts';

/** Loads the WebGPU engine when this build has it (the CPU core never imports WebGPU code). */
async function registerGpuEngine(): Promise<void> {
  const path = '../../engine/webgpu/register.ts';
  await import(/* @vite-ignore */ path).catch(() => undefined);
}

export interface RunFlags extends Overrides {
  out: string;
  force: boolean;
  backend: Backend;
  quiet: boolean;
}

/** Prints rows as an aligned text table. */
export function printTable(rows: string[][]): void {
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((x, c) => (c === 0 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join('  '));
    if (i === 0) console.log(w.map((n) => '-'.repeat(n)).join('  '));
  }
}

/** Prepares the output directory: refuses a non-empty one unless --force. */
function prepareOut(dir: string, force: boolean): void {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !force) throw new UsageError(`output directory '${dir}' exists and is not empty (use --force to overwrite)`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create output directory '${dir}': ${(e as Error).message}`);
  }
}

/** Runs one simulation and writes its outputs; returns the process exit status. */
export async function runCommand(ref: string, flags: RunFlags): Promise<number> {
  const spec = validate(applyOverrides(loadSpec(ref), flags));
  prepareOut(flags.out, flags.force);
  await registerGpuEngine();
  const bar = progressBar(spec.name, spec.T_s, flags.quiet);
  const result = await runSimulation(spec, { backend: flags.backend, onProgress: bar.update });
  bar.stop();
  const { summary, analysis } = summarizeRun(result, runMeta());
  writeJson(join(flags.out, 'spec.json'), spec);
  for (const a of runArrays(result, analysis)) writeNpy(join(flags.out, `${a.name}.npy`), a.data, a.shape);
  writeJson(join(flags.out, 'summary.json'), summary);
  writeFileAtomic(join(flags.out, 'report.html'), renderReportFor(result, summary));
  if (!flags.quiet) {
    console.log(`\n${spec.name}: N = ${spec.N}, T = ${spec.T_s} s on ${result.device}`);
    console.log(`wall ${result.wall_s.toFixed(1)} s, real-time factor ${summary.meta.rtf.toFixed(3)}, ${summary.meta.synapses} synapses\n`);
    printTable(comparisonRows(result, summary));
    console.log(`\nwrote ${flags.out}/summary.json, report.html and .npy arrays`);
  }
  if (result.stoppedBy) {
    console.error(`run stopped early: ${result.stoppedBy.message}`);
    return 3;
  }
  return 0;
}
