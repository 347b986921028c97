// Deferred post-spike updates of pair STDP (one-thread CPU engine, inside CpuEngine.advance): the post pass
// only logs (step, post, f(bPost * x_post)) per post spiker, and each synapse receives its logged post updates
// the next time its row is walked (its pre neuron spikes: before the propagation and pre update of that step)
// or when every row is flushed (a bin closes, the log is full or its epoch long, advance ends). The eager post
// pass touched one weight per cache line (a column of the row-major weights: ~100 ns per synapse at N = 10^4);
// here the updates are applied while walking the row, contiguously.
//
// Exact: each synapse receives the same updates, in the same order, with the same operands as the eager
// passes. A post update at step t reads w (whatever earlier updates left: applied first, in step order), the
// pre trace at t and the post term at t (logged). The pre trace of row k between two of its flushes is
// rebuilt exactly from the value at the earlier flush: x(t + 1) = f(f(x(t) + 1) * decay) at a step where the
// pre neuron spiked (only the flush step itself: every spike of the pre neuron walks its row), else
// f(x(t) * decay), the trace pass's f32 operations. Used only where that holds: pair family, pre trace of the
// pre population without lag, no delays, rule active from the first deferred step (deferralSupported).
// A CPU worker thread (src/engine/cpu/threads) defers over its slices: its part of each row and the post spikes
// of its own neurons, in a log of its own; its flushes touch only its synapses, so each thread's deferral is
// exact on its own, whenever it flushes.
import type { BuiltNetwork } from '../network/network.ts';
import type { StateLayout } from '../engine/state.ts';
import { propagateRowSweep, sweepOf, type Sweep } from './pair.ts';
import type { SynapseSlice } from './registry.ts';

const f = Math.fround;

/** Longest span of steps between two flushes of every row (the rebuilt-trace buffer's length). */
export const MAX_EPOCH_STEPS = 2048;
/**
 * Fewest synapses for advance() to defer a projection: below, its weights (4 bytes each) stay in the caches and
 * the eager column walk was as fast or faster (2-core dev VM: N = 5000 EI iSTDP, 0.4 M synapses, CPU time
 * 1.16-1.21 deferred vs 1.18-1.22 eager; N = 10^4, 1.6 M synapses, 2.8 vs 3.1-3.4).
 */
export const DEFER_MIN_SYNAPSES = 1 << 19;
/**
 * The same where the row walk runs in WebAssembly (src/engine/cpu/synapseKernels.ts: flush + propagation + pre
 * update per synapse, the eager column walk stays JavaScript): deferring then paid at N = 5000 (0.4 M E<-I
 * synapses; 2-core dev VM at load ~12, bench/synapseKernelsAB.ts: CPU 0.80-0.97 s deferred vs 0.92-1.15 s eager).
 */
export const DEFER_MIN_SYNAPSES_WASM = 1 << 18;
/** Logged post spikes per projection before every row is flushed. */
export const EVENT_CAPACITY = 1 << 16;

/** A projection's log arrays (see Proj); xs and xd: a row walk's rebuilt pre traces and their pre terms. */
export interface DeferralLog {
  evStep: Int32Array;
  evPost: Int32Array;
  evTerm: Float32Array;
  evNext: Int32Array;
  first: Int32Array;
  last: Int32Array;
  lastStep: Int32Array;
  xs: Float32Array;
  xd: Float32Array;
}

/**
 * A faster row walk over the same log (the CPU engine's WebAssembly kernel, src/engine/cpu/synapseKernels.ts):
 * log() lends projection pi's log arrays (in the kernel's memory; each deferral reuses them, one deferral at a
 * time), or null (the JavaScript walk then); row() is, for a projection with a lent log, flushRow (pending) then
 * propagateRowSweep (prop, with `pre`) of row [y0, y1), synapse by synapse, with the same bits.
 */
export interface DeferralHost {
  log(pi: number, nPost: number, capacity: number, xsLen: number): DeferralLog | null;
  row(pi: number, y0: number, y1: number, F: number, xFrom: number, spiked: number, pending: number, prop: number, pre: number): void;
}

/** One plastic projection's log and per-row flush state. */
interface Proj {
  pi: number;
  preOff: number;
  nPre: number;
  postOff: number;
  nPost: number;
  /** Row k's synapses here: [rowStart[k], rowEnd[k]) (one thread: the whole row). */
  rowStart: Int32Array;
  rowEnd: Int32Array;
  /** Post spikers logged here: global ids in [postLo, postHi). */
  postLo: number;
  postHi: number;
  post: Int32Array;
  w: Float32Array;
  xPre: Float32Array;
  xPost: Float32Array;
  decay: number;
  zPre: Sweep;
  zPost: Sweep;
  /** Per row: the step from which its post updates are pending (F), the pre trace at F, whether it spiked at F. */
  from: Int32Array;
  xFrom: Float32Array;
  spikedAtFrom: Uint8Array;
  /** The log: step, post (local), post term, next event of the same post (-1: none). */
  evStep: Int32Array;
  evPost: Int32Array;
  evTerm: Float32Array;
  evNext: Int32Array;
  nEv: number;
  /** Per post: first and last logged event (-1: none), and the step of the last one (-1: none). */
  first: Int32Array;
  last: Int32Array;
  lastStep: Int32Array;
  /** The host's row walk (log arrays lent by it), or null: flushRow and propagateRowSweep here. */
  host: DeferralHost | null;
}

