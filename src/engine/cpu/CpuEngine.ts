// The CPU reference engine: runs SCHEDULE with the reference passes on Float32 state. Also the fast path
// on machines without a hardware GPU (typed arrays, no allocation in the step loop).
import type { BuiltNetwork } from '../../network/network.ts';
import { RunGuardError, SCHEDULE, type Engine, type PassName, type RecordingsOptions } from '../engine.ts';
import { finalWeightSources, type FinalWeightSource } from '../../record/finalWeights.ts';
import { Recorder } from '../recorder.ts';
import type { Recordings } from '../../record/recordings.ts';
import { checkStep, restoreInto, restoreStateEntries, snapArray, stateEntries, type EngineSnapshot } from '../snapshot.ts';
import { fixedIncrement } from '../fixed.ts';
import { inputPass, primeInputs } from './input.ts';
import { neuronUpdatePass } from './neuronUpdate.ts';
import { createState, type CpuState } from './state.ts';
import { plasticityPostSlice, plasticityPreRest, synapseSlicePass, wholeSlices } from './synapsePass.ts';
import { traceUpdatePass } from './traceUpdate.ts';
import { arenaOf } from './wasmKernels.ts';
import { synapseKernelsOf } from './synapseKernels.ts';
import { availableThreads, availableThreadsWhy, createThreadedState, ThreadPool, threadsFor } from './threads/pool.ts';
import { CMD, type PartLayout } from './threads/part.ts';
import { DEFER_MIN_SYNAPSES, DEFER_MIN_SYNAPSES_WASM, EVENT_CAPACITY, MAX_EPOCH_STEPS, PairDeferral } from '../../plasticity/pairDeferred.ts';

/** CpuEngine.create's options: where it runs (Engine.device) and how many threads it may use (default: the idle cores, threads/pool.ts availableThreads). */
export interface CpuEngineOptions {
  label?: string;
  threads?: number;
  /** Fewest neurons per thread (default MIN_NEURONS_PER_THREAD; tests lower it to thread small networks). */
  minNeuronsPerThread?: number;
  /** Fewest N x steps for threads (default MIN_NEURON_STEPS; tests lower it). */
  minNeuronSteps?: number;
}
import { weightRangeOf } from '../weightRange.ts';

export class CpuEngine implements Engine {
  readonly backend = 'cpu' as const;
  readonly device: string;
  readonly state: CpuState;
  readonly recorder: Recorder;
  private readonly qStatic: Float64Array;
  private readonly curSum: Float64Array;
  private readonly jMean: Float64Array;
  private readonly jSample: Float32Array;
  private _step = 0;
  /** Input channels whose per-step fixed-point input can exceed i32 (static bound), checked every step. */
  private readonly inputOverflowChannels: number[];
  /** Allowed J interval per projection (plastic ones): clip bounds, else the sign of the initial weight. */
  private readonly weightRange: { lo: number; hi: number; what: string }[];
  /** Per projection: 1 when closeBin's sweep of this bin found every weight within weightRange (checkStateAtBinEnd skips it). */
  private readonly binChecked: Uint8Array;

  /** The worker threads (null: this thread does all the work). */
  private pool: ThreadPool | null = null;

  /** Pair-STDP post updates logged and applied in row walks (src/plasticity/pairDeferred.ts); null: eager. */
  private deferral: PairDeferral | null = null;
  /**
   * Inside advance() (null outside): the bin-end weight mean (jSample keeps its values) and the passed weight check
   * of plastic projections whose rule never starts in this run (family 'trial': weights change only between
   * trials), whose weights nothing changes until advance() returns. Soldado Fig 7: 1 M synapses per 10 ms bin.
   */
  private frozenMeans: Map<number, number> | null = null;
  private frozenChecked: Set<number> | null = null;
  /** Fewest synapses of a pair-STDP projection for advance() to defer its post updates (lower with the synapse kernels; tests lower it). */
  deferMinSynapses: number;

