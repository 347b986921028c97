// Engine snapshots of the WebGPU engine in the engine-neutral layout of src/engine/snapshot.ts (the CPU
// engine's names), so a checkpoint written on the GPU resumes on the CPU engine and the other way round.
// Between submissions the GPU state is at a step boundary (see FusedStep), as the CPU engine's.
import type { BuiltNetwork } from '../../network/network.ts';
import { createStateLayout, type StateLayout } from '../state.ts';
import type { Recorder } from '../recorder.ts';
import { checkStep, isSource, restoreStateEntries, snapArray, SnapshotError, SOURCE_CHUNK_ELEMS, stateEntries, type ArraySource, type EngineSnapshot, type StreamedSnapshot } from '../snapshot.ts';
import type { SimState } from './simState.ts';
import { downloadState, uploadState } from './snapshot.ts';

/** Static projections' weights never change, so snapshots hold the plastic ones only (as the CPU engine). */
const keepFor = (net: BuiltNetwork) => (key: string, i: number): boolean => key !== 'weights' || net.derived.projections[i]!.plastic !== null;

/**
 * The snapshot at step `step`: the GPU buffers in StateLayout (the CPU engine's names), the last step's spike list (the
 * host kept it from the record), engine.curSum from the per-slot current sums, and the recorder.
 */
export async function gpuSnapshot(state: SimState, recorder: Recorder, step: number, lastSpikes: Int32Array): Promise<EngineSnapshot> {
  return (await snapshotOf(state, recorder, step, lastSpikes, false)) as EngineSnapshot;
}

/**
 * As gpuSnapshot, but each plastic projection's weights are a source read from the device by pieces
 * (state.weights.<p>: ArraySource, valid until the engine next advances): a checkpoint writes them piece by piece,
 * so the host never holds the weights. Same names, order and values as gpuSnapshot's.
 */
export async function gpuStreamedSnapshot(state: SimState, recorder: Recorder, step: number, lastSpikes: Int32Array): Promise<StreamedSnapshot> {
  return snapshotOf(state, recorder, step, lastSpikes, true);
}

/** The plastic weights of projection i on the device, as a source. */
function weightSource(state: SimState, i: number): ArraySource {
  const p = state.plan.projs[i]!;
  return { kind: 'source', dtype: 'f32', length: p.nnz, read: (at, out) => state.weight.read(p.wOff + at, out) };
}

async function snapshotOf(state: SimState, recorder: Recorder, step: number, lastSpikes: Int32Array, stream: boolean): Promise<StreamedSnapshot> {
  const net = state.plan.net;
  const d = net.derived;
  const g = await downloadState(state, { weights: !stream });
  const st: StateLayout = createStateLayout(net, undefined, { weights: !stream });
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
  if (!stream)
    d.projections.forEach((pr, i) => {
      if (pr.plastic) st.weights[i]!.set(g.weights[i]!);
    });
  st.spikes.set(lastSpikes);
  st.nSpikes = lastSpikes.length;
  st.step = Math.max(0, step - 1); // the step the last input pass ran for
  const e: { arrays: StreamedSnapshot['arrays']; scalars: Record<string, number> } = stateEntries(st, keepFor(net));
  // The same key, in the same place (insertion order: the checkpoint's section order), now a source.
  if (stream) d.projections.forEach((pr, i) => pr.plastic && (e.arrays[`state.weights.${i}`] = weightSource(state, i)));
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
 * Weights given as sources (a checkpoint opened for streaming) are uploaded piece by piece (`chunkElems`
 * elements through one host buffer from `alloc`), so the host never holds them.
 */
export async function gpuRestore(state: SimState, recorder: Recorder, s: StreamedSnapshot, opts: { chunkElems?: number; alloc?: (elems: number) => Float32Array } = {}): Promise<void> {
  const net = state.plan.net;
  const d = net.derived;
  checkStep(s as EngineSnapshot, net);
  const streamed = new Set<number>();
  d.projections.forEach((pr, i) => {
    const a = s.arrays[`state.weights.${i}`];
    if (!pr.plastic || !a || !isSource(a)) return;
    const nnz = state.plan.projs[i]!.nnz;
    if (a.dtype !== 'f32' || a.length !== nnz) throw new SnapshotError(`snapshot array 'state.weights.${i}' has ${a.length} ${a.dtype} elements, this network needs ${nnz} f32`);
    streamed.add(i);
  });
  for (const [k, a] of Object.entries(s.arrays)) if (isSource(a) && !/^state\.weights\.\d+$/.test(k)) throw new SnapshotError(`snapshot array '${k}' is a source; only plastic weights may be`);
  const plain = s as EngineSnapshot; // every other array is a host array (checked above)
  const st = createStateLayout(net, undefined, { weights: streamed.size === 0 });
  restoreStateEntries(st, plain, (key, i) => keepFor(net)(key, i) && !(key === 'weights' && streamed.size > 0));
  if (streamed.size > 0)
    d.projections.forEach((pr, i) => {
      if (pr.plastic && !streamed.has(i)) st.weights[i] = snapArray<Float32Array>(plain, `state.weights.${i}`, Float32Array, state.plan.projs[i]!.nnz);
    });
  const nCh = d.channels.length;
  const curSum = snapArray<Float64Array>(plain, 'engine.curSum', Float64Array, d.pops.length * nCh);
  recorder.restore(plain);
  // At a step boundary the spike list is the previous step's: not uploaded (uploadState stamps its
  // entries as spikers of `step`, which trace_update would count).
  uploadState(state, { ...st, nSpikes: 0, acc: new Float64Array(st.acc.length) }, s.step, { weights: streamed.size === 0 });
  if (streamed.size > 0) {
    const plan = state.plan;
    for (const [i, p] of plan.projs.entries()) if (p.plastic && !streamed.has(i) && state.weight.write(p.wOff, st.weights[i]!)) await state.weight.flush();
    const maxLen = Math.max(...[...streamed].map((i) => plan.projs[i]!.nnz));
    const piece = (opts.alloc ?? ((n: number) => new Float32Array(n)))(Math.max(1, Math.min(Math.floor(opts.chunkElems ?? SOURCE_CHUNK_ELEMS), maxLen)));
    await state.weight.flush();
    for (const i of streamed) {
      const src = s.arrays[`state.weights.${i}`] as ArraySource;
      const p = plan.projs[i]!;
      for (let at = 0; at < src.length; at += piece.length) {
        const out = piece.subarray(0, Math.min(piece.length, src.length - at));
        await src.read(at, out);
        // writeBuffer copies at once; waiting for the queue lets Dawn release its staging copies.
        if (state.weight.write(p.wOff + at, out)) await state.weight.flush();
      }
    }
    await state.weight.flush();
  }
  const curAcc = new Float32Array(state.plan.nSlots * nCh);
  const done = new Set<number>();
  net.currentSamplePop.forEach((p, slot) => {
    if (done.has(p)) return;
    done.add(p);
    for (let c = 0; c < nCh; c++) curAcc[slot * nCh + c] = curSum[p * nCh + c]!;
  });
  if (curAcc.length) state.device.queue.writeBuffer(state.buffers.fstate, 4 * state.plan.fstate.offset.curAcc, curAcc);
}
