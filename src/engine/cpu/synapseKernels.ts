// The synapse passes' WebAssembly kernels (kernels.wat: "propagate", "pairRow") and the arrays they need in
// the state's KernelArena: a copy of the CSR (rowPtr, post) of static projections, and for pair-STDP
// projections their weights (state.weights[p] is then the arena's array), a copy of post, a descriptor of
// the rule's constants and room for the deferred post updates' log (pairDeferred.ts). With threads, the
// pair arrays live in the shared memory and every thread walks its slices (threads/walks.ts). Same bits as the JavaScript path
// (kernels.wat's header; test/unit/synapseKernels.test.ts compares them on random states).
//
// The arrays must sit in the one memory the kernels see, so the arena grows by about 4 bytes per static
// synapse and 8 per plastic one (N = 10^4 Akil: 48 MB). Projections are placed in order (pair STDP first)
// while the total stays under MAX_SYNAPSE_ARENA_BYTES; the rest keep the JavaScript walks, as every projection
// does where WebAssembly or the larger memory is unavailable.
import type { BuiltNetwork } from '../../network/network.ts';
import type { DerivedProjection } from '../../model/derive.ts';
import type { Csr } from '../../network/connectivity.ts';
import { EVENT_CAPACITY, MAX_EPOCH_STEPS, type DeferralHost, type DeferralLog } from '../../plasticity/pairDeferred.ts';
import { sweepOf } from '../../plasticity/pair.ts';
import type { CpuState } from './state.ts';
import type { KernelArena } from './wasmKernels.ts';
import { isHeteroDelayed } from './heteroDelayed.ts';

/** Most bytes of synapse arrays placed in the arena (the rest keep the JavaScript path). */
export const MAX_SYNAPSE_ARENA_BYTES = 1 << 30;
/** Bytes of a pair projection's descriptor (kernels.wat pairRow). */
export const DESC_BYTES = 192;

interface Placement {
  pi: number;
  kind: 'static' | 'pair';
  bytes: number[];
}

const f = Math.fround;

/** Whether projection pr's walk can use the static kernel (stored, static, undelayed) or the pair kernel. */
function kindOf(pr: DerivedProjection): 'static' | 'pair' | null {
  if (pr.pre.kind !== 'population' || isHeteroDelayed(pr) || (pr.delay.max > 1 && pr.arrivalLag === 0)) return null;
  if (!pr.plastic) return pr.storage === 'procedural' ? null : 'static';
  return pr.plastic.family === 'pair' ? 'pair' : null;
}

let enabled = true;

/** Turns the synapse kernels off (states created afterwards keep the JavaScript walks) or back on; for tests and A/B benchmarks. */
export function setSynapseKernels(on: boolean): void {
  enabled = on;
}

/** The projections createState places (pair STDP first) and the byte sizes of their arrays, within MAX_SYNAPSE_ARENA_BYTES. */
export function synapsePlan(net: BuiltNetwork): Placement[] {
  const d = net.derived;
  if (!enabled) return [];
  const out: Placement[] = [];
  let total = 0;
  const order = [...d.projections].sort((a, b) => Number(kindOf(b) === 'pair') - Number(kindOf(a) === 'pair'));
  for (const pr of order) {
    const kind = kindOf(pr);
    if (!kind) continue;
    // pairRow rebuilds the pre trace with f32 products: exact for the f32 decay that derive() makes (checked here)
    const decay = kind === 'pair' ? d.traces[pr.plastic!.preTrace]?.decay ?? 0 : 0;
    if (f(decay) !== decay) continue;
    const c = net.csr[pr.index]!;
    const n = c.post.length;
    const bytes =
      kind === 'static'
        ? [4 * c.rowPtr.length, 4 * n]
        : [4 * n, 4 * n, DESC_BYTES, ...logSizes(pr.post.size, EVENT_CAPACITY, MAX_EPOCH_STEPS + 2)];
    const b = bytes.reduce((s, x) => s + x + 16, 0);
    if (total + b > MAX_SYNAPSE_ARENA_BYTES) continue;
    total += b;
    out.push({ pi: pr.index, kind, bytes });
  }
  return out;
}