  /**
   * A one-thread engine; CpuEngine.create() starts threads. `shared`: a state from createThreadedState (for
   * create), `threadNote` what the device string says about threads.
   */
  constructor(readonly net: BuiltNetwork, cpuName = 'CPU', shared?: CpuState, threadNote = '') {
    const d = net.derived;
    this.state = shared ?? createState(net);
    this.deferMinSynapses = synapseKernelsOf(this.state) ? DEFER_MIN_SYNAPSES_WASM : DEFER_MIN_SYNAPSES;
    this.device = `cpu (JavaScript reference engine${arenaOf(this.state.v) ? ' + WebAssembly kernels' : ''}, ${cpuName}${threadNote})`;
    this.recorder = new Recorder(net);
    this.qStatic = Float64Array.from(d.projections, (p) => fixedIncrement(p.J, p.kick));
    this.curSum = new Float64Array(d.pops.length * d.channels.length);
    this.jMean = new Float64Array(this.recorder.plasticIdx.length);
    this.jSample = new Float32Array(this.recorder.plasticIdx.length * d.spec.recording.weightSamples);
    primeInputs(net, this.state);
    this.inputOverflowChannels = inputChannelsThatCanOverflow(net, this.qStatic);
    this.weightRange = d.projections.map((p) => weightRangeOf(p));
    this.binChecked = new Uint8Array(d.projections.length);
    this.passes = SCHEDULE.map((name) => ({ name, run: this.passFor(name) }));
  }

  /**
   * An engine on up to `threads` threads (default: the machine's cores): the main thread and worker threads
   * split the neurons and the synapses onto them (src/engine/cpu/threads), with results bit-identical to one
   * thread. One thread where threads cannot help or run (threadsFor: small networks, other neuron models, no
   * shared memory); the device string says how many run and, when fewer than asked, why.
   */
  static async create(net: BuiltNetwork, opts: CpuEngineOptions = {}): Promise<CpuEngine> {
    const label = opts.label ?? 'CPU';
    const asked = opts.threads ?? (await availableThreads());
    const { T, why } = threadsFor(net, asked, opts.minNeuronsPerThread, opts.minNeuronSteps);
    const one = (note: string) => new CpuEngine(net, label, undefined, asked > 1 ? `, 1 thread: ${note}` : opts.threads === undefined ? `, 1 thread by default: ${availableThreadsWhy()}` : '');
    if (T <= 1) return one(why);
    const ts = createThreadedState(net, T);
    if (!ts) return one('no shared WebAssembly memory');
    const nRec = net.derived.projections.filter((p) => p.pre.kind === 'population').length;
    const eng = new CpuEngine(net, label, ts.st, `, ${T} threads, synapse walks in WebAssembly for ${ts.walked} of ${nRec} recurrent projections`);
    if (!(await eng.startThreads(ts.arena, ts.layouts))) return one('worker threads failed to start');
    return eng;
  }

  private async startThreads(arena: Parameters<typeof ThreadPool.start>[2], layouts: PartLayout[]): Promise<boolean> {
    this.pool = await ThreadPool.start(this.net, this.state, arena, layouts, this.qStatic);
    return this.pool !== null;
  }

  /** Threads in use (1 without workers). */
  get threads(): number {
    return this.pool?.T ?? 1;
  }

  get step(): number {
    return this._step;
  }

  /**
   * The passes of one step, built from SCHEDULE (a PassName without a case in passFor fails the typecheck): each takes
   * the step index. 'check' is a no-op when no input channel can overflow.
   */
  readonly passes: readonly { name: PassName; run: (step: number) => void }[];

  private passFor(name: PassName): (step: number) => void {
    const net = this.net;
    const d = net.derived;
    const st = this.state;
    switch (name) {
      case 'input':
        return (step) => inputPass(net, st, step, this.qStatic);
      case 'check':
        return this.inputOverflowChannels.length ? (step) => this.checkInputOverflow(step) : () => {};
      case 'neuron_update':
        return () => neuronUpdatePass(d, st);
      case 'synapse_propagate': {
        const all = wholeSlices(net);
        return (step) => synapseSlicePass(net, st, this.qStatic, step, all, 'plain');
      }
      case 'plasticity_pre': {
        // pair STDP: propagation and pre updates of a spiker's row in one walk (synapsePass.ts), then other families' pre updates
        const all = wholeSlices(net);
        return (step) => {
          synapseSlicePass(net, st, this.qStatic, step, all, 'fused', this.deferral);
          plasticityPreRest(net, st, step);
        };
      }
      case 'plasticity_post': {
        const all = wholeSlices(net);
        return (step) => plasticityPostSlice(net, st, step, all, this.deferral);
      }
      case 'trace_update':
        return (step) => traceUpdatePass(d, st, step);
      case 'record':
        return (step) => this.recordStep(step);
    }
  }

