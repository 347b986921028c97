// The CPU engine's worker threads: Node worker_threads, or Web Workers in a cross-origin-isolated page
// (SharedArrayBuffer needs COOP: same-origin and COEP: require-corp on the page). The main thread is thread 0
// and runs its share itself (part.ts); T - 1 workers attach to the same shared WebAssembly memory (a
// WebAssembly.Memory with shared: true, which a browser also grants only to a cross-origin-isolated page) and
// run the WebAssembly kernels on their share: the neuron update, the synapse walks (walks.ts; where the larger
// memory cannot be had, the walks run in JavaScript and the device string says "for 0 of" the projections). Where
// threads cannot run (too small a network, a neuron model without the fused kernel, no shared memory, a
// plasticity family without slice methods, unsorted rows, no workers), the engine runs on one thread.
import type { Derived } from '../../../model/derive.ts';
import type { BuiltNetwork } from '../../../network/network.ts';
import { neuronModel } from '../../../neurons/index.ts';
import { currentBasedFastPath } from '../../../neurons/currentBasedFast.ts';
import { synapseModel } from '../../../synapses/index.ts';
import { exponential } from '../../../synapses/exponential.ts';
import { createSharedState, type CpuState } from '../state.ts';
import { rowsSorted, sliceOf, slicesSupported } from '../synapsePass.ts';
import { synapsePlan } from '../synapseKernels.ts';
import { kernelModule, MAX_INPUT_CHANNELS, type KernelArena } from '../wasmKernels.ts';
import { CMD, CTRL, ctrlWords, MSG_BYTES, takeError, ThreadPart, waitWhile, type PartLayout } from './part.ts';
import { placeWalks, walkBytes, walkedProjections } from './walks.ts';

/**
 * Fewest neurons per thread: below it a step's work (~8 ns per neuron plus the synaptic events) is too small
 * for the three barriers per step to pay off. Measured on the 2-core dev VM (bench/README.md, "Threads").
 */
export const MIN_NEURONS_PER_THREAD = 2500;

/**
 * Fewest neuron-steps (N x steps of the run) for threads: starting one worker cost 0.23-0.31 s from the
 * TypeScript sources (bench:cpu, load 2-5) and 0.53 s from the compiled library (load ~10) on the 2-core dev
 * VM, about what one thread needs for 2 x 10^8 neuron-steps (at ~8 ns per neuron-step and more for synapses).
 */
export const MIN_NEURON_STEPS = 2e8;

let idleCores: number | undefined;
let idleWhy = '';

/**
 * The default thread count. Node: the machine's idle cores when first asked (os.availableParallelism less the
 * 1-minute load average, rounded, at least 1), kept for the process, so that a sweep's later engines do not
 * count the threads of its earlier ones as load. A cross-origin-isolated page: navigator.hardwareConcurrency;
 * else 1. Why not every core: the threads meet four times per step, and a thread descheduled by another process
 * holds up the others; on the 2-core dev VM at load 6-16, 2 threads ran slower than 1 (bench/README.md).
 */
export async function availableThreads(): Promise<number> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node !== undefined) {
    if (idleCores === undefined) {
      const os = await importNodeOnly<typeof import('node:os')>('node:os');
      const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
      const load = os.loadavg()[0] ?? 0;
      idleCores = idleCoresOf(cores, load);
      idleWhy = `${idleCores} of ${cores} cores idle at start (1-minute load ${load.toFixed(1)})`;
    }
    return idleCores;
  }
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  idleWhy = g.crossOriginIsolated === true ? `${g.navigator?.hardwareConcurrency ?? 1} cores` : 'the page is not cross-origin isolated';
  return g.crossOriginIsolated === true ? Math.max(1, g.navigator?.hardwareConcurrency ?? 1) : 1;
}

/** Why availableThreads() gave what it gave (after a call), for the engine's device string. */
export const availableThreadsWhy = (): string => idleWhy;

/** Cores left idle by a 1-minute load average (rounded, 1 .. cores; a NaN or negative load counts as none). */
export function idleCoresOf(cores: number, load1: number): number {
  const busy = Number.isFinite(load1) && load1 > 0 ? load1 : 0;
  return Math.max(1, Math.min(cores, Math.round(cores - busy)));
}

