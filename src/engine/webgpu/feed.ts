// Feeds one submission's readback to the shared host Recorder step by step, exactly as the CPU engine's
// recordStep does (spikes of every step, ids ascending; bins closed at their last step), and raises the
// run guards the GPU flagged (fixed-point overflow, spike record overflow) at the step they happened.
import { counterRow, skipTable } from '../../network/counterRows.ts';
import { weightRangeOf } from '../weightRange.ts';
import { RunGuardError } from '../engine.ts';
import type { Recorder } from '../recorder.ts';
import { NO_OVERFLOW } from './layout.ts';
import type { GpuPlan } from './plan.ts';
import type { ChunkData } from './readback.ts';

function popOf(plan: GpuPlan, i: number): number {
  const pops = plan.net.derived.pops;
  let p = 0;
  while (p + 1 < pops.length && i >= pops[p + 1]!.offset) p++;
  return p;
}

const popName = (plan: GpuPlan, i: number): string => `population ${plan.net.derived.pops[popOf(plan, i)]!.name}`;
const fmtT = (plan: GpuPlan, step: number): string => `${(((step + 1) * plan.net.derived.dt_ms) / 1000).toFixed(4)} s`;

/** The fixed-point overflow flagged on the GPU, worded as the CPU engine's guards. */
function overflowError(plan: GpuPlan, data: ChunkData): RunGuardError {
  const d = plan.net.derived;
  const idx = data.ovfIndex % (plan.nCh * plan.N); // an index in the delay ring: its slot's channel and neuron
  const c = Math.floor(idx / plan.N);
  const i = idx % plan.N;
  const ch = d.channels[c];
  const where = ch?.kind === 'input' ? `neuron ${i} (${popName(plan, i)}), input channel ${ch.name}, t = ${fmtT(plan, data.ovfStep)}` : `neuron ${i}, channel ${ch?.name ?? c}`;
  return new RunGuardError('overflow', data.ovfStep, where, NaN, 'fixed-point input exceeds the i32 range (scale 2^20) on the GPU');
}

/** The state fault at the end of bin b (non-finite V first, then the lowest bad weight), as checkStateAtBinEnd. */
function stateFault(plan: GpuPlan, data: ChunkData, b: number): RunGuardError {
  const d = plan.net.derived;
  const step = data.faultStep;
  if (data.vBad !== NO_OVERFLOW) {
    const v = new Float32Array(new Uint32Array([data.vBadBits]).buffer)[0]!;
    return new RunGuardError('nan', step, `bin ${b}, neuron ${data.vBad} (${popName(plan, data.vBad)}), t = ${fmtT(plan, step)}`, v, 'non-finite membrane potential');
  }
  const pi = plan.projs.findIndex((p) => p.plastic && data.wBad >= p.wOff && data.wBad < p.wOff + p.nnz);
  const pr = d.projections[pi]!;
  const c = plan.net.csr[pi]!;
  const s = data.wBad - plan.projs[pi]!.wOff;
  let k = 0;
  while (c.rowPtr[k + 1]! <= s) k++;
  const x = data.wBadValue ?? NaN;
  const where = `bin ${b}, projection ${pr.name} synapse ${s} (pre ${pr.pre.offset + k}, post ${postOf(plan, pi, k, s)}), t = ${fmtT(plan, step)}`;
  if (!Number.isFinite(x)) return new RunGuardError('nan', step, where, x, 'non-finite weight');
  return new RunGuardError('weight-bounds', step, where, x / pr.jScale, `weight j = ${Number((x / pr.jScale).toPrecision(12))} left its bounds ${weightRangeOf(pr).what}`);
}

