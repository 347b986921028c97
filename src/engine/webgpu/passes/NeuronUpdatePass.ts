// NeuronUpdatePass: shaders/neuron_update.wgsl, one thread per neuron.
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, type GpuPass } from './pass.ts';

export class NeuronUpdatePass implements GpuPass {
  readonly name = 'neuron_update' as const;
  private constructor(readonly pipeline: GPUComputePipeline, private readonly groups: [number, number]) {}

  static async create(state: SimState, rowThreads: number): Promise<NeuronUpdatePass> {
    const pipeline = await state.pipeline('NeuronUpdatePass', 'neuron_update', 'neuron_update', { ROW_THREADS: rowThreads });
    return new NeuronUpdatePass(pipeline, grid(state.plan.N, WORKGROUP_SIZE, state.device.limits.maxComputeWorkgroupsPerDimension));
  }

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.dispatchWorkgroups(...this.groups);
  }
}