/** How many threads a network gets for `requested` (>= 1), and why fewer. */
export function threadsFor(net: BuiltNetwork, requested: number, minPerThread = MIN_NEURONS_PER_THREAD, minNeuronSteps = MIN_NEURON_STEPS): { T: number; why: string } {
  const d = net.derived;
  if (requested <= 1) return { T: 1, why: '' };
  if (d.N * d.nSteps < minNeuronSteps) return { T: 1, why: `a short run (N x steps = ${d.N * d.nSteps} < ${minNeuronSteps}: starting workers would cost more than they save)` };
  const T = Math.min(requested, Math.floor(d.N / Math.max(1, minPerThread)));
  if (T <= 1) return { T: 1, why: `N = ${d.N} < ${2 * minPerThread} (${minPerThread} neurons per thread at least)` };
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return { T: 1, why: 'no SharedArrayBuffer (a page must be cross-origin isolated)' };
  // part.ts runs the EIF/LIF WebAssembly kernel (currentBasedFastPath's) and the exponential synapse's join + decay.
  if (!d.pops.every((p) => neuronModel(p.neuron.model).cpuFastPath === currentBasedFastPath)) return { T: 1, why: 'a neuron model without the EIF/LIF kernel' };
  if (!d.channels.every((ch) => synapseModel(ch.synapse) === exponential)) return { T: 1, why: 'a synapse model other than exponential' };
  if (d.channels.filter((c) => c.kind === 'input').length > MAX_INPUT_CHANNELS) return { T: 1, why: 'too many input channels' };
  if (!kernelModule(true)) return { T: 1, why: 'no shared WebAssembly memory' };
  if (d.delaySlots > 0 || d.spikeHistory > 0) return { T: 1, why: 'synaptic delays beyond one step (the delay ring and spike history are not shared with the threads)' };
  if (!slicesSupported(net)) return { T: 1, why: 'a plasticity family without slice methods' };
  if (!rowsSorted(net)) return { T: 1, why: 'connectivity rows not sorted by post' };
  return { T, why: '' };
}

/** Neuron boundaries of T threads: near-equal shares, multiples of 16 (64-byte lines of f32). */
export function threadBounds(N: number, T: number): Int32Array {
  const b = new Int32Array(T + 1);
  for (let t = 1; t < T; t++) b[t] = Math.min(N, Math.round((t * N) / T / 16) * 16);
  b[T] = N;
  return b;
}

/** What each worker receives (structured clone; the typed arrays are views of SharedArrayBuffers). */
export interface ThreadInit {
  t: number;
  derived: Pick<Derived, 'N' | 'pops' | 'channels' | 'projections' | 'traces'>;
  csr: { nPre: number; nPost: number; rowPtr: Int32Array; post: Int32Array; colPtr: Int32Array; colSyn: Int32Array; colPre: Int32Array }[];
  /** Plastic projections' weights: a SharedArrayBuffer, or (pair kernels) an array in the shared memory at this byte offset. */
  weights: (Float32Array | { at: number; length: number })[];
  memory: WebAssembly.Memory;
  layout: PartLayout;
  ctrl: Int32Array;
  msg: Uint8Array;
  bounds: Int32Array;
  q: Float64Array;
}

/**
 * The shared state for T threads, or null (no shared memory): with the threads' WebAssembly synapse walks
 * (walks.ts) for the projections synapsePlan places, or, when that memory cannot be had, without them (every
 * walk in JavaScript). `walked`: projections whose walks run in WebAssembly.
 */
