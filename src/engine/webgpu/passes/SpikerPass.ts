// The per-spiker passes: a fixed number of workgroups stride over this step's spike list (count read
// on the GPU), each walking one spiker's row (or column) with ROW_THREADS threads. A fixed grid rather
// than an indirect dispatch: Dawn validates every indirect dispatch with an extra internal dispatch,
// and an idle workgroup costs less than that.
import type { SimState } from '../simState.ts';
import { SimplePass, threadConstants, type Threads } from './pass.ts';

type SpikerPassName = 'synapse_propagate' | 'plasticity_pre' | 'plasticity_post';

const OWNER: Record<SpikerPassName, string> = {
  synapse_propagate: 'SynapsePropagatePass',
  plasticity_pre: 'PlasticityPrePass',
  plasticity_post: 'PlasticityPostPass',
};

async function build(name: SpikerPassName, state: SimState, threads: Threads): Promise<[SpikerPassName, GPUComputePipeline, [number, number]]> {
  const pipeline = await state.pipeline(OWNER[name], name, name, threadConstants(threads));
  return [name, pipeline, [state.plan.opts.spikeWorkgroups, 1]];
}

/** shaders/synapse_propagate.wgsl: event-driven fixed-point delivery of recurrent spikes (and their record). */
export class SynapsePropagatePass extends SimplePass {
  static async create(state: SimState, threads: Threads): Promise<SynapsePropagatePass> {
    return new SynapsePropagatePass(...(await build('synapse_propagate', state, threads)));
  }
}

/** shaders/plasticity_pre.wgsl: onPre terms on the rows of presynaptic spikers. */
export class PlasticityPrePass extends SimplePass {
  static async create(state: SimState, threads: Threads): Promise<PlasticityPrePass> {
    return new PlasticityPrePass(...(await build('plasticity_pre', state, threads)));
  }
}

/** shaders/plasticity_post.wgsl: onPost terms on the columns of postsynaptic spikers. */
export class PlasticityPostPass extends SimplePass {
  static async create(state: SimState, threads: Threads): Promise<PlasticityPostPass> {
    return new PlasticityPostPass(...(await build('plasticity_post', state, threads)));
  }
}
