// `plasticnet run <rate preset | rate spec.json>`: the rate-engine branch of the run command (issue 16). The
// spiking run command dispatches here for specs with kind 'rate' (see the RATE-DISPATCH mark in
// src/cli/commands/run.ts); the lead rewires that onto the engine registry at merge.
import { UsageError } from '../../cli/loadSpec.ts';
import { runMeta } from '../../cli/runInfo.ts';
import { rateArrays, renderRateReport, summarizeRate, type RateSummary } from './output.ts';
import { runOutputList, writeOutputs } from '../../output/writeOutputs.ts';
import type { RateResult } from './run.ts';
import { runRate } from './run.ts';
import { validateRateSpec } from './validate.ts';
import type { RateSpec } from './spec.ts';
import { deriveRate, type RateModel } from './derive.ts';
import { SpecError } from '../../model/validate.ts';
import type { RateEngineLike } from './run.ts';

/** The WebGPU rate engine factory (loaded only for --backend webgpu, so the CPU path never imports WebGPU code). */
export async function gpuEngine(): Promise<{ engine: (m: RateModel) => RateEngineLike; device: string }> {
  const { acquireDevice } = await import('../../engine/webgpu/device.ts');
  const { GpuRateEngine } = await import('./gpu.ts');
  let a;
  try {
    a = await acquireDevice({ allowSoftware: true });
  } catch (e) {
    throw new UsageError(`--backend webgpu: no WebGPU adapter (${(e as Error).message})`);
  }
  return { engine: (m) => new GpuRateEngine(a.device, m), device: `webgpu (${a.adapterInfo.description || a.adapterInfo.vendor || 'adapter'})` };
}

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
  checkpointEvery?: unknown;
}

/** Validates, runs and writes a rate spec; returns the exit status. prepareOut creates or refuses the output directory. */
export async function runRateCommand(raw: Record<string, unknown>, flags: RateRunFlags, prepareOut: (dir: string, force: boolean) => { release(): void }): Promise<number> {
  for (const [flag, v] of [['--N', flags.N], ['--T', flags.T_s], ['--c', flags.c], ['--init-weights', flags.initWeights], ['--checkpoint-every', flags.checkpointEvery]] as const) {
    if (v !== undefined) throw new UsageError(`${flag} does not apply to a rate network (kind 'rate'): edit batch, trials.count or populations[].n in the spec (plasticnet spec <preset> > spec.json)`);
  }
  const spec = validateRateSpec(flags.seed !== undefined ? { ...raw, seed: flags.seed } : raw);
  const gpu = flags.backend === 'webgpu' ? await gpuEngine() : undefined; // auto = cpu: rate batches are small
  if (gpu) {
    const m = deriveRate(spec);
    if (m.kicks.length) throw new SpecError([{ path: 'inputs', value: 'poisson-pulse', allowed: 'pulse or constant inputs with --backend webgpu (Poisson kicks run on the CPU: --backend cpu)' }]);
    if (m.rule?.kind === 'online') throw new SpecError([{ path: 'plasticity.kind', value: 'online', allowed: "'trial' with --backend webgpu (the online rule runs on the CPU: --backend cpu)" }]);
  }
  const lock = prepareOut(flags.out, flags.force);
  try {
    return await runAndWrite(spec, flags, gpu);
  } finally {
    lock.release();
  }
}

async function runAndWrite(spec: RateSpec, flags: RateRunFlags, gpu: { engine: (m: RateModel) => RateEngineLike; device: string } | undefined): Promise<number> {
  let lastPct = -1;
  const r = await runRate(spec, {
    ...(gpu ? { engine: gpu.engine, backend: 'webgpu', device: gpu.device } : {}),
    onTrial: (t, n) => {
      const pct = Math.floor((10 * t) / n) * 10;
      if (!flags.quiet && pct > lastPct) {
        lastPct = pct;
        process.stderr.write(`\r${spec.name}: trial ${t} / ${n}`);
      }
    },
  });
  if (!flags.quiet) process.stderr.write('\n');
  const s = summarizeRate(r, runMeta());
  writeRateOutputs(flags.out, r, s);
  if (!flags.quiet) {
    console.log(`\n${spec.name}: ${spec.batch} network(s) x ${spec.trials.count} trials of ${spec.trials.duration_ms} ms on ${r.device}, wall ${r.wall_s.toFixed(1)} s`);
    for (const [name, f] of Object.entries(s.final.trialMean_Hz)) {
      const set = s.setpoints_Hz[name];
      console.log(`  ${name}: final trial mean ${f.mean.toFixed(3)} Hz (sd over networks ${f.sd.toFixed(3)}, across units ${s.final.unitSd_Hz[name]!.toFixed(3)})${set !== null && set !== undefined ? `, set point ${set} Hz` : ''}`);
    }
    for (const [name, w] of Object.entries(s.final.weightSum)) console.log(`  W ${name}: ${w.mean.toFixed(4)} (total input weight per unit)`);
    console.log(`\nwrote ${flags.out}/summary.json, report.html and .npy arrays`);
  }
  return 0;
}

/** Writes summary.json, the .npy arrays and report.html into dir. */
export function writeRateOutputs(dir: string, r: RateResult, s: RateSummary): void {
  writeOutputs(dir, runOutputList(r.spec, { summary: s, arrays: rateArrays(r), reportHtml: renderRateReport(r, s) })); // the one output writer
}
