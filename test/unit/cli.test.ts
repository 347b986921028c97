// The CLI rejects bad input with a named error and exit status 2, without a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (args: string[]) => spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

describe('plasticnet CLI errors', () => {
  it('a bad spec field: exit 2, names path, value and range, no stack trace', () => {
    const r = cli(['run', 'akil-static', '--N', '-5', '--out', join(mkdtempSync(join(tmpdir(), 'pn-')), 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('N = -5');
    expect(r.stderr).toContain('an integer in [1, 10000000]');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('JSON syntax error reports line and column; unknown preset lists presets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-'));
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{\n  "N": 5000,\n  "dt_ms": ,\n}');
    const r = cli(['run', f, '--out', join(dir, 'o')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 3, column \d+/);
    const u = cli(['run', 'no-such-preset']);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('akil-static');
  });
});
