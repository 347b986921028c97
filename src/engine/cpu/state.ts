// CPU reference state: the engine-neutral StateLayout (src/engine/state.ts), its hot arrays in WebAssembly memory.
import type { BuiltNetwork } from '../../network/network.ts';
import { createStateLayout, type Alloc, type StateLayout } from '../state.ts';
import { KernelArena } from './wasmKernels.ts';
import { attachSynapseKernels, planBytes, synapsePlan } from './synapseKernels.ts';

export type CpuState = StateLayout;

/**
 * Fresh state from the built network (V from the seed, everything else zero). The arrays the WebAssembly
 * kernels work on (v, refr, current, acc, traces, spikes; and the synapse kernels' CSR copies and pair-STDP
 * weights, synapseKernels.ts) live in one KernelArena's memory when WebAssembly is available (see
 * wasmKernels.ts); otherwise they are ordinary typed arrays and the passes use JavaScript.
 */
export function createState(net: BuiltNetwork): CpuState {
  const d = net.derived;
  const N = d.N;
  const nC = d.channels.length;
  const stateBytes = [4 * N, 4 * N, 4 * nC * N, 8 * nC * N, 4 * N, ...d.traces.map(() => 4 * N)];
  // with the synapse kernels' arrays (synapseKernels.ts) when that memory can be had, else without
  const plan = synapsePlan(net);
  let arena = plan.length ? KernelArena.create(KernelArena.bytesFor([...stateBytes, ...planBytes(plan)])) : null;
  const withSynapses = arena !== null;
  arena ??= KernelArena.create(KernelArena.bytesFor(stateBytes));
  const st = createStateLayout(net, arena ? (ctor, n) => arena.alloc(ctor, n) : undefined);
  if (arena && withSynapses) attachSynapseKernels(net, st, arena, plan);
  return st;
}

/**
 * The same state in a shared KernelArena (src/engine/cpu/threads), with room for `extra` more bytes of arrays
 * (the threads' spike segments and scratch), and the plastic projections' weights in SharedArrayBuffers; null
 * when a shared WebAssembly memory is unavailable.
 */
export function createSharedState(net: BuiltNetwork, extra: number[]): { st: CpuState; arena: KernelArena } | null {
  const d = net.derived;
  const N = d.N;
  const nC = d.channels.length;
  const arena = KernelArena.create(KernelArena.bytesFor([4 * N, 4 * N, 4 * nC * N, 8 * nC * N, 4 * N, ...d.traces.map(() => 4 * N), ...extra]), true);
  if (!arena) return null;
  const st = createStateLayout(net, (ctor, n) => arena.alloc(ctor, n));
  st.weights = st.weights.map((w, i) => {
    if (!d.projections[i]!.plastic) return w;
    const s = new Float32Array(new SharedArrayBuffer(w.byteLength));
    s.set(w);
    return s;
  });
  return { st, arena };
}