/** Byte sizes of one projection's log arrays: evStep, evPost, evTerm, evNext (capacity); first, last, lastStep (nPost); xs, xd (xsLen). */
export function logSizes(nPost: number, capacity: number, xsLen: number): number[] {
  return [4 * capacity, 4 * capacity, 4 * capacity, 4 * capacity, 4 * nPost, 4 * nPost, 4 * nPost, 4 * xsLen, 4 * xsLen];
}

interface StaticKernel {
  csr: Csr;
  rowPtr: Int32Array;
  post: Int32Array;
}

interface PairKernel {
  csr: Csr;
  w: Float32Array;
  post: Int32Array;
  desc: number;
  descI32: Int32Array;
  /** The log's room (reused by each deferral): its arrays, allocated in place. */
  log: DeferralLog;
  capacity: number;
  xsLen: number;
}

/** A state's synapse kernels (createState); see the header. */
export class SynapseKernels implements DeferralHost {
  private readonly stat: (StaticKernel | undefined)[];
  private readonly pair: (PairKernel | undefined)[];

  constructor(readonly net: BuiltNetwork, readonly st: CpuState, readonly arena: KernelArena, plan: Placement[]) {
    const d = net.derived;
    this.stat = d.projections.map(() => undefined);
    this.pair = d.projections.map(() => undefined);
    for (const { pi, kind } of plan) {
      const pr = d.projections[pi]!;
      const csr = net.csr[pi]!;
      const post = arena.alloc(Int32Array, csr.post.length);
      post.set(csr.post);
      if (kind === 'static') {
        const rowPtr = arena.alloc(Int32Array, csr.rowPtr.length);
        rowPtr.set(csr.rowPtr);
        this.stat[pi] = { csr, rowPtr, post };
        continue;
      }
      const w = arena.alloc(Float32Array, csr.post.length);
      w.set(st.weights[pi]!);
      st.weights[pi] = w;
      const descF64 = arena.alloc(Float64Array, DESC_BYTES / 8);
      const desc = descF64.byteOffset;
      const descI32 = new Int32Array(arena.buffer, desc, 16);
      const r = pr.plastic!;
      const zPre = sweepOf(r, r.onPre);
      const zPost = sweepOf(r, r.onPost);
      const xPost = st.traces[r.postTrace]!;
      descI32.set([post.byteOffset, w.byteOffset, xPost.byteOffset, st.acc.byteOffset + 8 * pr.channel * d.N]);
      descI32.set([pr.post.offset, zPre.gate ? 1 : 0, zPre.clip ? 1 : 0, zPre.dep ? 1 : 0, zPost.dep ? 1 : 0], 11);
      descF64.set([pr.kick, zPre.jMin, zPre.jMax, zPre.jMinF, zPre.jMaxF, zPre.eta, zPre.etaF, zPre.invJRef, zPre.bPost, zPost.eta, zPost.etaF, zPost.invJRef, zPost.a, zPost.bPre, d.traces[r.preTrace]?.decay ?? 0], 8);
      const nPost = pr.post.size;
      const [cap, , , , np, , , xl] = logSizes(nPost, EVENT_CAPACITY, MAX_EPOCH_STEPS + 2).map((b) => b / 4) as number[];
      const log: DeferralLog = {
        evStep: arena.alloc(Int32Array, cap!), evPost: arena.alloc(Int32Array, cap!), evTerm: arena.alloc(Float32Array, cap!), evNext: arena.alloc(Int32Array, cap!),
        first: arena.alloc(Int32Array, np!), last: arena.alloc(Int32Array, np!), lastStep: arena.alloc(Int32Array, np!),
        xs: arena.alloc(Float32Array, xl!), xd: arena.alloc(Float32Array, xl!),
      };
      descI32.set([log.lastStep.byteOffset, log.first.byteOffset, log.evStep.byteOffset, log.evTerm.byteOffset, log.evNext.byteOffset, log.xs.byteOffset, log.xd.byteOffset], 4);
      this.pair[pi] = { csr, w, post, desc, descI32, log, capacity: cap!, xsLen: xl! };
    }
  }