export function createThreadedState(net: BuiltNetwork, T: number): { st: CpuState; arena: KernelArena; layouts: PartLayout[]; walked: number } | null {
  const N = net.derived.N;
  const bounds = threadBounds(N, T);
  const slices = Array.from({ length: T }, (_, t) => sliceOf(net, bounds[t]!, bounds[t + 1]!));
  const plan = synapsePlan(net);
  const own = [4 * N, ...Array.from({ length: T }, () => [4 * MAX_INPUT_CHANNELS, 4 * 256]).flat()];
  for (const p of plan.length ? [plan, []] : [[]]) {
    const s = createSharedState(net, [...own, ...walkBytes(net, p, slices)]);
    if (!s) continue;
    const { st, arena } = s;
    const spikeSeg = arena.alloc(Int32Array, N).byteOffset;
    const parts = Array.from({ length: T }, () => ({ inTab: arena.alloc(Int32Array, MAX_INPUT_CHANNELS).byteOffset, ex: arena.alloc(Float32Array, 256).byteOffset }));
    const walks = placeWalks(net, st, arena, p, slices);
    const layouts = parts.map((q, t) => ({
      v: st.v.byteOffset, refr: st.refr.byteOffset, current: st.current.byteOffset, acc: st.acc.byteOffset,
      traces: st.traces.map((x) => x.byteOffset), spikeSeg, ...q, walks: walks[t]!,
    }));
    return { st, arena, layouts, walked: walkedProjections(walks[0]!) };
  }
  return null;
}

/** The network's connectivity in SharedArrayBuffers (recurrent projections; column index of plastic ones), cached per network. */
const sharedCsr = new WeakMap<BuiltNetwork, ThreadInit['csr']>();
function csrForWorkers(net: BuiltNetwork): ThreadInit['csr'] {
  let out = sharedCsr.get(net);
  if (out) return out;
  const share = (a: Int32Array): Int32Array => {
    const s = new Int32Array(new SharedArrayBuffer(a.byteLength));
    s.set(a);
    return s;
  };
  const none = new Int32Array(0);
  out = net.derived.projections.map((p) => {
    const c = net.csr[p.index]!;
    if (p.pre.kind !== 'population') return { nPre: 0, nPost: 0, rowPtr: none, post: none, colPtr: none, colSyn: none, colPre: none };
    const plastic = p.plastic !== null;
    return { nPre: c.nPre, nPost: c.nPost, rowPtr: share(c.rowPtr), post: share(c.post), colPtr: plastic ? share(c.colPtr) : none, colSyn: plastic ? share(c.colSyn) : none, colPre: plastic ? share(c.colPre) : none, ...(c.procedural ? { procedural: c.procedural } : {}) };
  });
  sharedCsr.set(net, out);
  return out;
}

interface WorkerLike {
  terminate(): unknown;
}

/** Thread 0's part plus the running workers; step() runs one step on all of them. */
export class ThreadPool {
  private disposed = false;
  private constructor(
    readonly part: ThreadPart,
    private readonly ctrl: Int32Array,
    private readonly msg: Uint8Array,
    private readonly workers: WorkerLike[],
  ) {}

