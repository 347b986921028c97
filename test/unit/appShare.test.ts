// The app's shareable custom-spec URL pairs (src/app/shareUrl.ts) and the categorical, legend-below scatter plot
// the report's covariance figure uses (src/io/svg.ts).
import { describe, expect, it } from 'vitest';
import { applySets, specDiff } from '../../src/app/shareUrl.ts';
import { getPreset } from '../../src/presets/index.ts';
import { scatterPlot } from '../../src/io/svg.ts';

describe('custom spec in the URL', () => {
  it('the differences from the preset round-trip through set= pairs', () => {
    const base = getPreset('akil-static') as unknown as Record<string, unknown>;
    const spec = structuredClone(base) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    spec['projections'][2].p = 0.3;
    spec['recording'].window_ms = 123;
    spec['name'] = 'mine';
    const diff = specDiff(base, spec)!;
    expect(diff).toEqual([['name', '"mine"'], ['projections[2].p', '0.3'], ['recording.window_ms', '123']].sort((a, b) => diff.findIndex((d) => d[0] === a[0]) - diff.findIndex((d) => d[0] === b[0])));
    const { spec: back, refused } = applySets(base, diff.map(([p, v]) => `${p}=${v}`));
    expect(refused).toEqual([]);
    expect(back).toEqual(spec);
    expect(specDiff(base, base)).toEqual([]);
  });

  it('refuses prototype keys and paths that do not exist, and says which', () => {
    const base = { a: { b: 1 }, list: [1, 2] };
    const { spec, refused } = applySets(base, ['__proto__.x=1', 'a.constructor=2', 'nope.deep=3', 'list[5]=1', 'a.b=7']);
    expect(refused).toEqual(['__proto__.x=1', 'a.constructor=2', 'nope.deep=3', 'list[5]=1']);
    expect(spec).toEqual({ a: { b: 7 }, list: [1, 2] });
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe('categorical scatter plot with the legend below', () => {
  it('labels the x ticks by name and puts the legend under the axis, clear of every point', () => {
    const svg = scatterPlot([{ x: [1, 2, 3], y: [10, 20, 30], label: 'simulated' }], { xTickLabels: ['EE', 'EI', 'II'], legendPlace: 'below', xLabel: 'population pair', xRange: [0.5, 3.5], height: 300 });
    for (const t of ['EE', 'EI', 'II']) expect(svg).toContain(`>${t}</text>`);
    expect(svg).not.toMatch(/>2\.5<\/text>/); // no numeric x ticks
    const legendY = Number(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="#fff" fill-opacity/.exec(svg)![1]);
    const dots = [...svg.matchAll(/M([\d.]+) ([\d.]+)h0/g)].map((m) => Number(m[2]));
    expect(dots).toHaveLength(3);
    for (const y of dots) expect(y).toBeLessThan(legendY);
    expect(Number(/height="(\d+)"/.exec(svg)![1])).toBeGreaterThan(300); // the figure grew for the legend
  });
});

describe("the report's covariance figure (akil-static, N = 1000, T = 1 s)", () => {
  it('labels the pairs EE / EI / II and draws every pair, none under the legend', async () => {
    const { runSimulation } = await import('../../src/pipeline/simulation.ts');
    const { summarizeRun } = await import('../../src/output/runOutput.ts');
    const { renderReportFor } = await import('../../src/output/runReport.ts');
    const base = getPreset('akil-static');
    const r = await runSimulation({ ...base, N: 1000, T_s: 1, recording: { ...base.recording, statsStart_s: 0.5 } }, { backend: 'cpu' });
    const { summary } = summarizeRun(r, { commit: 'test', date: '', host: 'node' });
    const html = renderReportFor(r, summary);
    const at = html.indexOf('>Mean pair covariance<');
    const svg = html.slice(html.lastIndexOf('<svg', at), html.indexOf('</svg>', at));
    for (const t of ['EE', 'EI', 'II']) expect(svg).toContain(`>${t}</text>`);
    expect(svg).toContain('>population pair</text>');
    expect(svg).not.toContain('>pair</text>');
    const legendY = Number(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="[\d.]+" fill="#fff" fill-opacity/.exec(svg)![1]);
    const simulated = /<path d="([^"]+)" stroke="#1f77b4"/.exec(svg)![1]!;
    const ys = [...simulated.matchAll(/M[\d.]+ ([\d.]+)h0/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(3); // E-E, E-I and I-I all drawn
    for (const y of ys) expect(y).toBeLessThan(legendY);
  }, 60_000);
});
