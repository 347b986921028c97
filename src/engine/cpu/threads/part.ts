// One thread's share of a CPU-engine step (src/engine/cpu/threads): the neurons [lo, hi) and the synapses
// onto them. Runs on the main thread (thread 0, CpuEngine) and in each worker (worker.ts) on the same shared
// memory. Per step, between barriers: (1) neuron update of [lo, hi) by the WebAssembly kernel, spikers into
// the thread's segment spikeSeg[lo ..]; (2) every thread joins the segments in thread order (= ascending, as
// one thread lists them), then propagation + pre-spike updates over its synapse slices and post-spike updates
// of its own spikers; (3) traces and currents of [lo, hi). Every array element is written by one thread only,
// and the fixed-point accumulators sum exact integers, so the results are the one-thread results, bit for bit.
import type { Derived } from '../../../model/derive.ts';
import type { BuiltNetwork } from '../../../network/network.ts';
import type { SynapseSlice } from '../../../plasticity/index.ts';
import { RunGuardError } from '../../engine.ts';
import type { KernelArena } from '../wasmKernels.ts';
import type { CpuState } from '../state.ts';
import { plasticityPostSlice, sliceOf, synapseSlicePass } from '../synapsePass.ts';
import { ThreadWalks, type WalkLayout } from './walks.ts';
import { PairDeferral } from '../../../plasticity/pairDeferred.ts';

/** Control words (Int32Array over a SharedArrayBuffer). */
export const CTRL = {
  go: 0, // incremented by the main thread to start a step (workers wait on it)
  step: 1,
  stop: 2, // 1: workers exit
  barrier: 3, // arrivals at the current barrier
  barrierGen: 4, // barrier generation (waited on)
  done: 5, // workers finished with the step
  cmd: 6, // what the go is for: a step (CMD.step) or a deferral command
  ready: 7, // workers attached and waiting
  arg: 8, // a deferral command's three arguments (arg .. arg + 2)
  counts: 11, // spikers per thread, counts + t; then per thread: error flag (counts + T + t), error order key (counts + 2T + t)
} as const;
/**
 * Commands (CTRL.cmd): one step, or, for the deferred pair-STDP post updates (pairDeferred.ts) of every thread's
 * slices: begin (arguments: minSynapses, maxEpochSteps, capacity), flush (apply all pending), end (flush and
 * stop deferring), drop (stop deferring without applying: a restore replaced the state).
 */
export const CMD = { step: 0, begin: 1, flush: 2, end: 3, drop: 4 } as const;
export const ctrlWords = (T: number): number => CTRL.counts + 3 * T;
/** Bytes of one thread's error message (JSON); the message buffer holds T of them. */
export const MSG_BYTES = 4096;

/** Where a thread finds the state arrays in the shared memory (byte offsets) and its own scratch. */
export interface PartLayout {
  v: number;
  refr: number;
  current: number;
  acc: number;
  traces: number[];
  spikeSeg: number;
  inTab: number; // this thread's input-channel table (i32 x MAX_INPUT_CHANNELS)
  ex: number; // this thread's exp scratch (f32 x 256)
  walks: WalkLayout; // this thread's WebAssembly synapse walks (walks.ts)
}

/** Spin this many polls before sleeping in Atomics.wait (a short spin: the machines may be oversubscribed). */
const SPIN = 2000;

export class ThreadPart {
  readonly slices: SynapseSlice[];
  private readonly walks: ThreadWalks;
  /** This thread's deferred post updates (between CMD.begin and CMD.end / CMD.drop), or null: eager. */
  private deferral: PairDeferral | null = null;
  private readonly inputBases: Int32Array;
  private readonly spikeSeg: Int32Array;
  private readonly lo: number;
  private readonly hi: number;
  /** Order of this step's guard error among all threads' (channel * N + neuron; -1: other errors first). */
  errorKey = -1;

