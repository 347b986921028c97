// A disk that fills, simulated by a mocked node:fs whose writes fail with ENOSPC after writing part of
// the data: the CLI stops with a clean message (exit 5, no stack trace), leaves no partial or temporary
// file, keeps every file written before complete, keeps the last good checkpoint, and a run whose
// checkpoint write failed resumes from the previous checkpoint to the same result as an uninterrupted run.
import { readdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import type * as FS from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readCheckpointFile } from '../../src/io/checkpointFile.ts';
import { readNpy } from '../../src/io/files.ts';
import { cli, expectSameNpy, small } from './checkpointHelpers.ts';

const ctl = vi.hoisted(() => ({
  /** Fail writeFileSync for paths this returns true for. */
  failFile: null as null | ((path: string) => boolean),
  /** Fail the fd writes of the n-th checkpoint temp file opened (1-based; 0: never). */
  failCheckpoint: 0,
  checkpointsOpened: 0,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const failing = new Set<number>();
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28 });
  const mocked = {
    ...fs,
    writeFileSync: (p: FS.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, o?: FS.WriteFileOptions) => {
      if (typeof p === 'string' && ctl.failFile?.(p)) {
        fs.writeFileSync(p, typeof data === 'string' ? data.slice(0, data.length >> 1) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength >> 1));
        throw enospc();
      }
      return fs.writeFileSync(p, data, o);
    },
    openSync: (p: FS.PathLike, flags: FS.OpenMode, mode?: FS.Mode) => {
      const fd = fs.openSync(p, flags, mode);
      if (String(p).includes('checkpoint.pnck.tmp-') && ++ctl.checkpointsOpened === ctl.failCheckpoint) failing.add(fd);
      return fd;
    },
    writeSync: (fd: number, data: Uint8Array, ...rest: unknown[]) => {
      if (failing.has(fd)) {
        failing.delete(fd); // descriptors are reused once closed
        fs.writeSync(fd, data.subarray(0, data.length >> 1));
        throw enospc();
      }
      return (fs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    },
  };
  return { ...mocked, default: mocked };
});

const noTemp = (dir: string) => expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);

describe('disk full (ENOSPC)', () => {
  it('writing outputs: clean message, exit 5, no partial file, earlier files complete', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pn-full-')), 'run');
    ctl.failFile = (p) => p.includes('report.html');
    let r;
    try {
      r = await cli(['run', 'akil-static', '--N', '200', '--T', '0.2s', '--backend', 'cpu', '--quiet', '--out', out]);
    } finally {
      ctl.failFile = null;
    }
    expect(r.status).toBe(5);
    expect(r.err).toMatch(/cannot write '.*run': no space left on device \(ENOSPC\)/);
    expect(r.err).toMatch(/no partial file was left/);
    expect(r.err).not.toMatch(/\n\s+at /);
    noTemp(out);
    expect(readdirSync(out)).not.toContain('report.html');
    expect(readNpy(join(out, 'spike_counts.npy')).shape[1]).toBe(200); // complete
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).meta.N).toBe(200);
  });

  it('writing a checkpoint: the run stops cleanly, the previous checkpoint survives and resumes to the same result', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-full-'));
    const spec = join(root, 'spec.json');
    writeFileSync(spec, JSON.stringify(small('akil-istdp-demo', 300, 0.6)));
    const whole = join(root, 'whole');
    expect((await cli(['run', spec, '--backend', 'cpu', '--quiet', '--out', whole])).status).toBe(0);
    const out = join(root, 'run');
    ctl.checkpointsOpened = 0;
    ctl.failCheckpoint = 2; // the second checkpoint (t = 0.4 s) hits the full disk
    let r;
    try {
      r = await cli(['run', spec, '--backend', 'cpu', '--quiet', '--checkpoint-every', 'sim:0.2s', '--out', out]);
    } finally {
      ctl.failCheckpoint = 0;
    }
    expect(r.status).toBe(5);
    expect(r.err).toMatch(/cannot write '.*checkpoint\.pnck': no space left on device \(ENOSPC\)/);
    noTemp(out);
    expect(readCheckpointFile(join(out, 'checkpoint.pnck')).meta['step']).toBe(2000);
    const res = await cli(['resume', out, '--quiet']);
    expect(res.status, res.err).toBe(0);
    expectSameNpy(whole, out);
  });
});
