// A sweep whose cells run as one-dispatch GPU batches (issue 19): on the webgpu backend (or auto on a
// hardware adapter) the unfinished cells go to runGpuBatches (src/pipeline/gpuBatchRun.ts), which runs
// the cells of one shape and length together, one workgroup per cell; a cell that does not fit a batch
// runs alone exactly as in runSweep's cell-by-cell loop. Cells are saved, reported and returned in grid
// order, as runSweep does. The CPU backend never comes here.
import { safeJoin } from '../io/safePath.ts';
import { writeOutputs } from '../output/writeOutputs.ts';
import { runGpuBatches } from '../pipeline/gpuBatchRun.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { cellId, gridCells, specHash, type CellKey } from './sweepGrid.ts';
import { CellInterrupted, cellRecord, cellSpec, loadFinishedCell, runCell, type SweepCell, type SweepOptions, type SweepResult } from './sweep.ts';

/** The engine options a cell run alone takes from the sweep's (backend, device, schedule). */
export function cellRunOptions(o: Pick<SweepOptions, 'backend' | 'device' | 'gpuSchedule'>): { backend?: string; device?: GPUDevice; gpuSchedule?: string } {
  return { ...(o.backend ? { backend: o.backend } : {}), ...(o.device ? { device: o.device } : {}), ...(o.gpuSchedule ? { gpuSchedule: o.gpuSchedule } : {}) };
}

/** Whether the sweep runs its cells as GPU batches: not asked off, and the backend is webgpu (or auto with a device handed in or a hardware adapter). */
export async function gpuBatchWanted(o: Pick<SweepOptions, 'backend' | 'device' | 'gpuBatch'>): Promise<boolean> {
  if (o.gpuBatch === false) return false;
  const backend = o.backend ?? 'auto';
  if (backend === 'webgpu') return true;
  if (backend !== 'auto') return false;
  if (o.device !== undefined) return true;
  const { hasHardwareAdapter } = await import('../engine/webgpu/device.ts');
  return hasHardwareAdapter();
}

/** runSweep on the GPU with batches (see the file comment). */
export async function runSweepBatched(o: SweepOptions): Promise<SweepResult> {
  const keys = gridCells(o.grid);
  const t0 = performance.now();
  const wall = (): number => (performance.now() - t0) / 1000;
  const so = { ...(o.T_s !== undefined ? { T_s: o.T_s } : {}), ...(o.statsStart_s !== undefined ? { statsStart_s: o.statsStart_s } : {}) };
  const byIndex: (SweepCell | undefined)[] = keys.map(() => undefined);
  const pending: { i: number; k: CellKey; spec: NetworkSpec; id: string }[] = [];
  let ran = 0;
  let skipped = 0;
  for (const [i, k] of keys.entries()) {
    const spec = cellSpec(o.base, k, so);
    const id = cellId(k);
    const done = o.force ? null : loadFinishedCell(o.out, id, specHash(spec));
    if (done) {
      byIndex[i] = done;
      skipped++;
      o.onCellDone?.(done, false, i, keys.length);
    } else pending.push({ i, k, spec, id });
  }
  const finished = (): SweepCell[] => byIndex.filter((c): c is SweepCell => c !== undefined);
  const save = (p: (typeof pending)[number], cell: SweepCell): void => {
    writeOutputs(safeJoin(o.out, 'cells'), [{ name: `${p.id}.json`, json: cell }], o.out); // cellPath(o.out, id)
    byIndex[p.i] = cell;
    ran++;
    o.onCellDone?.(cell, true, p.i, keys.length);
  };
  const batched = await runGpuBatches(
    pending.map((p) => p.spec),
    {
      ...(o.device ? { device: o.device } : {}),
      ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
      onBatch: (idx, phase) => {
        if (phase === 'start') for (const j of idx) o.onCellStart?.(pending[j]!.k, pending[j]!.id, pending[j]!.i, keys.length, pending[j]!.spec);
      },
    },
  );
  // Batched cells first (their runs are over), then the cells that run alone, in grid order.
  for (const [j, p] of pending.entries()) {
    const r = batched.results[j];
    if (r) save(p, cellRecord(p.spec, p.k, r, o.meta));
  }
  if (batched.interrupted) return { cells: finished(), ran, skipped, wall_s: wall(), interrupted: batched.interrupted };
  for (const [j, p] of pending.entries()) {
    if (batched.results[j]) continue;
    const stop = o.shouldStop?.() ?? null;
    if (stop !== null) return { cells: finished(), ran, skipped, wall_s: wall(), interrupted: stop };
    o.onCellStart?.(p.k, p.id, p.i, keys.length, p.spec);
    try {
      const cell = await runCell(p.spec, p.k, { ...cellRunOptions(o), ...(o.threads !== undefined ? { threads: o.threads } : {}), meta: o.meta, ...(o.onCellProgress ? { onProgress: o.onCellProgress } : {}), ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}) });
      save(p, cell);
    } catch (e) {
      if (e instanceof CellInterrupted) return { cells: finished(), ran, skipped, wall_s: wall(), interrupted: e.message };
      throw e;
    }
  }
  return { cells: finished(), ran, skipped, wall_s: wall() };
}
