// A rate run stopped without a checkpoint (stop request in process, SIGINT through the CLI) keeps the trials that
// ran and only those: per-trial arrays truncated to B x completed x ..., bit-identical to the first trials of the
// run straight through (no zero rows for trials that never ran), summary.json with trials completed vs requested
// and the stop; `plasticnet resume` says the run was stopped and left no checkpoint.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/files.ts';
import { deriveRate } from '../../src/models/rate/derive.ts';
import { rateArrays, renderRateReport, summarizeRate } from '../../src/models/rate/output.ts';
import { soldadoSpec } from '../../src/models/rate/presets.ts';
import { runRate, type RateResult } from '../../src/models/rate/run.ts';
import type { RateInit, RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';

const u = (lo: number, hi: number): RateInit => ({ kind: 'uniform', lo, hi });
/** 3 networks of 3 E + 2 I units, noise on, cross-homeostatic, 8 trials of 1.1 s (11 000 steps: one trial per chunk, so a stop lands after any trial). */
const spec = (): RateSpec =>
  validateRateSpec(soldadoSpec({ name: 'stop', n: [3, 2], batch: 3, rule: 'cross-homeostatic', alphaE: 2e-3, trials: 8, trial_ms: 1100, traceTrials: [2, 7], init: [u(0.5, 2), u(0.5, 1.5), u(2, 5), u(0.3, 1)] }));

/** Runs `s` with a stop requested once `k` trials have completed (k = 0: before the first). */
const stoppedAfter = (s: RateSpec, k: number): Promise<RateResult> => {
  let done = 0;
  return runRate(s, { onTrial: (t) => void (done = t), shouldStop: () => (done >= k ? 'SIGINT' : null) });
};

/** Rows (b, t) of a B x T x k array. */
const row = (a: Float32Array, T: number, k: number, b: number, t: number): number[] => Array.from(a.subarray((b * T + t) * k, (b * T + t + 1) * k));

describe('a stopped rate run keeps only the trials that ran', () => {
  it('stopped after trial 3 of 8: arrays B x 3 x ..., equal to the first 3 trials of the full run, no zero rows; summary says 3 of 8, stopped', async () => {
    const s = spec();
    const m = deriveRate(s);
    expect(m.trialSteps).toBe(11000);
    const full = await runRate(s);
    const r = await stoppedAfter(s, 3);
    expect(r.interrupted).toEqual({ reason: 'SIGINT', step: 3 * m.trialSteps });
    const rec = r.recordings;
    expect(rec.trials).toBe(3);
    expect(rec.trialsRequested).toBe(8);
    const P = m.pops.length;
    const nB = m.blocks.length;
    for (const [name, k] of [['trialMean_Hz', P], ['trialAvg_Hz', P], ['weightSum', nB]] as const) {
      expect(rec[name].length, name).toBe(m.B * 3 * k);
      for (let b = 0; b < m.B; b++)
        for (let t = 0; t < 3; t++) {
          expect(row(rec[name], 3, k, b, t), `${name} network ${b} trial ${t + 1}`).toEqual(row(full.recordings[name], 8, k, b, t));
          expect(row(rec[name], 3, k, b, t).some((x) => x !== 0), `${name} network ${b} trial ${t + 1} is a zero row`).toBe(true);
        }
    }
    expect(rec.traces.map((t) => t.trial)).toEqual([2]);
    const arrays = Object.fromEntries(rateArrays(r).map((a) => [a.name, a]));
    expect(arrays['trial_mean_Hz']!.shape).toEqual([3, 3, 2]);
    expect(arrays['weight_sum']!.shape).toEqual([3, 3, 4]);
    expect(arrays['trial_mean_Hz']!.data.length).toBe(3 * 3 * 2);
    const sum = summarizeRate(r, { commit: 'c', date: 'd', host: 'h' });
    expect(sum.trials).toBe(3);
    expect(sum.trialsRequested).toBe(8);
    expect(sum.stopped).toEqual({ reason: 'SIGINT', afterTrial: 3 });
    expect(sum.meta.interrupted).toEqual({ reason: 'SIGINT', step: 3 * m.trialSteps });
    // the final trial means are those of trial 3 (not of an unrun trial 8)
    const e3 = Array.from({ length: m.B }, (_, b) => full.recordings.trialMean_Hz[(b * 8 + 2) * P]!);
    expect(sum.final.trialMean_Hz['E']!.min).toBe(Math.min(...e3));
    expect(renderRateReport(r, sum)).toContain('3 trials of 8 requested (stopped by SIGINT after trial 3)');
    // a run that finished says so
    const fs = summarizeRate(full, { commit: 'c', date: 'd', host: 'h' });
    expect([fs.trials, fs.trialsRequested, fs.stopped, fs.meta.interrupted]).toEqual([8, 8, null, undefined]);
  }, 120_000);

  it('stopped before the first trial: empty per-trial arrays (B x 0 x ...), summary and report still written', async () => {
    const s = spec();
    const r = await stoppedAfter(s, 0);
    expect(r.recordings.trials).toBe(0);
    const shapes = Object.fromEntries(rateArrays(r).map((a) => [a.name, a.shape]));
    expect(shapes['trial_mean_Hz']).toEqual([3, 0, 2]);
    expect(shapes['weight_sum']).toEqual([3, 0, 4]);
    const sum = summarizeRate(r, { commit: 'c', date: 'd', host: 'h' });
    expect([sum.trials, sum.trialsRequested, sum.stopped]).toEqual([0, 8, { reason: 'SIGINT', afterTrial: 0 }]);
    expect(sum.final.trialMean_Hz).toEqual({});
    expect(renderRateReport(r, sum)).toContain('0 trials of 8 requested');
  }, 60_000);
});

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'plasticnet.js');
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // a failed test leaves no run behind
});