/** Whether projection pi's post updates can be deferred from `step` on (see the header). */
export function deferralSupported(net: BuiltNetwork, pi: number, step: number): boolean {
  const d = net.derived;
  const pr = d.projections[pi]!;
  const r = pr.plastic;
  if (!r || r.family !== 'pair' || pr.pre.kind !== 'population') return false;
  if (pr.arrivalLag !== 0 || pr.delay.max > 1 || d.delaySlots > 0 || d.spikeHistory > 0 || r.startStep > step) return false;
  const g = d.traces[r.preTrace];
  return g !== undefined && g.lag === 0 && g.pop === pr.pre.index;
}

/** The deferral of every supported plastic projection of a one-thread engine's state. */
export class PairDeferral {
  private readonly projs: Proj[] = [];
  private readonly byIndex: (Proj | undefined)[];
  private readonly xs: Float32Array;
  private epochStart: number;

  /**
   * Starts deferring at `step` (between steps: nothing pending) the projections with at least minSynapses synapses
   * (in all); null when none qualifies. `slices` (a CPU thread's, per projection): only those synapses and posts.
   */
  static create(net: BuiltNetwork, st: StateLayout, step: number, minSynapses = 0, maxEpochSteps = MAX_EPOCH_STEPS, capacity = EVENT_CAPACITY, host: DeferralHost | null = null, slices?: SynapseSlice[]): PairDeferral | null {
    const ids = net.derived.projections.filter((p) => deferralSupported(net, p.index, step) && net.csr[p.index]!.post.length >= minSynapses).map((p) => p.index);
    return ids.length ? new PairDeferral(net, st, step, ids, maxEpochSteps, capacity, host, slices) : null;
  }

  private constructor(net: BuiltNetwork, st: StateLayout, step: number, ids: number[], readonly maxEpochSteps: number, capacity: number, host: DeferralHost | null, slices?: SynapseSlice[]) {
    const d = net.derived;
    this.byIndex = d.projections.map(() => undefined);
    for (const pi of ids) {
      const pr = d.projections[pi]!;
      const r = pr.plastic!;
      const c = net.csr[pi]!;
      const nPost = pr.post.size;
      const lent = host?.log(pi, nPost, capacity, maxEpochSteps + 2) ?? null;
      const log = lent ?? {
        evStep: new Int32Array(capacity), evPost: new Int32Array(capacity), evTerm: new Float32Array(capacity), evNext: new Int32Array(capacity),
        first: new Int32Array(nPost), last: new Int32Array(nPost), lastStep: new Int32Array(nPost), xs: new Float32Array(0), xd: new Float32Array(0),
      };
      log.first.fill(-1);
      log.last.fill(-1);
      log.lastStep.fill(-1);
      const p: Proj = {
        pi, preOff: pr.pre.offset, nPre: pr.pre.size, postOff: pr.post.offset, nPost,
        rowStart: slices?.[pi]!.rowStart ?? c.rowPtr, rowEnd: slices?.[pi]!.rowEnd ?? c.rowPtr.subarray(1),
        postLo: Math.max(pr.post.offset, slices?.[pi]!.postLo ?? 0), postHi: Math.min(pr.post.offset + nPost, slices?.[pi]!.postHi ?? d.N), post: c.post, w: st.weights[pi]!, xPre: st.traces[r.preTrace]!, xPost: st.traces[r.postTrace]!,
        decay: d.traces[r.preTrace]!.decay, zPre: sweepOf(r, r.onPre), zPost: sweepOf(r, r.onPost),
        from: new Int32Array(pr.pre.size).fill(step), xFrom: st.traces[r.preTrace]!.slice(pr.pre.offset, pr.pre.offset + pr.pre.size), spikedAtFrom: new Uint8Array(pr.pre.size),
        evStep: log.evStep.subarray(0, capacity), evPost: log.evPost.subarray(0, capacity), evTerm: log.evTerm.subarray(0, capacity), evNext: log.evNext, nEv: 0,
        first: log.first, last: log.last, lastStep: log.lastStep, host: lent ? host : null,
      };
      this.projs.push(p);
      this.byIndex[pi] = p;
    }
    this.xs = new Float32Array(maxEpochSteps + 2);
    this.epochStart = step;
  }

  /** Whether projection pi's post updates are deferred here. */
  has(pi: number): boolean {
    return this.byIndex[pi] !== undefined;
  }

