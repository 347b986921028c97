// Checkpoints: the .pnck format (CRC-32, every corruption refused with its reason, atomic writes that
// survive a full disk), bit-exact snapshot/restore of every engine state (correlated-input rings, input
// windows, two plastic projections, mid-bin), the CLI kill -9 + resume giving byte-identical outputs, the
// refusal of a changed spec or a corrupt checkpoint (exit 2), and a lost (fake) WebGPU device resumed on
// the CPU backend.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/network.ts';
import { runCommand } from '../../src/cli/commands/run.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { parseCheckpointEvery } from '../../src/cli/runSession.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { snapshotOf } from '../../src/io/runCheckpoint.ts';
import { CheckpointError, crc32, decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.ts';
import { nodeIo, OutputWriteError, readCheckpointFile, writeCheckpointFile, type WriteIo } from '../../src/io/checkpointFile.ts';
import { derive } from '../../src/model/derive.ts';
import { cli, expectSameNpy, expectSameRecordings, FlakyGpuEngine, small } from './checkpointHelpers.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'pn-ck-'));

describe('checkpoint format', () => {
  it('CRC-32 is the zlib/IEEE one, also when continued over pieces', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const data = Uint8Array.from({ length: 100003 }, (_, i) => (i * 2654435761) >>> 24);
    const z = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    if (z) expect(crc32(data)).toBe(z(data));
    expect(crc32(data.subarray(50001), crc32(data.subarray(0, 50001)))).toBe(crc32(data));
  });

  it('round-trips meta and typed arrays; each damage is refused with its reason', () => {
    const arrays = { a: Float32Array.from([1.5, NaN, -0, 3e38]), b: new Int32Array([7, -7, 2 ** 31 - 1]), c: new Uint16Array(5).fill(65535), d: new Float64Array(0), e: Uint8Array.from([1, 2, 3]) };
    const good = encodeCheckpoint({ step: 42, note: 'x' }, arrays);
    const back = decodeCheckpoint(good);
    expect(back.meta).toEqual({ step: 42, note: 'x' });
    for (const [k, v] of Object.entries(arrays)) {
      expect(back.arrays[k]!.constructor).toBe(v.constructor);
      expect(Buffer.from(back.arrays[k]!.buffer).equals(Buffer.from(v.buffer, v.byteOffset, v.byteLength))).toBe(true);
    }
    const damaged = (edit: (b: Uint8Array) => Uint8Array) => () => decodeCheckpoint(edit(good.slice()));
    const flip = (at: number) => (b: Uint8Array) => ((b[at]! ^= 0x10), b);
    expect(damaged(flip(0))).toThrow(/bad magic/);
    expect(damaged((b) => ((b[8] = 2), b))).toThrow(/format version 2/);
    expect(damaged(flip(40))).toThrow(/checksum mismatch/); // in the JSON header
    expect(damaged(flip(good.length - 10))).toThrow(/checksum mismatch/); // in a section
    expect(damaged(flip(good.length - 1))).toThrow(/checksum mismatch/); // in the CRC itself
    expect(damaged((b) => b.subarray(0, b.length - 7))).toThrow(/checksum mismatch/);
    expect(damaged((b) => b.subarray(0, 10))).toThrow(/truncated/);
    expect(damaged(flip(0))).toThrow(CheckpointError);
  });

  it('a full disk mid-write fails cleanly: previous checkpoint intact, no temp file left', () => {
    const dir = tmp();
    const path = join(dir, 'checkpoint.pnck');
    const big = new Float32Array(300000).fill(1);
    writeCheckpointFile(path, { step: 1 }, { w: big });
    const before = readFileSync(path);
    let written = 0;
    const full: WriteIo = {
      ...nodeIo,
      writeSync: (fd, d) => {
        if (written > 500000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const n = nodeIo.writeSync(fd, d.subarray(0, 65536)); // partial writes, as a filling disk gives
        written += n;
        return n;
      },
    };
    let err: unknown;
    try {
      writeCheckpointFile(path, { step: 2 }, { w: big.fill(2) }, full);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutputWriteError);
    expect((err as OutputWriteError).code).toBe('ENOSPC');
    expect((err as Error).message).toMatch(/no space left on device/);
    expect(readdirSync(dir)).toEqual(['checkpoint.pnck']);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readCheckpointFile(path).meta['step']).toBe(1);
  });
});

