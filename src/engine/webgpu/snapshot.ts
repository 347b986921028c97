// State transfer between the GPU and the CPU reference's layout, for step-locked validation: upload a
// reference state, run one pass on both engines, download and compare (test/gpu, `plasticnet validate`).
import type { StateLayout } from '../state.ts';
import { Ctl } from './layout.ts';
import type { SimState } from './simState.ts';
import { unpack } from './schema.ts';

export type UploadableState = Pick<StateLayout, 'v' | 'refr' | 'current' | 'acc' | 'traces' | 'spikes' | 'nSpikes' | 'ring' | 'weights' | 'signal' | 'model' | 'dring' | 'shist' | 'shistLen'>;

export interface GpuSnapshot {
  step: number;
  v: Float32Array;
  refr: Int32Array;
  lastSpike: Int32Array;
  current: Float32Array;
  acc: Int32Array;
  dring: Int32Array; // the delay ring [slot][channel][N] (empty without delays)
  shist: Int32Array; // spike history of delayed spike-driven plasticity [slot][N], each slot's list ascending (empty without)
  shistLen: Int32Array; // spikers per slot
  traces: Float32Array[];
  spikes: Int32Array; // this step's spike list, ascending
  nSpikes: number;
  events: { input: number; source: number; times: number }[]; // pending correlated-input events, sorted
  ring: Uint16Array[];
  weights: Float32Array[]; // per projection (static ones: their constant CSR weights)
  curAcc: Float32Array; // per-bin current sums [slot][channel]
  signal: Float32Array; // rate-modulating signal values (of the last step whose input pass ran)
  model: Record<string, Float32Array | Int32Array>; // declared model state (StateLayout.model keys), f32 and i32
  recCount: number;
  record: Uint32Array; // (step, id) pairs of the current submission
  ovfStep: number;
  ovfIndex: number;
  halt: number;
  faultStep: number; // state fault at a bin end (0xffffffff: none)
  vBad: number;
  wBad: number;
}

/**
 * Writes a reference state into the GPU buffers for the pass-by-pass schedule: `step` goes into both
 * step slots, st's spike list into list 0 (upload nSpikes = 0 before neuron_update: the GPU's list of a
 * step starts empty).
 */
export function uploadState(state: SimState, st: UploadableState, step: number, opts: { weights?: boolean } = {}): void {
  const { plan, device, buffers } = state;
  const net = plan.net;
  const N = plan.N;
  state.writeHeader(step, st.nSpikes);
  const spikes = Uint32Array.from(st.spikes.subarray(0, st.nSpikes));
  if (spikes.length) device.queue.writeBuffer(buffers.ctl, plan.ctlHeaderBytes + 4 * plan.list.offset.spikes, spikes);
  const f = new Float32Array(plan.fstate.total);
  f.set(st.v, plan.fstate.offset.v);
  f.set(st.current, plan.fstate.offset.current);
  st.traces.forEach((x, t) => f.set(x, plan.fstate.offset.traces + t * N));
  f.set(st.signal, plan.fstate.offset.signal);
  for (const [key, off] of plan.synStateOff) f.set(st.model[key]!, off);
  for (const [key, { type, off }] of plan.neuronStateOff) if (type === 'f32') f.set(st.model[key]!, off);
  device.queue.writeBuffer(buffers.fstate, 0, f);
  const s = new Int32Array(plan.istate.total);
  s.set(st.refr, plan.istate.offset.refr);
  s.fill(-1, plan.istate.offset.last, plan.istate.offset.last + N);
  for (const i of spikes) s[plan.istate.offset.last + i] = step;
  s.fill(-1, plan.istate.offset.slot, plan.istate.offset.slot + N);
  net.currentSample.forEach((i, slot) => (s[plan.istate.offset.slot + i] = slot));
  st.ring.forEach((r, x) => s.set(r, plan.ringOff[x]!));
  for (const [key, { type, off }] of plan.neuronStateOff) if (type === 'i32') s.set(st.model[key]!, off);
  for (const [key, off] of plan.synIStateOff) s.set(st.model[key]!, off);
  uploadHistory(state, st, s);
  device.queue.writeBuffer(buffers.istate, 0, s);
  const acc = new Int32Array(st.acc.length);
  st.acc.forEach((a, i) => {
    if (!Number.isInteger(a) || a > 2 ** 31 - 1 || a < -(2 ** 31)) throw new RangeError(`uploadState: accumulator ${i} = ${a} is not an i32`);
    acc[i] = a;
  });
  device.queue.writeBuffer(buffers.acc, 0, acc);
  if (st.dring.length) {
    const ring = Int32Array.from(st.dring, (a, i) => {
      if (!Number.isInteger(a) || a > 2 ** 31 - 1 || a < -(2 ** 31)) throw new RangeError(`uploadState: delay ring ${i} = ${a} is not an i32`);
      return a;
    });
    device.queue.writeBuffer(buffers.acc, 4 * acc.length, ring);
  }
  // Straight from the state's arrays into the weight chunks: no buffer of every weight on the host.
  plan.projs.forEach((p, i) => {
    if (!p.plastic || opts.weights === false) return;
    const w = st.weights[i]!;
    if (w.length !== p.nnz) throw new RangeError(`uploadState: projection ${i} has ${w.length} weights, expected ${p.nnz}`);
    state.weight.write(p.wOff, w);
  });
}

