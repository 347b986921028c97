// Hostile input (issue 15), through the CLI in this process: names that would leave --out, files that are
// devices or endless, sizes past the machine, stale outputs under --force, keys that collide with Object's
// prototype, CSV cells a spreadsheet would evaluate, control characters, and the small ones (BOM, hex N,
// tiny deltaT_mV, unclosed deep JSON, guard checkpoint step). Each case failed on main before the fix.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/sweep/sweepReport.ts';
import { runSweep } from '../../src/sweep/sweep.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { readCheckpointHeader } from '../../src/io/checkpointFile.ts';
import { safeJoin, UnsafePathError } from '../../src/io/safePath.ts';
import { derive } from '../../src/model/derive.ts';
import { getPreset } from '../../src/presets/index.ts';
import { analyze } from '../../src/stats/summary.ts';
import { cli } from './checkpointHelpers.ts';

const root = mkdtempSync(join(tmpdir(), 'pn-hostile-'));
let n = 0;
const fresh = (what = 'x') => join(root, `${what}${n++}`);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A tiny akil-static (N = 200, 200 ms) as JSON, edited, written to a file. */
function specFile(edit: (s: Json) => void = () => {}, preset = 'akil-static'): string {
  const s = structuredClone(getPreset(preset)) as unknown as Json;
  Object.assign(s, { N: 200, T_s: 0.2 });
  s['recording'] = { ...s['recording'], statsStart_s: 0.1, window_ms: 50, bin_ms: 10 };
  edit(s);
  const f = `${fresh('spec')}.json`;
  writeFileSync(f, JSON.stringify(s, null, 2));
  return f;
}

/** Renames population `from` everywhere (populations and projections). */
const rename = (from: string, to: string) => (s: Json) => {
  for (const p of s['populations']) if (p.name === from) p.name = to;
  for (const pr of s['projections']) {
    if (pr.pre === from) pr.pre = to;
    if (pr.post === from) pr.post = to;
  }
};

async function refused(args: string[], message: RegExp, status = 2): Promise<string> {
  const r = await cli(args);
  expect(r.status, `${args.join(' ')}\n${r.err}`).toBe(status);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  return r.err;
}

const NAME_RULE = /a letter \(A-Z, a-z\), then letters, digits, '_', '\.' or '-', without '\.\.'/;

describe('1. names cannot write outside --out', () => {
  it('a population named ../../x is refused by the name rule before anything is written', async () => {
    const out = fresh('o');
    const target = join(root, 'pwned');
    const evil = `../../../../../../..${target}`;
    await refused(['run', specFile(rename('E', evil)), '--out', out, '--quiet'], NAME_RULE);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });
  it('a name with NUL or 300 characters is refused at validation (exit 2), not after the run (exit 5)', async () => {
    for (const bad of ['E\u0000x', 'E'.repeat(300), 'E/I', '.hidden', 'a..b', '__proto__', '']) {
      const out = fresh('o');
      await refused(['run', specFile(rename('E', bad)), '--out', out, '--quiet'], bad === '' ? /non-empty|name of 1 to 64/ : NAME_RULE);
      expect(existsSync(out)).toBe(false);
    }
    await refused(['run', specFile((s) => (s['name'] = 'my run/../../x')), '--out', fresh('o')], /^plasticnet: invalid network spec:\n {2}name = .*name of 1 to 64 characters/);
    await refused(['run', specFile((s) => (s['inputs'][0].name = 'X\n1')), '--out', fresh('o')], /inputs\[0\]\.name = "X\\n1": allowed a name of 1 to 64/);
  });
  it('export-weights and --init-weights refuse a weights manifest whose projection name would leave the directory', async () => {
    const run = fresh('o');
    expect((await cli(['run', specFile(() => {}, 'akil-istdp-demo'), '--out', run, '--quiet'])).status).toBe(0);
    const w = fresh('w');
    expect((await cli(['export-weights', run, '--out', w, '--quiet'])).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(w, 'weights.json'), 'utf8')) as Json;
    manifest['projections'][0].name = `../../pwned2<-I`;
    writeFileSync(join(w, 'weights.json'), JSON.stringify(manifest));
    await refused(['export-weights', w, '--out', fresh('w'), '--quiet'], /projection name "\.\.\/\.\.\/pwned2<-I" is not <post><-<pre> of two valid names/);
    await refused(['run', specFile(() => {}, 'akil-istdp-demo'), '--init-weights', w, '--out', fresh('o'), '--quiet'], /is not <post><-<pre> of two valid names/);
  });
  it('safeJoin keeps every output file under its directory', () => {
    expect(safeJoin('/a/out', 'weights_E_from_I_j.npy')).toBe('/a/out/weights_E_from_I_j.npy');
    for (const bad of ['../x', '..', '.', 'a/b', 'a\\b', 'a\u0000', '', 'x'.repeat(256), '/etc/passwd']) expect(() => safeJoin('/a/out', bad), bad).toThrow(UnsafePathError);
  });
});

