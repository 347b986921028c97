// The output directory of a command: checked before the run (not a file, not under /proc, /sys or /dev),
// locked against a second writer (<out>/.plasticnet.lock holds the writer's PID; a lock whose PID is dead
// is taken over), and with --force emptied of the previous run's outputs before the new ones are written.
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { OutputWriteError } from '../io/checkpointFile.ts';
import { safeJoin } from '../io/safePath.ts';
import { UsageError } from './loadSpec.ts';

export const LOCK_FILE = '.plasticnet.lock';

/** Files plasticnet writes into an output directory (run, resume, export-weights), removed by --force. */
const OUTPUT_FILE = /^(spec\.json|summary\.json|report\.html|weights\.json|checkpoint\.pnck|guard\.pnck|[A-Za-z0-9_.<>-]+\.npy|.+\.tmp-\d+-\d+)$/;

/** Errno codes of a directory that cannot be written (exit status 5, as disk full). */
const WRITE_ERRNO = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/** The nearest existing ancestor of p (p itself if it exists). */
function existingAncestor(p: string): string {
  let cur = resolve(p);
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

/** Refuses an output path that is a file or lies on a virtual file system; run before any work. */
export function checkOutPath(dir: string, flag = '--out'): void {
  if (dir.length === 0 || dir.includes('\u0000')) throw new UsageError(`${flag} ${JSON.stringify(dir)}: not a usable directory name`);
  let real: string;
  try {
    real = realpathSync(existingAncestor(dir));
  } catch {
    real = existingAncestor(dir);
  }
  if (/^\/(proc|sys|dev)(\/|$)/.test(real)) throw new UsageError(`${flag} '${dir}' lies under /${real.split('/')[1]}, a virtual file system: choose a directory on disk`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${flag} '${dir}' is a file, not a directory: choose another path`);
  const anc = existingAncestor(dir);
  if (anc !== resolve(dir) && !statSync(anc).isDirectory()) throw new UsageError(`cannot create output directory '${dir}' (${flag}): '${anc}' is a file, so no directory can be made under it`);
}

/** Whether process `pid` is alive (EPERM: alive, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface OutLock {
  path: string;
  release(): void;
}

/** Takes <dir>/.plasticnet.lock; a live holder is refused (exit 2), a dead one's lock is taken over. */
export function acquireLock(dir: string): OutLock {
  const path = safeJoin(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        if (typeof code === 'string' && WRITE_ERRNO.has(code)) throw new OutputWriteError(path, code, e);
        throw e;
      }
      let holder: { pid?: unknown; host?: unknown } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
      } catch {
        holder = {}; // unreadable or half-written: treated as stale
      }
      const pid = typeof holder.pid === 'number' && Number.isInteger(holder.pid) && holder.pid > 0 ? holder.pid : null;
      const sameHost = holder.host === undefined || holder.host === hostname();
      if (pid !== null && pid !== process.pid && (alive(pid) || !sameHost))
        throw new UsageError(`'${dir}' is in use by another plasticnet process (PID ${pid}${sameHost ? '' : ` on ${String(holder.host)}`}, lock ${path}): wait for it, stop it, or choose another --out`);
      rmSync(path, { force: true }); // stale: its process is gone
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      try {
        const held = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
        if (held.pid === process.pid) rmSync(path, { force: true });
      } catch {
        // already gone
      }
    };
    process.on('exit', release);
    return { path, release };
  }
  throw new UsageError(`cannot take the lock ${path} (another process keeps recreating it)`);
}

/** Files of an earlier run that --force removes (the lock and unrelated files stay). */
export function previousOutputs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => OUTPUT_FILE.test(f) && lstatSync(safeJoin(dir, f)).isFile());
}

/**
 * Creates `dir` (and its parents): a write failure (isWriteError of its errno: the disk, quota, permissions)
 * is an OutputWriteError, anything else (a file in the way, a bad name) a UsageError naming the directory.
 */
export function createOutDir(dir: string, isWriteError: (code: string) => boolean = (c) => WRITE_ERRNO.has(c)): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && isWriteError(code)) throw new OutputWriteError(dir, code, e);
    throw new UsageError(`cannot create output directory '${dir}': ${(e as Error).message}`);
  }
}

/**
 * Makes the output directory ready: refuses a non-empty one without --force, creates it, locks it and
 * (with --force) removes the previous outputs so none of them can be mistaken for the new run's.
 */
export function prepareOut(dir: string, force: boolean): OutLock {
  checkOutPath(dir);
  const entries = existsSync(dir) ? readdirSync(dir).filter((f) => f !== LOCK_FILE) : [];
  if (entries.length > 0 && !force) throw new UsageError(`output directory '${dir}' exists and is not empty (use --force to overwrite)`);
  createOutDir(dir);
  const lock = acquireLock(dir);
  if (force) {
    try {
      for (const f of previousOutputs(dir)) rmSync(safeJoin(dir, f), { force: true });
    } catch (e) {
      lock.release();
      throw e;
    }
  }
  return lock;
}