  /** One time step: the passes in SCHEDULE order (with threads: input and check here, then the threads' share, then record). */
  stepOnce(): void {
    const step = this._step;
    if (this.pool) {
      for (const p of this.passes) {
        if (p.name === 'neuron_update') this.pool.step(step); // neuron_update .. trace_update on every thread
        else if (!THREADED_PASSES.has(p.name)) p.run(step); // input, check, record
      }
    } else for (const p of this.passes) p.run(step);
    this._step = step + 1;
  }

  private recordStep(step: number): void {
    const d = this.net.derived;
    const st = this.state;
    this.recorder.spikes(step, st.spikes, st.nSpikes);
    const nCh = d.channels.length;
    const sample = this.net.currentSample;
    const sPop = this.net.currentSamplePop;
    for (let s = 0; s < sample.length; s++) {
      const i = sample[s]!;
      const base = sPop[s]! * nCh;
      for (let c = 0; c < nCh; c++) this.curSum[base + c]! += st.current[c * d.N + i]!;
    }
    if ((step + 1) % d.binSteps === 0) this.closeBin((step + 1) / d.binSteps - 1);
  }

  private closeBin(b: number): void {
    const d = this.net.derived;
    this.flushDeferred((b + 1) * d.binSteps); // the weights are read below
    const nCh = d.channels.length;
    for (const p of d.pops) {
      const n = Math.min(p.size, d.spec.recording.currentSamples) * d.binSteps;
      for (let c = 0; c < nCh; c++) this.curSum[p.index * nCh + c]! /= n || 1;
    }
    const ws = d.spec.recording.weightSamples;
    this.recorder.plasticIdx.forEach((pi, k) => {
      const frozen = this.frozenMeans?.get(pi);
      if (frozen !== undefined) {
        this.jMean[k] = frozen; // weights that no rule changes in this advance(): the first bin's mean and samples
        return;
      }
      const w = this.state.weights[pi]!;
      const scale = 1 / d.projections[pi]!.jScale;
      // the mean and, in the same sweep, checkStateAtBinEnd's bounds test (it rescans only a projection that fails it)
      const { lo, hi } = this.weightRange[pi]!;
      let sum = 0;
      let inRange = true;
      for (let s = 0; s < w.length; s++) {
        const x = w[s]!;
        sum += x;
        if (!(x >= lo && x <= hi)) inRange = false;
      }
      this.binChecked[pi] = inRange ? 1 : 0;
      this.jMean[k] = w.length ? (sum / w.length) * scale : 0;
      const ids = this.net.weightSample[pi]!;
      for (let s = 0; s < ws; s++) this.jSample[k * ws + s] = s < ids.length ? w[ids[s]!]! * scale : NaN;
      if (this.frozenMeans && d.projections[pi]!.plastic!.startStep >= d.nSteps) this.frozenMeans.set(pi, this.jMean[k]!);
    });
    const fault = this.checkStateAtBinEnd(b);
    this.binChecked.fill(0);
    try {
      this.recorder.endBin(b, this.curSum, this.jMean, this.jSample);
    } catch (e) {
      if (!fault) throw e; // the state fault (located) takes precedence over the recorder's guards
    } finally {
      this.curSum.fill(0);
    }
    if (fault) throw fault;
  }

  /** Guard 'overflow' on input channels: this step's fixed-point input must fit an i32 (as on the GPU). */
  private checkInputOverflow(step: number): void {
    const d = this.net.derived;
    const acc = this.state.acc;
    for (const c of this.inputOverflowChannels) {
      const base = c * d.N;
      for (let i = base; i < base + d.N; i++) {
        const a = acc[i]!;
        if (a > 2147483647 || a < -2147483648)
          throw new RunGuardError('overflow', step, `neuron ${i - base} (${popName(d, i - base)}), input channel ${d.channels[c]!.name}, t = ${fmtT(d, step)}`, a, `fixed-point input ${a} exceeds the i32 range (scale 2^20)`);
      }
    }
  }

