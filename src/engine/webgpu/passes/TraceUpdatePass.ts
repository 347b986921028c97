// TraceUpdatePass: shaders/trace_update.wgsl, one thread per neuron (traces, currents, current samples).
import type { SimState } from '../simState.ts';
import { grid, SimplePass, threadConstants, type Threads } from './pass.ts';

export class TraceUpdatePass extends SimplePass {
  static async create(state: SimState, threads: Threads): Promise<TraceUpdatePass> {
    const pipeline = await state.pipeline('TraceUpdatePass', 'trace_update', 'trace_update', threadConstants(threads));
    return new TraceUpdatePass('trace_update', pipeline, grid(state.plan.N, threads.neuron, state.device.limits.maxComputeWorkgroupsPerDimension));
  }
}