  get T(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts T - 1 workers on the shared state (their share: neurons [bounds[t], bounds[t+1]) and the synapses
   * onto them) and waits until each is attached; null (workers stopped) when any fails to start.
   */
  static async start(net: BuiltNetwork, st: CpuState, arena: KernelArena, layouts: PartLayout[], q: Float64Array): Promise<ThreadPool | null> {
    const T = layouts.length;
    const d = net.derived;
    const bounds = threadBounds(d.N, T);
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * ctrlWords(T)));
    const msg = new Uint8Array(new SharedArrayBuffer(MSG_BYTES * T));
    const base = {
      derived: { N: d.N, pops: d.pops, channels: d.channels, projections: d.projections, traces: d.traces },
      csr: csrForWorkers(net),
      weights: st.weights.map((w, i) => (!d.projections[i]!.plastic ? new Float32Array(0) : w.buffer === arena.buffer ? { at: w.byteOffset, length: w.length } : w)),
      memory: arena.memory, ctrl, msg, bounds, q,
    };
    const workers: WorkerLike[] = [];
    let failed: string | null = null;
    try {
      for (let t = 1; t < T; t++) workers.push(await spawn({ ...base, t, layout: layouts[t]! }, (why) => (failed ??= why)));
      const t0 = Date.now();
      while (Atomics.load(ctrl, CTRL.ready) < T - 1 && failed === null) {
        if (Date.now() - t0 > 60_000) failed = 'workers did not start within 60 s';
        else await new Promise((r) => setTimeout(r, 1));
      }
    } catch (e) {
      failed = e instanceof Error ? e.message : String(e);
    }
    if (failed !== null) {
      for (const w of workers) void w.terminate();
      return null;
    }
    return new ThreadPool(new ThreadPart(net, st, arena, layouts[0]!, ctrl, msg, 0, bounds, q), ctrl, msg, workers);
  }

  /** One step's neuron update, synapse passes and trace update on all threads (the caller runs input and record). */
  step(step: number): void {
    this.command(CMD.step, step);
  }

  /** A deferral command (part.ts CMD: begin, flush, end, drop) on every thread, between steps (`step`: the next one). */
  defer(cmd: (typeof CMD)['begin' | 'flush' | 'end' | 'drop'], step: number, args: [number, number, number] = [0, 0, 0]): void {
    this.command(cmd, step, args);
  }

  /** Whether the threads defer their pair-STDP post updates (pairDeferred.ts). */
  get deferring(): boolean {
    return this.part.deferring;
  }

  private command(cmd: number, step: number, args: [number, number, number] = [0, 0, 0]): void {
    const c = this.ctrl;
    Atomics.store(c, CTRL.cmd, cmd);
    for (let i = 0; i < 3; i++) Atomics.store(c, CTRL.arg + i, args[i]!);
    Atomics.store(c, CTRL.step, step);
    Atomics.store(c, CTRL.done, 0);
    Atomics.add(c, CTRL.go, 1);
    Atomics.notify(c, CTRL.go);
    if (cmd === CMD.step) this.part.run(step);
    else this.part.control(cmd, step, ...args);
    for (;;) {
      const n = Atomics.load(c, CTRL.done);
      if (n === this.workers.length) break;
      waitWhile(c, CTRL.done, n);
    }
    const e = takeError(c, this.msg, this.T);
    if (e) throw e;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.ctrl, CTRL.stop, 1);
    Atomics.add(this.ctrl, CTRL.go, 1);
    Atomics.notify(this.ctrl, CTRL.go);
    for (const w of this.workers) void w.terminate();
  }
}

/** Import a module Vite must not try to bundle for the browser. */
async function importNodeOnly<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

/** Starts one worker with its ThreadInit: a Node worker thread (TypeScript sources through tsx) or a module Web Worker. */
async function spawn(init: ThreadInit, onFail: (why: string) => void): Promise<WorkerLike> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node === undefined) {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.onerror = (e) => onFail(`worker: ${e.message}`);
    w.postMessage(init);
    return w;
  }
  const wt = await importNodeOnly<typeof import('node:worker_threads')>('node:worker_threads');
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url).href;
  let tsx = '';
  if (fromSource) {
    // tsx's ESM API (its exports map: "./esm/api" import), located from its package.json.
    const { createRequire } = await importNodeOnly<typeof import('node:module')>('node:module');
    const { pathToFileURL } = await importNodeOnly<typeof import('node:url')>('node:url');
    const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
    const pkg = createRequire(import.meta.url)('tsx/package.json') as { exports: Record<string, { import?: { default?: string } }> };
    const rel = pkg.exports['./esm/api']?.import?.default;
    if (rel === undefined) throw new Error("tsx's package.json has no ./esm/api import entry");
    tsx = new URL(rel, pathToFileURL(pkgPath)).href;
  }
  // A worker of the TypeScript sources registers tsx's loader in its own thread before importing worker.ts.
  const boot = `const { workerData } = require('node:worker_threads');
(async () => { if (workerData.tsx) (await import(workerData.tsx)).register(); await import(workerData.entry); })()
  .catch((e) => { process.stderr.write('plasticnet CPU worker: ' + (e && e.stack || e) + '\\n'); process.exit(1); });`;
  const w = new wt.Worker(boot, { eval: true, workerData: { init, entry, tsx } });
  w.on('error', (e) => onFail(`worker: ${e.message}`));
  w.on('exit', (code) => {
    if (code !== 0) onFail(`worker exited with code ${code}`);
  });
  w.unref();
  return w;
}