describe('snapshot/restore through a .pnck is bit-exact', () => {
  it.each([
    ['akil-static-corr', 'correlated input: delay rings, priming'],
    ['akil-fig4-opto', 'three populations, a switched input window, two plastic projections'],
    ['akil-fig3f-istdp-ei-ii', 'two trace groups and plastic projections'],
    ['vogels-network', 'conductance-based LIF, refractory periods, iSTDP'],
    ['vogels-single', 'Poisson source populations modulated by filtered-noise signals'],
  ])('%s (%s), cut mid-bin', async (name) => {
    const spec = small(name, 300, 0.6);
    if (name === 'akil-fig4-opto') spec.inputs[1]!.activeWindow_s = { start_s: 0.2, stop_s: 0.4 };
    const d = derive(spec);
    const whole = new CpuEngine(buildNetwork(d));
    await whole.advance(d.nSteps);
    const cut = 2345; // inside bin 23, inside a count window
    const first = new CpuEngine(buildNetwork(derive(spec)));
    await first.advance(cut);
    const snap = await first.snapshot();
    const file = encodeCheckpoint({ step: snap.step, scalars: snap.scalars, snapshotBackend: 'cpu' }, snap.arrays);
    const second = new CpuEngine(buildNetwork(derive(spec)));
    await second.restore(snapshotOf(decodeCheckpoint(file)));
    expect(second.step).toBe(cut);
    await second.advance(d.nSteps - cut);
    expectSameRecordings(await whole.recordings(), await second.recordings());
  });

  it('refuses a snapshot of another network (sizes checked before anything is written)', async () => {
    const a = new CpuEngine(buildNetwork(derive(small('akil-istdp-demo', 300, 0.2))));
    await a.advance(10);
    const b = new CpuEngine(buildNetwork(derive(small('akil-istdp-demo', 400, 0.2))));
    await expect(b.restore(await a.snapshot())).rejects.toThrow(/has 300 elements, this network needs 400/);
    expect(b.step).toBe(0);
  });
});

describe('checkpoint intervals', () => {
  it('--checkpoint-every: wall clock (60s, 10min, 500ms) or simulated time (sim:2s)', () => {
    expect(parseCheckpointEvery('60s')).toEqual({ text: '60s', wall_s: 60 });
    expect(parseCheckpointEvery('10min')).toEqual({ text: '10min', wall_s: 600 });
    expect(parseCheckpointEvery('500ms')).toEqual({ text: '500ms', wall_s: 0.5 });
    expect(parseCheckpointEvery('sim:2s')).toEqual({ text: 'sim:2s', sim_s: 2 });
    expect(() => parseCheckpointEvery('0s')).toThrow(/positive interval/);
  });

  it('runSimulation writes at simulated multiples, after wall intervals, never at the end', async () => {
    const spec = small('akil-static', 200, 0.5);
    const steps: number[] = [];
    await runSimulation(spec, { backend: 'cpu', checkpoint: { everySteps: 1500, write: (s) => void steps.push(s.step) } });
    expect(steps).toEqual([1500, 3000, 4500]);
    const wall: number[] = [];
    await runSimulation(spec, { backend: 'cpu', chunkSteps: 1000, checkpoint: { everyWall_s: 1e-9, write: (s) => void wall.push(s.step) } });
    expect(wall).toEqual([1000, 2000, 3000, 4000]);
  });
});

/** Spawns the CLI as its own process (node + tsx loader: the pid is the simulator itself). */
function spawnCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b) => (err += String(b)));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
  return { child, done };
}

