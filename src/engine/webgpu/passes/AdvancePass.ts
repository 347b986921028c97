// AdvancePass: shaders/advance.wgsl, the GPU-side step counter (one thread, ends every step).
import type { SimState } from '../simState.ts';
import type { GpuPass } from './pass.ts';

export class AdvancePass implements GpuPass {
  readonly name = 'advance' as const;
  private constructor(readonly pipeline: GPUComputePipeline) {}

  static async create(state: SimState, rowThreads: number): Promise<AdvancePass> {
    return new AdvancePass(await state.pipeline('AdvancePass', 'advance', 'advance', { ROW_THREADS: rowThreads }));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.dispatchWorkgroups(1);
  }
}
