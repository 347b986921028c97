// Networks, CPU reference states and comparators shared by the WebGPU engine tests.
import { expect } from 'vitest';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { CpuState } from '../../src/engine/cpu/state.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { neuronCv, populationCv } from '../../src/stats/cv.ts';
import { populationRates_Hz, statsDuration_ms } from '../../src/stats/rates.ts';
import { realisationTolerance, weightDriftTolerance } from '../tolerances.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';

/** Akil EI iSTDP (Eq 22): alpha = 2 rho tauSTDP = 4, jNorm = -200, eta = 1e-3, tauSTDP = 200 ms. */
export const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

export interface NetOptions {
  N: number;
  T_s: number;
  c?: number;
  plastic?: boolean;
  seed?: number;
  /** Put every neuron in the raster (full spike trains in Recordings.raster). */
  rasterAll?: boolean;
}

/** The Akil network (static, or with EI iSTDP on E<-I), validated. */
export function akilSpec(o: NetOptions): NetworkSpec {
  return validate(
    akilNetwork({
      N: o.N,
      T_s: o.T_s,
      c: o.c ?? 0,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.plastic ? { plastic: { 'E<-I': EI_ISTDP } } : {}),
    }),
  );
}

export function build(o: NetOptions): BuiltNetwork {
  const spec = akilSpec(o);
  if (o.rasterAll) spec.recording.rasterNeurons = spec.N;
  return buildNetwork(derive(spec));
}

/** A deep copy of a CPU state (every field, whatever the reference adds). */
export function cloneState(st: CpuState): CpuState {
  return structuredClone(st);
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(9));

/** Groups sorted indices into "a..b" ranges for messages. */
function ranges(idx: number[]): string {
  const out: string[] = [];
  for (let k = 0; k < idx.length; ) {
    let j = k;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    out.push(j > k ? `${idx[k]}..${idx[j]}` : `${idx[k]}`);
    k = j + 1;
  }
  return out.slice(0, 8).join(', ') + (out.length > 8 ? ', ...' : '');
}

/** '' when equal, else a CTS-style table of the first mismatches (index: got vs expected). */
export function exactDiff(name: string, got: ArrayLike<number>, want: ArrayLike<number>): string {
  if (got.length !== want.length) return `${name}: length ${got.length}, expected ${want.length}`;
  const bad: number[] = [];
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) bad.push(i);
  if (bad.length === 0) return '';
  const rows = bad.slice(0, 10).map((i) => `  [${i}] got ${fmt(got[i]!)} expected ${fmt(want[i]!)}`);
  return `${name}: ${bad.length} of ${got.length} entries differ at indices ${ranges(bad)}\n${rows.join('\n')}`;
}

/** '' when |got - want| <= bound(i) everywhere, else a table; also the worst |diff| / bound. */
export function boundDiff(name: string, got: ArrayLike<number>, want: ArrayLike<number>, bound: (i: number) => number): { msg: string; worst: number } {
  if (got.length !== want.length) return { msg: `${name}: length ${got.length}, expected ${want.length}`, worst: Infinity };
  const bad: number[] = [];
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    const b = bound(i);
    if (d > 0) worst = Math.max(worst, d / b);
    if (!(d <= b)) bad.push(i);
  }
  if (bad.length === 0) return { msg: '', worst };
  const rows = bad.slice(0, 10).map((i) => `  [${i}] got ${fmt(got[i]!)} expected ${fmt(want[i]!)} |diff| ${Math.abs(got[i]! - want[i]!).toExponential(3)} > bound ${bound(i).toExponential(3)}`);
  return { msg: `${name}: ${bad.length} of ${got.length} entries outside the bound at indices ${ranges(bad)}\n${rows.join('\n')}`, worst };
}

/** First (step, neuron) where two spike trains (step-major, ids ascending) differ, or null. */
export function firstDivergence(a: { steps: Int32Array; ids: Int32Array; count: number }, b: { steps: Int32Array; ids: Int32Array; count: number }): { index: number; a: [number, number] | null; b: [number, number] | null } | null {
  const n = Math.max(a.count, b.count);
  for (let k = 0; k < n; k++) {
    const ea: [number, number] | null = k < a.count ? [a.steps[k]!, a.ids[k]!] : null;
    const eb: [number, number] | null = k < b.count ? [b.steps[k]!, b.ids[k]!] : null;
    if (!ea || !eb || ea[0] !== eb[0] || ea[1] !== eb[1]) return { index: k, a: ea, b: eb };
  }
  return null;
}

/** One whole run of net on the WebGPU engine (with opts) and on the CPU reference; both recordings. */
export async function runBothEngines(net: BuiltNetwork, device: GPUDevice, opts: WebGpuEngineOptions): Promise<{ gpu: Recordings; cpu: Recordings }> {
  const g = await WebGpuEngine.create(net, device, opts);
  try {
    await g.advance(net.derived.nSteps);
    const c = new CpuEngine(net);
    await c.advance(net.derived.nSteps);
    return { gpu: await g.recordings(), cpu: await c.recordings() };
  } finally {
    g.dispose();
  }
}

