// Procedural input projections (E<-X, I<-X with storage 'procedural') through the CLI: every recording (.npy) of a
// run equals the stored network's; a checkpoint holds nothing per synapse of them (fingerprint nnz 0, rows
// regenerated from the seed) and `plasticnet resume` continues bit for bit; `plasticnet export` rebuilds them from
// the seed (the same connection files as the stored run); a non-counter connectivity exits 2 naming the field; and
// `run --plan` at N = 3e5 shows the WebGPU graph without their targets.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointFile } from '../../src/io/checkpointFile.ts';
import type { RunCheckpointMeta } from '../../src/io/runCheckpoint.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { checkpointAtTenthSecond, cli, expectSameNpy } from './checkpointHelpers.ts';
import { inputSpec } from './proceduralInputHelpers.ts';
import { skipTable } from '../../src/network/counterRows.ts';

function spec(input: 'stored' | 'procedural'): NetworkSpec {
  const s = inputSpec(input, { T_s: 0.3, c: 0.2 });
  s.recording = { ...s.recording, statsStart_s: 0.1, bin_ms: 10, window_ms: 50, rasterNeurons: 400, weightSamples: 20, currentSamples: 20 };
  return s;
}

describe('procedural input projections through the CLI', () => {
  it('recordings equal the stored run; checkpoint holds nothing per input synapse; resume and export bit for bit', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-procin-'));
    const file = (name: string, s: NetworkSpec): string => (writeFileSync(join(root, name), JSON.stringify(s)), join(root, name));
    const stored = file('stored.json', spec('stored'));
    const proc = file('proc.json', spec('procedural'));
    const S = join(root, 'S');
    const P = join(root, 'P');
    for (const [f, out] of [[stored, S], [proc, P]] as const) {
      const r = await cli(['run', f, '--backend', 'cpu', '--quiet', '--out', out]);
      expect(r.status, r.err).toBe(0);
    }
    const files = expectSameNpy(S, P);
    expect(files).toContain('raster_step.npy');
    expect(files).toContain('weights_E_from_I_Jscaled.npy');

    // checkpoint at 0.1 s, then resume
    const s = spec('procedural');
    const cut = join(root, 'cut');
    await checkpointAtTenthSecond(proc, s, cut);
    const ck = readCheckpointFile(join(cut, 'checkpoint.pnck'));
    expect(Object.keys(ck.arrays).filter((n) => n.startsWith('net.'))).toEqual([]);
    const meta = ck.meta as unknown as RunCheckpointMeta;
    expect(meta.connectivity.map((c) => [c.name, c.nnz === 0])).toEqual([['E<-E', false], ['E<-I', false], ['I<-E', false], ['I<-I', false], ['E<-X', true], ['I<-X', true]]);
    const res = await cli(['resume', cut, '--quiet']);
    expect(res.status, res.err).toBe(0);
    expectSameNpy(P, cut);

    // export: the input projections' connections are rebuilt from the seed, equal to the stored run's
    const ES = join(root, 'ES');
    const EP = join(root, 'EP');
    for (const [src, out] of [[S, ES], [P, EP]] as const) {
      const e = await cli(['export', src, '--format', 'pynn', '--allow-approximate', '--out', out, '--quiet']);
      expect(e.status, e.err).toBe(0);
    }
    const listed = readdirSync(join(ES, 'data')).sort();
    expect(readdirSync(join(EP, 'data')).sort()).toEqual(listed);
    expect(listed).toContain('E_from_X_post.npy');
    for (const f of listed) expect(readFileSync(join(EP, 'data', f)).equals(readFileSync(join(ES, 'data', f))), f).toBe(true);
  }, 600_000);

  it("a non-counter connectivity exits 2 naming projections[i].storage, its value and the allowed values", async () => {
    const root = mkdtempSync(join(tmpdir(), 'pn-procin-'));
    const s = spec('stored') as unknown as { projections: Record<string, unknown>[] };
    const i = s.projections.findIndex((p) => p['pre'] === 'X');
    Object.assign(s.projections[i]!, { storage: 'procedural', connectivity: 'bernoulli' });
    writeFileSync(join(root, 'bad.json'), JSON.stringify(s));
    const r = await cli(['run', join(root, 'bad.json'), '--backend', 'cpu', '--quiet', '--out', join(root, 'o')]);
    expect(r.status).toBe(2);
    expect(r.err).toContain(`projections[${i}].storage`);
    expect(r.err).toMatch(/'stored' or 'auto' with connectivity "bernoulli": procedural rows need 'bernoulli-counter'/);
  });

  it('run --plan at N = 3e5: the graph loses the input projections\' targets', async () => {
    const set = ['E<-E', 'I<-E', 'I<-I', 'E<-I', 'E<-X', 'I<-X'].flatMap((p) => ['--set', `projections[${p}].connectivity=bernoulli-counter`]);
    const pops = ['E<-E', 'I<-E', 'I<-I'].flatMap((p) => ['--set', `projections[${p}].storage=procedural`]);
    const inputs = ['E<-X', 'I<-X'].flatMap((p) => ['--set', `projections[${p}].storage=procedural`]);
    const graph = (out: string): number => Number(/graph ([\d,]+) elements/.exec(out)![1]!.replace(/,/g, ''));
    const a = await cli(['run', 'akil-fig3-istdp-ei', '--N', '300000', '--plan', ...set, ...pops]);
    const b = await cli(['run', 'akil-fig3-istdp-ei', '--N', '300000', '--plan', ...set, ...pops, ...inputs]);
    expect(a.out).toContain('stored 3.240e+9');
    expect(b.out).toContain('stored 1.440e+9'); // E<-I only (plastic)
    // E<-X (0.1 x 60,000 x 240,000) and I<-X (0.1 x 60,000 x 60,000) targets; their row pointers give way to a skip table
    expect(graph(a.out) - graph(b.out)).toBe(1.44e9 + 3.6e8 + 2 * (60_000 + 1 - skipTable(0.1).length));
    expect(b.out).toContain('built on the device in chunks: E<-I\n');
  }, 120_000);

  it("storage 'auto' on the WebGPU backend keeps the layout within its u32 indices and the H200's 16 bindings: E<-X goes procedural at N = 2.6e5, I<-X stays stored", async () => {
    const set = ['E<-E', 'I<-E', 'I<-I', 'E<-I', 'E<-X', 'I<-X'].flatMap((p) => ['--set', `projections[${p}].connectivity=bernoulli-counter`]);
    const auto = ['E<-E', 'I<-E', 'I<-I', 'E<-X', 'I<-X'].flatMap((p) => ['--set', `projections[${p}].storage=auto`]);
    const plan = (backend: string) => cli(['run', 'akil-fig3-istdp-ei', '--N', '260000', '--plan', '--backend', backend, '--max-memory', '1000TB', ...set, ...auto]);
    const gpu = await plan('webgpu');
    // stored: E<-I (plastic) 0.1 x 52,000 x 208,000 and I<-X 0.1 x 52,000 x 52,000; E<-X (as large as E<-I) is procedural
    expect(gpu.out).toContain(`stored ${(1.0816e9 + 2.704e8).toExponential(3)}`);
    expect(gpu.out).toMatch(/\n {2}fits(\n|$)/); // (then the line planning I<-X procedural too)
    expect(gpu.status).toBe(0);
    // another backend budgets host memory only (1000 TB here): everything stays stored, and the WebGPU plan says no
    const cpu = await plan('cpu');
    expect(cpu.out).toContain(`stored ${(0.1 * 260_000 ** 2 * (0.64 + 0.16 + 0.16 + 0.04) + 1.0816e9 + 2.704e8).toExponential(3)}`);
    expect(cpu.out).toContain('does not fit');
    expect(cpu.status).toBe(2);
  }, 120_000);
});
