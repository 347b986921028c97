// Step blocks of the resident schedule (shaders/resident.wgsl resident_blocks, src/engine/webgpu/stepBlocks.ts):
// with every population projection delayed by >= d steps, the kernel runs d neuron steps per propagation. Against
// the CPU reference (spike trains, window counts, rates and the whole state at the end bit for bit; the sampled
// currents to f32 sums) and the per-step resident loop (all of those, and the currents, bit for bit), on SwiftShader:
//  1. Akil network (Poisson input: the per-step input barriers) with one delay d = 2, 3, 7 on every projection;
//     37 steps per submission (no multiple of d: blocks are cut where a submission ends); bins of 5 ms end inside blocks;
//     and with correlated input (c = 0.1; against the per-step loop, as resident.test.ts compares it with fused);
//  2. Soldado driven network (adaptive LIF, noise, no input) with per-synapse delays: the minimum governs;
//  3. a snapshot at a step inside a block, with spikes in flight, resumed on the GPU (blocked) and on the CPU;
//  4. the deliberately broken variant (blocks of d + 1, stepBlocksUnchecked) parts from the CPU.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { EngineSnapshot } from '../../src/engine/snapshot.ts';
import { WebGpuEngine, type WebGpuEngineOptions } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork, type BuiltNetwork } from '../../src/network/network.ts';
import { soldadoDrivenNetwork } from '../../src/presets/soldado2022.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { akilSpec, exactDiff, expectIdentical, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { summarizeRun } from '../../src/output/runOutput.ts';

const DT = 0.1;

/** The Akil network (N, T; input at 20 Hz for activity from the start) with every projection delayed by d steps, bins of 5 ms, every neuron in the raster. */
function akilDelayed(N: number, T_s: number, d: number, c = 0): BuiltNetwork {
  const s = akilSpec({ N, T_s, c });
  const spec: NetworkSpec = validate({
    ...s,
    inputs: s.inputs.map((x) => ({ ...x, rate_Hz: 20 })),
    projections: s.projections.map((p) => ({ ...p, delay: { min_ms: d * DT, max_ms: d * DT } })),
    recording: { ...s.recording, bin_ms: 5, window_ms: 10, statsStart_s: 0, rasterNeurons: N },
  });
  return buildNetwork(derive(spec));
}

/** Soldado's driven network with per-synapse delays: E rows [minE, maxE] steps, I rows `dI` steps. */
function soldadoMixed(N: number, T_s: number, minE: number, maxE: number, dI: number): BuiltNetwork {
  const s = soldadoDrivenNetwork(N, T_s);
  const delay = (pre: string) => (pre === 'E' ? { min_ms: minE * DT, max_ms: maxE * DT } : { min_ms: dI * DT, max_ms: dI * DT });
  const spec = validate({ ...s, projections: s.projections.map((p) => ({ ...p, delay: delay(p.pre) })), recording: { ...s.recording, rasterNeurons: N } });
  return buildNetwork(derive(spec));
}

interface GpuRun {
  rec: Recordings;
  snap: EngineSnapshot;
  block: number;
  meta: Readonly<Record<string, string | number | boolean>>;
}

async function runGpu(net: BuiltNetwork, device: GPUDevice, opts: WebGpuEngineOptions): Promise<GpuRun> {
  const g = await WebGpuEngine.create(net, device, { schedule: 'resident', stepsPerSubmit: 37, ...opts });
  try {
    await g.advance(net.derived.nSteps);
    return { rec: await g.recordings(), snap: await g.snapshot(), block: g.resident!.blockSteps, meta: g.meta };
  } finally {
    g.dispose();
  }
}

async function runCpu(net: BuiltNetwork): Promise<{ rec: Recordings; snap: EngineSnapshot }> {
  const c = new CpuEngine(net);
  await c.advance(net.derived.nSteps);
  return { rec: await c.recordings(), snap: await c.snapshot() };
}

/** Every state array of two snapshots equal bit for bit (the GPU's download is in the CPU layout). */
function expectSameState(a: EngineSnapshot, b: EngineSnapshot, keys: readonly string[]): void {
  for (const k of keys) {
    expect(a.arrays[k], k).toBeDefined();
    expect(exactDiff(k, a.arrays[k]!, b.arrays[k]!), k).toBe('');
  }
}

const STATE_KEYS = ['state.v', 'state.refr', 'state.current', 'state.acc', 'state.dring'] as const;

