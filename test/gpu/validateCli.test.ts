// `plasticnet validate --quick` on this machine's adapter (SwiftShader in CI): exit 0 and a table.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('plasticnet validate', () => {
  it('--quick: whole-run spike counts GPU vs CPU identical, table printed, exit 0', () => {
    // tsx's CLI through this Node binary, not `npx` (the GPU machines carry node and node_modules only).
    const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli/main.ts', 'validate', '--quick'], { encoding: 'utf8' });
    expect(r.stdout).toContain('check');
    expect(r.stdout).toContain('max error');
    expect(r.stdout).toMatch(/all 4 checks passed/);
    expect(r.stdout).toMatch(/adaptive LIF \+ noise.*identical +0 +0 +ok/);
    expect(r.status).toBe(0);
  });
});
