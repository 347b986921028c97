// The sweep machinery (issue 8): slope/CI fits, grid and --set parsing, table output, and resumability.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extrapolateInvSqrtN, fitLine, logLogSlope, studentTCdf, studentTQuantile } from '../../src/sweep/fit.ts';
import { cellSpec, runSweep } from '../../src/sweep/sweep.ts';
import { cellId, getPath, gridCells, parseNumberList, parseSetArg, setPath, specHash } from '../../src/sweep/sweepGrid.ts';
import { tableRows, toCsv } from '../../src/sweep/sweepReport.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { Z } from '../tolerances.ts';
import { rng } from '../mulberry32.ts';

const gauss = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

describe('Student t and least-squares fits', () => {
  it('t quantiles match tables (two-sided 95%: 12.706, 4.303, 2.571, 2.228, 2.042, 1.960)', () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [5, 2.5706], [10, 2.2281], [30, 2.0423], [1e6, 1.96]];
    for (const [dof, t] of table) expect(studentTQuantile(0.975, dof)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.995, 3)).toBeCloseTo(5.8409, 3);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764, 3);
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1.5, 3) + studentTCdf(-1.5, 3)).toBeCloseTo(1, 12);
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
  });

  it('fitLine: a hand-computed example (slope 1.1, SE sqrt(1.35/5), CI with t(0.975, 2))', () => {
    const f = fitLine([1, 2, 3, 4], [1, 3, 2, 5]);
    expect(f.slope).toBeCloseTo(1.1, 12);
    expect(f.intercept).toBeCloseTo(0, 12);
    expect(f.dof).toBe(2);
    expect(f.slopeSe).toBeCloseTo(Math.sqrt(1.35 / 5), 12);
    expect(f.ci[0]).toBeCloseTo(1.1 - 4.302653 * Math.sqrt(0.27), 5);
    expect(f.ci[1]).toBeCloseTo(1.1 + 4.302653 * Math.sqrt(0.27), 5);
    const exact = fitLine([0, 1, 2], [3, 5, 7]);
    expect(exact.slope).toBe(2);
    expect(exact.slopeSe).toBe(0);
    const two = fitLine([0, 1], [0, 1]);
    expect(two.dof).toBe(0);
    expect(Number.isNaN(two.ci[0])).toBe(true);
  });

  it('the 95% CI of the slope covers the true slope in 95% of noisy fits (4 points, Gaussian noise)', () => {
    // 4000 fits; coverage is binomial with SE sqrt(0.95*0.05/4000) = 0.0034, checked within Z SE.
    const u = rng(12345);
    const n = 4000;
    let covered = 0;
    const x = [Math.log(1000), Math.log(1390), Math.log(1930), Math.log(2680)];
    for (let k = 0; k < n; k++) {
      const y = x.map((xi) => 2 - xi + 0.2 * gauss(u));
      const f = fitLine(x, y);
      if (f.ci[0] <= -1 && -1 <= f.ci[1]) covered++;
    }
    expect(Math.abs(covered / n - 0.95)).toBeLessThanOrEqual(Z * Math.sqrt((0.95 * 0.05) / n));
  });

  it('logLogSlope averages realizations per N, recovers power laws and leaves out non-positive means', () => {
    const N = [1000, 1000, 2000, 2000, 4000, 4000, 8000];
    const C = N.map((n, i) => (3 / n) * (i % 2 === 0 ? 0.9 : 1.1));
    C[6] = -1e-5; // a negative mean at 8000 cannot be logged
    const f = logLogSlope(N, C);
    expect(f.N).toEqual([1000, 2000, 4000]);
    expect(f.count).toEqual([2, 2, 2]);
    expect(f.slope).toBeCloseTo(-1, 12);
    expect(f.mean[0]).toBeCloseTo(3 / 1000, 15);
    expect(f.excluded).toEqual([{ N: 8000, mean: -1e-5, reason: 'mean <= 0 (log undefined)' }]);
    expect(logLogSlope([1e3, 1e4], [0.2, 0.2]).slope).toBeCloseTo(0, 12);
    expect(() => logLogSlope([1000, 1000], [1, 2])).toThrow(RangeError);
  });

  it('extrapolateInvSqrtN recovers r_inf + a/sqrt(N)', () => {
    const N = [1000, 1390, 1930, 2680];
    const e = extrapolateInvSqrtN(N, N.map((n) => 5.8 - 40 / Math.sqrt(n)), 10000);
    expect(e.rInf).toBeCloseTo(5.8, 10);
    expect(e.a).toBeCloseTo(-40, 8);
    expect(e.atTarget).toBeCloseTo(5.4, 10);
  });
});

