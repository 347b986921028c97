// `plasticnet run` on rate presets and rate spec files: outputs (summary.json, .npy, report.html) and bad input
// refused with exit status 2 naming the field.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/files.ts';
import { getRatePreset } from '../../src/models/rate/presets.ts';

const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

describe('plasticnet run <rate preset>', () => {
  it('soldado-fig1 writes summary.json, .npy arrays and report.html with the static rates', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-rate-')), 'fig1');
    const r = cli(['run', 'soldado-fig1', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.kind).toBe('rate');
    expect(Math.abs(s.final.trialMean_Hz.E.mean - 5)).toBeLessThan(0.25); // with OU noise (sigma 10), one trial
    expect(Math.abs(s.final.trialMean_Hz.I.mean - 10)).toBeLessThan(1);
    const tm = readNpy(join(out, 'trial_mean_Hz.npy'));
    expect(tm.shape).toEqual([1, 1, 2]);
    expect(readNpy(join(out, 'weights_final.npy')).shape).toEqual([1, 4]);
    expect(existsSync(join(out, 'trace_trial1.npy'))).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Weight plane (Eqs 4-5)');
  });

  it('bad rate input: exit 2 with field, value and allowed range; spiking-only flags refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-rate-'));
    const spec = getRatePreset('soldado-fig4')!;
    spec.populations[0]!.tau_ms = -10;
    spec.populations[1]!.gain = 0;
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify(spec));
    const r = cli(['run', f, '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('populations[0].tau_ms = -10: allowed a finite number in (0, 10000000]');
    expect(r.stderr).toContain('populations[1].gain = 0');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'o'))).toBe(false); // refused before touching the output directory
    const n = cli(['run', 'soldado-fig1', '--N', '100', '--out', join(dir, 'p')]);
    expect(n.status).toBe(2);
    expect(n.stderr).toContain('--N does not apply to a rate network');
  });
});