  /**
   * Pass 'plasticity_pre' for projection pi at `step` (one thread, whole rows): for each spiker of its pre
   * population, its row's pending post updates, then propagation and pre update (pair.ts propagateRowSweep).
   */
  propagatePre(pi: number, spikes: Int32Array, nSpikes: number, step: number, acc: Float64Array, base: number, kick: number): void {
    const p = this.byIndex[pi]!;
    const { preOff, nPre, rowStart, rowEnd, post, w, xPre, xPost, zPre } = p;
    for (let s = 0; s < nSpikes; s++) {
      const g = spikes[s]!;
      const k = g - preOff;
      if (k < 0 || k >= nPre) continue;
      const y0 = rowStart[k]!;
      const y1 = rowEnd[k]!;
      const pre = f(zPre.a + f(zPre.bPre * xPre[g]!));
      if (p.host) p.host.row(pi, y0, y1, p.from[k]!, p.xFrom[k]!, p.spikedAtFrom[k]!, p.nEv > 0 ? 1 : 0, 1, pre);
      else {
        if (p.nEv > 0) this.flushRow(p, k, y0, y1);
        propagateRowSweep(zPre, w, y0, y1, post, xPost, pre, acc, base, kick);
      }
      p.from[k] = step;
      p.xFrom[k] = xPre[g]!;
      p.spikedAtFrom[k] = 1;
    }
  }

  /** Pass 'plasticity_post' for projection pi at `step`: logs this step's post spikers (flushing all rows first when the log is full or old). */
  logPost(pi: number, spikes: Int32Array, nSpikes: number, step: number): void {
    const p = this.byIndex[pi]!;
    if (p.nEv + nSpikes > p.evStep.length || step - this.epochStart >= this.maxEpochSteps) this.flushAll(step);
    const { postOff, postLo, postHi, xPost, zPost, evStep, evPost, evTerm, evNext, first, last, lastStep } = p;
    for (let s = 0; s < nSpikes; s++) {
      const g = spikes[s]!;
      if (g < postLo || g >= postHi) continue;
      const j = g - postOff;
      const e = p.nEv++;
      evStep[e] = step;
      evPost[e] = j;
      evTerm[e] = f(zPost.bPost * xPost[g]!);
      evNext[e] = -1;
      if (first[j]! < 0) first[j] = e;
      else evNext[last[j]!] = e;
      last[j] = e;
      lastStep[j] = step;
    }
  }

  /**
   * Applies every logged update to every row; `step`: the step whose plasticity reads the traces as they are
   * now (between steps: the next one; inside a step's post pass: that step). Afterwards nothing is pending.
   */
  flushAll(step: number): void {
    for (const p of this.projs) {
      const { nPre, rowStart, rowEnd, preOff, xPre, from, xFrom, spikedAtFrom } = p;
      for (let k = 0; k < nPre; k++) {
        if (p.nEv > 0) {
          if (p.host) p.host.row(p.pi, rowStart[k]!, rowEnd[k]!, from[k]!, p.xFrom[k]!, spikedAtFrom[k]!, 1, 0, 0);
          else this.flushRow(p, k, rowStart[k]!, rowEnd[k]!);
        }
        if (from[k] !== step) spikedAtFrom[k] = 0;
        from[k] = step;
        xFrom[k] = xPre[preOff + k]!;
      }
      for (let e = 0; e < p.nEv; e++) {
        const j = p.evPost[e]!;
        p.first[j] = -1;
        p.last[j] = -1;
        p.lastStep[j] = -1;
      }
      p.nEv = 0;
    }
    this.epochStart = step;
  }

  /** Row k's pending post updates (logged steps >= from[k]), in step order, with its pre trace rebuilt. */
  private flushRow(p: Proj, k: number, y0: number, y1: number): void {
    const F = p.from[k]!;
    const { post, w, postOff, lastStep, first, evStep, evTerm, evNext, decay } = p;
    const { gate, clip, jMin, jMax, jMinF, jMaxF, dep, eta, etaF, invJRef, a, bPre } = p.zPost;
    const xs = this.xs;
    let nx = 0; // xs[m] = the pre trace at step F + m, for m < nx
    for (let y = y0; y < y1; y++) {
      const j = post[y]! - postOff;
      if (lastStep[j]! < F) continue;
      let e = first[j]!;
      while (evStep[e]! < F) e = evNext[e]!;
      let wy = w[y]!;
      for (; e >= 0; e = evNext[e]!) {
        const m = evStep[e]! - F;
        while (nx <= m) {
          xs[nx] = nx === 0 ? p.xFrom[k]! : f((nx === 1 && p.spikedAtFrom[k] ? f(xs[0]! + 1) : xs[nx - 1]!) * decay);
          nx++;
        }
        // colSweep's arithmetic (pair.ts), operand for operand
        if (gate && !(wy > jMin && wy < jMax)) continue;
        const drive = f(f(a + f(bPre * xs[m]!)) + evTerm[e]!);
        let wn = f(wy + f((dep ? f(eta * f(wy * invJRef)) : etaF) * drive));
        if (clip) wn = wn < jMin ? jMinF : wn > jMax ? jMaxF : wn;
        wy = wn;
      }
      w[y] = wy;
    }
  }
}
