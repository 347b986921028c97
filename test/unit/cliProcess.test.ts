// bin/plasticnet.js is one process (issue 15): killing its PID, as a wrapper's timeout or a job scheduler
// does, leaves no process of the run behind; SIGTERM and SIGINT stop the run between chunks, write a
// checkpoint (--checkpoint-every), keep what was recorded and exit 143 / 130. Each test waits for an event
// of the run (its first checkpoint file), not a fixed time.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointHeader } from '../../src/io/checkpointFile.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'plasticnet.js');

/** PIDs of live processes whose command line mentions `needle` (Linux /proc). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (cmd.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Starts a long run (200 s simulated, minutes of wall time) writing a checkpoint every 0.2 s of simulated time. */
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); // a failed test leaves no run behind
});

function startRun(out: string): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'run', 'akil-static', '--N', '600', '--T', '200s', '--backend', 'cpu', '--checkpoint-every', 'sim:0.2s', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  return child;
}

/** Resolves when `file` exists (polled), rejects if the child exits first. */
function whenExists(child: ChildProcess, file: string, stderr: () => string): Promise<void> {
  return new Promise((res, rej) => {
    const onExit = (code: number | null) => rej(new Error(`run exited (${code}) before ${file} appeared: ${stderr()}`));
    child.once('exit', onExit);
    const poll = setInterval(() => {
      if (!existsSync(file)) return;
      clearInterval(poll);
      child.off('exit', onExit);
      res();
    }, 25);
  });
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve({ code: child.exitCode, signal: child.signalCode }) : new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

/** Waits until no process mentions `needle` (a killed child may take a moment to be reaped), at most 5 s. */
async function noneLeft(needle: string): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const left = processesMentioning(needle);
    if (left.length === 0) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
  return processesMentioning(needle);
}

describe.skipIf(process.platform !== 'linux')('the plasticnet process and signals', () => {
  it('SIGKILL of the bin PID leaves no process of the run (no child process exists)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-kill-')), 'run');
    const child = startRun(out);
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    await whenExists(child, join(out, 'checkpoint.pnck'), () => err);
    expect(processesMentioning(out).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    expect(await noneLeft(out)).toEqual([]);
  }, 120_000);

  it('SIGTERM stops the run between chunks: exit 143, a resumable checkpoint, recordings kept, lock released', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-term-')), 'run');
    const child = startRun(out);
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    await whenExists(child, join(out, 'checkpoint.pnck'), () => err);
    child.kill('SIGTERM');
    const { code } = await exited(child);
    expect(code, err).toBe(143);
    expect(err).toMatch(/SIGTERM received: stopping after the current chunk/);
    expect(err).toMatch(/stopped by SIGTERM after step \d+ of 2000000/);
    expect(err).toMatch(/continue with: plasticnet resume/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { steps: number; meta: { interrupted: { reason: string; step: number } } };
    expect(summary.meta.interrupted.reason).toBe('SIGTERM');
    expect(summary.steps).toBe(summary.meta.interrupted.step);
    const ck = readCheckpointHeader(join(out, 'checkpoint.pnck')).meta as { step: number; resumable: boolean };
    expect(ck.resumable).toBe(true);
    expect(ck.step).toBe(summary.steps); // the checkpoint is the state where it stopped
    expect(existsSync(join(out, 'spike_counts.npy'))).toBe(true);
    expect(existsSync(join(out, '.plasticnet.lock'))).toBe(false);
    expect(await noneLeft(out)).toEqual([]);
  }, 120_000);

  it('SIGINT (Ctrl-C) exits 130 the same way', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-int-')), 'run');
    const child = startRun(out);
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    await whenExists(child, join(out, 'checkpoint.pnck'), () => err);
    child.kill('SIGINT');
    expect((await exited(child)).code, err).toBe(130);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).meta.interrupted.reason).toBe('SIGINT');
  }, 120_000);
});