describe('resident step blocks: identical to the CPU and to the per-step loop', () => {
  const dev = useTestDevice();

  it.each([2, 3, 7])('Akil network, every delay %i steps: blocks of d steps, 37 steps per submission', async (d) => {
    const net = akilDelayed(200, 0.05, d);
    const blocked = await runGpu(net, dev.device, {});
    expect(blocked.block).toBe(d);
    expect(blocked.meta).toMatchObject({ schedule: 'resident', stepBlocks: d });
    const cpu = await runCpu(net);
    expectIdentical(net, blocked.rec, cpu.rec, false); // (sampled currents: per-bin f32 sums on the GPU, to 1e-4 of the largest)
    expectSameState(blocked.snap, cpu.snap, STATE_KEYS);
    if (d === 3) {
      const perStep = await runGpu(net, dev.device, { stepBlocks: 1 });
      expect(perStep.block).toBe(1);
      expect(firstDivergence(blocked.rec.raster, perStep.rec.raster)).toBeNull();
      expect(exactDiff('window counts', blocked.rec.windows.counts, perStep.rec.windows.counts)).toBe('');
      expect(exactDiff('currents', blocked.rec.series.currents, perStep.rec.series.currents)).toBe('');
      expectSameState(blocked.snap, perStep.snap, STATE_KEYS);
    }
  });

  it('correlated input (c = 0.1: generation, events and their delivery per step inside the blocks), delays of 3 steps', async () => {
    // against the per-step loop: correlated jitter ties may order events otherwise than on the CPU (resident.test.ts)
    const net = akilDelayed(200, 0.05, 3, 0.1);
    const blocked = await runGpu(net, dev.device, {});
    expect(blocked.block).toBe(3);
    const perStep = await runGpu(net, dev.device, { stepBlocks: 1 });
    expect(perStep.rec.raster.count).toBeGreaterThan(20);
    expect(firstDivergence(blocked.rec.raster, perStep.rec.raster)).toBeNull();
    expect(exactDiff('window counts', blocked.rec.windows.counts, perStep.rec.windows.counts)).toBe('');
    expect(exactDiff('currents', blocked.rec.series.currents, perStep.rec.series.currents)).toBe('');
    expectSameState(blocked.snap, perStep.snap, [...STATE_KEYS, ...Object.keys(perStep.snap.arrays).filter((k) => k.startsWith('state.ring'))]);
  });

  it('Soldado driven network (no input), per-trial weights, per-synapse E delays 3..9 steps and I 5 steps: blocks of 3 (the minimum)', async () => {
    const net = soldadoMixed(200, 0.06, 3, 9, 5);
    const blocked = await runGpu(net, dev.device, {});
    expect(blocked.block).toBe(3);
    const cpu = await runCpu(net);
    expect(cpu.rec.raster.count).toBeGreaterThan(100);
    expect(firstDivergence(blocked.rec.raster, cpu.rec.raster)).toBeNull();
    expect(exactDiff('window counts', blocked.rec.windows.counts, cpu.rec.windows.counts)).toBe('');
    expectSameState(blocked.snap, cpu.snap, [...STATE_KEYS, ...Object.keys(cpu.snap.arrays).filter((k) => k.startsWith('state.model.'))]);
  });

  it('a snapshot inside a block (step 100, blocks of 7), spikes in flight, resumes on the blocked GPU engine and on the CPU', async () => {
    const net = akilDelayed(200, 0.03, 7);
    const g = await WebGpuEngine.create(net, dev.device, { schedule: 'resident', stepsPerSubmit: 37 });
    let snap: EngineSnapshot;
    try {
      await g.advance(100); // submissions 0..36, 37..73, 74..99: the last ends 2 steps into the block from 98
      snap = structuredClone(await g.snapshot());
    } finally {
      g.dispose();
    }
    expect(Array.from(snap.arrays['state.dring']!).some((x) => x !== 0)).toBe(true);
    const full = await runCpu(net);
    const resumedCpu = new CpuEngine(net);
    await resumedCpu.restore(snap);
    await resumedCpu.advance(net.derived.nSteps - 100);
    const g2 = await WebGpuEngine.create(net, dev.device, { schedule: 'resident', stepsPerSubmit: 37 });
    try {
      await g2.restore(snap);
      await g2.advance(net.derived.nSteps - 100);
      expect(g2.resident!.blockSteps).toBe(7);
      const gsnap = await g2.snapshot();
      expectSameState(gsnap, full.snap, STATE_KEYS);
    } finally {
      g2.dispose();
    }
    expectSameState(await resumedCpu.snapshot(), full.snap, STATE_KEYS);
    expect(firstDivergence((await resumedCpu.recordings()).raster, full.rec.raster)).toBeNull();
  });

  it('the broken variant, blocks of d + 1 = 4 with delays of 3 steps, parts from the CPU', async () => {
    const net = akilDelayed(200, 0.02, 3);
    const broken = await runGpu(net, dev.device, { stepBlocksUnchecked: 4 });
    expect(broken.block).toBe(4);
    const cpu = await runCpu(net);
    const div = firstDivergence(broken.rec.raster, cpu.rec.raster);
    console.log(`blocks of 4 with delays of 3: the raster parts at entry ${div?.index} (GPU ${JSON.stringify(div?.a)}, CPU ${JSON.stringify(div?.b)})`);
    expect(div).not.toBeNull();
  });

  it('summary.json meta.engine records the schedule and the blocks (runSimulation on the WebGPU backend)', async () => {
    const s = akilSpec({ N: 100, T_s: 0.01 });
    const spec = validate({ ...s, projections: s.projections.map((p) => ({ ...p, delay: { min_ms: 0.3, max_ms: 0.3 } })) });
    const r = await runSimulation(spec, { backend: 'webgpu', gpuSchedule: 'resident', device: dev.device });
    const { summary } = summarizeRun(r, { commit: 'test', date: 'now', host: 'test' });
    expect(summary.meta.engine).toMatchObject({ schedule: 'resident', stepBlocks: 3 });
    expect(String(summary.meta.engine?.['stepBlocksWhy'])).toMatch(/minimum delay 3 steps/);
  });

  it('asking for a block longer than the minimum delay is an error naming the field', async () => {
    const net = akilDelayed(100, 0.005, 3);
    await expect(WebGpuEngine.create(net, dev.device, { schedule: 'resident', stepBlocks: 4 })).rejects.toThrow(/stepBlocks = 4: at most 3 steps/);
  });
});
