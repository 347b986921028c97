// SPEC B4 (CI-sized): the distributed WTA of Binas et al. 2014 Figs 7-8 (2 groups x (2 E + 1 I)) learns with Eq 18
// on every synapse; 400 patterns x 2 s (800 s simulated, the paper trains 2000 s), two circuits, a few seconds on the
// CPU. The full protocol runs via `npm run repro -- binas-wta --full`.
import { describe, expect, it } from 'vitest';
import { binasWta } from '../../src/models/binas/presets.ts';
import { runBinas } from '../../src/models/binas/run.ts';

describe('B4 (CI-sized): distributed WTA training, 2 groups x (2 E + 1 I)', () => {
  it('after training the strongest input wins every pattern of the final 20 s and the inhibitory populations are identical', async () => {
    const { analysis: a } = await runBinas(binasWta({ patterns: 400, batch: 2 })); // two circuits with independent initial weights
    expect(a.accuracyLast).toBe(1);
    expect(a.inhSyncLast).toBeLessThan(1e-3);
    const w = Object.fromEntries(a.weights.map((q) => [q.cls, q.final]));
    // the paper's ~1, ~2, ~1.1 (Table 2 unknown): within 25%
    expect(Math.abs(w['E->E self']! - 1)).toBeLessThan(0.25);
    expect(Math.abs(w['E->I local']! / 2 - 1)).toBeLessThan(0.25);
    expect(Math.abs(w['I->E']! / 1.1 - 1)).toBeLessThan(0.25);
    // E->I weights from one source converge to the same value in both groups (synchronised inhibition)
    expect(Math.abs(w['E->I local']! - w['E->I long-range']!)).toBeLessThan(1e-3);
    expect(a.accuracyFirst).toBeLessThan(1); // before learning, wrong winners (a control: the read-out can fail)
  });
});
