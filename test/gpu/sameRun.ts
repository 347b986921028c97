// Shared by GPU tests (procedural.test.ts, proceduralInput.test.ts, deviceGraph.test.ts): two runs of the same
// network are the same run: spike trains, window counts, currents, weight means (and, with sampledWeights, the sampled
// weights) and the first plastic projection's final weights, bit for bit.
import { expect } from 'vitest';
import type { Recordings } from '../../src/record/recordings.ts';
import { exactDiff, firstDivergence } from './fixture.ts';

export function expectSameRun(name: string, got: Recordings, want: Recordings, o: { sampledWeights?: boolean } = {}): void {
  expect(want.raster.count).toBeGreaterThan(100);
  expect(firstDivergence(got.raster, want.raster), name).toBeNull();
  const diffs = [
    exactDiff(`${name} window counts`, got.windows.counts, want.windows.counts),
    exactDiff(`${name} currents`, got.series.currents, want.series.currents),
    exactDiff(`${name} weight means`, got.series.jMean, want.series.jMean),
    o.sampledWeights ? exactDiff(`${name} sampled weights`, got.series.jSample, want.series.jSample) : '',
    exactDiff(`${name} final weights`, got.finalWeights[0]!.j, want.finalWeights[0]!.j),
  ];
  expect(diffs.filter((m) => m !== '').join('\n')).toBe('');
}
