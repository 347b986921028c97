// `plasticnet sweep <rate spec>` (src/sweep/rateSweep.ts): one rate run per cell over seeds and --set fields; every
// cell bit-identical to its spec run alone (CPU), finished cells skipped on a rerun, bad grid values refused with
// the cell, field, value and allowed range (exit 2) before anything is written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/files.ts';
import { soldadoSpec } from '../../src/models/rate/presets.ts';
import { runRate, type RateResult } from '../../src/models/rate/run.ts';
import type { RateInit, RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';
import { rateCellId, rateGridCells, runRateSweep } from '../../src/sweep/rateSweep.ts';

const u = (lo: number, hi: number): RateInit => ({ kind: 'uniform', lo, hi });
/** 2 networks of 3 E + 2 I units, noise on, cross-homeostatic (alpha_I 5e-4), 3 trials of 600 ms. */
const spec = (o: { seed?: number; alphaE?: number } = {}): RateSpec =>
  validateRateSpec(soldadoSpec({ name: 'sw', n: [3, 2], batch: 2, rule: 'cross-homeostatic', alphaE: o.alphaE ?? 5e-4, alphaI: 5e-4, seed: o.seed ?? 42, trials: 3, trial_ms: 600, traceTrials: [3], init: [u(0.5, 2), u(0.5, 1.5), u(2, 5), u(0.3, 1)] }));
const grid = { seeds: [3, 4], set: [{ path: 'plasticity.alphaE', values: [1e-3, 4e-3] }] };
const meta = { commit: 'c', date: 'd', host: 'h' };
const bits = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

function expectSameBits(a: RateResult, b: RateResult): void {
  for (const k of ['trialMean_Hz', 'trialAvg_Hz', 'weightSum', 'initialWeights', 'finalWeights', 'finalMean_Hz', 'finalAvg_Hz'] as const) expect(bits(a.recordings[k]), k).toBe(bits(b.recordings[k]));
  expect(bits(a.recordings.traces[0]!.data)).toBe(bits(b.recordings.traces[0]!.data));
}

describe('rate sweep: one rate run per cell', () => {
  it('cells are the --set values x seeds, each bit-identical to its spec run alone; a rerun skips them all', async () => {
    expect(rateGridCells(grid).map(rateCellId)).toEqual(['seed3_plasticity.alphaE=0.001', 'seed4_plasticity.alphaE=0.001', 'seed3_plasticity.alphaE=0.004', 'seed4_plasticity.alphaE=0.004']);
    const out = mkdtempSync(join(tmpdir(), 'pn-ratesweep-'));
    const results = new Map<string, RateResult>();
    const res = await runRateSweep({ base: spec() as unknown as Record<string, unknown>, grid, out, backend: 'cpu', meta, onResult: (c, r) => results.set(c.id, r) });
    expect([res.ran, res.skipped, res.interrupted]).toEqual([4, 0, undefined]);
    for (const c of res.cells) {
      const alone = await runRate(spec({ seed: c.seed, alphaE: c.set['plasticity.alphaE'] as number }));
      expectSameBits(results.get(c.id)!, alone);
      expect(Array.from(readNpy(join(out, 'cells', c.id, 'weights_final.npy')).data)).toEqual(Array.from(alone.recordings.finalWeights));
      expect(c.final.trialMean_Hz['E']!.mean).toBe(JSON.parse(readFileSync(join(out, 'cells', c.id, 'summary.json'), 'utf8')).final.trialMean_Hz.E.mean);
    }
    // the dimensions change the numbers (seeds: the draws; alpha_E: the weights)
    expect(new Set(res.cells.map((c) => c.final.weightSum['E<-E']!.mean)).size).toBe(4);
    const again = await runRateSweep({ base: spec() as unknown as Record<string, unknown>, grid, out, backend: 'cpu', meta });
    expect([again.ran, again.skipped]).toEqual([0, 4]);
    expect(again.cells.map((c) => c.final)).toEqual(res.cells.map((c) => c.final));
  }, 120_000);

  it('a stop request ends the sweep after the finished cells (the unfinished one is not saved)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pn-ratesweep-'));
    let cellsDone = 0;
    const res = await runRateSweep({ base: spec() as unknown as Record<string, unknown>, grid, out, backend: 'cpu', meta, shouldStop: () => (cellsDone >= 1 ? 'SIGINT' : null), onCellDone: () => void cellsDone++ });
    expect([res.ran, res.cells.length, res.interrupted]).toEqual([1, 1, 'SIGINT']);
    expect(existsSync(join(out, 'cells', `${rateCellId(rateGridCells(grid)[1]!)}.json`))).toBe(false);
  }, 60_000);
});

describe('plasticnet sweep <rate spec>', () => {
  const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

  it('runs the grid (exit 0): table.csv one row per cell, each cell directory bit-identical to the cell spec run alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-ratesweep-'));
    const f = join(dir, 'spec.json');
    writeFileSync(f, JSON.stringify(spec()));
    const out = join(dir, 'sw');
    const r = cli(['sweep', f, '--seeds', '5', '--set', 'plasticity.alphaE=2e-3,3e-3', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'table.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(3);
    expect(csv[0]).toMatch(/^id,seed,plasticity\.alphaE,batch,trials,E_mean_Hz/);
    const table = JSON.parse(readFileSync(join(out, 'table.json'), 'utf8')) as { kind: string; cells: { id: string }[] };
    expect(table.kind).toBe('rate');
    expect(table.cells.map((c) => c.id)).toEqual(['seed5_plasticity.alphaE=0.002', 'seed5_plasticity.alphaE=0.003']);
    for (const [id, a] of [['seed5_plasticity.alphaE=0.002', 2e-3], ['seed5_plasticity.alphaE=0.003', 3e-3]] as const) {
      const alone = await runRate(spec({ seed: 5, alphaE: a }));
      expect(bits(readNpy(join(out, 'cells', id, 'weights_final.npy')).data as Float32Array)).toBe(bits(alone.recordings.finalWeights));
      expect(bits(readNpy(join(out, 'cells', id, 'trial_mean_Hz.npy')).data as Float32Array)).toBe(bits(alone.recordings.trialMean_Hz));
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('seed5_plasticity.alphaE=0.003');
  }, 180_000);

  it('bad grid values: exit 2 naming the cell, field, value and allowed range, before the output directory exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-ratesweep-'));
    const f = join(dir, 'spec.json');
    writeFileSync(f, JSON.stringify(spec()));
    const out = join(dir, 'sw');
    const tau = cli(['sweep', f, '--set', 'populations[E].tau_ms=10,-5', '--out', out]);
    expect(tau.status).toBe(2);
    expect(tau.stderr).toContain('sweep cell seed42_populations_E_.tau_ms=-5: populations[0].tau_ms = -5: allowed a finite number in (0, 10000000]');
    const alpha = cli(['sweep', f, '--set', 'plasticity.alphaE=-1', '--out', out]);
    expect(alpha.status).toBe(2);
    expect(alpha.stderr).toMatch(/sweep cell seed42_plasticity\.alphaE=-1: plasticity\.alphaE = -1: allowed/);
    const path = cli(['sweep', f, '--set', 'nosuch.field=1', '--out', out]);
    expect(path.status).toBe(2);
    expect(path.stderr).toContain("no field 'nosuch'");
    const t = cli(['sweep', f, '--T', '10s', '--out', out]);
    expect(t.status).toBe(2);
    expect(t.stderr).toContain('--T does not apply to a rate network');
    for (const r of [tau, alpha, path, t]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
