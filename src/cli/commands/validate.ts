// `plasticnet validate`: checks this machine's WebGPU adapter against the CPU reference and prints a
// table (check, max error, tolerance, ok). Whole-run checks are computed here; the per-pass suite
// (test/gpu, bit-exact integer paths and per-step float bounds) runs through vitest when present.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulation, type RunResult } from '../../pipeline/simulation.ts';
import { runGpuBatches } from '../../pipeline/gpuBatchRun.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import { fig3IstdpEi } from '../../presets/akilFigures.ts';
import { akilNetwork } from '../../presets/akil2021.ts';
import { vogelsNetwork, vogelsSingle } from '../../presets/vogels2011.ts';
import { soldadoDrivenNetwork, soldadoSpikingNetwork, soldadoTrainingProtocol } from '../../presets/soldado2022.ts';
import { runTrials } from '../../trials/protocol.ts';
import { derive } from '../../model/derive.ts';
import { validate } from '../../model/validate.ts';
import { buildNetwork } from '../../network/network.ts';
import { summarize } from '../../stats/summary.ts';
import { printTable } from './run.ts';
import { spikingRecordings } from '../../record/recordings.ts';

interface Row {
  check: string;
  maxError: number;
  tolerance: number;
  ok: boolean;
}

/** Spike counts per neuron over the whole run (statistics start at t = 0 in these checks). */
function spikeKey(r: RunResult): number[] {
  return Array.from(spikingRecordings(r.recordings, 'validate').neuronStats.spikeCount);
}

/** A small run with every neuron counted from t = 0. */
function small(spec: NetworkSpec, N: number, T_s: number): NetworkSpec {
  return { ...spec, N, T_s, recording: { ...spec.recording, statsStart_s: 0, rasterNeurons: N } };
}

/** The spec with projection post<-pre delayed by `steps` steps (one delay), or per synapse by maxSteps..steps drawn at build. */
function delayed(spec: NetworkSpec, pre: string, post: string, steps: number, maxSteps = steps): NetworkSpec {
  const delay = { min_ms: steps * spec.dt_ms, max_ms: maxSteps * spec.dt_ms };
  return { ...spec, projections: spec.projections.map((p) => (p.pre === pre && p.post === post ? { ...p, delay } : p)) };
}

/** Whole-run checks: identical spike counts on short runs, statistics on longer ones. */
async function wholeRunChecks(long: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const exact: [string, NetworkSpec][] = [
    ['static, N = 500, 200 ms: spike counts per neuron identical', small(akilNetwork({ seed: 7 }), 500, 0.2)],
    ['EI iSTDP, N = 500, 200 ms: spike counts per neuron identical', small(fig3IstdpEi(), 500, 0.2)],
    // Conductance-based LIF with background current and Vogels iSTDP on E<-I from t = 0 (inhibition
    // started at 3 nS, so the rates stay moderate in 200 ms).
    ['Vogels cond LIF + iSTDP, N = 500, 200 ms: spike counts per neuron identical', small(vogelsNetwork({ N: 500, T_s: 0.2, plasticFrom_s: 0, wIE0_nS: 3 }), 500, 0.2)],
    // Adaptive LIF (adaptation channel, Irwin-Hall membrane noise), Soldado-Magraner 2022 Fig 7 network driven by background currents.
    ['adaptive LIF + noise (Soldado Fig 7 network), N = 500, 200 ms: spike counts per neuron identical', soldadoDrivenNetwork(500, 0.2)],
    // iSTDP with a synaptic delay on E<-I (axonal-delay convention: updates at the arrival, docs/trials-delays.md).
    ['delayed iSTDP (E<-I, 5 steps), N = 500, 200 ms: spike counts per neuron identical', small(delayed(fig3IstdpEi(), 'I', 'E', 5), 500, 0.2)],
    // The same with per-synapse delays drawn in 1..4 steps (one pre trace group per delay; lag 0 reads the step's own spikers).
    ['iSTDP with per-synapse delays (E<-I, 1..4 steps), N = 500, 200 ms: spike counts per neuron identical', small(delayed(fig3IstdpEi(), 'I', 'E', 1, 4), 500, 0.2)],
  ];
  // The SOM single neuron: 1000 Poisson sources modulated by 8 filtered-noise signals, iSTDP on I inputs.
  if (long) exact.push(['Vogels SOM single neuron (modulated sources), 300 ms: spike counts per neuron identical', { ...vogelsSingle({ T_s: 0.3 }), recording: { ...vogelsSingle().recording, statsStart_s: 0 } }]);
  // Each on both GPU schedules that runs use: resident (one workgroup, many steps per dispatch; 'auto'
  // takes it for these sizes) and fused (three dispatches per step; 'auto' above the resident limit).
  for (const [name, spec] of exact) {
    const c = spikeKey(await runSimulation(spec, { backend: 'cpu' }));
    for (const gpuSchedule of ['resident', 'fused'] as const) {
      const g = spikeKey(await runSimulation(spec, { backend: 'webgpu', gpuSchedule }));
      const diff = g.reduce((m, v, i) => Math.max(m, Math.abs(v - c[i]!)), 0);
      rows.push({ check: `${name} [${gpuSchedule}]`, maxError: diff, tolerance: 0, ok: diff === 0 });
    }
  }
  rows.push(await batchCheck(exact[1]![1]));
  if (long) rows.push(await trialCheck());
  if (long) {
    const spec = { ...fig3IstdpEi(), N: 2000, T_s: 4 };
    spec.recording = { ...spec.recording, statsStart_s: 2 };
    const g = summarize(spikingRecordings((await runSimulation(spec, { backend: 'webgpu' })).recordings, 'validate'));
    const c = summarize(spikingRecordings((await runSimulation(spec, { backend: 'cpu' })).recordings, 'validate'));
    for (const p of ['E', 'I']) {
      const e = Math.abs(g.populations[p]!.rate_Hz - c.populations[p]!.rate_Hz) / c.populations[p]!.rate_Hz;
      // Two realisations after a float-tie divergence differ by about 1/sqrt(spikes); 5% covers N = 2000, 2 s.
      rows.push({ check: `EI iSTDP N = 2000, 4 s: rate ${p} GPU vs CPU (relative)`, maxError: e, tolerance: 0.05, ok: e <= 0.05 });
    }
    const jg = g.plastic['E<-I']!.jMeanFinal;
    const jc = c.plastic['E<-I']!.jMeanFinal;
    const e = Math.abs(jg - jc) / Math.abs(jc);
    rows.push({ check: 'EI iSTDP N = 2000, 4 s: mean j_ei GPU vs CPU (relative)', maxError: e, tolerance: 0.01, ok: e <= 0.01 });
  }
  return rows;
}

