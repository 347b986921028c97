// Long runs (DESIGN "Validation" level 3): the Akil network at N = 2000 for a few seconds on the WebGPU
// engine (fused schedule) and on the CPU reference, static and with EI iSTDP on E<-I. Rates and CVs per
// population over [T/2, T] and the mean plastic weight must agree within realisationTolerance and
// weightDriftTolerance (test/tolerances.ts); where the spike trains part, the first divergence is reported.
import { describe, it } from 'vitest';
import { build, expectSameStatistics, runBothEngines } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

const N = 2000;
const T_s = Number(process.env.PLASTICNET_LONG_T_S ?? 1); // seconds simulated (statistics over the second half); longer: PLASTICNET_LONG_T_S=5

describe(`long runs: WebGPU vs CPU statistics (N = ${N}, ${T_s} s)`, () => {
  const dev = useTestDevice();

  for (const plastic of [false, true]) {
    it(`${plastic ? 'EI iSTDP' : 'static'}: rates, CV${plastic ? ' and mean E<-I weight' : ''} agree`, async () => {
      const net = build({ N, T_s, plastic });
      const { gpu, cpu } = await runBothEngines(net, dev.device, { adapterInfo: dev.info, schedule: 'fused' });
      expectSameStatistics(`${plastic ? 'plastic' : 'static'} N = ${N}, ${T_s} s`, gpu, cpu, { weights: plastic });
    });
  }
});
