// RecordPass: shaders/record.wgsl at the last step of each bin: weight block sums, sampled weights and
// sampled current sums into one slot of SimState.bins (read back in bulk per submission).
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, type GpuPass } from './pass.ts';

export class RecordPass implements GpuPass {
  readonly name = 'record' as const;
  private constructor(readonly pipeline: GPUComputePipeline, private readonly groups: [number, number]) {}

  static async create(state: SimState, rowThreads: number): Promise<RecordPass> {
    const p = state.plan;
    const pipeline = await state.pipeline('RecordPass', 'record', 'record_bin', { ROW_THREADS: rowThreads });
    const tail = Math.ceil(Math.max(p.nSlots * p.nCh, p.nWSamples) / WORKGROUP_SIZE);
    return new RecordPass(pipeline, grid(p.nBlocks + tail, 1, state.device.limits.maxComputeWorkgroupsPerDimension));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.dispatchWorkgroups(...this.groups);
  }
}
