// `plasticnet run --backend webgpu` builds stored 'bernoulli-counter' projections on the device (buildNetworkOnDevice;
// --build auto) and gives the host build's outputs: every .npy identical. The connectivity fingerprint of a
// device-built network (static targets on the device only) equals the host build's, so its checkpoints resume on
// WebGPU (rebuilt on the device) bit for bit and on the CPU (rebuilt on the host) bit for bit but for the
// f32-vs-f64 current and mean-weight sums, and exports regenerate the
// synapses from the seed. SwiftShader, N = 400.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readNpy } from '../../src/io/files.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunSession, parseCheckpointEvery } from '../../src/cli/runSession.ts';
import { readCheckpointFile } from '../../src/io/checkpointFile.ts';
import { connectivityFingerprint, type RunCheckpointMeta } from '../../src/io/runCheckpoint.ts';
import { derive } from '../../src/model/derive.ts';
import { homeostaticInhibitory } from '../../src/model/rules.ts';
import type { NetworkSpec, ProjectionSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { buildNetworkOnDevice } from '../../src/engine/webgpu/deviceNetwork.ts';
import { runSimulation } from '../../src/pipeline/simulation.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { cli, expectSameNpy } from '../unit/checkpointHelpers.ts';
import { useTestDevice } from './helpers.ts';

const EI_ISTDP = homeostaticInhibitory('istdp-ei', { eta: 1e-3, rho_Hz: 10, jNorm: -200, tauSTDP_ms: 200 });

function spec(seed = 5): NetworkSpec {
  const s = akilNetwork({ N: 400, T_s: 0.2, seed, plastic: { 'E<-I': EI_ISTDP } });
  s.projections = s.projections.map((p): ProjectionSpec => ({ ...p, connectivity: 'bernoulli-counter' }));
  s.recording = { ...s.recording, statsStart_s: 0.1, bin_ms: 10, window_ms: 50, rasterNeurons: 400, weightSamples: 20 };
  return validate(s);
}

interface Meta {
  networkBuild?: { where: string; reason?: string; deviceOnly: string[]; copiedBack: string[]; host: unknown[] };
  synapses: number;
}
const metaOf = (dir: string): Meta => (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { meta: Meta }).meta;

/** A run directory stopped at its first checkpoint (t = 0.1 s), its network built on the device. */
async function cutRun(root: string, name: string, specPath: string, s: NetworkSpec): Promise<string> {
  const cut = join(root, name);
  const r1 = await cli(['run', specPath, '--backend', 'cpu', '--quiet', '--out', cut, '--T', '0.01s']); // the directory
  expect(r1.status, r1.err).toBe(0);
  writeFileSync(join(cut, 'spec.json'), JSON.stringify(s));
  const session = new RunSession(cut, s, { every: parseCheckpointEvery('sim:0.1s') });
  const r = await runSimulation(s, { backend: 'webgpu', chunkSteps: 250, shouldStop: () => (session.lastCheckpoint ? 'SIGTERM' : null), ...session.simOptions() });
  expect(r.interrupted?.step).toBe(1000);
  expect(r.networkBuild?.where).toBe('device');
  return cut;
}

describe('device-built networks end to end (CLI, checkpoints, exports)', () => {
  const dev = useTestDevice();

  it('the fingerprint of a device build equals the host build; another seed differs', async () => {
    const host = connectivityFingerprint(buildNetwork(derive(spec(5))));
    const { net, info } = await buildNetworkOnDevice(derive(spec(5)), dev.device);
    expect(info.deviceOnly).toEqual(['E<-E', 'I<-E', 'I<-I', 'E<-X', 'I<-X']);
    expect(() => net.csr[0]!.post).toThrow(/device only/);
    expect(connectivityFingerprint(net)).toEqual(host);
    const other = connectivityFingerprint(buildNetwork(derive(spec(6))));
    for (const [i, f] of host.entries()) expect(other[i]!.crc32, f.name).not.toBe(f.crc32);
  }, 120_000);

  it('run --backend webgpu builds on the device, = --build host (every .npy); resumes on WebGPU and the CPU bit for bit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-devbuild-'));
    const s = spec();
    const specPath = join(root, 'spec.json');
    writeFileSync(specPath, JSON.stringify(s));
    const host = join(root, 'host');
    const device = join(root, 'device');
    const rh = await cli(['run', specPath, '--backend', 'webgpu', '--build', 'host', '--out', host]);
    expect(rh.status, rh.err).toBe(0);
    expect(rh.out).toContain('network built on the host: build host asked');
    const rd = await cli(['run', specPath, '--backend', 'webgpu', '--out', device]);
    expect(rd.status, rd.err).toBe(0);
    expect(rd.out).toContain('network built on the device: 5 static projection(s) on the device only, 1 plastic one(s)');
    const md = metaOf(device);
    expect(md.networkBuild).toEqual({ where: 'device', deviceOnly: ['E<-E', 'I<-E', 'I<-I', 'E<-X', 'I<-X'], copiedBack: ['E<-I'], host: [] });
    expect(metaOf(host).networkBuild?.where).toBe('host');
    expect(md.synapses).toBe(metaOf(host).synapses);
    const files = expectSameNpy(host, device);
    expect(files).toContain('raster_step.npy');
    expect(files).toContain('weights_E_from_I_Jscaled.npy');

    // checkpoint of a device-built run: the plastic weights only, the host build's fingerprint
    const cutG = await cutRun(root, 'cutG', specPath, s);
    const ck = readCheckpointFile(join(cutG, 'checkpoint.pnck'));
    expect(Object.keys(ck.arrays).filter((n) => n.startsWith('net.'))).toEqual([]);
    expect((ck.meta as unknown as RunCheckpointMeta).connectivity).toEqual(connectivityFingerprint(buildNetwork(derive(s))));
    // exports regenerate the synapses from the seed
    const ex = await cli(['export-weights', cutG, '--out', join(root, 'weights'), '--quiet']);
    expect(ex.status, ex.err).toBe(0);
    expect(existsSync(join(root, 'weights', 'weights.json'))).toBe(true);
    const resG = await cli(['resume', cutG, '--backend', 'webgpu']);
    expect(resG.status, resG.err).toBe(0);
    expect(resG.out).toContain('network built on the device');
    expectSameNpy(device, cutG);

    const cutC = await cutRun(root, 'cutC', specPath, s);
    const resC = await cli(['resume', cutC, '--backend', 'cpu', '--quiet']);
    expect(resC.status, resC.err).toBe(0);
    // The CPU records the sampled currents and the mean weights as f64 sums, the GPU as f32 sums (test/gpu/checkpoint.test.ts):
    // those two within its bounds, everything else (spikes, windows, weights, V, ...) bit for bit.
    const npy = readdirSync(device).filter((f) => f.endsWith('.npy')).sort();
    expect(readdirSync(cutC).filter((f) => f.endsWith('.npy')).sort()).toEqual(npy);
    for (const f of npy) {
      const a = readNpy(join(device, f)).data;
      const b = readNpy(join(cutC, f)).data;
      if (f === 'currents.npy' || f === 'j_mean.npy') {
        expect(b.length, f).toBe(a.length);
        const scale = Math.max(...Array.from(a, (x) => Math.abs(Number(x))));
        for (let i = 0; i < a.length; i++) expect(Math.abs(Number(b[i]) - Number(a[i])), `${f}[${i}]`).toBeLessThanOrEqual(f === 'currents.npy' ? 1e-4 * scale : 1e-6 * Math.abs(Number(a[i])));
      } else expect(readFileSync(join(cutC, f)).equals(readFileSync(join(device, f))), f).toBe(true);
    }
    expect(npy).toContain('raster_step.npy');
  }, 600_000);
});
