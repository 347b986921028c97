// Checkpoints of a network with procedural static projections (storage 'procedural'): the checkpoint holds the
// plastic weights (E<-I) and the spec (seed), no static weight and nothing per synapse of the procedural
// projections; its connectivity fingerprint is the CRC of rows regenerated from the seed, so another seed or
// scheme is refused; and `plasticnet resume` continues bit for bit (every .npy equal to an uninterrupted run).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointFile } from '../../src/io/checkpointFile.ts';
import { checkConnectivity, connectivityFingerprint, type RunCheckpointMeta } from '../../src/io/runCheckpoint.ts';
import { derive } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { checkpointAtTenthSecond, cli, expectSameNpy } from './checkpointHelpers.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

function spec(seed = 5): NetworkSpec {
  const s = akilNetwork({ N: 400, T_s: 0.3, seed, plastic: { 'E<-I': EI_ISTDP } });
  s.projections = s.projections.map((p): ProjectionSpec => ({ ...p, connectivity: 'bernoulli-counter', ...(!p.plasticity && p.pre !== 'X' ? { storage: 'procedural' as const } : {}) }));
  s.recording = { ...s.recording, statsStart_s: 0.1, bin_ms: 10, window_ms: 50, rasterNeurons: 400, weightSamples: 20 };
  return validate(s);
}

describe('checkpoints of a procedural network', () => {
  it('store the plastic weights and the seed only, and resume bit for bit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-proc-'));
    const s = spec();
    const specPath = join(root, 'spec.json');
    writeFileSync(specPath, JSON.stringify(s));
    const whole = join(root, 'whole');
    const r0 = await cli(['run', specPath, '--backend', 'cpu', '--quiet', '--out', whole]);
    expect(r0.status, r0.err).toBe(0);
    // summary.json: `synapses` counts the stored ones (E<-I and the input projections), the procedural ones are
    // reported apart as their expectation p nPre nPost (E<-E 320 x 320, I<-E 80 x 320, I<-I 80 x 80 at p = 0.1).
    const meta0 = (JSON.parse(readFileSync(join(whole, 'summary.json'), 'utf8')) as { meta: { synapses: number; proceduralSynapses_expected?: number } }).meta;
    const netW = buildNetwork(derive(s));
    expect(meta0.synapses).toBe(netW.csr.reduce((a, c) => a + c.post.length, 0));
    const pEE = s.projections.find((p) => p.pre === 'E' && p.post === 'E')!.p;
    expect(meta0.proceduralSynapses_expected).toBe(Math.round(pEE * (320 * 320 + 320 * 80 + 80 * 80)));

    const cut = join(root, 'cut');
    await checkpointAtTenthSecond(specPath, s, cut);

    const ck = readCheckpointFile(join(cut, 'checkpoint.pnck'));
    const names = Object.keys(ck.arrays);
    const net = buildNetwork(derive(s));
    const ei = net.derived.projections.find((p) => p.plastic)!.index;
    expect(names.filter((n) => n.startsWith('state.weights.'))).toEqual([`state.weights.${ei}`]);
    expect(ck.arrays[`state.weights.${ei}`]!.length).toBe(net.csr[ei]!.post.length);
    expect(names.filter((n) => n.startsWith('net.'))).toEqual([]);
    const meta = ck.meta as unknown as RunCheckpointMeta;
    expect(meta.connectivity.map((c) => [c.name, c.nnz === 0])).toEqual([['E<-E', true], ['E<-I', false], ['I<-E', true], ['I<-I', true], ['E<-X', false], ['I<-X', false]]);
    const bytes = Object.values(ck.arrays).reduce((a, x) => a + x.byteLength, 0);
    expect(bytes).toBeLessThan(4 * net.csr[ei]!.post.length + 200_000); // no static synapse anywhere

    const res = await cli(['resume', cut, '--quiet']);
    expect(res.status, res.err).toBe(0);
    const files = expectSameNpy(whole, cut);
    expect(files).toContain('raster_step.npy');
    expect(files).toContain('weights_E_from_I_Jscaled.npy');
  }, 300_000);

  it('the fingerprint of a procedural projection changes with the seed; another seed is refused', () => {
    const a = buildNetwork(derive(spec(5)));
    const b = buildNetwork(derive(spec(6)));
    const fa = connectivityFingerprint(a);
    const fb = connectivityFingerprint(b);
    expect(fa[0]!.nnz).toBe(0);
    expect(fa[0]!.crc32).not.toBe(fb[0]!.crc32);
    expect(connectivityFingerprint(buildNetwork(derive(spec(5))))).toEqual(fa);
    const meta = { connectivity: fa } as RunCheckpointMeta;
    expect(() => checkConnectivity(b, meta, 'ck')).toThrow(/projection E<-E was built with 0 synapses \(crc [0-9a-f]{8}\) but this plasticnet builds 0 \(crc/);
  });
});