  /** Guards 'nan' (V, weights) and 'weight-bounds' at the end of bin b; returns the first fault found. */
  private checkStateAtBinEnd(b: number): RunGuardError | null {
    const d = this.net.derived;
    const step = (b + 1) * d.binSteps - 1;
    const v = this.state.v;
    for (let i = 0; i < v.length; i++)
      if (!Number.isFinite(v[i]!)) return new RunGuardError('nan', step, `bin ${b}, neuron ${i} (${popName(d, i)}), t = ${fmtT(d, step)}`, v[i]!, 'non-finite membrane potential');
    for (const pi of this.recorder.plasticIdx) {
      if (this.frozenChecked?.has(pi)) continue; // unchanged since it passed at an earlier bin of this advance()
      if (this.frozenChecked && this.net.derived.projections[pi]!.plastic!.startStep >= this.net.derived.nSteps) this.frozenChecked.add(pi); // (a fault returns below and stops the run)
      if (this.binChecked[pi]) continue; // every weight passed the bounds test in closeBin's sweep (a weight outside them, NaN included, fails it)
      const w = this.state.weights[pi]!;
      const { lo, hi, what } = this.weightRange[pi]!;
      for (let s = 0; s < w.length; s++) {
        const x = w[s]!;
        if (x >= lo && x <= hi) continue;
        const pr = d.projections[pi]!;
        const c = this.net.csr[pi]!;
        let k = 0;
        while (c.rowPtr[k + 1]! <= s) k++;
        const where = `bin ${b}, projection ${pr.name} synapse ${s} (pre ${pr.pre.offset + k}, post ${c.post[s]}), t = ${fmtT(d, step)}`;
        if (!Number.isFinite(x)) return new RunGuardError('nan', step, where, x, 'non-finite weight');
        return new RunGuardError('weight-bounds', step, where, x / pr.jScale, `weight j = ${Number((x / pr.jScale).toPrecision(12))} left its bounds ${what}`);
      }
    }
    return null;
  }

  /** Static projections' weights never change, so snapshots hold the plastic ones only. */
  private readonly keepState = (key: string, i: number): boolean => key !== 'weights' || this.net.derived.projections[i]!.plastic !== null;

  /** The engine's dynamic state and the recorder's (see src/engine/snapshot.ts): views, valid until advance(). */
  async snapshot(): Promise<EngineSnapshot> {
    this.flushDeferred(this._step);
    const st = stateEntries(this.state, this.keepState);
    const rec = this.recorder.snapshot();
    return { backend: 'cpu', step: this._step, scalars: { ...st.scalars, ...rec.scalars }, arrays: { ...st.arrays, 'engine.curSum': this.curSum, ...rec.arrays } };
  }

  /** Restores a snapshot (from this or another engine); sizes are checked before anything is written. */
  async restore(s: EngineSnapshot): Promise<void> {
    checkStep(s, this.net);
    snapArray(s, 'engine.curSum', Float64Array, this.curSum.length);
    restoreStateEntries(this.state, s, this.keepState);
    this.recorder.restore(s);
    restoreInto(s, 'engine.curSum', this.curSum);
    this._step = s.step;
    if (this.deferral || this.pool?.deferring) {
      // the log belongs to the state before the restore: start afresh from the restored weights and traces
      this.deferral = null;
      this.pool?.defer(CMD.drop, this._step);
      this.beginDeferredPost({ minSynapses: this.deferMinSynapses });
    }
  }

  async advance(steps: number): Promise<void> {
    const end = Math.min(this._step + steps, this.net.derived.nSteps);
    const own = this.beginDeferredPost({ minSynapses: this.deferMinSynapses });
    this.frozenMeans = new Map();
    this.frozenChecked = new Set();
    try {
      while (this._step < end) this.stepOnce();
    } finally {
      if (own) this.endDeferredPost();
      this.frozenMeans = null;
      this.frozenChecked = null;
    }
  }

