// Shared by the procedural-projection CPU tests (procedural.test.ts, proceduralInput.test.ts): run a spec on the CPU
// engine (one thread, or `threads` with the size thresholds lowered so that they really run threaded) and key its
// spikes; raw bytes of a typed array for exact comparisons.
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { buildNetwork } from '../../src/network/network.ts';

/** Runs s to its end; spikes as step * 10^6 + id, in raster order. */
export async function run(s: NetworkSpec, threads = 1): Promise<{ e: CpuEngine; spikes: number[] }> {
  const net = buildNetwork(derive(s));
  const e = threads > 1 ? await CpuEngine.create(net, { threads, minNeuronsPerThread: 1, minNeuronSteps: 0 }) : new CpuEngine(net);
  await e.advance(net.derived.nSteps);
  const r = await e.recordings();
  return { e, spikes: [...r.raster.steps.slice(0, r.raster.count)].map((t, i) => t * 1e6 + r.raster.ids[i]!) };
}

export const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
