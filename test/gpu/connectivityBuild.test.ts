// The device build of 'bernoulli-counter' projections (shaders/connectivity_build.wgsl,
// src/engine/webgpu/ConnectivityBuild.ts) against the CPU builder (buildProjection): rowPtr, post,
// weights and the column index must be bit-identical. Cases: the six Akil projections at N = 600, the
// controls p = 0 and p = 1, p = 1e-4 (the skip table's continuation on most skips), and shapes whose row
// and column scans span several scan tiles (> 65536 elements: the block-level scan's carry).
import { describe, expect, it } from 'vitest';
import { buildProjection } from '../../src/network/connectivity.ts';
import { derive, type DerivedProjection } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { buildRefusal, ConnectivityBuild, destroyDeviceCsr } from '../../src/engine/webgpu/ConnectivityBuild.ts';
import { deviceBuildBuffers } from '../../src/model/estimate.ts';
import { skipTable } from '../../src/network/counterRows.ts';
import { packPre16 } from '../../src/engine/webgpu/plan.ts';
import { exactDiff } from './fixture.ts';
import { readBuffer, useTestDevice } from './helpers.ts';

function proj(nPre: number, nPost: number, p: number, index: number, postOffset: number): DerivedProjection {
  return { index, name: `case${index}`, p, connectivity: 'bernoulli-counter', J: -0.75, pre: { kind: 'population', index: 0, size: nPre, offset: 0 }, post: { offset: postOffset, size: nPost } } as unknown as DerivedProjection;
}

describe('device-built bernoulli-counter connectivity equals the CPU build bit for bit', () => {
  const dev = useTestDevice();
  const spec = akilNetwork({ N: 600, T_s: 0.1, seed: 1234 });
  spec.projections = spec.projections.map((x) => ({ ...x, connectivity: 'bernoulli-counter' as const }));
  const d = derive(validate(spec));
  const cases: [string, number, DerivedProjection][] = [
    ...d.projections.map((pr) => [pr.name, d.spec.seed, pr] as [string, number, DerivedProjection]),
    ['p = 0', 7, proj(40, 30, 0, 2, 10)],
    ['p = 1', 7, proj(40, 30, 1, 3, 10)],
    ['p = 1e-4, 300 x 40000', 99, proj(300, 40000, 1e-4, 5, 3)],
    ['70000 rows (multi-tile row scan)', 3, proj(70000, 40, 0.03, 6, 0)],
    ['70000 columns (multi-tile column scan)', 4, proj(30, 70000, 0.01, 7, 5)],
  ];

  it.each(cases)('%s', async (_name, seed, pr) => {
    const builder = await ConnectivityBuild.create(dev.device);
    const dc = await builder.build(seed, pr);
    const got = await builder.download(dc);
    destroyDeviceCsr(dc);
    const want = buildProjection(seed, pr);
    expect(dc.nnz).toBe(want.post.length);
    const diffs = (['rowPtr', 'post', 'colPtr', 'colSyn', 'colPre'] as const).map((k) => exactDiff(k, got[k], want[k])).filter((m) => m !== '');
    diffs.push(exactDiff('weight', got.weight, want.weight));
    expect(diffs.filter((m) => m !== '').join('\n')).toBe('');
    if (pr.p > 0) expect(want.post.length).toBeGreaterThan(0);
  });

  it('allocates exactly the bytes deviceBuildBuffers() lists; buildRefusal is exact at the binding limit', async () => {
    const builder = await ConnectivityBuild.create(dev.device);
    const pr = proj(200, 300, 0.05, 9, 0);
    const L = skipTable(pr.p).length;
    for (const o of [{ columns: true, weights: true }, { columns: false, weights: false }, { columns: true, weights: true, packPre: true }]) {
      const dc = await builder.build(11, pr, o);
      const listed = deviceBuildBuffers(200, 300, dc.nnz, o.columns, o.weights, L, o.packPre === true).reduce((a, b) => a + b.bytes, 0);
      if (o.packPre) {
        // col_pack: the local presynaptic indices two to a word, as the engine's split column index holds them (packPre16)
        const want = buildProjection(11, pr).colPre;
        const packed = new Uint32Array(Math.ceil(want.length / 2));
        packPre16(want, 0, packed);
        expect(exactDiff('colPre16', new Uint32Array(await readBuffer(dev.device, dc.colPre16!, 4 * packed.length)), packed)).toBe('');
      }
      destroyDeviceCsr(dc);
      expect(builder.lastBuildBytes, JSON.stringify(o)).toBe(listed);
    }
    // The largest build buffer is one of the nnz-word arrays: a limit one word below it refuses, naming
    // the buffer and its bytes; at exactly its size, nothing is refused.
    const nnz = 3000;
    const limits = (binding: number) => ({ maxStorageBufferBindingSize: binding, maxBufferSize: 2 ** 40, maxStorageBuffersPerShaderStage: 8 }) as GPUSupportedLimits;
    expect(buildRefusal(limits(4 * nnz), pr, nnz)).toBeNull();
    expect(buildRefusal(limits(4 * nnz - 4), pr, nnz)).toMatch(/its post buffer needs 12,000 B in one binding.*maxStorageBufferBindingSize 11,996 B/);
    expect(buildRefusal({ ...limits(2 ** 30), maxStorageBuffersPerShaderStage: 7 } as GPUSupportedLimits, pr, nnz)).toMatch(/bind 8 storage buffers, the device allows 7/);
  });
});

