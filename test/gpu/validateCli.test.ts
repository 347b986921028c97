// `plasticnet validate --quick` on this machine's adapter (SwiftShader in CI): exit 0 and a table.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a command without blocking the worker (a blocked worker misses vitest's RPC deadline). */
function run(cmd: string, args: string[]): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    p.on('error', reject);
    p.on('close', (status) => resolve({ stdout, status }));
  });
}

describe('plasticnet validate', () => {
  it('--quick: whole-run spike counts GPU vs CPU identical on the resident and fused schedules, table printed, exit 0', { timeout: 900_000 }, async () => {
    // tsx's CLI through this Node binary, not `npx` (the GPU machines carry node and node_modules only).
    const r = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli/main.ts', 'validate', '--quick']);
    expect(r.stdout).toContain('check');
    expect(r.stdout).toContain('max error');
    expect(r.stdout).toMatch(/all 13 checks passed/); // 6 exact checks (incl. adaptive LIF + noise, delayed iSTDP, per-synapse delays) x (resident, fused), and the batch row
    expect(r.stdout).toMatch(/delayed iSTDP.*identical \[resident\] +0 +0 +ok/);
    expect(r.stdout).toMatch(/delayed iSTDP.*identical \[fused\] +0 +0 +ok/);
    expect(r.stdout).toMatch(/iSTDP with per-synapse delays.*identical \[resident\] +0 +0 +ok/);
    expect(r.stdout).toMatch(/iSTDP with per-synapse delays.*identical \[fused\] +0 +0 +ok/);
    expect(r.stdout).toMatch(/batch of 3 \(seeds 7, 8, 9\) in one dispatch.*\[batch\] +0 +0 +ok/);
    expect(r.stdout).toMatch(/adaptive LIF \+ noise.*identical \[resident\] +0 +0 +ok/);
    expect(r.stdout).toMatch(/adaptive LIF \+ noise.*identical \[fused\] +0 +0 +ok/);
    expect(r.stdout).toContain('[resident]');
    expect(r.status).toBe(0);
  });
});
