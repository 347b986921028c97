// The app's grouping of populations (inputs vs neurons), default current subplots, channel grouping, and the
// palette: 20 distinct colours, so up to 20 groups never share one.
import { describe, expect, it } from 'vitest';
import { channelGroups, defaultCurrentTargets, kindsOf } from '../../src/app/groups.ts';
import { COLORS, colorOf } from '../../src/app/plot.ts';
import { getPreset } from '../../src/presets/index.ts';

describe('app groups', () => {
  it('vogels-single: the 16 Poisson populations are inputs, post is the neuron; currents default to post plus 3 inputs', () => {
    const spec = getPreset('vogels-single');
    const kinds = kindsOf(spec);
    const names = spec.populations.map((p) => p.name);
    expect(names.filter((n) => kinds.get(n) === 'neuron')).toEqual(['post']);
    expect(names.filter((n) => kinds.get(n) === 'input')).toHaveLength(16);
    expect(defaultCurrentTargets(names, kinds)).toEqual(['post', 'E1', 'E2', 'E3']);
  });
  it('channels: few are drawn one by one; many are summed by kind and sign of their mean', () => {
    const kinds = new Map([['E', 'neuron'], ['I', 'neuron'], ['X', 'input']] as const);
    expect(channelGroups(['E', 'I', 'X'], kinds, () => 1).map((g) => g.label)).toEqual(['from E', 'from I', 'from X']);
    const many = Array.from({ length: 10 }, (_, k) => `S${k}`);
    const groups = channelGroups(many, new Map(many.map((n) => [n, 'input'] as const)), (k) => (k < 6 ? 1 : -1));
    expect(groups.map((g) => [g.label, g.members.length])).toEqual([
      ['from inputs, excitatory (6 summed)', 6],
      ['from inputs, inhibitory (4 summed)', 4],
    ]);
  });
  it('the palette has 20 distinct colours', () => {
    expect(new Set(Array.from({ length: 20 }, (_, i) => colorOf(i))).size).toBe(20);
    expect(COLORS.length).toBeGreaterThanOrEqual(20);
  });
});
