// S7 (SPEC §3.5) in CI size: the Soldado-Magraner 2022 Fig 7 network (adaptive LIF, p = 0.25) at N = 400,
// trained per trial by the two-term rule from the silent initial weights (80, 100, 350, 225 pA x 500/(N p)),
// alpha 40x the reference's so 40 trials stand for thousands, trials of 0.6 s (kick at 0.1 s; the Up states
// last ~0.1-0.3 s). Trial 1 is silent; the moving average of the last trials' Up-state rates is near the set
// points 5 / 14 Hz. The full-size session, CV_ISI and the paradoxical test: npm run repro -- soldado-fig7.
import { describe, expect, it } from 'vitest';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { soldadoSpikingNetwork, soldadoTrainingProtocol } from '../../src/presets/soldado2022.ts';
import { runTrials } from '../../src/trials/protocol.ts';

describe('S7 (CI size): the two-term rule trains the silent spiking network to the set points', () => {
  it('N = 400, 40 trials: trial 1 silent, then Up states near 5 / 14 Hz', { timeout: 900_000 }, async () => {
    const N = 400, T = 0.6, trials = 40;
    const spec = validate({ ...soldadoSpikingNetwork({ N }), T_s: T });
    const pr = { ...soldadoTrainingProtocol({ N, trials, alpha: 0.1, rule: 'two-term' }), duration_s: T };
    const r = await runTrials(spec, buildNetwork(derive(spec)), pr, { backend: 'cpu' });
    const t = r.trials;
    expect(t[0]!.stats.up).toBe(false);
    expect(t[0]!.stats.popRate_Hz[0]!).toBeLessThan(1);
    const last = t.slice(-10);
    const mean = (k: number) => last.reduce((a, x) => a + x.stats.popRate_Hz[k]!, 0) / last.length;
    console.log(`S7 CI: last 10 of ${trials} trials: E ${mean(0).toFixed(2)} Hz, I ${mean(1).toFixed(2)} Hz; Up in ${last.filter((x) => x.stats.up).length} of 10`);
    expect(last.filter((x) => x.stats.up).length).toBeGreaterThanOrEqual(7);
    expect(mean(0)).toBeGreaterThan(3.5);
    expect(mean(0)).toBeLessThan(6.5);
    expect(mean(1)).toBeGreaterThan(10);
    expect(mean(1)).toBeLessThan(18);
    // the weights moved off the silent start: E->E up, I->E down (in magnitude)
    const ee = r.projections.indexOf('E<-E'), ei = r.projections.indexOf('E<-I');
    expect(t.at(-1)!.meanAbsW[ee]!).toBeGreaterThan(t[0]!.meanAbsW[ee]! * 1.1);
    expect(t.at(-1)!.meanAbsW[ei]!).toBeLessThan(t[0]!.meanAbsW[ei]! * 0.9);
  });
});
