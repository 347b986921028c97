// A CPU thread's WebAssembly synapse walks (issue 24): kernels.wat's "propagate" and "pairRow" over the
// thread's slice of each row (the synapses onto its neurons), in the shared memory every thread attaches to.
//  - Static projections: each thread has its own partition of the CSR (the rowPtr and post of the synapses
//    onto its neurons, rows in the original order), so "propagate" walks contiguous memory of its own; the
//    partitions together hold each synapse once (about the one-thread kernels' copy, plus a rowPtr per thread).
//  - Pair-STDP projections: the weights, post copy and descriptor of the state's SynapseKernels
//    (synapseKernels.ts, in the shared memory), one copy that each thread walks on its [rowStart, rowEnd) of a
//    spiker's row with "pairRow": a thread writes only its own neurons' accumulators and its own synapses' weights.
//    Each thread has a descriptor of its own (the shared one's constants, its own log arrays) for the deferred
//    post updates of its slices (pairDeferred.ts: ThreadWalks is the DeferralHost of the thread's PairDeferral).
// Same bits as the JavaScript walks (kernels.wat's header) and as one thread (fixed-point accumulators: the
// order of the additions does not matter). Projections without a kernel keep the JavaScript walks.
import type { Derived } from '../../../model/derive.ts';
import type { BuiltNetwork } from '../../../network/network.ts';
import type { SynapseSlice } from '../../../plasticity/index.ts';
import type { CpuState } from '../state.ts';
import type { SynapseWalks } from '../synapsePass.ts';
import { attachSynapseKernels, DESC_BYTES, logSizes, pairPreWalk, planBytes, synapseKernelsOf, type synapsePlan } from '../synapseKernels.ts';
import { EVENT_CAPACITY, MAX_EPOCH_STEPS, type DeferralHost, type DeferralLog } from '../../../plasticity/pairDeferred.ts';
import type { KernelArena } from '../wasmKernels.ts';

type Plan = ReturnType<typeof synapsePlan>;

/** Where one thread finds its walks' arrays in the shared memory (byte offsets). */
export interface WalkLayout {
  /** This thread's joined spike list (i32 x N): "propagate" reads it from the shared memory. */
  spikes: number;
  /** Per projection: this thread's partition of a static projection (rowPtr: nPre + 1 i32, post), or null. */
  stat: ({ rowPtr: number; post: number } | null)[];
  /** Per projection: this thread's pair kernel descriptor, or -1. */
  pair: number[];
  /** Per projection: this thread's deferred-update log (byte offsets of DeferralLog's arrays, in its order), or null. */
  log: (number[] | null)[];
}

/** DeferralLog's arrays in the order of logSizes (synapseKernels.ts) and of the descriptor's log pointers. */
const LOG_ARRAYS = [
  ['evStep', Int32Array], ['evPost', Int32Array], ['evTerm', Float32Array], ['evNext', Int32Array],
  ['first', Int32Array], ['last', Int32Array], ['lastStep', Int32Array], ['xs', Float32Array], ['xd', Float32Array],
] as const;
const threadLogSizes = (nPost: number): number[] => [DESC_BYTES, ...logSizes(nPost, EVENT_CAPACITY, MAX_EPOCH_STEPS + 2)];

/** Synapses of each row's slice, in row order: the partition's length. */
function sliceLength(sl: SynapseSlice): number {
  let n = 0;
  for (let k = 0; k < sl.rowStart.length; k++) n += sl.rowEnd[k]! - sl.rowStart[k]!;
  return n;
}

/**
 * Byte sizes of the arrays placeWalks allocates for T threads (slices[t]: thread t's sliceOf): the joined spike
 * lists of threads 1 .. T - 1 (thread 0 joins into the state's own), the plan's pair-STDP arrays and every
 * thread's partitions of the plan's static projections.
 */
export function walkBytes(net: BuiltNetwork, plan: Plan, slices: SynapseSlice[][]): number[] {
  const N = net.derived.N;
  const out = slices.slice(1).map(() => 4 * N);
  out.push(...planBytes(plan.filter((p) => p.kind === 'pair')));
  for (const p of plan) if (p.kind === 'pair') for (const _ of slices) out.push(...threadLogSizes(net.derived.projections[p.pi]!.post.size));
  for (const p of plan) {
    if (p.kind !== 'static') continue;
    const nRows = net.csr[p.pi]!.rowPtr.length;
    for (const sl of slices) out.push(4 * nRows, 4 * sliceLength(sl[p.pi]!));
  }
  return out;
}

/**
 * Places the arrays of walkBytes in the arena (the pair kernels become the state's SynapseKernels: st.weights of
 * those projections move into the shared memory) and returns each thread's layout.
 */