  /**
   * From now until endDeferredPost, pair-STDP post-spike updates are logged and applied when their row is next
   * walked or every row is flushed (src/plasticity/pairDeferred.ts: the same bits, fewer cache misses): the
   * plastic weights in `state` lag until endDeferredPost (bins, snapshots and recordings flush them). advance()
   * does this itself for projections of DEFER_MIN_SYNAPSES synapses or more (smaller ones stay in the caches).
   * False (nothing changes) when already deferring or when no projection qualifies. `minSynapses` (default 0: every pair-STDP projection that qualifies); `maxEpochSteps` and
   * `capacity` (tests): flush every row at least this often / when this many post spikes are logged. With
   * threads, each thread defers the updates of its own slices (threads/part.ts CMD.begin).
   */
  beginDeferredPost(o: { minSynapses?: number; maxEpochSteps?: number; capacity?: number } = {}): boolean {
    if (this.deferral || this.pool?.deferring) return false;
    if (this.pool) {
      this.pool.defer(CMD.begin, this._step, [o.minSynapses ?? 0, o.maxEpochSteps ?? MAX_EPOCH_STEPS, o.capacity ?? EVENT_CAPACITY]);
      return this.pool.deferring;
    }
    this.deferral = PairDeferral.create(this.net, this.state, this._step, o.minSynapses, o.maxEpochSteps, o.capacity, synapseKernelsOf(this.state) ?? null);
    return this.deferral !== null;
  }

  /** Applies every pending post update (the weights are current again) and returns to eager post updates. */
  endDeferredPost(): void {
    this.deferral?.flushAll(this._step);
    this.deferral = null;
    if (this.pool?.deferring) this.pool.defer(CMD.end, this._step);
  }

  /** Applies every pending post update (one thread or all threads); `step`: the step whose plasticity reads the traces as they are now. */
  private flushDeferred(step: number): void {
    this.deferral?.flushAll(step);
    if (this.pool?.deferring) this.pool.defer(CMD.flush, step);
  }

  async recordings(opts: RecordingsOptions = {}): Promise<Recordings> {
    this.flushDeferred(this._step);
    if (opts.finalWeights !== false) this.recorder.setFinalWeights(this.state.weights);
    return this.recorder.rec;
  }

  /** The plastic weights by chunks of rows, read from the engine's arrays (pending post updates applied first). */
  finalWeightSources(): FinalWeightSource[] {
    this.flushDeferred(this._step); // every thread's pending post updates too
    return finalWeightSources(this.net, (proj, s0, out) => out.set(this.state.weights[proj]!.subarray(s0, s0 + out.length)));
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = null;
  }
}

/** The passes the threads run (ThreadPart.run), in SCHEDULE order from 'neuron_update'. */
const THREADED_PASSES = new Set<PassName>(['neuron_update', 'synapse_propagate', 'plasticity_pre', 'plasticity_post', 'trace_update']);

const popName = (d: BuiltNetwork['derived'], i: number): string => `population ${d.pops.find((p) => i >= p.offset && i < p.offset + p.size)?.name ?? '?'}`;
const fmtT = (d: BuiltNetwork['derived'], step: number): string => `${(((step + 1) * d.dt_ms) / 1000).toFixed(4)} s`;

/**
 * Input channels whose per-step fixed-point input can exceed the i32 range, from a static bound: the
 * largest per-spike increment x the largest in-degree x the most spikes one source can send in a step.
 * The CPU accumulates in f64 (exact), the GPU in i32, so those channels are checked every step.
 */
function inputChannelsThatCanOverflow(net: BuiltNetwork, q: Float64Array): number[] {
  const d = net.derived;
  const out: number[] = [];
  for (const x of d.inputs) {
    const perSource = x.correlation > 0 ? (2 * x.delayOffset + 1) * x.motherTable.thresholds.length : x.countTable.thresholds.length;
    let bound = 0;
    for (const p of d.projections) {
      if (p.pre.kind !== 'input' || p.pre.index !== x.index) continue;
      const c = net.csr[p.index]!;
      // A procedural projection keeps no column index: every source may reach a neuron (a looser bound, same guard).
      let maxIn = c.procedural ? (p.p > 0 ? c.nPre : 0) : 0;
      if (!c.procedural) for (let j = 0; j < c.nPost; j++) maxIn = Math.max(maxIn, c.colPtr[j + 1]! - c.colPtr[j]!);
      bound += Math.abs(q[p.index]!) * maxIn * perSource;
    }
    if (!(bound <= 2147483647)) out.push(x.channel);
  }
  return out;
}
