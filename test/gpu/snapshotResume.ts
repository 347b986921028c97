// The check the toy-model GPU tests share: run a WebGPU engine to step `half`, snapshot it, compare the named
// declared-state arrays with a CPU engine at the same step, resume a fresh CPU engine from the GPU snapshot and
// require v and the named state to equal an uninterrupted CPU run at the end, bit for bit.
import { expect } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';

type StateArray = Float32Array | Int32Array;

/**
 * keys: StateLayout.model keys (e.g. 'neuron.toy_stateful.drift', 'synapse.2.pending') compared at the cut
 * (GPU snapshot vs CPU) and at the end (resumed vs uninterrupted). Returns the snapshot's arrays at the cut,
 * for the caller's own checks (that the state is non-trivial).
 */
export async function snapshotResumeMatches(net: BuiltNetwork, device: GPUDevice, half: number, keys: readonly string[], schedule: 'passes' | 'fused' = 'passes'): Promise<Record<string, StateArray>> {
  const g = await WebGpuEngine.create(net, device, { schedule });
  try {
    await g.advance(half);
    const snap = structuredClone(await g.snapshot());
    const ref = new CpuEngine(net);
    await ref.advance(half);
    const atCut: Record<string, StateArray> = {};
    for (const k of keys) {
      const a = snap.arrays[`state.model.${k}`] as StateArray;
      const want = ref.state.model[k]!;
      expect(a, k).toBeInstanceOf(want.constructor);
      expect(Array.from(a), `${k} at step ${half}`).toEqual(Array.from(want));
      atCut[k] = a;
    }
    const resumed = new CpuEngine(net);
    await resumed.restore(snap);
    await ref.advance(net.derived.nSteps);
    await resumed.advance(net.derived.nSteps);
    expect(Array.from(resumed.state.v)).toEqual(Array.from(ref.state.v));
    for (const k of keys) expect(Array.from(resumed.state.model[k]!), `${k} at the end`).toEqual(Array.from(ref.state.model[k]!));
    return atCut;
  } finally {
    g.dispose();
  }
}
