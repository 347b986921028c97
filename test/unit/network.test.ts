// Whole-network check of the CPU reference: the Akil default network at N = 5000 is balanced and its
// rates sit near the mean-field prediction (SPEC §2.9: r_e = 5.82 Hz, r_i = 15.88 Hz).
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { summarize } from '../../src/stats/summary.ts';
import { balancedRates, akilTwoPop } from '../../src/theory/index.ts';
import { spikingRecordings } from '../../src/record/recordings.ts';

describe('Akil static network on the CPU engine (N = 5000, T = 10 s, c = 0)', () => {
  it('rates within 25% of Eq 3 and total current small next to its E and I parts', async () => {
    const r = await runSimulation(akilNetwork({ N: 5000, T_s: 10, seed: 11 }), { backend: 'cpu' });
    expect(r.stoppedBy).toBeNull();
    const s = summarize(spikingRecordings(r.recordings, 'test'));
    const [re, ri] = balancedRates(akilTwoPop());
    // Tolerance from the issue (25%): finite-N rates sit below Eq 3 (an independent simulator was within 2%/8% at N = 10^4).
    expect(Math.abs(s.populations['E']!.rate_Hz - re!) / re!).toBeLessThan(0.25);
    expect(Math.abs(s.populations['I']!.rate_Hz - ri!) / ri!).toBeLessThan(0.25);
    for (const p of ['E', 'I']) {
      const c = s.populations[p]!.currents;
      // Balance: |E + I + X| is O(1) while E, I and X are O(sqrt N); at N = 5000 the total must be under a third of the E and I terms.
      expect(Math.abs(c['total']!)).toBeLessThan(Math.abs(c['E']!) / 3);
      expect(Math.abs(c['total']!)).toBeLessThan(Math.abs(c['I']!) / 3);
      expect(c['E']!).toBeGreaterThan(0);
      expect(c['I']!).toBeLessThan(0);
    }
    // Asynchronous irregular activity: CV of ISI near 1.
    expect(s.populations['E']!.cv_isi).toBeGreaterThan(0.6);
    expect(s.populations['E']!.cv_isi).toBeLessThan(1.5);
  });

  it('one seed gives the same spikes on every run (raster checksum), another seed different ones', async () => {
    const spec = akilNetwork({ N: 1000, T_s: 0.5, seed: 5 });
    spec.recording.statsStart_s = 0;
    const a = await runSimulation(spec, { backend: 'cpu' });
    const b = await runSimulation(spec, { backend: 'cpu' });
    const c = await runSimulation({ ...spec, seed: 6 }, { backend: 'cpu' });
    const sum = (x: typeof a) => Array.from(spikingRecordings(x.recordings, 'test').neuronStats.spikeCount);
    expect(sum(a)).toEqual(sum(b));
    expect(sum(a).reduce((p, q) => p + q, 0)).toBeGreaterThan(100);
    expect(sum(a)).not.toEqual(sum(c));
  });
});
