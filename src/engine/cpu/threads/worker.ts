// A CPU-engine worker thread (pool.ts starts it): attaches the WebAssembly kernels to the engine's shared
// memory, then runs its part of each step (part.ts) when the main thread bumps CTRL.go, until CTRL.stop.
import '../../../plasticity/index.ts'; // registers the plasticity families (the pair family's slice methods)
import type { BuiltNetwork } from '../../../network/network.ts';
import type { CpuState } from '../state.ts';
import { KernelArena } from '../wasmKernels.ts';
import { CMD, CTRL, ThreadPart, waitWhile } from './part.ts';
import type { ThreadInit } from './pool.ts';

async function receiveInit(): Promise<ThreadInit> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node !== undefined) {
    const spec = 'node:worker_threads'; // a variable: Vite must not bundle it for the browser
    const wt = (await import(/* @vite-ignore */ spec)) as typeof import('node:worker_threads');
    return (wt.workerData as { init: ThreadInit }).init;
  }
  return new Promise((resolve) => {
    (globalThis as unknown as { onmessage: (e: MessageEvent<ThreadInit>) => void }).onmessage = (e) => resolve(e.data);
  });
}

/** Attaches to the shared memory and serves steps until CTRL.stop. */
function serve(init: ThreadInit): void {
  const arena = KernelArena.attach(init.memory);
  if (!arena) throw new Error('CPU worker: cannot instantiate the WebAssembly kernels on the shared memory');
  const buf = arena.buffer;
  const d = init.derived;
  const N = d.N;
  const nC = d.channels.length;
  const L = init.layout;
  const st = {
    v: new Float32Array(buf, L.v, N),
    refr: new Int32Array(buf, L.refr, N),
    current: new Float32Array(buf, L.current, nC * N),
    acc: new Float64Array(buf, L.acc, nC * N),
    traces: L.traces.map((o) => new Float32Array(buf, o, N)),
    spikes: new Int32Array(buf, L.walks.spikes, N), // this thread's joined spike list
    nSpikes: 0,
    weights: init.weights.map((w) => (w instanceof Float32Array ? w : new Float32Array(buf, w.at, w.length))),
  } as unknown as CpuState;
  const net = { derived: d, csr: init.csr } as unknown as BuiltNetwork;
  const part = new ThreadPart(net, st, arena, L, init.ctrl, init.msg, init.t, init.bounds, init.q);
  const ctrl = init.ctrl;
  let gen = Atomics.load(ctrl, CTRL.go);
  Atomics.add(ctrl, CTRL.ready, 1);
  for (;;) {
    waitWhile(ctrl, CTRL.go, gen);
    gen = Atomics.load(ctrl, CTRL.go);
    if (Atomics.load(ctrl, CTRL.stop) === 1) break;
    const cmd = Atomics.load(ctrl, CTRL.cmd);
    const step = Atomics.load(ctrl, CTRL.step);
    if (cmd === CMD.step) part.run(step);
    else part.control(cmd, step, ctrl[CTRL.arg]!, ctrl[CTRL.arg + 1]!, ctrl[CTRL.arg + 2]!);
    Atomics.add(ctrl, CTRL.done, 1);
    Atomics.notify(ctrl, CTRL.done);
  }
}

// No top-level await: bundlers build Web Workers as classic scripts (iife) unless told otherwise. An error is
// rethrown outside the promise so it reaches the pool as the worker's error event in Node and in browsers.
receiveInit()
  .then(serve)
  .catch((e: unknown) => {
    setTimeout(() => {
      throw e;
    });
  });