/** Resolves once process `pid` is in the stopped state (Linux /proc/<pid>/stat field 3 = 'T'), or has exited. */
async function waitStopped(pid: number): Promise<void> {
  for (;;) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return; // gone
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'T' || state === 't' || state === 'Z' || state === 'X') return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('kill -9 mid-run, then `plasticnet resume`', () => {
  const args = ['run', 'akil-istdp-demo', '--N', '1000', '--T', '3s', '--backend', 'cpu', '--quiet'];
  const root = tmp();
  const [whole, killed] = [join(root, 'whole'), join(root, 'killed')];

  it('continues bit for bit: spikes, counts, rates, currents and final weights identical to an uninterrupted run', async () => {
    const a = spawnCli([...args, '--out', whole]);
    const b = spawnCli([...args, '--out', killed, '--checkpoint-every', 'sim:0.5s']);
    const ck = join(killed, 'checkpoint.pnck');
    // Deterministic kill at a checkpoint: the child runs in short slices (SIGCONT, 20 ms, SIGSTOP) and the test
    // looks for the checkpoint only while the child is stopped, so the SIGKILL lands at a state that has a
    // checkpoint and has not finished, however loaded the machine (no wall-clock window to hit).
    const pid = b.child.pid!;
    for (;;) {
      b.child.kill('SIGSTOP');
      await waitStopped(pid);
      if (existsSync(ck) || b.child.exitCode !== null) break;
      b.child.kill('SIGCONT');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(existsSync(ck), `the run ended (exit ${b.child.exitCode}) before its first checkpoint`).toBe(true);
    b.child.kill('SIGKILL');
    const k = await b.done;
    expect(k.signal).toBe('SIGKILL');
    expect(existsSync(join(killed, 'summary.json'))).toBe(false); // it really died before the end
    const meta = readCheckpointFile(ck).meta;
    expect(meta['step']).toBeGreaterThan(0);
    expect(meta['step']).toBeLessThan(30000);
    expect((await a.done).code).toBe(0);
    cpSync(killed, join(root, 'changed'), { recursive: true });
    cpSync(killed, join(root, 'corrupt'), { recursive: true });

    const r = spawnCli(['resume', killed, '--quiet']);
    const res = await r.done;
    expect(res.code, res.err).toBe(0);
    const files = expectSameNpy(whole, killed);
    expect(files).toContain('weights_E_from_I_Jscaled.npy');
    expect(files).toContain('spike_counts.npy');
    expect(files).toContain('raster_step.npy');
    expect(existsSync(ck)).toBe(false); // a finished run drops its checkpoint
    const sum = JSON.parse(readFileSync(join(killed, 'summary.json'), 'utf8'));
    expect(sum.meta.stoppedBy).toBe(null);
  });

  it('refuses a changed spec and a corrupt checkpoint, naming the reason (exit 2)', async () => {
    const changed = join(root, 'changed');
    const spec = JSON.parse(readFileSync(join(changed, 'spec.json'), 'utf8'));
    spec.seed = 7;
    writeFileSync(join(changed, 'spec.json'), JSON.stringify(spec, null, 2));
    const c = await cli(['resume', changed, '--quiet']);
    expect(c.status).toBe(2);
    expect(c.err).toMatch(/spec\.json has changed since the checkpoint was written/);
    expect(c.err).toMatch(/seed: 2513 -> 7/);

    const corrupt = join(root, 'corrupt');
    const f = join(corrupt, 'checkpoint.pnck');
    const bytes = readFileSync(f);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(f, bytes);
    const d = await cli(['resume', corrupt, '--quiet']);
    expect(d.status).toBe(2);
    expect(d.err).toMatch(/corrupt: checksum mismatch/);
    expect(d.err).not.toMatch(/\n\s+at /);
    const e = await cli(['resume', join(root, 'whole'), '--quiet']);
    expect(e.status).toBe(2);
    expect(e.err).toMatch(/has finished .* nothing to resume/);

    // an interrupted run without a checkpoint is not "finished": say what stopped it and where its data is
    const stopped = join(root, 'stopped');
    mkdirSync(stopped);
    writeFileSync(join(stopped, 'summary.json'), JSON.stringify({ meta: { interrupted: { reason: 'SIGINT', step: 1234 } } }));
    const s = await cli(['resume', stopped, '--quiet']);
    expect(s.status).toBe(2);
    expect(s.err).toMatch(/stopped by SIGINT at step 1234 and left no checkpoint/);
    expect(s.err).not.toMatch(/has finished/);
  });
});

describe('WebGPU device lost mid-run', () => {
  it('is reported (exit 4, last checkpoint, resume command) and the run finishes on the CPU backend bit for bit', async () => {
    const root = tmp();
    const specFile = join(root, 'spec.json');
    writeFileSync(specFile, JSON.stringify(small('akil-istdp-demo', 500, 1)));
    const base = { backend: 'auto' as const, force: false, quiet: true };
    expect(await runCommand(specFile, { ...base, out: join(root, 'cpu') })).toBe(0);
    const out = join(root, 'gpu');
    const errors: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => void errors.push(a.join(' '));
    let status: number;
    try {
      status = await runCommand(specFile, { ...base, out, checkpointEvery: { text: 'sim:0.2s', sim_s: 0.2 } }, { engineFactory: async (net) => new FlakyGpuEngine(net, 7000) });
    } finally {
      console.error = orig;
    }
    expect(status).toBe(4);
    expect(errors.join('\n')).toMatch(/WebGPU device lost at step 7000 \(reason: unknown: injected by the test\)/);
    expect(errors.join('\n')).toContain(`step 6000, t = 0.6 s): plasticnet resume ${out} --backend cpu`);
    const info = await cli(['checkpoint-info', out]);
    expect(JSON.parse(info.out)).toMatchObject({ step: 6000, reason: 'periodic', engine: { backend: 'webgpu' } });
    const r = await cli(['resume', out, '--backend', 'cpu', '--quiet']);
    expect(r.status, r.err).toBe(0);
    expectSameNpy(join(root, 'cpu'), out);
  });
});
