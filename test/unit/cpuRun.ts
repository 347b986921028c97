// Shared by the procedural-projection CPU tests (procedural.test.ts, proceduralInput.test.ts): run a spec on the CPU
// engine (one thread, or `threads` with the size thresholds lowered so that they really run threaded) and key its
// spikes; compare two engines' states bit for bit.
import { expect } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { bytes } from './checkpointHelpers.ts';

/** Runs s to its end; spikes as step * 10^6 + id, in raster order. */
export async function run(s: NetworkSpec, threads = 1): Promise<{ e: CpuEngine; spikes: number[] }> {
  const net = buildNetwork(derive(s));
  const e = threads > 1 ? await CpuEngine.create(net, { threads, minNeuronsPerThread: 1, minNeuronSteps: 0 }) : new CpuEngine(net);
  await e.advance(net.derived.nSteps);
  const r = await e.recordings();
  return { e, spikes: [...r.raster.steps.slice(0, r.raster.count)].map((t, i) => t * 1e6 + r.raster.ids[i]!) };
}

/**
 * b's state equals a's bit for bit (V, currents, accumulators, refractory counts, traces, the first plastic
 * projection's weights), and plasticity ran (a's weights moved off J); returns that projection's index.
 */
export function expectSameCpuState(a: CpuEngine, b: CpuEngine): number {
  for (const k of ['v', 'current', 'acc', 'refr'] as const) expect(bytes(b.state[k]).equals(bytes(a.state[k])), k).toBe(true);
  b.state.traces.forEach((t, i) => expect(bytes(t).equals(bytes(a.state.traces[i]!)), `trace ${i}`).toBe(true));
  const ei = a.net.derived.projections.findIndex((p) => p.plastic)!;
  expect(bytes(b.state.weights[ei]!).equals(bytes(a.state.weights[ei]!))).toBe(true);
  expect(a.state.weights[ei]!.some((w) => w !== a.net.derived.projections[ei]!.J)).toBe(true); // the weights moved: plasticity ran
  return ei;
}
