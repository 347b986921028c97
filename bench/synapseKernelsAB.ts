// A/B of the synapse passes' WebAssembly kernels (src/engine/cpu/synapseKernels.ts) against their JavaScript
// walks, in one process with the two variants alternating, so that both see the same machine load: the
// bench:cpu network (benchSpec), bench:cpu's instrumented per-pass loop, one thread. Prints per variant the
// median per-pass us/step and the loop's median CPU time; stops if the variants' spikes differ.
//   npx tsx bench/synapseKernelsAB.ts [--N 10000] [--mode istdp-ei|static] [--T 1] [--warmup 0.3] [--repeats 3]
import os from 'node:os';
import { benchSpec, instrumentedRun } from './cpu.ts';
import { buildNetwork } from '../src/network/network.ts';
import { derive } from '../src/model/derive.ts';
import { validate } from '../src/model/validate.ts';
import { setSynapseKernels } from '../src/engine/cpu/synapseKernels.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : def;
};
const N = Number(arg('N', '10000'));
const mode = arg('mode', 'istdp-ei');
const T = Number(arg('T', '1'));
const warmup = Number(arg('warmup', '0.3'));
const repeats = Number(arg('repeats', '3'));
if (!(N >= 100 && N <= 1e6) || (mode !== 'istdp-ei' && mode !== 'static') || !(T > warmup && warmup >= 0) || !(repeats >= 1 && repeats <= 50)) {
  console.error('synapseKernelsAB: --N in [100, 1e6], --mode istdp-ei|static, --T > --warmup >= 0, --repeats in [1, 50]');
  process.exit(2);
}
const net = buildNetwork(derive(validate(benchSpec(N, mode, T, warmup))));
const warm = net.derived.statsStartStep;
const steps = net.derived.nSteps - warm;
const runs: Record<'js' | 'wasm', { cpu: number[]; pass: Record<string, number>[] }> = { js: { cpu: [], pass: [] }, wasm: { cpu: [], pass: [] } };
let spikes = -1;
const load0 = os.loadavg()[0]!;
for (let r = 0; r < repeats; r++) {
  for (const v of r % 2 ? (['wasm', 'js'] as const) : (['js', 'wasm'] as const)) {
    setSynapseKernels(v === 'wasm');
    const c0 = process.cpuUsage();
    const x = instrumentedRun(net, warm);
    const c = process.cpuUsage(c0);
    if (spikes >= 0 && x.spikes !== spikes) throw new Error(`variants differ: ${x.spikes} vs ${spikes} spikes`);
    spikes = x.spikes;
    runs[v].cpu.push((c.user + c.system) / 1e6);
    runs[v].pass.push(x.pass_s);
  }
}
setSynapseKernels(true);
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const v of ['js', 'wasm'] as const) {
  const names = Object.keys(runs[v].pass[0]!);
  const per = Object.fromEntries(names.map((n) => [n, Number(((med(runs[v].pass.map((p) => p[n]!)) / steps) * 1e6).toFixed(1))]));
  console.log(JSON.stringify({ N, mode, variant: v, cpu_s: Number(med(runs[v].cpu).toFixed(3)), cpu_s_all: runs[v].cpu.map((x) => Number(x.toFixed(3))), us_per_step: per, spikes, loadavg_1m: [load0, Number(os.loadavg()[0]!.toFixed(2))] }));
}