/** The spike history (StateLayout.shist, shistLen): the lists into ctl.list, a bit per spiker and slot into `istate` (written by the caller). */
function uploadHistory(state: SimState, st: UploadableState, istate: Int32Array): void {
  const { plan } = state;
  const H = plan.net.derived.spikeHistory;
  if (H === 0) return;
  const N = plan.N;
  if (st.shist.length !== H * N || st.shistLen.length !== H) throw new RangeError(`uploadState: spike history of ${st.shistLen.length} slots x ${st.shist.length / Math.max(1, st.shistLen.length)}, expected ${H} x ${N}`);
  const words = new Uint32Array(H * (1 + N));
  for (let slot = 0; slot < H; slot++) {
    const n = st.shistLen[slot]!;
    if (!(n >= 0 && n <= N)) throw new RangeError(`uploadState: spike history slot ${slot} has ${n} spikers (0..${N})`);
    words[slot] = n;
    for (let k = 0; k < n; k++) {
      const i = st.shist[slot * N + k]!;
      if (!(i >= 0 && i < N)) throw new RangeError(`uploadState: spike history slot ${slot} names neuron ${i} (0..${N - 1})`);
      words[H + slot * N + k] = i;
      istate[plan.istate.offset.histBits + i * plan.histWords + (slot >>> 5)]! |= 1 << (slot & 31);
    }
  }
  state.device.queue.writeBuffer(state.buffers.ctl, plan.ctlHeaderBytes + 4 * plan.list.offset.hist, words);
}

