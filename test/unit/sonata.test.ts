// Handing a network over (docs/scale-out.md): SONATA export -> import -> run reproduces the network arrays
// bit for bit and the same spikes on the same engine; h5py (an HDF5 reader independent of h5wasm) reads
// the same arrays; the generated PyNN script compiles and names every population and projection; names,
// models without an equivalent and paths are refused with exit 2.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/files.ts';
import { collectNetwork } from '../../src/io/export/network.ts';
import { pyStr, under } from '../../src/io/export/names.ts';
import { readSonata } from '../../src/io/export/sonata.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { vogelsNetwork } from '../../src/presets/vogels2011.ts';
import { cli, small } from './checkpointHelpers.ts';

const PY = process.env.PLASTICNET_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const root = mkdtempSync(join(tmpdir(), 'pn-sonata-'));
const A = join(root, 'A'); // a learning run
const S = join(root, 'S'); // its SONATA export
const W = join(root, 'W'); // imported back
const file = (name: string, spec: NetworkSpec) => {
  const f = join(root, name);
  writeFileSync(f, JSON.stringify(spec));
  return f;
};
/** The Vogels network at N = 300 (in-degree kept: p = 0.67), iSTDP from t = 0, fast learning so weights move. */
const spec = (): NetworkSpec => {
  const s = vogelsNetwork({ N: 300, T_s: 0.3, plasticFrom_s: 0, eta: 0.05 });
  s.recording = { ...s.recording, rasterNeurons: 300, bin_ms: 100, statsStart_s: 0.1 };
  return s;
};
const npy = (dir: string, name: string) => readFileSync(join(dir, `${name}.npy`));

beforeAll(async () => {
  const r = await cli(['run', file('a.json', spec()), '--backend', 'cpu', '--quiet', '--out', A]);
  expect(r.status, r.err).toBe(0);
  const e = await cli(['export', A, '--format', 'sonata', '--out', S]);
  expect(e.status, e.err).toBe(0);
  const i = await cli(['import', S, '--out', W]);
  expect(i.status, i.err).toBe(0);
  expect(i.out).toMatch(/E<-I: \d+ synapses, plastic, learned weights/);
  expect(i.out).toMatch(/E<-E: \d+ synapses, static, identical to the seed-built ones/);
});

