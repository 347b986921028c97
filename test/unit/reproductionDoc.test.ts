// scripts/reproduction.ts: REPRODUCTION.md's summary row per figure shows its main claim, our number and the
// verdict. Axes: which check is the headline (marked, first against the paper, first evaluated); a failing
// headline shows FAIL. Control: a figure whose checks are all unevaluated still gets a row.
import { describe, expect, it } from 'vitest';
import { headlineOf, render } from '../../scripts/reproduction.ts';
import type { Check, FigureNumbers } from '../repro/common.ts';

const check = (over: Partial<Check>): Check => ({
  id: 'A1',
  quantity: 'q',
  reference: 1,
  referenceText: '1',
  source: 'theory',
  ours: 1,
  oursText: '1',
  tolerance: 'within 10%',
  pass: true,
  at: 'N = 1000',
  ...over,
});

const fig = (checks: Check[]): FigureNumbers => ({
  name: 'figx',
  figure: 'Fig X',
  title: 'a title',
  size: 'reduced',
  config: {},
  deviations: [],
  device: 'cpu',
  backend: 'cpu',
  wall_s: 3,
  checks,
  commit: 'abc',
  date: '2026-12-03',
  host: 'vm',
} as unknown as FigureNumbers);

describe('REPRODUCTION.md summary', () => {
  it('takes the marked headline, else the first paper check, else the first evaluated one', () => {
    const a = check({ quantity: 'theory first' });
    const b = check({ quantity: 'paper claim', source: 'paper' });
    const c = check({ quantity: 'marked', headline: true });
    expect(headlineOf(fig([a, b, c]))?.quantity).toBe('marked');
    expect(headlineOf(fig([a, b]))?.quantity).toBe('paper claim');
    expect(headlineOf(fig([check({ quantity: 'skipped', pass: null }), a]))?.quantity).toBe('theory first');
  });

  it('shows the claim, our number and FAIL for a failing headline, and counts all checks', () => {
    const md = render([fig([check({ quantity: 'slope', referenceText: '-1 (Eq 5)', source: 'paper', oursText: '-0.6', pass: false }), check({})])], 'repro-results', []);
    const row = md.split('\n').find((l) => l.startsWith('| Fig X |'));
    expect(row).toContain('slope: -1 (Eq 5)');
    expect(row).toContain('| -0.6 | **FAIL** | reduced | 1 / 2 |');
  });

  it('names the machine beside the host when numbers.json has one (npm run repro -- --machine)', () => {
    const f = fig([check({})]);
    expect(render([f], 'repro-results', [])).toContain('- host: vm\n');
    expect(render([{ ...f, machine: '2-core dev VM, no GPU' }], 'repro-results', [])).toContain('- host: vm (2-core dev VM, no GPU)\n');
  });

  it('gives a figure with no evaluated check a row (n/a)', () => {
    const md = render([fig([check({ pass: null })])], 'repro-results', ['figy']);
    expect(md).toMatch(/\| Fig X \| q: 1 \| 1 \| n\/a \|/);
    expect(md).toContain('| figy | not run |');
  });
});
