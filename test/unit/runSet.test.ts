// `plasticnet run --set path=value`: any spec field, with sweep --set's path syntax, one value each.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSetArg } from '../../src/sweep/sweepGrid.ts';
import { program } from '../../src/cli/main.ts';
import { applyOverrides, loadSpec, UsageError } from '../../src/cli/loadSpec.ts';

describe('run --set', () => {
  it('sets nested fields by name selectors after the other flags', () => {
    const base = loadSpec('akil-istdp-demo');
    const s = applyOverrides(base, { N: 300, set: [parseSetArg('projections[E<-I].plasticity.eta=0.002'), parseSetArg('recording.window_ms=200')] });
    const pr = (s['projections'] as { pre: string; post: string; plasticity?: { eta: number } }[]).find((p) => p.post === 'E' && p.pre === 'I')!;
    expect(pr.plasticity!.eta).toBe(0.002);
    expect((s['recording'] as { window_ms: number }).window_ms).toBe(200);
    expect(s['N']).toBe(300);
    // the preset itself is untouched
    expect((base['recording'] as { window_ms: number }).window_ms).not.toBe(200);
  });

  it('refuses a list of values and an unknown path, naming them (usage error)', () => {
    const base = loadSpec('akil-istdp-demo');
    expect(() => applyOverrides(base, { set: [parseSetArg('seed=1,2')] })).toThrow(UsageError);
    expect(() => applyOverrides(base, { set: [parseSetArg('seed=1,2')] })).toThrow(/--set 'seed': one value per --set in a run \(2 given/);
    expect(() => applyOverrides(base, { set: [parseSetArg('nosuch.field=1')] })).toThrow(/no field 'nosuch'/);
  });

  it('reaches the written spec.json through the CLI', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-runset-')), 'out');
    const p = program();
    await p.parseAsync(['node', 'plasticnet', 'run', 'akil-static', '--N', '200', '--T', '50ms', '--backend', 'cpu', '--quiet', '--out', out, '--set', 'recording.bin_ms=25', '--set', 'populations[I].tauSyn_ms=5']);
    expect(process.exitCode).toBe(0);
    const spec = JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8')) as { recording: { bin_ms: number }; populations: { name: string; tauSyn_ms: number }[] };
    expect(spec.recording.bin_ms).toBe(25);
    expect(spec.populations.find((x) => x.name === 'I')!.tauSyn_ms).toBe(5);
    process.exitCode = 0;
  });
});