/** The trial protocol (kick, segments restored from snapshots, the cross-homeostatic rule), 2 trials of the Fig 7 network, N = 200: final weights identical. */
async function trialCheck(): Promise<Row> {
  const N = 200;
  const spec = validate({ ...soldadoSpikingNetwork({ N, seed: 2, weights: { EE: 200, IE: 150, EI: 250, II: 150 } }), T_s: 0.4 });
  const pr = { ...soldadoTrainingProtocol({ N, trials: 2, alpha: 0.05 }), duration_s: 0.4 };
  const c = await runTrials(spec, buildNetwork(derive(spec)), pr, { backend: 'cpu' });
  const g = await runTrials(spec, buildNetwork(derive(spec)), pr, { backend: 'webgpu' });
  let diff = 0;
  c.weights.forEach((w, k) => w.forEach((x, y) => (diff = Math.max(diff, Math.abs(x - g.weights[k]![y]!)))));
  return { check: 'trial protocol + cross-homeostatic rule (Soldado Fig 7), N = 200, 2 trials: weights identical', maxError: diff, tolerance: 0, ok: diff === 0 };
}

/**
 * The one-dispatch batch (GpuBatch): three realisations (seeds 7, 8, 9) of spec in one dispatch of three
 * workgroups; every member's spike counts per neuron against its own CPU run (the largest difference).
 */
async function batchCheck(spec: NetworkSpec): Promise<Row> {
  const specs = [7, 8, 9].map((seed) => ({ ...spec, seed }));
  const check = 'EI iSTDP, N = 500, 200 ms, batch of 3 (seeds 7, 8, 9) in one dispatch: every member vs its CPU run, spike counts identical [batch]';
  const { results, alone } = await runGpuBatches(specs);
  let diff = 0;
  for (const [k, r] of results.entries()) {
    if (!r) return { check: `${check}: seed ${specs[k]!.seed} ran alone (${alone.get(k) ?? '?'})`, maxError: NaN, tolerance: 0, ok: false };
    const c = spikeKey(await runSimulation(specs[k]!, { backend: 'cpu' }));
    diff = spikeKey(r).reduce((m, v, i) => Math.max(m, Math.abs(v - c[i]!)), diff);
  }
  return { check, maxError: diff, tolerance: 0, ok: diff === 0 };
}

/** Runs test/gpu through vitest (when the dev dependencies are installed) and returns one row per test. */
function passSuite(root: string): Row[] {
  const vitest = join(root, 'node_modules', '.bin', 'vitest');
  if (!existsSync(vitest) || !existsSync(join(root, 'test', 'gpu'))) return [];
  const out = join(mkdtempSync(join(tmpdir(), 'pn-validate-')), 'gpu.json');
  spawnSync(vitest, ['run', 'test/gpu', '--reporter=json', `--outputFile=${out}`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(out)) return [{ check: 'test/gpu suite (vitest)', maxError: NaN, tolerance: NaN, ok: false }];
  const j = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { assertionResults: { fullName: string; status: string }[] }[] };
  return j.testResults.flatMap((f) => f.assertionResults.map((t) => ({ check: `test/gpu: ${t.fullName}`, maxError: NaN, tolerance: NaN, ok: t.status === 'passed' })));
}

/** Prints the validation table; returns 0 when every check passed, 1 otherwise. */
export async function validateCommand(opts: { quick: boolean; root: string }): Promise<number> {
  const { acquireDevice, releaseDevice } = await import('../../engine/webgpu/device.ts');
  const { device, adapterInfo } = await acquireDevice({ allowSoftware: true });
  console.log(`adapter: ${adapterInfo.description}${adapterInfo.isSoftware ? ' (software)' : ''}`);
  releaseDevice(device);
  const rows = [...(await wholeRunChecks(!opts.quick)), ...(opts.quick ? [] : passSuite(opts.root))];
  const f = (x: number) => (Number.isNaN(x) ? '(in test)' : x === 0 ? '0' : x.toExponential(2));
  printTable([['check', 'max error', 'tolerance', 'ok'], ...rows.map((r) => [r.check, f(r.maxError), f(r.tolerance), r.ok ? 'ok' : 'FAIL'])]);
  const bad = rows.filter((r) => !r.ok).length;
  console.log(bad === 0 ? `\nall ${rows.length} checks passed` : `\n${bad} of ${rows.length} checks FAILED`);
  return bad === 0 ? 0 : 1;
}
