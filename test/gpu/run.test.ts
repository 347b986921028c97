// Short whole runs (DESIGN "Validation" level 2): the WebGPU engine and the CPU reference from the same
// seed, N = 500, 200 ms, every neuron in the raster. With independent input every integer path is
// exact and the float state agrees to the bounds of test/tolerances.ts, so the spike trains must be
// identical unless a float tie flips a threshold crossing; then the first divergence is reported. With
// correlated input a copy's delay can round the other way (jitter tie band), so the trains are compared
// up to the first step where such a copy lands.
import { describe, expect, it } from 'vitest';
import type { BuiltNetwork } from '../../src/network/network.ts';
import type { Recordings } from '../../src/record/recordings.ts';
import { philox4x32, u01open } from '../../src/rng/philox.ts';
import { STREAM } from '../../src/rng/streams.ts';
import { jitterTieSteps } from '../tolerances.ts';
import { build, exactDiff, firstDivergence, boundDiff, runBothEngines, type NetOptions } from './fixture.ts';
import { useTestDevice } from './helpers.ts';
import type { AdapterSummary } from '../../src/engine/webgpu/device.ts';

const f = Math.fround;

/** The fused schedule (resident.test.ts covers the resident one). stepsPerSubmit: 97 (odd, many submission boundaries: the prologue/close path at both parities) or 500. */
async function runBoth(device: GPUDevice, info: AdapterSummary, o: NetOptions, stepsPerSubmit: number, shape: { rowThreads?: number; neuronThreads?: number; spikeWorkgroups?: number } = {}): Promise<{ net: BuiltNetwork; gpu: Recordings; cpu: Recordings }> {
  const net = build({ ...o, rasterAll: true });
  return { net, ...(await runBothEngines(net, device, { adapterInfo: info, schedule: 'fused', stepsPerSubmit, ...shape })) };
}

/** Series that follow from identical spike trains: rates exactly, currents and weights to f32 sums. */
function expectSameSeries(gpu: Recordings, cpu: Recordings): void {
  expect(gpu.series.nBins).toBe(cpu.series.nBins);
  expect(exactDiff('rate_Hz', gpu.series.rate_Hz, cpu.series.rate_Hz)).toBe('');
  // Per-bin current means: the GPU sums f32 per sampled neuron over the bin (1000 terms), the CPU sums in
  // f64: relative 1000 * 2^-24 of the summed magnitudes; 1e-4 of the largest |mean| covers it.
  const scale = Math.max(...Array.from(cpu.series.currents, Math.abs));
  expect(boundDiff('currents', gpu.series.currents, cpu.series.currents, () => 1e-4 * scale).msg).toBe('');
  // Weight means: f32 block sums on the GPU vs f64 sums: 2^-24 * log2(block) relative; 1e-6 relative.
  expect(boundDiff('jMean', gpu.series.jMean, cpu.series.jMean, (i) => 1e-6 * Math.abs(cpu.series.jMean[i]!)).msg).toBe('');
}

describe('short whole runs: WebGPU vs CPU reference (N = 500, 200 ms)', () => {
  const dev = useTestDevice();

  for (const plastic of [false, true]) {
    it(`${plastic ? 'EI iSTDP' : 'static'}, independent input: identical spike trains`, async () => {
      const { gpu, cpu } = await runBoth(dev.device, dev.info, { N: 500, T_s: 0.2, plastic }, plastic ? 500 : 97);
      const div = firstDivergence(gpu.raster, cpu.raster);
      if (div) console.log(`first divergence at raster entry ${div.index}: GPU ${JSON.stringify(div.a)} CPU ${JSON.stringify(div.b)} (step, neuron)`);
      expect(div).toBeNull();
      expect(cpu.raster.count).toBeGreaterThan(100);
      expect(exactDiff('window counts', gpu.windows.counts, cpu.windows.counts)).toBe('');
      expect(exactDiff('ISI counts', gpu.neuronStats.isiCount, cpu.neuronStats.isiCount)).toBe('');
      expectSameSeries(gpu, cpu);
      if (plastic) {
        expect(exactDiff('sampled weights', gpu.series.jSample, cpu.series.jSample)).toBe('');
        expect(exactDiff('final weights', gpu.finalWeights[0]!.j, cpu.finalWeights[0]!.j)).toBe('');
      }
    });
  }

  // Launch shapes only regroup the same work (integer atomics commute; each synapse and neuron is updated
  // by one thread): hardware GPUs default to 256 threads per spiker row, software adapters to 64.
  it('EI iSTDP with other launch shapes (256 threads per row, 128 per neuron group, 3 spike workgroups): identical spike trains', async () => {
    const { gpu, cpu } = await runBoth(dev.device, dev.info, { N: 500, T_s: 0.2, plastic: true }, 500, { rowThreads: 256, neuronThreads: 128, spikeWorkgroups: 3 });
    expect(firstDivergence(gpu.raster, cpu.raster)).toBeNull();
    expect(cpu.raster.count).toBeGreaterThan(100);
    expect(exactDiff('window counts', gpu.windows.counts, cpu.windows.counts)).toBe('');
    expectSameSeries(gpu, cpu);
    expect(exactDiff('final weights', gpu.finalWeights[0]!.j, cpu.finalWeights[0]!.j)).toBe('');
  });

  it('correlated input (c = 0.1): identical spike trains until a jitter-tie copy lands', async () => {
    const { net, gpu, cpu } = await runBoth(dev.device, dev.info, { N: 500, T_s: 0.2, c: 0.1 }, 97);
    // The first step at which a copy whose delay lies in the tie band lands (priming included).
    const x = net.derived.inputs[0]!;
    const seed = net.derived.spec.seed >>> 0;
    const w = new Uint32Array(4);
    let firstTie = Infinity;
    for (let g = -2 * x.delayOffset; g < net.derived.nSteps; g++) {
      philox4x32(w, g >>> 0, 0, x.index, 0, seed, STREAM.motherCount);
      const m = x.motherTable.draw(w[0]!);
      for (let q = 0; q < m; q++)
        for (let k = 0; k < x.size; k++) {
          philox4x32(w, g >>> 0, k, x.index | (q << 8), 0, seed, STREAM.childCopy);
          if (w[0]! >= x.copyThreshold) continue;
          const z = f(f(Math.sqrt(f(-2 * f(Math.log(u01open(w[1]!)))))) * f(Math.cos(f(6.2831855 * u01open(w[2]!)))));
          const arg = f(z * f(x.jitterSteps)) + 0.5;
          const land = g + Math.min(2 * x.delayOffset, Math.max(0, x.delayOffset + Math.floor(arg)));
          if (land >= 0 && Math.abs(arg - Math.round(arg)) <= jitterTieSteps(x.jitterSteps)) firstTie = Math.min(firstTie, land - 1);
        }
    }
    const div = firstDivergence(gpu.raster, cpu.raster);
    const divStep = div ? Math.min(div.a?.[0] ?? Infinity, div.b?.[0] ?? Infinity) : Infinity;
    console.log(`correlated: first divergence ${div ? `at step ${divStep} (GPU ${JSON.stringify(div.a)}, CPU ${JSON.stringify(div.b)})` : 'none'}; first tie-band copy lands at step ${firstTie + 1}`);
    expect(divStep).toBeGreaterThan(firstTie);
    // Rates over the run stay close: a handful of shifted input spikes in 200 ms.
    const total = (r: Recordings): number => r.raster.count;
    expect(Math.abs(total(gpu) - total(cpu)) / total(cpu)).toBeLessThan(0.15);
  });
});
