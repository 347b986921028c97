// Engine snapshots across engines: the WebGPU engine's snapshot at a step boundary is the CPU engine's
// (same names, types and lengths; the same values while the spike trains agree), a CPU engine resumes a
// GPU snapshot and a GPU engine a CPU snapshot, and both finish the run as an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { F32_STEP_ULPS, ulp32 } from '../tolerances.ts';
import { boundDiff, build, exactDiff, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

/**
 * f32 state after `steps` steps, GPU vs CPU. On a software adapter (SwiftShader: correctly rounded exp,
 * no fused multiply-add) the values are bit-identical and compared exactly. A hardware GPU may differ
 * in every f32 step by the WGSL precision bounds (exp 3 + 2|x| ULP, a * b + c fused): at most
 * F32_STEP_ULPS ulp per step (the membrane step's bound, the largest). The leak, current and trace
 * decays contract (factor < 1 per step), so the per-step errors add at most linearly:
 * steps * F32_STEP_ULPS ulp of the value (1503 steps: 6012 ulp, 3.6e-4 relative; measured on an
 * NVIDIA H100: 2 ulp). Integer state (spikes, refractory counts, accumulators) stays exact everywhere.
 */
function floatStateBound(software: boolean, steps: number, want: ArrayLike<number>, got: ArrayLike<number>): (i: number) => number {
  if (software) return () => 0;
  return (i) => steps * F32_STEP_ULPS * ulp32(Math.max(Math.abs(want[i]!), Math.abs(got[i]!)));
}

describe('snapshots and restore across engines (N = 500, EI iSTDP, 300 ms, cut at 150.3 ms)', () => {
  const dev = useTestDevice();

  for (const schedule of ['fused', 'resident'] as const) {
    it(`${schedule} schedule: GPU snapshot = CPU snapshot; cross-engine resumes finish identically`, async () => {
      const net = build({ N: 500, T_s: 0.3, plastic: true, rasterAll: true });
      const cut = 1503; // mid-bin, mid-submission
      const cpu = new CpuEngine(net);
      await cpu.advance(cut);
      const sc = structuredClone(await cpu.snapshot());
      const gpu = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule, stepsPerSubmit: 700 });
      try {
        await gpu.advance(cut);
        const sg = await gpu.snapshot();
        expect(sg.step).toBe(sc.step);
        expect(Object.keys(sg.arrays).sort()).toEqual(Object.keys(sc.arrays).sort());
        expect(sg.scalars).toEqual(sc.scalars);
        for (const [k, a] of Object.entries(sc.arrays)) {
          const b = sg.arrays[k]!;
          expect(b.constructor.name, k).toBe(a.constructor.name);
          if (k === 'engine.curSum' || k === 'rec.currents') {
            // f32 sums per sampled neuron on the GPU, f64 on the CPU (test/gpu/run.test.ts: 1e-4 of the scale).
            const scale = Math.max(...Array.from(a as Float64Array, Math.abs));
            expect(boundDiff(k, b, a, () => 1e-4 * scale).msg).toBe('');
          } else if (k === 'rec.jMean') {
            expect(boundDiff(k, b, a, (i) => 1e-6 * Math.abs(a[i]!)).msg).toBe(''); // f32 block sums
          } else if (k === 'state.spikes') {
            // Only the list's first nSpikes entries are state; the CPU buffer keeps older spikers behind them.
            const n = sc.scalars['state.nSpikes']!;
            expect(exactDiff(k, b.subarray(0, n), a.subarray(0, n))).toBe('');
          } else if (a instanceof Float32Array) {
            expect(boundDiff(k, b, a, floatStateBound(dev.info.isSoftware, cut, a, b)).msg).toBe('');
          } else expect(exactDiff(k, b, a)).toBe('');
        }
        // Finish: straight CPU, CPU from the GPU snapshot, GPU from the CPU snapshot, and the GPU itself.
        const rest = net.derived.nSteps - cut;
        await cpu.advance(rest);
        const fromGpu = new CpuEngine(net);
        await fromGpu.restore(structuredClone(sg));
        await fromGpu.advance(rest);
        const gpu2 = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info, schedule });
        try {
          await gpu2.restore(sc);
          await gpu2.advance(rest);
          await gpu.advance(rest);
          const want = await cpu.recordings();
          for (const [name, r] of [['CPU from GPU snapshot', await fromGpu.recordings()], ['GPU from CPU snapshot', await gpu2.recordings()], ['GPU', await gpu.recordings()]] as const) {
            expect(firstDivergence(r.raster, want.raster), name).toBeNull();
            expect(exactDiff(`${name} window counts`, r.windows.counts, want.windows.counts)).toBe('');
            const wj = want.finalWeights[0]!.j;
            const gj = r.finalWeights[0]!.j;
            expect(boundDiff(`${name} final weights`, gj, wj, floatStateBound(dev.info.isSoftware, net.derived.nSteps, wj, gj)).msg).toBe('');
            expect(r.series.nBins).toBe(want.series.nBins);
          }
        } finally {
          gpu2.dispose();
        }
      } finally {
        gpu.dispose();
      }
    });
  }
});