  constructor(
    private readonly net: BuiltNetwork,
    private readonly st: CpuState, // st.spikes: this thread's joined spike list (the engine's own on thread 0)
    private readonly arena: KernelArena,
    private readonly layout: PartLayout,
    private readonly ctrl: Int32Array,
    private readonly msg: Uint8Array,
    readonly t: number,
    private readonly bounds: Int32Array, // T + 1 neuron boundaries
    private readonly q: Float64Array, // CpuEngine's qStatic
  ) {
    const d = net.derived;
    this.lo = bounds[t]!;
    this.hi = bounds[t + 1]!;
    this.slices = sliceOf(net, this.lo, this.hi);
    this.walks = new ThreadWalks(d, st, arena, layout.walks);
    const bases: number[] = [];
    d.channels.forEach((ch, c) => {
      if (ch.kind === 'input') bases.push(c * d.N);
    });
    this.inputBases = Int32Array.from(bases);
    this.spikeSeg = new Int32Array(arena.buffer, layout.spikeSeg, d.N);
    new Int32Array(arena.buffer, layout.inTab, bases.length).set(this.inputBases);
  }

  get T(): number {
    return this.bounds.length - 1;
  }

  /** The whole step of this thread (phases separated by barriers); a failure is stored, not thrown, so no thread is left waiting. */
  run(step: number): void {
    this.guard(() => this.neurons());
    this.barrier();
    this.guard(() => {
      this.join();
      synapseSlicePass(this.net, this.st, this.q, step, this.slices, 'all', this.deferral, this.walks);
      plasticityPostSlice(this.net, this.st, step, this.slices, this.deferral);
    });
    this.barrier();
    this.guard(() => this.traces(step));
  }

  /** Whether this thread defers its post updates (every thread does the same: same network, same arguments). */
  get deferring(): boolean {
    return this.deferral !== null;
  }

  /** A deferral command (CMD) at `step` (between steps); its failure is stored like a step's. */
  control(cmd: number, step: number, a0: number, a1: number, a2: number): void {
    this.guard(() => {
      if (cmd === CMD.begin) this.deferral ??= PairDeferral.create(this.net, this.st, step, a0, a1, a2, this.walks, this.slices);
      else if (cmd === CMD.flush) this.deferral?.flushAll(step);
      else if (cmd === CMD.end) {
        this.deferral?.flushAll(step);
        this.deferral = null;
      } else if (cmd === CMD.drop) this.deferral = null;
    });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      storeError(this.ctrl, this.msg, this.t, this.T, e, this.errorKey);
      this.errorKey = -1;
    }
  }

  /** Phase 1: the kernel over [lo, hi) of each population; spikers (ascending) into spikeSeg[lo ..]. */
  private neurons(): void {
    const d: Derived = this.net.derived;
    const { v, refr, current, acc } = this.layout;
    const k = this.arena.k;
    let n = 0;
    for (const p of d.pops) {
      const a = Math.max(p.offset, this.lo);
      const b = Math.min(p.offset + p.size, this.hi);
      if (a >= b) continue;
      const q = p.neuron;
      n = k.neurons(
        v, refr, current, acc, this.layout.spikeSeg + 4 * this.lo,
        d.N, d.channels.length, this.layout.inTab, this.inputBases.length, this.layout.ex, a, b, n,
        q.gL, q.eL, q.gLdT, q.vT, q.invDeltaT, q.dtOverC, q.vThresh, q.vReset, q.refSteps,
      );
    }
    Atomics.store(this.ctrl, CTRL.counts + this.t, n);
  }

  /** Phase 2 start: this step's spikers of all threads, in thread order, into st.spikes. */
  private join(): void {
    const out = this.st.spikes;
    let m = 0;
    for (let t = 0; t < this.T; t++) {
      const n = Atomics.load(this.ctrl, CTRL.counts + t);
      const from = this.bounds[t]!;
      out.set(this.spikeSeg.subarray(from, from + n), m);
      m += n;
    }
    this.st.nSpikes = m;
  }

  /** Phase 3: traceUpdatePass (traceUpdate.ts, WebAssembly branch) restricted to [lo, hi). */
  private traces(step: number): void {
    const d = this.net.derived;
    const st = this.st;
    const N = d.N;
    const k = this.arena.k;
    const { spikes, nSpikes } = st;
    for (let t = 0; t < d.traces.length; t++) {
      const g = d.traces[t]!;
      const x = st.traces[t]!;
      const p = d.pops[g.pop]!;
      const a = Math.max(p.offset, this.lo);
      const b = Math.min(p.offset + p.size, this.hi);
      if (a >= b) continue;
      for (let s = 0; s < nSpikes; s++) {
        const i = spikes[s]!;
        if (i >= a && i < b) x[i] = Math.fround(x[i]! + 1);
      }
      k.decay(this.layout.traces[t]! + 4 * a, b - a, g.decay);
    }
    const n = this.hi - this.lo;
    for (let c = 0; c < d.channels.length; c++) {
      const ch = d.channels[c]!;
      const at = c * N + this.lo;
      if (ch.kind === 'recurrent') {
        const bad = k.joinDecay(this.layout.current + 4 * at, this.layout.acc + 8 * at, n, ch.decay);
        if (bad >= 0) {
          const a = st.acc[at + bad]!;
          this.errorKey = at + bad; // one thread reports the first (channel, neuron) in its order: so does takeError
          throw new RunGuardError('overflow', step, `neuron ${this.lo + bad}, channel ${ch.name}`, a, `fixed-point input ${a} exceeds the i32 range (scale 2^20)`);
        }
      } else k.decay(this.layout.current + 4 * at, n, ch.decay);
    }
  }

  /** All T threads meet here (generation barrier: a short spin, then Atomics.wait). */
  barrier(): void {
    const c = this.ctrl;
    const gen = Atomics.load(c, CTRL.barrierGen);
    if (Atomics.add(c, CTRL.barrier, 1) === this.T - 1) {
      Atomics.store(c, CTRL.barrier, 0);
      Atomics.add(c, CTRL.barrierGen, 1);
      Atomics.notify(c, CTRL.barrierGen);
      return;
    }
    waitWhile(c, CTRL.barrierGen, gen);
  }
}

