// TraceUpdatePass: shaders/trace_update.wgsl, one thread per neuron (traces, currents, current samples).
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, type GpuPass } from './pass.ts';

export class TraceUpdatePass implements GpuPass {
  readonly name = 'trace_update' as const;
  private constructor(readonly pipeline: GPUComputePipeline, private readonly groups: [number, number]) {}

  static async create(state: SimState, rowThreads: number): Promise<TraceUpdatePass> {
    const pipeline = await state.pipeline('TraceUpdatePass', 'trace_update', 'trace_update', { ROW_THREADS: rowThreads });
    return new TraceUpdatePass(pipeline, grid(state.plan.N, WORKGROUP_SIZE, state.device.limits.maxComputeWorkgroupsPerDimension));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.dispatchWorkgroups(...this.groups);
  }
}