describe.skipIf(process.platform !== 'linux')('plasticnet run <rate spec> and SIGINT without --checkpoint-every', () => {
  it('exits 130, the outputs hold the trials that ran (no zero rows), summary.json says completed vs requested, resume refuses with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-ratestop-'));
    // 80 E + 20 I units, 4 networks, 200 trials of 1.1 s: minutes of CPU; stopped after its first trial
    const s = validateRateSpec(soldadoSpec({ name: 'stop-cli', n: [80, 20], batch: 4, rule: 'cross-homeostatic', trials: 200, trial_ms: 1100, init: [u(0.5, 2), u(0.5, 1.5), u(2, 5), u(0.3, 1)] }));
    const f = join(dir, 'spec.json');
    writeFileSync(f, JSON.stringify(s));
    const out = join(dir, 'run');
    const child = spawn(process.execPath, [BIN, 'run', f, '--backend', 'cpu', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let err = '';
    const code = await new Promise<number | null>((res) => {
      let sent = false;
      child.stderr!.on('data', (d) => {
        err += String(d);
        if (!sent && /trial 1 \/ 200/.test(err)) ((sent = true), child.kill('SIGINT'));
      });
      child.once('exit', (c) => res(c));
    });
    expect(code, err).toBe(130);
    expect(err).toMatch(/stopped by SIGINT after trial \d+ of 200/);
    const sum = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { trials: number; trialsRequested: number; stopped: { reason: string; afterTrial: number }; meta: { interrupted: { reason: string; step: number } } };
    const n = sum.trials;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(200);
    expect(sum.trialsRequested).toBe(200);
    expect(sum.stopped).toEqual({ reason: 'SIGINT', afterTrial: n });
    expect(sum.meta.interrupted).toEqual({ reason: 'SIGINT', step: n * 11000 });
    const tm = readNpy(join(out, 'trial_mean_Hz.npy'));
    expect(tm.shape).toEqual([4, n, 2]);
    const ws = readNpy(join(out, 'weight_sum.npy'));
    expect(ws.shape).toEqual([4, n, 4]);
    for (let q = 0; q < 4 * n; q++) expect(Array.from(ws.data.subarray(q * 4, q * 4 + 4)).some((x) => x !== 0), `weight_sum row ${q}`).toBe(true);
    expect(existsSync(join(out, 'checkpoint.pnck'))).toBe(false);
    const res = spawnSync(process.execPath, [BIN, 'resume', out], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/was stopped by SIGINT at step \d+ and left no checkpoint/);
  }, 180_000);
});
