// Bad input everywhere, through the CLI in this process: every case exits with status 2 and a message
// naming the problem, never a stack trace. Spec files (JSON syntax with line and column, not an object,
// unknown fields, wrong types, out-of-range values, inconsistent sizes, limits of the engines), preset
// names, flags, missing or unreadable files, existing output directories, and the checkpoint commands.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../src/presets/index.ts';
import { cli } from './checkpointHelpers.ts';

const root = mkdtempSync(join(tmpdir(), 'pn-bad-'));
let n = 0;
const out = () => join(root, `out${n++}`);
const specFile = (text: string) => {
  const f = join(root, `spec${n++}.json`);
  writeFileSync(f, text);
  return f;
};
/** The demo preset as JSON with one edit. */
const edited = (edit: (s: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  const s = structuredClone(getPreset('akil-static')) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  edit(s);
  return specFile(JSON.stringify(s, null, 2));
};

async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await cli(args);
  expect(r.status, `${args.join(' ')}\n${r.err}`).toBe(2);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
}

describe('bad spec files are refused with the field, value and allowed range (exit 2)', () => {
  const cases: [string, () => string, RegExp][] = [
    ['JSON syntax error', () => specFile('{\n  "N": 5000,\n  "dt_ms": 0.1,,\n}'), /invalid JSON at line 3, column \d+/],
    ['empty file', () => specFile(''), /invalid JSON/],
    ['not an object', () => specFile('[1, 2]'), /a spec must be a JSON object/],
    ['unknown field', () => edited((s) => (s['tauMembrane'] = 3)), /spec\.tauMembrane = 3: allowed no such field \(known: name, /],
    ['unknown nested field', () => edited((s) => (s['populations'][0].neuron.Vth = -50)), /populations\[0\]\.neuron\.Vth = -50: allowed no such field/],
    ['wrong type', () => edited((s) => (s['seed'] = '2538')), /seed = "2538": allowed an integer in \[0, 4294967295\]/],
    ['wrong type (object for number)', () => edited((s) => (s['projections'][0].p = { p: 0.1 })), /projections\[0\]\.p = \{"p":0\.1\}: allowed a finite number in \[0, 1\]/],
    ['out of range', () => edited((s) => (s['projections'][0].p = 1.5)), /projections\[0\]\.p = 1\.5: allowed a finite number in \[0, 1\]/],
    ['missing field', () => edited((s) => delete s['recording']), /recording = \(missing\): allowed an object/],
    ['size giving no neurons', () => edited((s) => (s['N'] = 2)), /populations\[1\]\.fraction = 0\.2: allowed a fraction giving at least one neuron at N = 2/],
    ['projection to an unknown population', () => edited((s) => (s['projections'][1].pre = 'Z')), /projections\[1\]\.pre = "Z": allowed a population or input name \(E, I, X\)/],
    ['T not a whole number of steps', () => edited((s) => (s['T_s'] = 1.00005)), /T_s = 1\.00005: allowed a whole number of steps/],
    ['input layer beyond the per-step Poisson table', () => edited((s) => ((s['N'] = 1e6), (s['inputs'][0].rate_Hz = 1000))), /inputs\[0\]\.rate_Hz = 1000: allowed at most .* Hz for 200000 sources/],
    ['time constant below dt', () => edited((s) => (s['populations'][1].tauSyn_ms = 0.05)), /populations\[1\]\.tauSyn_ms = 0\.05: allowed >= dt_ms = 0\.1/],
    ['count window beyond u16 counts', () => edited((s) => (s['recording'].window_ms = 7000)), /recording\.window_ms = 7000: allowed at most 6553\.5 ms/],
    ['jitter ring too long', () => edited((s) => ((s['dt_ms'] = 0.001), (s['T_s'] = 1), (s['recording'].window_ms = 10), (s['recording'].bin_ms = 10), (s['inputs'][0].correlation = 0.1), (s['inputs'][0].jitter_ms = 30))), /inputs\[0\]\.jitter_ms = 30: allowed at most 25 ms at dt_ms = 0\.001/],
  ];
  it.each(cases)('%s', async (_what, make, message) => refused(['run', make(), '--out', out()], message));
});

describe('bad flags, names and files are refused (exit 2)', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['unknown preset lists the presets', () => ['run', 'akil-statc'], /unknown preset 'akil-statc': known presets are akil-static, /],
    ['missing spec file', () => ['run', join(root, 'nope.json')], /spec file '.*nope\.json' does not exist/],
    ['unreadable spec file (a directory)', () => (mkdirSync(join(root, 'dir.json'), { recursive: true }), ['run', join(root, 'dir.json')]), /cannot read spec file '.*dir\.json': EISDIR/],
    ['non-numeric --N', () => ['run', 'akil-static', '--N', 'abc'], /--N 'abc': expected a finite number/],
    ['fractional --N', () => ['run', 'akil-static', '--N', '1.5'], /--N '1\.5': expected an integer/],
    ['bad --T', () => ['run', 'akil-static', '--T', '5parsecs'], /--T '5parsecs': expected a duration/],
    ['negative --seed', () => ['run', 'akil-static', '--seed', '-1', '--out', out()], /seed = -1: allowed an integer in \[0, 4294967295\]/],
    ['unknown backend', () => ['run', 'akil-static', '--backend', 'gpu'], /--backend 'gpu': allowed auto, cpu, webgpu/],
    ['unknown GPU schedule', () => ['run', 'akil-static', '--gpu-schedule', 'persistent'], /--gpu-schedule 'persistent': allowed auto, resident, fused, passes/],
    ['zero checkpoint interval', () => ['run', 'akil-static', '--checkpoint-every', '0s'], /--checkpoint-every '0s': expected a positive interval/],
    ['bad simulated checkpoint interval', () => ['run', 'akil-static', '--checkpoint-every', 'sim:soon'], /--checkpoint-every 'soon': expected a duration/],
    ['unknown option', () => ['run', 'akil-static', '--frobnicate'], /unknown option '--frobnicate'/],
    ['missing argument', () => ['run'], /missing required argument 'spec'/],
    ['unknown command', () => ['rnu', 'akil-static'], /unknown command 'rnu'/],
    ['output directory exists', () => (mkdirSync(join(root, 'full'), { recursive: true }), writeFileSync(join(root, 'full', 'x'), 'x'), ['run', 'akil-static', '--out', join(root, 'full')]), /output directory '.*full' exists and is not empty \(use --force to overwrite\)/],
    ['output path is a file', () => (writeFileSync(join(root, 'afile'), 'x'), ['run', 'akil-static', '--N', '100', '--T', '0.01s', '--out', join(root, 'afile', 'sub')]), /cannot create output directory '.*afile\/sub'/],
    ['resume: no such directory', () => ['resume', join(root, 'gone')], /run directory '.*gone' does not exist/],
    ['resume: no checkpoint', () => (mkdirSync(join(root, 'empty'), { recursive: true }), ['resume', join(root, 'empty')]), /no checkpoint at '.*checkpoint\.pnck' \(was the run started with --checkpoint-every\?\)/],
    ['checkpoint-info: not a checkpoint', () => ['checkpoint-info', edited(() => {})], /is not a plasticnet checkpoint \(bad magic bytes\)/],
    ['export-weights: nothing to export', () => (mkdirSync(join(root, 'empty2'), { recursive: true }), ['export-weights', join(root, 'empty2'), '--out', out()]), /holds no weights\.json, finished run \(summary\.json\) or checkpoint\.pnck \(it is empty\)/],
    ['export-weights: --out missing', () => ['export-weights', root], /required option '--out <dir>' not specified/],
  ];
  it.each(cases)('%s', async (_what, args, message) => refused(args(), message));

  it('--force overwrites an existing output directory', async () => {
    const r = await cli(['run', 'akil-static', '--N', '100', '--T', '0.02s', '--backend', 'cpu', '--quiet', '--force', '--out', join(root, 'full')]);
    expect(r.status, r.err).toBe(0);
  });
});
