// NeuronUpdatePass: shaders/neuron_update.wgsl, one thread per neuron.
import type { SimState } from '../simState.ts';
import { grid, SimplePass, threadConstants, type Threads } from './pass.ts';

export class NeuronUpdatePass extends SimplePass {
  static async create(state: SimState, threads: Threads, parity = 0): Promise<NeuronUpdatePass> {
    const pipeline = await state.pipeline('NeuronUpdatePass', 'neuron_update', 'neuron_update', threadConstants(threads, parity));
    return new NeuronUpdatePass('neuron_update', pipeline, grid(state.plan.N, threads.neuron, state.device.limits.maxComputeWorkgroupsPerDimension));
  }
}
