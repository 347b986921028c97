// Reproducibility of the CPU reference on the Akil network. The network physics (balance, Campbell currents,
// rates against Eq 3 with measured bands) is checked in akilPhysics.test.ts (issue 25).
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/engine/simulation.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';

describe('Akil static network on the CPU engine: reproducibility', () => {
  it('one seed gives the same spikes on every run (raster checksum), another seed different ones', async () => {
    const spec = akilNetwork({ N: 1000, T_s: 0.5, seed: 5 });
    spec.recording.statsStart_s = 0;
    const a = await runSimulation(spec, { backend: 'cpu' });
    const b = await runSimulation(spec, { backend: 'cpu' });
    const c = await runSimulation({ ...spec, seed: 6 }, { backend: 'cpu' });
    const sum = (x: typeof a) => Array.from(x.recordings.neuronStats.spikeCount);
    expect(sum(a)).toEqual(sum(b));
    expect(sum(a).reduce((p, q) => p + q, 0)).toBeGreaterThan(100);
    expect(sum(a)).not.toEqual(sum(c));
  });
});