export function placeWalks(net: BuiltNetwork, st: CpuState, arena: KernelArena, plan: Plan, slices: SynapseSlice[][]): WalkLayout[] {
  const d = net.derived;
  const N = d.N;
  const spikes = slices.map((_, t) => (t === 0 ? st.spikes.byteOffset : arena.alloc(Int32Array, N).byteOffset));
  attachSynapseKernels(net, st, arena, plan.filter((p) => p.kind === 'pair'));
  const kern = synapseKernelsOf(st);
  const shared = d.projections.map((p) => kern?.pairDescriptor(p.index) ?? -1);
  const pair = slices.map(() => d.projections.map(() => -1));
  const log = slices.map(() => d.projections.map((): number[] | null => null));
  for (const p of plan) {
    if (p.kind !== 'pair' || shared[p.pi]! < 0) continue;
    const sizes = threadLogSizes(d.projections[p.pi]!.post.size);
    slices.forEach((_, t) => {
      // the shared descriptor's constants, this thread's log (the i32 pointers at 16 .. 40: kernels.wat pairRow)
      const desc = arena.alloc(Uint8Array, sizes[0]!);
      desc.set(new Uint8Array(arena.buffer, shared[p.pi]!, DESC_BYTES));
      const at = LOG_ARRAYS.map((_, i) => arena.alloc(Int32Array, sizes[i + 1]! / 4).byteOffset); // 4-byte elements all
      const [evStep, , evTerm, evNext, first, , lastStep, xs, xd] = at;
      new Int32Array(arena.buffer, desc.byteOffset, 11).set([lastStep!, first!, evStep!, evTerm!, evNext!, xs!, xd!], 4);
      pair[t]![p.pi] = desc.byteOffset;
      log[t]![p.pi] = at;
    });
  }
  const stat = slices.map(() => d.projections.map((): { rowPtr: number; post: number } | null => null));
  for (const p of plan) {
    if (p.kind !== 'static') continue;
    const { rowPtr, post } = net.csr[p.pi]!;
    slices.forEach((sl, t) => {
      const { rowStart, rowEnd } = sl[p.pi]!;
      const rp = arena.alloc(Int32Array, rowPtr.length);
      const ps = arena.alloc(Int32Array, sliceLength(sl[p.pi]!));
      let n = 0;
      for (let k = 0; k < rowStart.length; k++) {
        rp[k] = n;
        ps.set(post.subarray(rowStart[k]!, rowEnd[k]!), n);
        n += rowEnd[k]! - rowStart[k]!;
      }
      rp[rowStart.length] = n;
      stat[t]![p.pi] = { rowPtr: rp.byteOffset, post: ps.byteOffset };
    });
  }
  return slices.map((_, t) => ({ spikes: spikes[t]!, stat: stat[t]!, pair: pair[t]!, log: log[t]! }));
}

/** Projections whose walks run in WebAssembly on the threads (for the engine's device string). */
export function walkedProjections(layout: WalkLayout): number {
  return layout.stat.filter((s, i) => s !== null || layout.pair[i]! >= 0).length;
}

/** One thread's walks (ThreadPart hands them to synapseSlicePass with its slices, and to its PairDeferral). */
export class ThreadWalks implements SynapseWalks, DeferralHost {
  private readonly accAt: number;
  private readonly logs: (DeferralLog | null)[];

  constructor(
    private readonly d: Pick<Derived, 'projections'>,
    private readonly st: CpuState,
    private readonly arena: KernelArena,
    private readonly layout: WalkLayout,
  ) {
    this.accAt = st.acc.byteOffset;
    this.logs = layout.log.map((at, pi) => {
      if (!at) return null;
      const sizes = threadLogSizes(d.projections[pi]!.post.size);
      return Object.fromEntries(LOG_ARRAYS.map(([name, ctor], i) => [name, new ctor(arena.buffer, at[i]!, sizes[i + 1]! / 4)])) as unknown as DeferralLog;
    });
  }

  // --- DeferralHost (pairDeferred.ts): this thread's log and descriptor ---

  log(pi: number, nPost: number, capacity: number, xsLen: number): DeferralLog | null {
    const l = this.logs[pi];
    if (!l || capacity > l.evStep.length || xsLen > l.xs.length || nPost !== l.first.length) return null;
    return l;
  }

  row(pi: number, y0: number, y1: number, F: number, xFrom: number, spiked: number, pending: number, prop: number, pre: number): void {
    this.arena.k.pairRow(this.layout.pair[pi]!, y0, y1, F, xFrom, spiked, pending, prop, pre);
  }

  /** Static propagation of projection pi's spikers over this thread's partition. */
  propagateStatic(pi: number, spikes: Int32Array, nSpikes: number, base: number, q: number): boolean {
    const s = this.layout.stat[pi];
    if (!s || spikes.buffer !== this.arena.buffer) return false;
    const pr = this.d.projections[pi]!;
    this.arena.k.propagate(spikes.byteOffset, nSpikes, pr.pre.offset, pr.pre.offset + pr.pre.size, s.rowPtr, s.post, this.accAt + 8 * base, q);
    return true;
  }

  /** Propagation and pre-spike update of pair projection pi's spikers on [rowStart[k], rowEnd[k]) (SynapseKernels.propagatePre's loop). */
  propagatePre(pi: number, spikes: Int32Array, nSpikes: number, rowStart: Int32Array, rowEnd: Int32Array): boolean {
    const desc = this.layout.pair[pi]!;
    if (desc < 0) return false;
    pairPreWalk(this.arena, desc, this.d.projections[pi]!, this.st, spikes, nSpikes, rowStart, rowEnd);
    return true;
  }
}
