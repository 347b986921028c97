// TraceUpdatePass: shaders/trace_update.wgsl, one thread per neuron (traces, currents, current samples).
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, SimplePass } from './pass.ts';

export class TraceUpdatePass extends SimplePass {
  static async create(state: SimState, rowThreads: number): Promise<TraceUpdatePass> {
    const pipeline = await state.pipeline('TraceUpdatePass', 'trace_update', 'trace_update', { ROW_THREADS: rowThreads });
    return new TraceUpdatePass('trace_update', pipeline, grid(state.plan.N, WORKGROUP_SIZE, state.device.limits.maxComputeWorkgroupsPerDimension));
  }
}
