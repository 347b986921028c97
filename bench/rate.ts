// npm run bench:rate [-- --trials 2 --batch 1 --js --gpu --out bench/results/rate.jsonl]
// The Soldado-Magraner Fig 5 configuration (80 E + 20 I units, 20 000 steps of 0.1 ms per trial) on the rate engine:
// wall and CPU time per network-trial on the CPU reference (its WebAssembly kernel, or with --js its JavaScript
// loops: the same bits), extrapolated to the figure's 400 initialisations x 250 trials, and with --gpu the WebGPU
// twin for a batch (default 400) of networks. Appends one JSON line per engine, with the load average.
import { appendFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { runMeta } from '../src/cli/runInfo.ts';
import { CpuRateEngine } from '../src/models/rate/cpu.ts';
import { deriveRate } from '../src/models/rate/derive.ts';
import { getRatePreset } from '../src/models/rate/presets.ts';
import { validateRateSpec } from '../src/models/rate/validate.ts';
import { setRateWasm } from '../src/models/rate/rateWasm.ts';

const FIG5_NETWORKS = 400;
const FIG5_TRIALS = 250;

function arg(name: string, dflt: string): string {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1]! : dflt;
}
const trials = Number(arg('trials', '2'));
const out = arg('out', 'bench/results/rate.jsonl');
const gpuBatch = Number(arg('batch', '400'));

function write(line: Record<string, unknown>): void {
  mkdirSync(dirname(out), { recursive: true });
  appendFileSync(out, `${JSON.stringify(line)}\n`);
  console.log(JSON.stringify(line));
}

async function main(): Promise<void> {
  const spec = validateRateSpec(getRatePreset('soldado-fig5'));
  spec.batch = 1;
  const m = deriveRate(spec);
  if (process.argv.includes('--js')) setRateWasm(false);
  const e = new CpuRateEngine(m);
  e.runTrial(); // warm-up (JIT)
  const load = loadavg()[0]!;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let t = 0; t < trials; t++) e.runTrial();
  const perTrial = (performance.now() - t0) / 1000 / trials;
  const c = process.cpuUsage(c0);
  const cpuPerTrial = (c.user + c.system) / 1e6 / trials;
  const base = { bench: 'rate', config: 'soldado-fig5 (80 E + 20 I, 20 000 steps/trial)', ...runMeta() };
  const device = e.usesWasm ? 'cpu (Float32 reference, WebAssembly SIMD dot products and Philox)' : 'cpu (JavaScript Float32 reference)';
  write({ ...base, backend: 'cpu', device, kernel: e.usesWasm ? 'wasm' : 'js', networks: 1, trials, wall_s_per_network_trial: perTrial, cpu_s_per_network_trial: cpuPerTrial, loadavg_1min: load, fig5_extrapolated_s: perTrial * FIG5_NETWORKS * FIG5_TRIALS });
  if (!process.argv.includes('--gpu')) return;
  const { acquireDevice } = await import('../src/engine/webgpu/device.ts');
  const { GpuRateEngine } = await import('../src/models/rate/gpu.ts');
  const a = await acquireDevice({ allowSoftware: process.argv.includes('--allow-software') });
  spec.batch = gpuBatch;
  const gm = deriveRate(spec);
  const g = new GpuRateEngine(a.device, gm);
  await g.runTrial();
  await g.sync();
  const g0 = performance.now();
  for (let t = 0; t < trials; t++) await g.runTrial();
  await g.sync();
  const gTrial = (performance.now() - g0) / 1000 / trials;
  write({ ...base, backend: 'webgpu', device: `${a.adapterInfo.vendor} ${a.adapterInfo.description}`.trim(), networks: gpuBatch, trials, wall_s_per_batch_trial: gTrial, fig5_extrapolated_s: (gTrial * FIG5_TRIALS * FIG5_NETWORKS) / gpuBatch, speedup_vs_cpu: (perTrial * gpuBatch) / gTrial });
  g.destroy();
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