describe('sweep grid and --set', () => {
  it('parses lists and --set arguments (selectors, comma lists, JSON values)', () => {
    expect(parseNumberList('N', '1000, 1390,1930')).toEqual([1000, 1390, 1930]);
    expect(() => parseNumberList('c', '0,x')).toThrow(/not a finite number/);
    expect(parseSetArg('projections[E<-E].j=20,25')).toEqual({ path: 'projections[E<-E].j', values: [20, 25] });
    expect(parseSetArg('recording.window_ms=100')).toEqual({ path: 'recording.window_ms', values: [100] });
    expect(parseSetArg('name=foo')).toEqual({ path: 'name', values: ['foo'] });
    expect(parseSetArg('inputs[X].activeWindow_s={"start_s":1,"stop_s":2}').values).toEqual([{ start_s: 1, stop_s: 2 }]);
    expect(() => parseSetArg('=3')).toThrow(/path=value/);
    expect(() => parseSetArg('a..b=3')).toThrow();
  });

  it('setPath/getPath address fields by key, index, name and post<-pre', () => {
    const s = akilNetwork() as unknown as Record<string, unknown>;
    setPath(s, 'projections[I<-E].j', 20);
    setPath(s, 'populations[E].tauSyn_ms', 9);
    setPath(s, 'inputs.0.rate_Hz', 12);
    setPath(s, 'projections[1].p', 0.2);
    expect(getPath(s, 'projections[E<-I].j')).toBe(-150);
    expect(getPath(s, 'projections[I<-E].j')).toBe(20);
    expect(getPath(s, 'populations[E].tauSyn_ms')).toBe(9);
    expect(getPath(s, 'inputs[X].rate_Hz')).toBe(12);
    expect(getPath(s, 'projections[E<-I].p')).toBe(0.2);
    expect(() => setPath(s, 'projections[Q<-E].j', 1)).toThrow(/no element named/);
    expect(() => setPath(s, 'nope.x', 1)).toThrow(/no field/);
  });

  it('gridCells is the full cross product with distinct ids; cellSpec applies N, seed, T, c and --set', () => {
    const cells = gridCells({ N: [2000, 1000], seeds: [1, 2], c: [0, 0.1], set: [{ path: 'projections[E<-E].j', values: [20, 25] }] });
    expect(cells).toHaveLength(16);
    expect(new Set(cells.map(cellId)).size).toBe(16);
    expect(cells[0]!.N).toBe(1000); // small N first
    const k = cells.find((c) => c.N === 2000 && c.seed === 2 && c.c === 0.1 && c.set['projections[E<-E].j'] === 20)!;
    const spec = cellSpec(akilNetwork() as unknown as Record<string, unknown>, k, { T_s: 4, statsStart_s: 1 });
    expect(spec.N).toBe(2000);
    expect(spec.seed).toBe(2);
    expect(spec.T_s).toBe(4);
    expect(spec.recording.statsStart_s).toBe(1);
    expect(spec.inputs[0]!.correlation).toBe(0.1);
    expect(spec.projections.find((p) => p.pre === 'E' && p.post === 'E')!.j).toBe(20);
    expect(specHash(spec)).toBe(specHash(structuredClone(spec)));
    expect(specHash({ ...spec, T_s: 5 })).not.toBe(specHash(spec));
  });
});

