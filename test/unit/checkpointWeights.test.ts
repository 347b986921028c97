// Saving and loading a trained network: `plasticnet export-weights` writes the exact learned weights
// (scaled J as the engine holds them, j, synapses) and the spec; `plasticnet run --init-weights` starts a
// new run from them with everything else reset (V, currents, traces, recordings, time), also under
// another seed (the learned synapses replace the seed-built ones), from a run directory, a weights
// directory or a checkpoint; mismatching networks are refused with the reason before anything is written.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJson, readNpy } from '../../src/io/files.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { cli, small } from './checkpointHelpers.ts';

const root = mkdtempSync(join(tmpdir(), 'pn-w-'));
const A = join(root, 'A'); // the learning run
const W = join(root, 'W'); // its exported weights
const file = (name: string, spec: NetworkSpec) => {
  const f = join(root, name);
  writeFileSync(f, JSON.stringify(spec));
  return f;
};
const npy = (dir: string, name: string) => readFileSync(join(dir, `${name}.npy`));
/** The demo with E<-I learning switched off (eta = 0): its weights stay exactly as loaded. */
const frozen = (T_s: number) => {
  const s = small('akil-istdp-demo', 500, T_s);
  s.projections[1]!.plasticity!.eta = 0;
  return s;
};

beforeAll(async () => {
  const r = await cli(['run', file('a.json', small('akil-istdp-demo', 500, 1)), '--backend', 'cpu', '--quiet', '--out', A]);
  expect(r.status, r.err).toBe(0);
});

describe('export-weights', () => {
  it('writes the exact learned weights, synapses and spec', async () => {
    const r = await cli(['export-weights', A, '--out', W]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/E<-I: \d+ synapses/);
    const m = readJson(join(W, 'weights.json')) as { format: string; projections: { name: string; synapses: number; exact: boolean }[] };
    expect(m.format).toBe('plasticnet-weights');
    expect(m.projections).toEqual([expect.objectContaining({ name: 'E<-I', tag: 'E_from_I', exact: true })]);
    for (const k of ['Jscaled', 'j', 'pre', 'post']) expect(npy(W, `weights_E_from_I_${k}`).equals(npy(A, `weights_E_from_I_${k}`)), k).toBe(true);
    expect(readNpy(join(W, 'weights_E_from_I_Jscaled.npy')).data.length).toBe(m.projections[0]!.synapses);
    expect(readJson(join(W, 'spec.json'))).toEqual(readJson(join(A, 'spec.json')));
    const again = await cli(['export-weights', A, '--out', W]);
    expect(again.status).toBe(2);
    expect(again.err).toMatch(/exists and is not empty \(use --force/);
  });
});

describe('run --init-weights', () => {
  it('starts from the learned weights bit for bit, everything else reset', async () => {
    const B = join(root, 'B');
    const r = await cli(['run', file('b.json', frozen(0.5)), '--backend', 'cpu', '--init-weights', W, '--out', B]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/init weights: E<-I: \d+ synapses from .* \(same synapses as this seed builds\)/);
    expect(npy(B, 'weights_E_from_I_Jscaled').equals(npy(A, 'weights_E_from_I_Jscaled'))).toBe(true);
    // Every bin of the frozen run has the learned mean weight, computed from identical f32 weights.
    const jA = readNpy(join(A, 'j_mean.npy')).data;
    const jB = readNpy(join(B, 'j_mean.npy')).data;
    expect(jB.length).toBe(5); // a new run: its own T, bins from 0
    for (const x of jB) expect(x).toBe(jA[jA.length - 1]);
    // The learned E<-I weights (about -120 from -150) change the dynamics: E rates differ from a fresh start.
    const C = join(root, 'C');
    expect((await cli(['run', join(root, 'b.json'), '--backend', 'cpu', '--quiet', '--out', C])).status).toBe(0);
    expect(npy(C, 'population_rate_Hz').equals(npy(B, 'population_rate_Hz'))).toBe(false);
  });

  it('under another seed the learned synapses replace the seed-built ones (and a run directory is a source too)', async () => {
    const D = join(root, 'D');
    const r = await cli(['run', join(root, 'b.json'), '--backend', 'cpu', '--seed', '99', '--init-weights', A, '--out', D]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/their synapses replace the seed-built ones/);
    for (const k of ['Jscaled', 'pre', 'post']) expect(npy(D, `weights_E_from_I_${k}`).equals(npy(A, `weights_E_from_I_${k}`)), k).toBe(true);
  });

  it('takes the weights of a checkpoint (.pnck) too', async () => {
    const G = join(root, 'G');
    const g = await cli(['run', file('g.json', { ...small('akil-istdp-demo', 500, 0.5), maxRate_Hz: 0.001 }), '--backend', 'cpu', '--quiet', '--out', G]);
    expect(g.status).toBe(3); // stopped by the rate guard at 0.1 s: guard.pnck holds the weights there
    const E = join(root, 'E');
    const r = await cli(['export-weights', join(G, 'guard.pnck'), '--out', E, '--quiet']);
    expect(r.status, r.err).toBe(0);
    expect(npy(E, 'weights_E_from_I_Jscaled').equals(npy(G, 'weights_E_from_I_Jscaled'))).toBe(true);
    const F = join(root, 'F');
    expect((await cli(['run', join(root, 'b.json'), '--backend', 'cpu', '--quiet', '--init-weights', join(G, 'guard.pnck'), '--out', F])).status).toBe(0);
    expect(npy(F, 'weights_E_from_I_Jscaled').equals(npy(G, 'weights_E_from_I_Jscaled'))).toBe(true);
  });

  it('refuses weights that do not fit the spec, with the reason, before touching the output directory', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'akil-istdp-demo', '--N', '400', '--T', '0.2s'], /synapse 0 \(pre \d+, post \d+\) lies outside this spec's populations .*\(N = 500\)/],
      [['run', 'akil-static', '--N', '500', '--T', '0.2s'], /projection E<-I is static in this spec/],
      [['run', file('clip.json', { ...frozen(0.2), projections: frozen(0.2).projections.map((p, i) => (i === 1 ? { ...p, j: -100, plasticity: { ...p.plasticity!, bounds: { jMin: -110, jMax: 0, mode: 'clip' as const } } } : p)) })], /outside this spec's clip bounds \[-110, 0\]/],
    ];
    for (const [args, msg] of cases) {
      const out = join(root, `refused-${Math.random().toString(36).slice(2)}`);
      const r = await cli([...args, '--backend', 'cpu', '--quiet', '--init-weights', W, '--out', out]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
    const missing = await cli(['run', 'akil-istdp-demo', '--init-weights', join(root, 'nope'), '--out', join(root, 'x')]);
    expect(missing.status).toBe(2);
    expect(missing.err).toMatch(/nope' does not exist/);
  });
});
