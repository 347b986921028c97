// Run metadata for outputs and benchmarks: commit, date, host.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Short commit hash of the working tree ('+dirty' when modified), or 'unknown' outside git. */
export function gitCommit(): string {
  try {
    const h = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${h}+dirty` : h;
  } catch {
    return 'unknown';
  }
}

/** Host description: CPU model, cores, memory. */
export function hostInfo(): string {
  const c = os.cpus();
  return `${os.hostname()}: ${c[0]?.model ?? 'cpu'} x${c.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}, node ${process.version}`;
}

export function runMeta(): { commit: string; date: string; host: string } {
  return { commit: gitCommit(), date: new Date().toISOString(), host: hostInfo() };
}