/** Copies whole buffers back in one submission. */
async function readAll(device: GPUDevice, bufs: GPUBuffer[]): Promise<ArrayBuffer[]> {
  const staging = bufs.map((b) => device.createBuffer({ label: `downloadState(${b.label})`, size: b.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
  const enc = device.createCommandEncoder({ label: 'downloadState' });
  bufs.forEach((b, i) => enc.copyBufferToBuffer(b, 0, staging[i]!, 0, b.size));
  device.queue.submit([enc.finish()]);
  try {
    await Promise.all(staging.map((s) => s.mapAsync(GPUMapMode.READ)));
    return staging.map((s) => s.getMappedRange().slice(0));
  } finally {
    staging.forEach((s) => s.destroy());
  }
}

/** The plastic projections' weights from the device (static ones: empty arrays, no host copy). */
export async function plasticWeights(state: SimState): Promise<Float32Array[]> {
  const { plan } = state;
  const out: Float32Array[] = [];
  for (const i of plan.net.derived.projections.keys()) {
    const p = plan.projs[i]!;
    const w = new Float32Array(p.plastic ? p.nnz : 0);
    if (p.plastic) await state.weight.read(p.wOff, w);
    out.push(w);
  }
  return out;
}

/** The GPU state in the CPU reference's layout; weights: false leaves `weights` empty (a checkpoint streams them). */
export async function downloadState(state: SimState, opts: { weights?: boolean } = {}): Promise<GpuSnapshot> {
  const { plan, buffers } = state;
  const net = plan.net;
  const d = net.derived;
  const N = plan.N;
  const [ctlB, fB, iB, accB] = await readAll(state.device, [buffers.ctl, buffers.fstate, buffers.istate, buffers.acc]);
  // Plastic weights projection by projection, straight from the chunks (staging bounded per piece).
  const weights: Float32Array[] = [];
  for (const [i, pr] of d.projections.entries()) {
    if (opts.weights === false) {
      weights.push(new Float32Array(0));
      continue;
    }
    const p = plan.projs[i]!;
    const w = new Float32Array(p.plastic ? p.nnz : 0);
    if (p.plastic) await state.weight.read(p.wOff, w);
    weights.push(p.plastic ? w : Float32Array.from(net.csr[pr.index]!.weight));
  }
  const h = unpack(Ctl, new DataView(ctlB!, 0, plan.ctlHeaderBytes)) as Record<string, number> & { steps: number[]; nSpikes: number[] };
  const list = new Uint32Array(ctlB!, plan.ctlHeaderBytes);
  const nSpikes = h.nSpikes[0]!; // list 0: the pass-by-pass schedule's list
  const spikes = Int32Array.from(list.subarray(plan.list.offset.spikes, plan.list.offset.spikes + nSpikes)).sort();
  const nEvents = h.nEvents!;
  const events: GpuSnapshot['events'] = [];
  for (let e = 0; e < nEvents; e++) {
    const word = list[plan.list.offset.events + 2 * e]!;
    events.push({ input: word >>> 24, source: word & 0xffffff, times: list[plan.list.offset.events + 2 * e + 1]! });
  }
  events.sort((a, b) => a.input - b.input || a.source - b.source || a.times - b.times);
  const f = new Float32Array(fB!);
  const s = new Int32Array(iB!);
  // The spike history: each slot's list in the CPU engine's (ascending) order (the GPU appends in any order).
  const H = d.spikeHistory;
  const shistLen = Int32Array.from(list.subarray(plan.list.offset.hist, plan.list.offset.hist + H));
  const shist = new Int32Array(H * N);
  for (let slot = 0; slot < H; slot++) {
    const at = plan.list.offset.hist + H + slot * N;
    shist.set(Int32Array.from(list.subarray(at, at + shistLen[slot]!)).sort(), slot * N);
  }
  const recCount = h.recCount!;
  return {
    step: Math.max(h.steps[0]!, h.steps[1]!), // the fused schedule advances one slot at a time
    v: f.slice(plan.fstate.offset.v, plan.fstate.offset.v + N),
    refr: s.slice(plan.istate.offset.refr, plan.istate.offset.refr + N),
    lastSpike: s.slice(plan.istate.offset.last, plan.istate.offset.last + N),
    current: f.slice(plan.fstate.offset.current, plan.fstate.offset.current + plan.nCh * N),
    acc: new Int32Array(accB!).slice(0, plan.nCh * N),
    dring: new Int32Array(accB!).slice(plan.nCh * N, plan.nCh * N * (1 + d.delaySlots)),
    shist,
    shistLen,
    traces: d.traces.map((_, t) => f.slice(plan.fstate.offset.traces + t * N, plan.fstate.offset.traces + (t + 1) * N)),
    spikes,
    nSpikes,
    events,
    ring: d.inputs.map((x, i) => {
      const len = x.correlation > 0 ? (2 * x.delayOffset + 1) * x.size : 0;
      return Uint16Array.from(s.subarray(plan.ringOff[i]!, plan.ringOff[i]! + len));
    }),
    weights,
    curAcc: f.slice(plan.fstate.offset.curAcc, plan.fstate.offset.curAcc + plan.nSlots * plan.nCh),
    signal: f.slice(plan.fstate.offset.signal, plan.fstate.offset.signal + d.nSignalChannels),
    model: Object.fromEntries([
      ...[...plan.synStateOff].map(([key, off]) => [key, f.slice(off, off + N)] as const),
      ...[...plan.synIStateOff].map(([key, off]) => [key, s.slice(off, off + N)] as const),
      ...[...plan.neuronStateOff].map(([key, { type, off }]) => [key, (type === 'f32' ? f : s).slice(off, off + N)] as const),
    ]),
    recCount,
    record: list.slice(plan.list.offset.rec, plan.list.offset.rec + 2 * Math.min(recCount, plan.recCap)),
    ovfStep: h.ovfStep!,
    ovfIndex: h.ovfIndex!,
    halt: h.halt!,
    faultStep: h.faultStep!,
    vBad: h.vBad!,
    wBad: h.wBad!,
  };
}