/** Rates of population p per bin over the statistics interval. */
function binRates(r: Recordings, p: number): number[] {
  const nP = r.populations.length;
  const first = Math.ceil((r.statsStart_step * r.dt_ms) / r.series.bin_ms);
  const out: number[] = [];
  for (let b = first; b < r.series.nBins; b++) out.push(r.series.rate_Hz[b * nP + p]!);
  return out;
}

/**
 * Whole-run statistics, GPU vs CPU (DESIGN "Validation" level 3), printed under `label`: per population
 * the rate and the CV over the statistics interval within realisationTolerance (the rate above 0.5 Hz);
 * with `weights`, the last bin's mean plastic weight within weightDriftTolerance, and moved from its
 * first bin (the rule did act). Where the spike trains part, the step is reported.
 */
export function expectSameStatistics(label: string, gpu: Recordings, cpu: Recordings, o: { weights: boolean; weightUnit?: string }): void {
  const div = firstDivergence(gpu.raster, cpu.raster);
  console.log(`${label}: raster ${div ? `parts at step ${Math.min(div.a?.[0] ?? Infinity, div.b?.[0] ?? Infinity)}` : 'identical'} (${cpu.raster.count} CPU spikes in the raster)`);
  const pops = cpu.populations;
  const rg = populationRates_Hz(gpu.neuronStats.spikeCount, pops, statsDuration_ms(gpu));
  const rc = populationRates_Hz(cpu.neuronStats.spikeCount, pops, statsDuration_ms(cpu));
  const cvg = populationCv(neuronCv(gpu.neuronStats), pops);
  const cvc = populationCv(neuronCv(cpu.neuronStats), pops);
  const cvi = neuronCv(cpu.neuronStats);
  let relRate = 0;
  pops.forEach((p, k) => {
    const tolR = realisationTolerance(binRates(cpu, k));
    const tolCv = realisationTolerance(cvi.subarray(p.offset, p.offset + p.size));
    console.log(`  ${p.name}: rate GPU ${rg[k]!.toFixed(3)} CPU ${rc[k]!.toFixed(3)} Hz (tol ${tolR.toFixed(3)}); CV GPU ${cvg[k]!.toFixed(4)} CPU ${cvc[k]!.toFixed(4)} (tol ${tolCv.toFixed(4)})`);
    expect(rc[k]!).toBeGreaterThan(0.5);
    expect(Math.abs(rg[k]! - rc[k]!)).toBeLessThanOrEqual(tolR);
    expect(Math.abs(cvg[k]! - cvc[k]!)).toBeLessThanOrEqual(tolCv);
    relRate = Math.max(relRate, tolR / rc[k]!);
  });
  if (!o.weights) return;
  const nb = cpu.series.nBins;
  const j0 = cpu.series.jMean[0]!;
  const jc = cpu.series.jMean[nb - 1]!;
  const jg = gpu.series.jMean[nb - 1]!;
  const tol = weightDriftTolerance(j0, jc, relRate);
  console.log(`  mean plastic j: first bin ${j0.toFixed(4)}, end GPU ${jg.toFixed(6)} CPU ${jc.toFixed(6)}${o.weightUnit ? ` ${o.weightUnit}` : ''} (tol ${tol.toExponential(2)})`);
  expect(Math.abs(jg - jc)).toBeLessThanOrEqual(tol);
  expect(Math.abs(jc - j0)).toBeGreaterThan(0); // the rule did act
}

/** Same spike trains, windows and series (currents and weight means to f32 sums, as run.test.ts); with weights, the sampled and final weights too, and the rule acted. */
export function expectIdentical(net: BuiltNetwork, gpu: Recordings, cpu: Recordings, weights: boolean): void {
  const div = firstDivergence(gpu.raster, cpu.raster);
  if (div) console.log(`first divergence at raster entry ${div.index}: GPU ${JSON.stringify(div.a)} CPU ${JSON.stringify(div.b)} (step, neuron)`);
  expect(div).toBeNull();
  console.log(`raster: ${cpu.raster.count} CPU spikes`);
  expect(cpu.raster.count).toBeGreaterThan(20);
  expect(exactDiff('window counts', gpu.windows.counts, cpu.windows.counts)).toBe('');
  expect(exactDiff('rate_Hz', gpu.series.rate_Hz, cpu.series.rate_Hz)).toBe('');
  const scale = Math.max(...Array.from(cpu.series.currents, Math.abs));
  expect(boundDiff('currents', gpu.series.currents, cpu.series.currents, () => 1e-4 * scale).msg).toBe('');
  if (!weights) return;
  expect(boundDiff('jMean', gpu.series.jMean, cpu.series.jMean, (i) => 1e-6 * Math.abs(cpu.series.jMean[i]!)).msg).toBe('');
  expect(exactDiff('sampled weights', gpu.series.jSample, cpu.series.jSample)).toBe('');
  expect(exactDiff('final weights', gpu.finalWeights[0]!.j, cpu.finalWeights[0]!.j)).toBe('');
  // The rule did act: some final weight differs from its initial value.
  const fw = cpu.finalWeights[0]!;
  const pr = net.derived.projections.find((p) => p.name === fw.name)!;
  const w0 = net.csr[pr.index]!.weight;
  expect(fw.J!.some((w, k) => w !== w0[k])).toBe(true);
}
