// `plasticnet sweep` on the webgpu backend runs its cells as one-dispatch batches (src/sweep/sweepBatch.ts,
// src/pipeline/gpuBatchRun.ts): every cell's record must be the one the same sweep writes cell by cell
// (resident schedule, same device), wall times and the device string aside. Tiny sizes (SwiftShader).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PreparedRun } from '../../src/pipeline/session.ts';
import { runSweep, type SweepCell } from '../../src/sweep/sweep.ts';
import { akilNetwork } from '../../src/presets/akil2021.ts';
import { EI_ISTDP } from './fixture.ts';
import { useTestDevice } from './helpers.ts';

/** A cell without what depends on the wall clock or the path it ran on. */
function physics(c: SweepCell): Omit<SweepCell, 'wall_s' | 'build_s' | 'rtf' | 'device'> {
  const { wall_s: _w, build_s: _b, rtf: _r, device: _d, ...rest } = c;
  return rest;
}

describe('sweep through GPU batches', () => {
  const dev = useTestDevice();
  const dirs = [mkdtempSync(join(tmpdir(), 'plasticnet-sweep-batch-')), mkdtempSync(join(tmpdir(), 'plasticnet-sweep-alone-'))];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const meta = { commit: 'test', date: 'test', host: 'test' };
  const base = akilNetwork({ T_s: 0.08, plastic: { 'E<-I': EI_ISTDP } }) as unknown as Record<string, unknown>;
  (base['recording'] as Record<string, unknown>)['window_ms'] = 20;
  const grid = { N: [150, 200], seeds: [1, 2], c: [0], set: [] };

  it('2 batches of 2 cells (N = 150, 200; seeds 1, 2, EI iSTDP): the same cells as the sweep cell by cell', async () => {
    const started: string[] = [];
    const batched = await runSweep({ base, grid, out: dirs[0]!, backend: 'webgpu', device: dev.device, meta, statsStart_s: 0.02, onCellStart: (_k, id) => started.push(id) });
    const alone = await runSweep({ base, grid, out: dirs[1]!, backend: 'webgpu', device: dev.device, gpuBatch: false, gpuSchedule: 'resident', meta, statsStart_s: 0.02 });
    expect([batched.ran, alone.ran]).toEqual([4, 4]);
    expect(started.sort()).toEqual(batched.cells.map((c) => c.id).sort());
    expect(readdirSync(join(dirs[0]!, 'cells')).sort()).toEqual(readdirSync(join(dirs[1]!, 'cells')).sort());
    for (const c of batched.cells) expect(c.device).toMatch(/batch: 1 dispatch of 2 workgroups/);
    for (const c of alone.cells) expect(c.device).not.toMatch(/batch/);
    expect(batched.cells.map((c) => c.id)).toEqual(alone.cells.map((c) => c.id)); // grid order
    batched.cells.forEach((c, k) => expect(physics(c)).toEqual(physics(alone.cells[k]!)));
    expect(batched.cells[0]!.rates_Hz['E']).toBeGreaterThan(0);
    expect(batched.cells[0]!.plastic['E<-I']!.jMeanFinal).not.toBe(batched.cells[1]!.plastic['E<-I']!.jMeanFinal); // other seeds
  });

  it("'bernoulli-counter' cells are built on the batch's device: the same cells as the sweep cell by cell", async () => {
    const counter = { ...base, projections: (base['projections'] as Record<string, unknown>[]).map((p) => ({ ...p, connectivity: 'bernoulli-counter' })) };
    const g = { N: [150], seeds: [1, 2], c: [0], set: [] };
    const out = [mkdtempSync(join(tmpdir(), 'plasticnet-sweep-batch-')), mkdtempSync(join(tmpdir(), 'plasticnet-sweep-alone-'))];
    dirs.push(...out);
    const spy = vi.spyOn(PreparedRun.prototype, 'buildOnDevice');
    try {
      const batched = await runSweep({ base: counter, grid: g, out: out[0]!, backend: 'webgpu', device: dev.device, meta, statsStart_s: 0.02 });
      expect(spy).toHaveBeenCalledTimes(2); // both cells of the batch
      const alone = await runSweep({ base: counter, grid: g, out: out[1]!, backend: 'webgpu', device: dev.device, gpuBatch: false, gpuSchedule: 'resident', meta, statsStart_s: 0.02 });
      for (const c of batched.cells) expect(c.device).toMatch(/batch: 1 dispatch of 2 workgroups/);
      batched.cells.forEach((c, k) => expect(physics(c)).toEqual(physics(alone.cells[k]!)));
      expect(batched.cells[0]!.rates_Hz['E']).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });
});
