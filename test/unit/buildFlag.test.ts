// --build (where the network is built): a bad value exits 2 naming it and the allowed ones; --build device is
// refused (exit 2, with the reason) where the run cannot build on the device; the CPU backend ignores auto.
// The fingerprint of a stored 'bernoulli-counter' projection reads no target and changes with the seed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectivityFingerprint } from '../../src/io/runCheckpoint.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { cli } from './checkpointHelpers.ts';

function spec(seed: number, connectivity: 'bernoulli' | 'bernoulli-counter' = 'bernoulli-counter'): NetworkSpec {
  const s = akilNetwork({ N: 200, T_s: 0.05, seed });
  s.projections = s.projections.map((p): ProjectionSpec => ({ ...p, connectivity }));
  return validate(s);
}

describe('--build', () => {
  it('a bad value exits 2 naming it', async () => {
    const r = await cli(['run', 'akil-ei', '--N', '100', '--T', '10ms', '--build', 'gpu', '--out', join(mkdtempSync(join(tmpdir(), 'pn-bf-')), 'o')]);
    expect(r.status).toBe(2);
    expect(r.err).toContain("--build 'gpu': allowed auto, host, device");
  });

  it('--build device is refused where the run cannot build on the device', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-bf-'));
    const p = join(root, 'spec.json');
    writeFileSync(p, JSON.stringify(spec(1)));
    const cpu = await cli(['run', p, '--backend', 'cpu', '--build', 'device', '--out', join(root, 'a')]);
    expect(cpu.status).toBe(2);
    expect(cpu.err).toContain("--build device: backend 'cpu': only --backend webgpu builds on the device");
    const q = join(root, 'plain.json');
    writeFileSync(q, JSON.stringify(spec(1, 'bernoulli')));
    const plain = await cli(['run', q, '--backend', 'webgpu', '--build', 'device', '--out', join(root, 'b')]);
    expect(plain.status).toBe(2);
    expect(plain.err).toContain("--build device: no stored 'bernoulli-counter' projection");
  });

  it('the CPU backend runs as before (no networkBuild in summary.json)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-bf-'));
    const p = join(root, 'spec.json');
    writeFileSync(p, JSON.stringify(spec(1)));
    const r = await cli(['run', p, '--backend', 'cpu', '--quiet', '--out', join(root, 'c')]);
    expect(r.status, r.err).toBe(0);
    const meta = (JSON.parse(readFileSync(join(root, 'c', 'summary.json'), 'utf8')) as { meta: Record<string, unknown> }).meta;
    expect(meta['networkBuild']).toBeUndefined();
    expect(meta['synapses']).toBe(buildNetwork(derive(spec(1))).csr.reduce((a, c) => a + c.post.length, 0));
  });

  it('the fingerprint of a stored bernoulli-counter projection: nnz from the row pointers, changes with the seed', () => {
    const a = buildNetwork(derive(spec(5)));
    const fa = connectivityFingerprint(a);
    const fb = connectivityFingerprint(buildNetwork(derive(spec(6))));
    for (const [i, f] of fa.entries()) {
      expect(f.nnz).toBe(a.csr[i]!.post.length);
      expect(fb[i]!.crc32, f.name).not.toBe(f.crc32);
    }
    expect(connectivityFingerprint(buildNetwork(derive(spec(5))))).toEqual(fa);
  });
});
