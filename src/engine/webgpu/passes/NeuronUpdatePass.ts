// NeuronUpdatePass: shaders/neuron_update.wgsl, one thread per neuron.
import { WORKGROUP_SIZE } from '../layout.ts';
import type { SimState } from '../simState.ts';
import { grid, SimplePass } from './pass.ts';

export class NeuronUpdatePass extends SimplePass {
  static async create(state: SimState, rowThreads: number, parity = 0): Promise<NeuronUpdatePass> {
    const pipeline = await state.pipeline('NeuronUpdatePass', 'neuron_update', 'neuron_update', { ROW_THREADS: rowThreads, PARITY: parity });
    return new NeuronUpdatePass('neuron_update', pipeline, grid(state.plan.N, WORKGROUP_SIZE, state.device.limits.maxComputeWorkgroupsPerDimension));
  }
}
