// `plasticnet validate --quick` on this machine's adapter (SwiftShader in CI): exit 0 and a table.
// The child runs asynchronously (spawn, not spawnSync) so the vitest worker's event loop stays free while it
// works (a blocked worker times out its RPC to the main process after about a minute).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function run(args: string[]): Promise<{ stdout: string; status: number | null }> {
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    p.on('error', fail);
    p.on('close', (status) => ok({ stdout, status }));
  });
}

describe('plasticnet validate', () => {
  it('--quick: whole-run spike counts GPU vs CPU identical, table printed, exit 0', { timeout: 600_000 }, async () => {
    // tsx's CLI through this Node binary, not `npx` (the GPU machines carry node and node_modules only).
    const r = await run(['node_modules/tsx/dist/cli.mjs', 'src/cli/main.ts', 'validate', '--quick']);
    expect(r.stdout).toContain('check');
    expect(r.stdout).toContain('max error');
    expect(r.stdout).toMatch(/all 4 checks passed/);
    expect(r.stdout).toMatch(/adaptive LIF \+ noise.*identical +0 +0 +ok/);
    expect(r.status).toBe(0);
  });
});
