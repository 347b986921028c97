// CPU reference state: the engine-neutral StateLayout (src/engine/state.ts), its hot arrays in WebAssembly memory.
import type { BuiltNetwork } from '../../network/network.ts';
import { createStateLayout, type Alloc, type StateLayout } from '../state.ts';
import { KernelArena } from './wasmKernels.ts';

export type CpuState = StateLayout;

/**
 * Fresh state from the built network (V from the seed, everything else zero). The arrays the WebAssembly
 * kernels work on (v, refr, current, acc, traces, spikes) live in one KernelArena's memory when WebAssembly
 * is available (see wasmKernels.ts); otherwise they are ordinary typed arrays and the passes use JavaScript.
 */
export function createState(net: BuiltNetwork): CpuState {
  const d = net.derived;
  const N = d.N;
  const nC = d.channels.length;
  const arena = KernelArena.create(KernelArena.bytesFor([4 * N, 4 * N, 4 * nC * N, 8 * nC * N, 4 * N, ...d.traces.map(() => 4 * N)]));
  return createStateLayout(net, arena ? (ctor, n) => arena.alloc(ctor, n) : undefined);
}