describe('sweep resumability and tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plasticnet-sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const meta = { commit: 'test', date: 'test', host: 'test' };
  const base = akilNetwork({ T_s: 0.6 }) as unknown as Record<string, unknown>;
  (base['recording'] as Record<string, unknown>)['window_ms'] = 50;
  const grid = { N: [120, 200], seeds: [1], c: [0, 0.1], set: [] };

  it('a tiny grid run twice: the second run skips every cell and returns the same records', async () => {
    const first = await runSweep({ base, grid, out: dir, backend: 'cpu', meta, statsStart_s: 0.1 });
    expect(first.ran).toBe(4);
    expect(first.skipped).toBe(0);
    expect(readdirSync(join(dir, 'cells')).sort()).toEqual(['N120_seed1_c0.1.json', 'N120_seed1_c0.json', 'N200_seed1_c0.1.json', 'N200_seed1_c0.json']);
    const skippedIds: string[] = [];
    const second = await runSweep({ base, grid, out: dir, backend: 'cpu', meta, statsStart_s: 0.1, onCellStart: () => expect.unreachable('no cell may run'), onCellDone: (c, ran) => !ran && skippedIds.push(c.id) });
    expect(second.ran).toBe(0);
    expect(second.skipped).toBe(4);
    expect(skippedIds).toHaveLength(4);
    expect(second.cells).toEqual(first.cells);
    const c0 = first.cells[0]!;
    expect(c0.nWindows).toBe(10);
    expect(Object.keys(c0.pairs)).toEqual(['E-E', 'E-I', 'I-I']);
    expect('error' in c0.theory).toBe(false);
  });

  it('a changed spec, a corrupt cell file or force reruns the cell', async () => {
    writeFileSync(join(dir, 'cells', 'N120_seed1_c0.json'), '{ not json');
    const r = await runSweep({ base, grid, out: dir, backend: 'cpu', meta, statsStart_s: 0.1 });
    expect([r.ran, r.skipped]).toEqual([1, 3]);
    const changed = await runSweep({ base, grid: { ...grid, N: [120], c: [0] }, out: dir, backend: 'cpu', meta, statsStart_s: 0.2 });
    expect([changed.ran, changed.skipped]).toEqual([1, 0]);
    const forced = await runSweep({ base, grid: { ...grid, N: [120], c: [0] }, out: dir, backend: 'cpu', meta, statsStart_s: 0.2, force: true });
    expect([forced.ran, forced.skipped]).toEqual([1, 0]);
  });

  it('table rows carry rates, covariances, theory variants, wall time and device; CSV quotes commas', async () => {
    const r = await runSweep({ base, grid, out: dir, backend: 'cpu', meta, statsStart_s: 0.1 });
    const rows = tableRows(r.cells);
    for (const k of ['N', 'seed', 'c', 'rate_E_Hz', 'theory_rate_E_Hz', 'C_E-I', 'corr_E-I', 'fano_E', 'C_E-E_theory_uncorrected', 'C_E-E_theory_corrected', 'C_E-E_eq7', 'wall_s', 'device']) {
      expect(rows[0]).toHaveProperty(k);
    }
    const corr = rows.find((x) => x['c'] === 0.1)!;
    expect(corr['C_E-E_eq7']).toBeGreaterThan(0);
    const csv = toCsv(rows);
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: null, d: 1.5 }, { e: 2 }])).toBe('a,b,c,d,e\n"x,y","say ""hi""",,1.5,\n,,,,2\n');
    expect(readFileSync(join(dir, 'cells', 'N200_seed1_c0.json'), 'utf8')).toContain('"specHash"');
  });
});

describe('plasticnet sweep (CLI)', () => {
  it('writes cells, table.csv, table.json and report.html; a rerun skips every cell; bad --set exits 2', async () => {
    const { main } = await import('../../src/cli/main.ts');
    const dir = mkdtempSync(join(tmpdir(), 'plasticnet-sweep-cli-'));
    try {
      const args = ['sweep', 'akil-static', '--N', '120,200', '--seeds', '1,2', '--c', '0', '--T', '0.6s', '--stats-start', '0.1s', '--set', 'recording.window_ms=50', '--backend', 'cpu', '--out', dir, '--quiet'];
      expect(await main(args)).toBe(0);
      const files = readdirSync(dir).sort();
      expect(files).toEqual(['cells', 'report.html', 'table.csv', 'table.json']);
      expect(readdirSync(join(dir, 'cells'))).toHaveLength(4);
      const table = JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')) as { ran: number; skipped: number; cells: unknown[]; scaling: { pair: string; sim: { slope?: number } }[] };
      expect([table.ran, table.skipped, table.cells.length]).toEqual([4, 0, 4]);
      expect(table.scaling.map((s) => s.pair)).toEqual(['E-E', 'E-I', 'I-I']);
      expect(Number.isFinite(table.scaling[1]!.sim.slope)).toBe(true);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Eq 5 uncorrected');
      expect(html).toContain('Eq 5 Fano-corrected');
      expect(html).toContain('<svg');
      expect(await main(args)).toBe(0);
      const again = JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')) as { ran: number; skipped: number };
      expect([again.ran, again.skipped]).toEqual([0, 4]);
      expect(await main(['sweep', 'akil-static', '--N', '120', '--set', 'projections[Q<-E].j=1', '--out', dir, '--quiet'])).toBe(2);
      expect(await main(['sweep', 'akil-static', '--out', dir, '--quiet'])).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