  /** Whether the kernel for projection pi still matches the network and state (nothing replaced the CSR or the weights array). */
  private livePair(pi: number): PairKernel | undefined {
    const k = this.pair[pi];
    return k && k.csr === this.net.csr[pi] && k.w === this.st.weights[pi] ? k : undefined;
  }

  /** Byte offset of pair projection pi's descriptor (kernels.wat pairRow), or -1: no live kernel (the CPU threads' walks, threads/walks.ts). */
  pairDescriptor(pi: number): number {
    return this.livePair(pi)?.desc ?? -1;
  }

  /** Static propagation of projection pi's spikers (whole rows; spikes in the arena): false when this projection has no kernel. */
  propagateStatic(pi: number, spikes: Int32Array, nSpikes: number, base: number, q: number): boolean {
    const k = this.stat[pi];
    if (!k || k.csr !== this.net.csr[pi] || spikes.buffer !== this.arena.buffer) return false;
    const pr = this.net.derived.projections[pi]!;
    this.arena.k.propagate(spikes.byteOffset, nSpikes, pr.pre.offset, pr.pre.offset + pr.pre.size, k.rowPtr.byteOffset, k.post.byteOffset, this.st.acc.byteOffset + 8 * base, q);
    return true;
  }

  /**
   * Propagation and pre-spike update of pair projection pi's spikers (pair.ts pairPropagatePre: row k's part
   * [rowStart[k], rowEnd[k])); false when this projection has no kernel.
   */
  propagatePre(pi: number, spikes: Int32Array, nSpikes: number, rowStart: Int32Array, rowEnd: Int32Array): boolean {
    const k = this.livePair(pi);
    if (!k) return false;
    pairPreWalk(this.arena, k.desc, this.net.derived.projections[pi]!, this.st, spikes, nSpikes, rowStart, rowEnd);
    return true;
  }

  // --- DeferralHost (pairDeferred.ts) ---

  log(pi: number, nPost: number, capacity: number, xsLen: number): DeferralLog | null {
    const k = this.livePair(pi);
    if (!k || capacity > k.capacity || xsLen > k.xsLen || nPost !== k.log.first.length) return null;
    return k.log;
  }

  row(pi: number, y0: number, y1: number, F: number, xFrom: number, spiked: number, pending: number, prop: number, pre: number): void {
    this.arena.k.pairRow(this.pair[pi]!.desc, y0, y1, F, xFrom, spiked, pending, prop, pre);
  }
}

const kernelsByState = new WeakMap<CpuState, SynapseKernels>();

/** The synapse kernels of a state from createState, if it has any. */
export function synapseKernelsOf(st: CpuState): SynapseKernels | undefined {
  return kernelsByState.get(st);
}

/** Places the plan's arrays in the arena and registers the kernels for st (createState). */
export function attachSynapseKernels(net: BuiltNetwork, st: CpuState, arena: KernelArena, plan: Placement[]): void {
  if (plan.length) kernelsByState.set(st, new SynapseKernels(net, st, arena, plan));
}

/** Byte sizes of the arrays of a plan (for KernelArena.bytesFor). */
export const planBytes = (plan: Placement[]): number[] => plan.flatMap((p) => p.bytes);

/**
 * The pairRow kernel (descriptor desc) over pair projection pr's spikers among spikes[0, nSpikes), each on its
 * row part [rowStart[k], rowEnd[k]): propagation and pre-spike update with the pre term a + bPre * xPre (f32).
 * Shared by the one-thread engine (SynapseKernels.propagatePre) and each thread's walks (threads/walks.ts).
 */
export function pairPreWalk(arena: KernelArena, desc: number, pr: DerivedProjection, st: CpuState, spikes: Int32Array, nSpikes: number, rowStart: Int32Array, rowEnd: Int32Array): void {
  const r = pr.plastic!;
  const { a, bPre } = r.onPre;
  const xPre = st.traces[r.preTrace]!;
  const lo = pr.pre.offset;
  const size = pr.pre.size;
  const run = arena.k.pairRow;
  for (let s = 0; s < nSpikes; s++) {
    const g = spikes[s]!;
    const k = g - lo;
    if (k < 0 || k >= size) continue;
    run(desc, rowStart[k]!, rowEnd[k]!, 0, 0, 0, 0, 1, f(a + f(bPre * xPre[g]!)));
  }
}