describe('SONATA round trip', () => {
  it('reads back the exported network arrays bit for bit', async () => {
    const x = collectNetwork(A);
    const s = await readSonata(S);
    expect(s.spec).toEqual(x.spec);
    for (const [k, p] of x.projections.entries()) {
      const q = s.projections[k]!;
      expect(q.name).toBe(p.pr.name);
      expect(Buffer.from(q.pre.buffer, q.pre.byteOffset, q.pre.byteLength).equals(Buffer.from(p.pre.buffer, p.pre.byteOffset, p.pre.byteLength)), `${q.name} pre`).toBe(true);
      expect(Buffer.from(q.post.buffer, q.post.byteOffset, q.post.byteLength).equals(Buffer.from(p.post.buffer, p.post.byteOffset, p.post.byteLength)), `${q.name} post`).toBe(true);
      expect(Buffer.from(q.J.buffer, q.J.byteOffset, q.J.byteLength).equals(Buffer.from(p.J.buffer, p.J.byteOffset, p.J.byteLength)), `${q.name} J`).toBe(true);
    }
    // the learned E<-I weights moved away from the spec's 1e-10 nS, so the comparison above is not trivial
    expect(Math.max(...s.projections[3]!.J)).toBeGreaterThan(0.01);
    for (const p of x.net.derived.pops) expect(Array.from(s.v0.get(p.name)!)).toEqual(Array.from(x.net.v0.subarray(p.offset, p.offset + p.size)));
    // the run's spikes, in SONATA's spike format (time = (step + 1) dt)
    const steps = readNpy(join(A, 'raster_step.npy')).data as Int32Array;
    const ids = readNpy(join(A, 'raster_neuron.npy')).data as Int32Array;
    const nE = x.net.derived.pops[0]!.size;
    const e = s.spikes.get('E')!;
    const want = Array.from(steps).flatMap((st, k) => (ids[k]! < nE ? [[Number(((st + 1) * 0.1).toFixed(9)), ids[k]!]] : []));
    expect(Array.from(e.timestamps, (t, k) => [Number(t.toFixed(9)), e.nodeIds[k]!])).toEqual(want);
    expect(want.length).toBeGreaterThan(100);
  });

  it('export -> import -> run gives the same spikes and weights as running from the source run', async () => {
    const B = join(root, 'B');
    const C = join(root, 'C');
    const rb = await cli(['run', join(W, 'spec.json'), '--backend', 'cpu', '--quiet', '--init-weights', W, '--out', B]);
    expect(rb.status, rb.err).toBe(0);
    const rc = await cli(['run', join(W, 'spec.json'), '--backend', 'cpu', '--quiet', '--init-weights', A, '--out', C]);
    expect(rc.status, rc.err).toBe(0);
    for (const n of ['raster_step', 'raster_neuron', 'weights_E_from_I_Jscaled', 'rates_Hz']) expect(npy(B, n).equals(npy(C, n)), n).toBe(true);
    expect(readNpy(join(B, 'raster_step.npy')).data.length).toBeGreaterThan(100);
  });

  it('h5py reads the same arrays (independent HDF5 reader)', () => {
    const dump = join(root, 'h5py');
    const script = `
import sys, os, h5py, numpy as np
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with h5py.File(os.path.join(src, 'network', 'edges.h5'), 'r') as f:
    for tag, g in f['edges'].items():
        assert g['source_node_id'].dtype == np.uint64 and g['0/syn_weight'].dtype == np.float32, tag
        np.save(os.path.join(out, tag + '_pre.npy'), g['source_node_id'][:].astype(np.int32))
        np.save(os.path.join(out, tag + '_post.npy'), g['target_node_id'][:].astype(np.int32))
        np.save(os.path.join(out, tag + '_J.npy'), g['0/syn_weight'][:])
        print(tag, g['source_node_id'].attrs['node_population'], g['target_node_id'].attrs['node_population'], g['0/delay'][0])
with h5py.File(os.path.join(src, 'network', 'nodes.h5'), 'r') as f:
    for pop, g in f['nodes'].items():
        if 'v_init' in g['0']:
            np.save(os.path.join(out, pop + '_v0.npy'), g['0/v_init'][:])
`;
    const r = spawnSync(PY, ['-c', script, S, dump], { encoding: 'utf8' });
    expect(r.status, `${PY} with h5py (scripts/test-env.mjs installs python3-h5py): ${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('E_from_I I E 0.1');
    const x = collectNetwork(A);
    for (const p of x.projections) {
      expect(Array.from(readNpy(join(dump, `${p.tag}_pre.npy`)).data)).toEqual(Array.from(p.pre));
      expect(Array.from(readNpy(join(dump, `${p.tag}_post.npy`)).data)).toEqual(Array.from(p.post));
      expect(Array.from(readNpy(join(dump, `${p.tag}_J.npy`)).data)).toEqual(Array.from(p.J));
    }
    for (const p of x.net.derived.pops) expect(Array.from(readNpy(join(dump, `${p.name}_v0.npy`)).data)).toEqual(Array.from(x.net.v0.subarray(p.offset, p.offset + p.size)));
  });

  it('refuses an import whose static edges differ from the seed-built ones', async () => {
    const bad = JSON.parse(readFileSync(join(S, 'plasticnet.json'), 'utf8'));
    bad.spec.seed = 7;
    writeFileSync(join(S, 'plasticnet.json'), JSON.stringify(bad));
    const r = await cli(['import', S, '--out', join(root, 'bad')]);
    bad.spec.seed = spec().seed;
    writeFileSync(join(S, 'plasticnet.json'), JSON.stringify(bad));
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/differs from what seed 7 builds/);
  });

  it('refuses a directory with a missing or foreign HDF5 file, and a bad --format, with exit 2', async () => {
    const edges = join(S, 'network', 'edges.h5');
    const kept = readFileSync(edges);
    rmSync(edges);
    const r = await cli(['import', S, '--out', join(root, 'bad2')]);
    expect(r.status).toBe(2);
    expect(r.err).toContain('missing network/edges.h5');
    writeFileSync(edges, 'not hdf5');
    const r2 = await cli(['import', S, '--out', join(root, 'bad3')]);
    expect(r2.status).toBe(2);
    expect(r2.err).toMatch(/edges\.h5: not a readable HDF5 file/);
    expect(r2.err).not.toContain('HDF5-DIAG'); // one line naming the problem, not the library's error stack
    writeFileSync(edges, kept.subarray(0, 2000)); // a truncated copy (an interrupted transfer)
    const r3 = await cli(['import', S, '--out', join(root, 'bad5')]);
    writeFileSync(edges, kept);
    expect(r3.status).toBe(2);
    expect(r3.err).toMatch(/edges\.h5: not a readable HDF5 file: truncated file/);
    expect(r3.err).not.toContain('HDF5-DIAG');
    expect(r3.err.trim().split('\n')).toHaveLength(1);
    const f = await cli(['export', A, '--format', 'nineml', '--out', join(root, 'bad4')]);
    expect(f.status).toBe(2);
    expect(f.err).toContain("--format 'nineml': allowed pynn, sonata");
  });
});

describe('PyNN export', () => {
  it('writes a script that compiles and names every population and projection', async () => {
    const P = join(root, 'P');
    const r = await cli(['export', A, '--format', 'pynn', '--out', P]);
    expect(r.status, r.err).toBe(0);
    const c = spawnSync(PY, ['-m', 'py_compile', join(P, 'run_pynn.py')], { encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const text = readFileSync(join(P, 'run_pynn.py'), 'utf8');
    for (const p of ['E', 'I']) expect(text).toContain(`('${p}', ${p === 'E' ? 240 : 60}, sim.IF_cond_exp, {'cm': 0.2, 'tau_m': 20.0`);
    for (const l of ['E<-E', 'I<-E', 'I<-I', 'E<-I']) expect(text).toContain(`('${l}'`);
    expect(text).toMatch(/'E<-I', 'E_from_I', 'I', 'E', 'inhibitory', 1000\.0, \{'tau': 20\.0, 'eta': 0\.00005, 'rho': 0\.003/);
    // weights: the learned f32 nS values in uS
    const w = readNpy(join(P, 'data', 'E_from_I_weight.npy')).data as Float64Array;
    const J = readNpy(join(A, 'weights_E_from_I_Jscaled.npy')).data as Float32Array;
    expect(w.length).toBe(J.length);
    expect(Array.from(w)).toEqual(Array.from(J, (x) => x * 1e-3));
  });

  it('names the model and the simulator and exits 2 when there is no equivalent; --allow-approximate lists the approximations', async () => {
    const akil = file('akil.json', small('akil-istdp-demo', 200, 0.1));
    const r = await cli(['export', akil, '--format', 'pynn', '--out', join(root, 'K')]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/no exact equivalent on simulator neuron/);
    expect(r.err).toMatch(/population E: model 'eif'/);
    expect(r.err).toMatch(/input X: correlated input|projection E<-I: plasticity rule 'istdp-ei'/);
    expect(existsSync(join(root, 'K'))).toBe(false);
    const n = await cli(['export', akil, '--format', 'pynn', '--simulator', 'nest', '--allow-approximate', '--out', join(root, 'K')]);
    expect(n.status, n.err).toBe(0);
    const readme = readFileSync(join(root, 'K', 'README.md'), 'utf8');
    expect(readme).toMatch(/projection E<-I: plasticity rule 'istdp-ei' has no equivalent on nest/);
    expect(readme).toMatch(/population E: X \(tau_syn 10 ms\) shares the excitatory receptor of E \(tau_syn 8 ms\)/);
    expect(readFileSync(join(root, 'K', 'run_pynn.py'), 'utf8')).toContain("sim.native_cell_type('aeif_psc_exp')");
    expect(spawnSync(PY, ['-m', 'py_compile', join(root, 'K', 'run_pynn.py')]).status).toBe(0);
  });

  it('refuses unsafe names with the field and value (exit 2), escapes Python strings, keeps paths under --out', async () => {
    const named = (name: string) => {
      const s = spec();
      s.populations[1]!.name = name;
      for (const p of s.projections) for (const k of ['pre', 'post'] as const) if (p[k] === 'I') p[k] = name;
      return s;
    };
    // A path-like name is refused by the spec's own name rule (src/model/names.ts) before the exporter sees it.
    const r = await cli(['export', file('bad.json', named('I/../../x')), '--format', 'sonata', '--out', join(root, 'X')]);
    expect(r.status).toBe(2);
    expect(r.err).toContain('populations[1].name = "I/../../x": allowed a name of 1 to 64 characters');
    // A name the spec allows but Python/SONATA identifiers do not ('.'): the exporter's stricter rule.
    const r2 = await cli(['export', file('bad2.json', named('I.x')), '--format', 'sonata', '--out', join(root, 'X2')]);
    expect(r2.status).toBe(2);
    expect(r2.err).toContain("populations[1].name 'I.x': an exported name must be");
    expect(pyStr("a'b\\c\n\u00e9")).toBe("'a\\'b\\\\c\\U0000000a\\U000000e9'");
    expect(() => under(root, '../escape')).toThrow(/outside the output directory/);
    expect(under(root, 'data/E_v0.npy')).toBe(join(root, 'data/E_v0.npy'));
  });
});

// Synaptic delays (docs/trials-delays.md): both formats write each synapse's delay (its whole steps x dt), a
// per-projection one on the plastic E<-I (5 steps) and per-synapse ones on the static E<-E (1..10 steps).
describe('exports with synaptic delays', () => {
  const delayed = (): NetworkSpec => {
    const s = spec();
    const delay = (pre: string, post: string) => (post === 'E' && pre === 'I' ? { min_ms: 0.5, max_ms: 0.5 } : post === 'E' && pre === 'E' ? { min_ms: 0.1, max_ms: 1.0 } : undefined);
    return { ...s, T_s: 0.05, recording: { ...s.recording, statsStart_s: 0 }, projections: s.projections.map((p) => ({ ...p, ...(delay(p.pre, p.post) ? { delay: delay(p.pre, p.post)! } : {}) })) };
  };

  it('SONATA: the per-edge delays (ms) are the built ones; import accepts them and refuses other delays by name', async () => {
    const f = file('delayed.json', delayed());
    const D = join(root, 'D');
    const e = await cli(['export', f, '--format', 'sonata', '--out', D]);
    expect(e.status, e.err).toBe(0);
    const x = collectNetwork(f);
    const s = await readSonata(D);
    const byName = new Map(x.projections.map((p) => [p.pr.name, p]));
    for (const q of s.projections) {
      const p = byName.get(q.name)!;
      const del = x.net.delays[p.pr.index];
      const want = Array.from({ length: p.post.length }, (_, y) => (del ? del[y]! : p.pr.delay.min) * 0.1);
      expect(Array.from(q.delay_ms), q.name).toEqual(want);
    }
    const ee = s.projections.find((q) => q.name === 'E<-E')!;
    expect(new Set(Array.from(ee.delay_ms, (v) => Math.round(v / 0.1))).size).toBe(10); // 1..10 steps all drawn
    expect(new Set(s.projections.find((q) => q.name === 'E<-I')!.delay_ms)).toEqual(new Set([5 * 0.1]));
    const i = await cli(['import', D, '--out', join(root, 'DW')]);
    expect(i.status, i.err).toBe(0);
    // the same export with every delay one step: the seed builds other delays
    const one = join(root, 'D1');
    const e1 = await cli(['export', file('one.json', { ...delayed(), projections: spec().projections }), '--format', 'sonata', '--out', one]);
    expect(e1.status, e1.err).toBe(0);
    writeFileSync(join(one, 'plasticnet.json'), readFileSync(join(D, 'plasticnet.json')));
    const i1 = await cli(['import', one, '--out', join(root, 'DW1')]);
    expect(i1.status).toBe(2);
    expect(i1.err).toMatch(/the delays of projection E<-E differ from what seed \d+ builds \(projections\[\d\]\.delay\)/);
  });

  it('PyNN: a delay file per projection, max_delay the longest, no approximation on NEURON; NEST names its dendritic delay', async () => {
    const f = file('delayed-pynn.json', delayed());
    const P = join(root, 'PD');
    const r = await cli(['export', f, '--format', 'pynn', '--out', P]);
    expect(r.status, r.err).toBe(0);
    const x = collectNetwork(f);
    for (const p of x.projections) expect(Array.from(readNpy(join(P, 'data', `${p.tag}_delay.npy`)).data as Float64Array), p.pr.name).toEqual(Array.from(p.delay_ms));
    const text = readFileSync(join(P, 'run_pynn.py'), 'utf8');
    expect(text).toContain('MAX_DELAY_MS = 1.0');
    expect(text).toContain('max_delay=MAX_DELAY_MS');
    expect(text).toContain("data(tag + '_delay.npy')");
    expect(spawnSync(PY, ['-m', 'py_compile', join(P, 'run_pynn.py')]).status).toBe(0);
    expect(JSON.parse(readFileSync(join(P, 'export.json'), 'utf8')).approximations).toEqual([]);
    const n = await cli(['export', f, '--format', 'pynn', '--simulator', 'nest', '--out', join(root, 'PN')]);
    expect(n.status).toBe(2);
    expect(n.err).toMatch(/projection E<-I: NEST's STDP synapses count the synaptic delay \(5 steps here\) as dendritic/);
  });
});