describe('3. no stack traces, hangs or unbounded memory', () => {
  it('--out naming an existing file, a path under a file, /proc or /dev: named error, exit 2', async () => {
    const file = fresh('file');
    writeFileSync(file, 'x');
    await refused(['run', specFile(), '--out', file], /--out '.*' is a file, not a directory/);
    await refused(['run', specFile(), '--out', '/proc/plasticnet-x'], /lies under \/proc, a virtual file system/);
    await refused(['run', specFile(), '--out', '/dev/plasticnet-x'], /lies under \/dev, a virtual file system/);
    await refused(['sweep', specFile(), '--N', '100', '--out', file], /is a file, not a directory/);
    await refused(['export-weights', root, '--out', file], /is a file, not a directory/);
  });
  it('a 5000-deep nested description is refused by the depth cap (no stack overflow)', async () => {
    const f = fresh('deep');
    const s = JSON.parse(readFileSync(specFile(), 'utf8')) as Json;
    writeFileSync(f, JSON.stringify({ ...s, description: 'x' }).replace('"description":"x"', `"description":${'['.repeat(5000)}${']'.repeat(5000)}`));
    await refused(['run', f, '--out', fresh('o')], /nested deeper than 64 levels of objects and arrays at line 1, column \d+/);
    await refused(['spec', f], /nested deeper than 64 levels/);
  });
  it('--N 1000000 --backend cpu and --N 150000 are refused before allocating, with the numbers', async () => {
    await refused(['run', 'akil-static', '--N', '1000000', '--backend', 'cpu', '--out', fresh('o')], /N = 1000000: about 1\.200e\+11 synapses, [\d.]+ TiB of host memory .*past the 2147483647 an i32 index can address/);
    const err = await refused(['run', 'akil-static', '--N', '150000', '--max-memory', '16GiB', '--out', fresh('o')], /N = 150000: about 2\.700e\+9 synapses, [\d.]+ GiB of host memory \([\d.]+ GiB on a GPU\), more than the 16\.0 GiB allowed \(--max-memory\)/);
    expect(err).toContain('lower N, or raise --max-memory');
    await refused(['sweep', 'akil-static', '--N', '1000,150000', '--max-memory', '16GiB', '--out', fresh('o')], /N = 150000: about 2\.700e\+9 synapses/);
    await refused(['run', 'akil-static', '--max-memory', 'lots'], /--max-memory 'lots': expected a size such as 8GiB/);
  });
  it('run /dev/zero, a directory, a FIFO-like device and an oversized file: refused at once (exit 2)', async () => {
    const t0 = performance.now();
    await refused(['run', '/dev/zero', '--out', fresh('o')], /spec file '\/dev\/zero' is not a regular file/);
    await refused(['run', '/dev/null', '--out', fresh('o')], /spec file '\/dev\/null' is not a regular file/);
    await refused(['run', '/proc/self/status', '--out', fresh('o')], /lies under \/proc, a virtual file system/);
    const big = `${fresh('big')}.json`;
    writeFileSync(big, Buffer.alloc(9 * 2 ** 20, 0x20));
    await refused(['run', big, '--out', fresh('o')], /has 9437184 bytes; at most 8388608 are read/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe('4. nothing silently wrong', () => {
  it('--force removes the previous run\'s weights_*.npy and j_*.npy', async () => {
    const out = fresh('o');
    expect((await cli(['run', specFile(() => {}, 'akil-istdp-demo'), '--out', out, '--quiet'])).status).toBe(0);
    const before = readdirSync(out);
    expect(before.filter((f) => /^(weights_|j_)/.test(f)).length).toBeGreaterThan(0);
    writeFileSync(join(out, 'notes.txt'), 'mine'); // not an output: kept
    expect((await cli(['run', specFile(), '--out', out, '--force', '--quiet'])).status).toBe(0);
    const after = readdirSync(out);
    expect(after.filter((f) => /^(weights_|j_)/.test(f))).toEqual([]);
    expect(after).toContain('notes.txt');
    expect(after).toContain('summary.json');
    expect(after).not.toContain('.plasticnet.lock');
  });
  it('population fractions summing past 1 are refused (within 1e-9)', async () => {
    await refused(['run', specFile((s) => (s['populations'][1].fraction = 0.7)), '--out', fresh('o')], /populations = "\(fractions summing to 1\.5\)": allowed population fractions summing to at most 1 \(within 1e-9\)/);
  });
  it('a population named like an Object.prototype member keeps its summary entry; __proto__ survives analyze()', async () => {
    const out = fresh('o');
    expect((await cli(['run', specFile(rename('I', 'constructor')), '--out', out, '--quiet'])).status).toBe(0);
    const sum = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Json;
    expect(Object.keys(sum['populations'])).toEqual(['E', 'constructor']);
    expect(sum['populations']['constructor'].size).toBe(40);
    // '__proto__' is outside the name rule, but the statistics do not depend on it: built without validate().
    const s = JSON.parse(readFileSync(specFile(rename('I', '__proto__')), 'utf8'));
    const e = new CpuEngine(buildNetwork(derive(s)));
    for (let k = 0; k < 100; k++) e.stepOnce();
    const a = analyze(await e.recordings());
    expect(Object.keys(a.summary.populations)).toEqual(['E', '__proto__']);
    expect(JSON.parse(JSON.stringify(a.summary.populations))['__proto__'].size).toBe(40);
    expect(Object.keys(a.summary.pairs)).toContain('__proto__-__proto__');
  });
  it('CSV: header cells quoted per RFC 4180, formula-leading text neutralised, numbers untouched', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1.5)).toBe('-1.5');
    const csv = toCsv([{ 'set:a,b': '=cmd|calc', 'rate_E,I_Hz': 3 }]);
    expect(csv).toBe(`"set:a,b","rate_E,I_Hz"\n'=cmd|calc,3\n`);
    expect(csv.split('\n')[0]!.match(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)!.length).toBe(2);
  });
  it('sweep table.csv: a --set text value starting with = or @ is written as text', async () => {
    const out = fresh('sw');
    const r = await cli(['sweep', specFile(), '--N', '100', '--T', '0.1s', '--set', 'description==1+1,@SUM(A1)', '--out', out, '--quiet']);
    expect(r.status, r.err).toBe(0);
    const rows = readFileSync(join(out, 'table.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toContain('set:description');
    expect(rows[1]).toContain(",'=1+1,");
    expect(rows[2]).toContain(",'@SUM(A1),");
    for (const l of rows) expect(l).not.toMatch(/(^|,)[=+@]/); // no field starts a formula
  });
  it('control characters never reach the terminal (spec names, file names, flags)', async () => {
    const esc = '\u001b[2J\u001b]0;pwned\u0007';
    const errs = [
      await refused(['run', specFile((s) => (s['name'] = `x${esc}`)), '--out', fresh('o')], NAME_RULE),
      await refused(['run', `/nonexistent/${esc}.json`], /does not exist/),
      await refused(['run', 'akil-static', '--N', `1${esc}`], /expected a finite number/),
      await refused(['run', `no-such-preset${esc}`], /unknown preset/),
    ];
    for (const e of errs) expect(e).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('5. the minor ones', () => {
  it('a UTF-8 BOM is skipped; --N 0x3e8 is refused; deltaT_mV 1e-300 is refused', async () => {
    const plain = readFileSync(specFile(), 'utf8');
    const bom = `${fresh('bom')}.json`;
    writeFileSync(bom, `\ufeff${plain}`);
    expect((await cli(['run', bom, '--out', fresh('o'), '--quiet'])).status).toBe(0);
    for (const hex of ['0x3e8', '0b1111101000', '0o1750']) await refused(['run', 'akil-static', '--N', hex], /expected a finite number in decimal/);
    await refused(['sweep', 'akil-static', '--N', '0x3e8'], /not a finite number in decimal/);
    await refused(['run', specFile((s) => (s['populations'][0].neuron.deltaT_mV = 1e-300)), '--out', fresh('o')], /populations\[0\]\.neuron\.deltaT_mV = 1e-300: allowed a finite number in \[0\.01, 100\]/);
  });
  it('an unclosed, deeply nested JSON file is reported where it ends, not at line 1, column 1', async () => {
    const f = `${fresh('unclosed')}.json`;
    writeFileSync(f, `{\n  "name": "x",\n  "a": ${'['.repeat(60)}`);
    await refused(['run', f, '--out', fresh('o')], /invalid JSON at line 3, column 68: Unexpected end/);
    writeFileSync(f, `{\n  "name": "x",\n  "a": ${'['.repeat(20000)}`); // main said line 1, column 1 here
    await refused(['run', f, '--out', fresh('o')], /nested deeper than 64 levels of objects and arrays at line 3, column 71/);
  });
  it('a guard checkpoint counts the step where the guard fired, as summary.json does', async () => {
    const out = fresh('o');
    expect((await cli(['run', specFile((s) => (s['maxRate_Hz'] = 0.01)), '--out', out, '--quiet'])).status).toBe(3);
    const sum = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Json;
    const meta = readCheckpointHeader(join(out, 'guard.pnck')).meta as Json;
    expect(meta['step']).toBe(sum['steps']);
    expect(meta['step']).toBe(meta['stoppedBy'].step + 1);
    expect(meta['t_s']).toBeCloseTo((sum['steps'] * sum['dt_ms']) / 1000, 12);
  });
  it.skipIf(process.getuid?.() === 0)('a read-only --out parent is exit 5 (cannot write outputs), not 2', async () => {
    const ro = fresh('ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    await refused(['run', specFile(), '--out', join(ro, 'sub'), '--quiet'], /cannot write/, 5);
  });
});

describe('2. stopping between chunks (what SIGINT/SIGTERM ask for)', () => {
  it('runSimulation stops at the next chunk, keeps the recordings and writes a resumable checkpoint first', async () => {
    const spec = JSON.parse(readFileSync(specFile(), 'utf8'));
    let asked = 0;
    const written: { reason: string; step: number }[] = [];
    const r = await runSimulation(spec, {
      backend: 'cpu',
      chunkSteps: 100,
      shouldStop: () => (++asked > 3 ? 'SIGTERM' : null),
      checkpoint: { everySteps: 10_000, write: (snap, info) => void written.push({ reason: info.reason, step: snap.step }) },
    });
    expect(r.interrupted).toEqual({ reason: 'SIGTERM', step: 300 });
    expect(r.recordings.steps).toBe(300);
    expect(written).toEqual([{ reason: 'periodic', step: 300 }]);
  });
  it('runSweep stops between cells and does not save the unfinished one', async () => {
    const base = JSON.parse(readFileSync(specFile(), 'utf8'));
    const out = fresh('sw');
    let cellsDone = 0;
    const res = await runSweep({
      base,
      grid: { N: [100, 120, 140], seeds: [1], c: [0], set: [] },
      out,
      backend: 'cpu',
      T_s: 0.1,
      meta: { commit: 'test', date: '', host: '' },
      onCellDone: () => void cellsDone++,
      shouldStop: () => (cellsDone >= 1 ? 'SIGINT' : null),
    });
    expect(res.interrupted).toBe('SIGINT');
    expect(res.cells.length).toBe(1);
    expect(readdirSync(join(out, 'cells'))).toEqual([`${res.cells[0]!.id}.json`]);
  });
});

describe('2. one writer per --out', () => {
  it('a live lock is refused (exit 2) and leaves the directory alone; a stale one (dead PID) is taken over', async () => {
    const out = fresh('o');
    mkdirSync(out);
    const sleeper = spawn('sleep', ['30']);
    try {
      writeFileSync(join(out, '.plasticnet.lock'), JSON.stringify({ pid: sleeper.pid }));
      await refused(['run', specFile(), '--out', out, '--quiet'], new RegExp(`is in use by another plasticnet process \\(PID ${sleeper.pid}`));
      expect(readdirSync(out)).toEqual(['.plasticnet.lock']);
    } finally {
      sleeper.kill('SIGKILL');
    }
    await new Promise((r) => sleeper.once('exit', r));
    expect((await cli(['run', specFile(), '--out', out, '--quiet'])).status).toBe(0);
    expect(readdirSync(out)).not.toContain('.plasticnet.lock');
    expect(readdirSync(out)).toContain('summary.json');
  });
});
