// Engine snapshots of the WebGPU engine in the engine-neutral layout of src/engine/snapshot.ts (the CPU
// engine's names), so a checkpoint written on the GPU resumes on the CPU engine and the other way round.
// Between submissions the GPU state is at a step boundary (see FusedStep), as the CPU engine's.
import type { BuiltNetwork } from '../../network/network.ts';
import { createStateLayout, type StateLayout } from '../state.ts';
import type { Recorder } from '../recorder.ts';
import { checkStep, restoreStateEntries, snapArray, stateEntries, type EngineSnapshot } from '../snapshot.ts';
import type { SimState } from './simState.ts';
import { downloadState, uploadState } from './snapshot.ts';

/** Static projections' weights never change, so snapshots hold the plastic ones only (as the CPU engine). */
const keepFor = (net: BuiltNetwork) => (key: string, i: number): boolean => key !== 'weights' || net.derived.projections[i]!.plastic !== null;

/**
 * The snapshot at step `step`: the GPU buffers in StateLayout (the CPU engine's names), the last step's spike list (the
 * host kept it from the record), engine.curSum from the per-slot current sums, and the recorder.
 */
export async function gpuSnapshot(state: SimState, recorder: Recorder, step: number, lastSpikes: Int32Array): Promise<EngineSnapshot> {
  const net = state.plan.net;
  const d = net.derived;
  const g = await downloadState(state);
  const st: StateLayout = createStateLayout(net);
  st.v.set(g.v);
  st.refr.set(g.refr);
  st.current.set(g.current);
  g.acc.forEach((a, i) => (st.acc[i] = a));
  g.dring.forEach((a, i) => (st.dring[i] = a));
  st.shist.set(g.shist);
  st.shistLen.set(g.shistLen);
  g.traces.forEach((x, t) => st.traces[t]!.set(x));
  g.ring.forEach((r, x) => st.ring[x]!.set(r));
  st.signal.set(g.signal);
  for (const [key, x] of Object.entries(g.model)) st.model[key]!.set(x);
  d.projections.forEach((pr, i) => {
    if (pr.plastic) st.weights[i]!.set(g.weights[i]!);
  });
  st.spikes.set(lastSpikes);
  st.nSpikes = lastSpikes.length;
  st.step = Math.max(0, step - 1); // the step the last input pass ran for
  const e = stateEntries(st, keepFor(net));
  const rec = recorder.snapshot();
  const nCh = d.channels.length;
  const curSum = new Float64Array(d.pops.length * nCh);
  net.currentSamplePop.forEach((p, slot) => {
    for (let c = 0; c < nCh; c++) curSum[p * nCh + c]! += g.curAcc[slot * nCh + c]!;
  });
  return { backend: 'webgpu', step, scalars: { ...e.scalars, ...rec.scalars }, arrays: { ...e.arrays, 'engine.curSum': curSum, ...rec.arrays } };
}

/**
 * Restores a snapshot from any engine: every array is checked before anything is written; the bin's
 * current sums go to the first sampled neuron of each population (only their per-population sum is used).
 */
export function gpuRestore(state: SimState, recorder: Recorder, s: EngineSnapshot): void {
  const net = state.plan.net;
  const d = net.derived;
  checkStep(s, net);
  const st = createStateLayout(net);
  restoreStateEntries(st, s, keepFor(net));
  const nCh = d.channels.length;
  const curSum = snapArray<Float64Array>(s, 'engine.curSum', Float64Array, d.pops.length * nCh);
  recorder.restore(s);
  // At a step boundary the spike list is the previous step's: not uploaded (uploadState stamps its
  // entries as spikers of `step`, which trace_update would count).
  uploadState(state, { ...st, nSpikes: 0, acc: new Float64Array(st.acc.length) }, s.step);
  const curAcc = new Float32Array(state.plan.nSlots * nCh);
  const done = new Set<number>();
  net.currentSamplePop.forEach((p, slot) => {
    if (done.has(p)) return;
    done.add(p);
    for (let c = 0; c < nCh; c++) curAcc[slot * nCh + c] = curSum[p * nCh + c]!;
  });
  if (curAcc.length) state.device.queue.writeBuffer(state.buffers.fstate, 4 * state.plan.fstate.offset.curAcc, curAcc);
}