/** Recorder inputs of bin b from its `bins` slot: current means, plastic weight means and samples. */
export function binSummary(plan: GpuPlan, recorder: Recorder, slot: Float32Array): { cur: Float64Array; jMean: Float64Array; jSample: Float32Array } {
  const net = plan.net;
  const d = net.derived;
  const nCh = plan.nCh;
  const cur = new Float64Array(d.pops.length * nCh);
  net.currentSamplePop.forEach((p, s) => {
    for (let c = 0; c < nCh; c++) cur[p * nCh + c]! += slot[plan.bin.cur + s * nCh + c]!;
  });
  for (const p of d.pops) {
    const n = Math.min(p.size, d.spec.recording.currentSamples) * d.binSteps;
    for (let c = 0; c < nCh; c++) cur[p.index * nCh + c]! /= n || 1;
  }
  const ws = d.spec.recording.weightSamples;
  const jMean = new Float64Array(recorder.plasticIdx.length);
  const jSample = new Float32Array(recorder.plasticIdx.length * ws);
  recorder.plasticIdx.forEach((pi, k) => {
    const p = plan.projs[pi]!;
    const scale = 1 / d.projections[pi]!.jScale;
    let sum = 0;
    for (let b = 0; b < p.nBlocks; b++) sum += slot[plan.bin.part + p.blockOff + b]!;
    jMean[k] = p.nnz ? (sum / p.nnz) * scale : 0;
    const [at, count] = plan.sampleRange(pi);
    for (let s = 0; s < ws; s++) jSample[k * ws + s] = s < count ? slot[plan.bin.samp + at + s]! * scale : NaN;
  });
  return { cur, jMean, jSample };
}

/**
 * Records steps [start, start + steps) from data and returns the last step's spikers. setStep(n) mirrors
 * CpuEngine._step: a guard fired at step t leaves it at t (that step's dynamics ran, its recording did
 * not finish).
 */
export function feedChunk(
  plan: GpuPlan,
  recorder: Recorder,
  start: number,
  steps: number,
  data: ChunkData,
  setStep: (n: number) => void,
  spikesByPop?: Float64Array,
): Int32Array {
  const d = plan.net.derived;
  const rec = data.rec;
  const nRec = rec.length / 2;
  // With a full record, the last recorded step may be incomplete: steps from it on are unknown.
  const complete = data.recCount > plan.recCap ? (nRec > 0 ? rec[2 * (nRec - 1)]! : start) : start + steps;
  const ids = new Int32Array(plan.N);
  let n = 0;
  let e = 0;
  for (let t = start; t < start + steps; t++) {
    setStep(t);
    if (data.ovfStep !== NO_OVERFLOW && t >= data.ovfStep) throw overflowError(plan, data);
    if (t >= complete) {
      const rate = data.recCount / (plan.N * ((steps * d.dt_ms) / 1000));
      throw new RunGuardError('rate', t, `steps ${start}..${start + steps - 1}`, rate,
        `${data.recCount} spikes in one submission overflow the spike record (${plan.recCap}, sized for 2 x maxRate_Hz = ${d.spec.maxRate_Hz})`);
    }
    n = 0;
    while (e < nRec && rec[2 * e] === t) ids[n++] = rec[2 * e++ + 1]!;
    ids.subarray(0, n).sort();
    recorder.spikes(t, ids, n);
    if (spikesByPop) for (let k = 0; k < n; k++) spikesByPop[popOf(plan, ids[k]!)]!++;
    if ((t + 1) % d.binSteps === 0) {
      const b = (t + 1) / d.binSteps - 1;
      const slot = data.bins.get(b);
      if (!slot) throw new Error(`WebGPU engine: bin ${b} was not read back`);
      const s = binSummary(plan, recorder, slot);
      // As CpuEngine.closeBin: a state fault (located) takes precedence over the recorder's guards.
      const fault = data.faultStep === t ? stateFault(plan, data, b) : null;
      try {
        recorder.endBin(b, s.cur, s.jMean, s.jSample);
      } catch (e) {
        if (!fault) throw e;
      }
      if (fault) throw fault;
    }
  }
  setStep(start + steps);
  return ids.slice(0, n); // the last step's spikers, ascending
}

/**
 * Global post index of synapse s (row k) of projection pi: a 'bernoulli-counter' row is regenerated from its
 * counter (the host may hold no targets of a device-built projection), any other read from the CSR.
 */
function postOf(plan: GpuPlan, pi: number, k: number, s: number): number {
  const pr = plan.net.derived.projections[pi]!;
  const c = plan.net.csr[pi]!;
  if (pr.connectivity !== 'bernoulli-counter') return c.post[s]!;
  const table = pr.p > 0 && pr.p < 1 ? skipTable(pr.p) : new Uint32Array(1);
  const nth = s - c.rowPtr[k]!;
  let n = 0;
  let at = -1;
  counterRow(plan.net.derived.spec.seed >>> 0, pr, table, k, (j) => {
    if (n++ === nth) at = j;
  });
  return pr.post.offset + at;
}
