// Long runs (DESIGN "Validation" level 3): the Akil network at N = 2000 for a few seconds on the WebGPU
// engine (fused schedule) and on the CPU reference, static and with EI iSTDP on E<-I. Rates and CVs per
// population over [T/2, T] and the mean plastic weight must agree within realisationTolerance and
// weightDriftTolerance (test/tolerances.ts); where the spike trains part, the first divergence is reported.
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import type { Recordings } from '../../src/engine/recordings.ts';
import { WebGpuEngine } from '../../src/engine/webgpu/WebGpuEngine.ts';
import { neuronCv, populationCv } from '../../src/stats/cv.ts';
import { populationRates_Hz, statsDuration_ms } from '../../src/stats/rates.ts';
import { realisationTolerance, weightDriftTolerance } from '../tolerances.ts';
import { build, firstDivergence } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

const N = 2000;
const T_s = Number(process.env.PLASTICNET_LONG_T_S ?? 1); // seconds simulated (statistics over the second half); longer: PLASTICNET_LONG_T_S=5

/** Rates of population p per 100 ms bin over the statistics interval. */
function binRates(r: Recordings, p: number): number[] {
  const nP = r.populations.length;
  const first = Math.ceil((r.statsStart_step * r.dt_ms) / r.series.bin_ms);
  const out: number[] = [];
  for (let b = first; b < r.series.nBins; b++) out.push(r.series.rate_Hz[b * nP + p]!);
  return out;
}

describe(`long runs: WebGPU vs CPU statistics (N = ${N}, ${T_s} s)`, () => {
  const dev = useTestDevice();

  for (const plastic of [false, true]) {
    it(`${plastic ? 'EI iSTDP' : 'static'}: rates, CV${plastic ? ' and mean E<-I weight' : ''} agree`, async () => {
      const net = build({ N, T_s, plastic });
      const g = await WebGpuEngine.create(net, dev.device, { adapterInfo: dev.info });
      let gpu: Recordings;
      try {
        await g.advance(net.derived.nSteps);
        gpu = await g.recordings();
      } finally {
        g.dispose();
      }
      const c = new CpuEngine(net);
      await c.advance(net.derived.nSteps);
      const cpu = await c.recordings();

      const div = firstDivergence(gpu.raster, cpu.raster);
      console.log(`${plastic ? 'plastic' : 'static'} N = ${N}, ${T_s} s: raster ${div ? `parts at step ${Math.min(div.a?.[0] ?? Infinity, div.b?.[0] ?? Infinity)}` : 'identical'} (${cpu.raster.count} CPU spikes in the raster)`);
      const pops = cpu.populations;
      const rg = populationRates_Hz(gpu.neuronStats.spikeCount, pops, statsDuration_ms(gpu));
      const rc = populationRates_Hz(cpu.neuronStats.spikeCount, pops, statsDuration_ms(cpu));
      const cvg = populationCv(neuronCv(gpu.neuronStats), pops);
      const cvc = populationCv(neuronCv(cpu.neuronStats), pops);
      const cvi = neuronCv(cpu.neuronStats);
      let relRate = 0;
      pops.forEach((p, k) => {
        const tolR = realisationTolerance(binRates(cpu, k));
        const tolCv = realisationTolerance(cvi.subarray(p.offset, p.offset + p.size));
        console.log(`  ${p.name}: rate GPU ${rg[k]!.toFixed(3)} CPU ${rc[k]!.toFixed(3)} Hz (tol ${tolR.toFixed(3)}); CV GPU ${cvg[k]!.toFixed(4)} CPU ${cvc[k]!.toFixed(4)} (tol ${tolCv.toFixed(4)})`);
        expect(rc[k]!).toBeGreaterThan(0.5);
        expect(Math.abs(rg[k]! - rc[k]!)).toBeLessThanOrEqual(tolR);
        expect(Math.abs(cvg[k]! - cvc[k]!)).toBeLessThanOrEqual(tolCv);
        relRate = Math.max(relRate, tolR / rc[k]!);
      });
      if (plastic) {
        const nb = cpu.series.nBins;
        const j0 = cpu.series.jMean[0]!;
        const jc = cpu.series.jMean[nb - 1]!;
        const jg = gpu.series.jMean[nb - 1]!;
        const tol = weightDriftTolerance(j0, jc, relRate);
        console.log(`  E<-I mean j: start ${j0.toFixed(4)}, end GPU ${jg.toFixed(6)} CPU ${jc.toFixed(6)} (tol ${tol.toExponential(2)})`);
        expect(Math.abs(jg - jc)).toBeLessThanOrEqual(tol);
        expect(Math.abs(jc - j0)).toBeGreaterThan(0); // the rule did act
      }
    });
  }
});