/** Returns once c[i] != value: a short spin, then Atomics.wait. */
export function waitWhile(c: Int32Array, i: number, value: number): void {
  for (let s = 0; s < SPIN; s++) if (Atomics.load(c, i) !== value) return;
  while (Atomics.load(c, i) === value) Atomics.wait(c, i, value, 1000);
}

/** Stores this thread's first error of a step (JSON in its part of msg) for the main thread to throw. */
function storeError(ctrl: Int32Array, msg: Uint8Array, t: number, T: number, e: unknown, key = -1): void {
  if (Atomics.load(ctrl, CTRL.counts + T + t) !== 0) return;
  const g = e instanceof RunGuardError ? { guard: e.guard, step: e.step, where: e.where, value: e.value, message: e.message } : { message: e instanceof Error ? e.message : String(e) };
  const bytes = new TextEncoder().encode(JSON.stringify(g)).subarray(0, MSG_BYTES - 4);
  const at = t * MSG_BYTES;
  new DataView(msg.buffer, msg.byteOffset + at).setInt32(0, bytes.length, true);
  msg.set(bytes, at + 4);
  Atomics.store(ctrl, CTRL.counts + 2 * T + t, key);
  Atomics.store(ctrl, CTRL.counts + T + t, 1);
}

/**
 * The error the one-thread engine would have thrown (smallest order key among the threads' errors), or null;
 * the flags are cleared. A RunGuardError keeps its fields.
 */
export function takeError(ctrl: Int32Array, msg: Uint8Array, T: number): Error | null {
  let best = -1;
  for (let t = 0; t < T; t++) {
    if (Atomics.load(ctrl, CTRL.counts + T + t) !== 1) continue;
    if (best < 0 || ctrl[CTRL.counts + 2 * T + t]! < ctrl[CTRL.counts + 2 * T + best]!) best = t;
  }
  if (best < 0) return null;
  for (let t = 0; t < T; t++) Atomics.store(ctrl, CTRL.counts + T + t, 0);
  const at = best * MSG_BYTES;
  const n = new DataView(msg.buffer, msg.byteOffset + at).getInt32(0, true);
  const g = JSON.parse(new TextDecoder().decode(msg.slice(at + 4, at + 4 + n))) as { guard?: RunGuardError['guard']; step?: number; where?: string; value?: number; message: string };
  if (g.guard === undefined) return new Error(`CPU engine worker thread: ${g.message}`);
  const e = new RunGuardError(g.guard, g.step!, g.where!, g.value!, '');
  e.message = g.message;
  return e;
}
