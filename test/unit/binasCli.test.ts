// `plasticnet binas`: a short run writes summary.json and report.svg; a bad Binas spec exits 2 naming every field.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { binasWta } from '../../src/models/binas/presets.ts';

describe('plasticnet binas', () => {
  it('runs the preset for a few patterns and writes its summary and report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-binas-')), 'run');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await main(['binas', 'binas-wta', '--patterns', '6', '--out', out, '--quiet']);
    log.mockRestore();
    expect(code).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { spec: { protocol: { count: number } }; weights: { cls: string; final: number }[] };
    expect(s.spec.protocol.count).toBe(6);
    expect(s.weights.map((w) => w.cls)).toContain('E->I long-range');
    expect(existsSync(join(out, 'report.svg'))).toBe(true);
  });

  it('exits 2 on w_max <= 0, a negative threshold, a group without its I population and a short pattern', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-binas-'));
    const s = structuredClone(binasWta({ patterns: 4 }));
    s.plasticity!.wMax = 0;
    s.thresholdE = -0.5;
    delete (s.groups[1] as { inhibitory?: string }).inhibitory;
    s.patterns = { kind: 'list', values_Hz: [[1, 2, 3, 4, 5]] };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(s));
    const err: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void err.push(m));
    const code = await main(['binas', join(dir, 'bad.json'), '--out', join(dir, 'out')]);
    spy.mockRestore();
    expect(code).toBe(2);
    const text = err.join('\n');
    for (const f of ['thresholdE = -0.5', 'groups[1].inhibitory = (missing)', 'plasticity.wMax = 0', 'patterns.values_Hz[0] = "5 values"']) expect(text).toContain(f);
    expect(existsSync(join(dir, 'out'))).toBe(false); // nothing written
  });
});
