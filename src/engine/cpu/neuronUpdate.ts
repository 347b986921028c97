// Pass 'neuron_update' (twin of shaders/neuron_update.wgsl): input channels take this step's external
// spikes (their synapse model's cpuJoinInput), then each population's model (src/neurons: its cpuUpdate)
// integrates it one step. A network whose populations all name the same fast-path kernel (NeuronModel.
// cpuFastPath: the EIF/LIF one in src/neurons/currentBasedFast.ts) and whose channels all allow it runs
// that kernel instead, bit-identical to the general path.
import type { Derived } from '../../model/derive.ts';
import type { CpuState } from './state.ts';
import { neuronModel, type CpuFastPath } from '../../neurons/index.ts';
import { synapseModel } from '../../synapses/index.ts';

/** Joins this step's fixed-point external input into the input channels, by their synapse models (src/synapses). */
function applyInputs(d: Derived, st: CpuState): void {
  d.channels.forEach((ch, c) => {
    if (ch.kind === 'input') synapseModel(ch.synapse).cpuJoinInput(d, st, c);
  });
}

/** Integrates every neuron one step and fills st.spikes (ascending) with the spikers. */
export function neuronUpdatePass(d: Derived, st: CpuState): void {
  const fast = fastPlan(d);
  if (fast) return fast.kernel.run(d, st, fast.inputBases);
  applyInputs(d, st);
  let nSpk = 0;
  for (const p of d.pops) nSpk = neuronModel(p.neuron.model).cpuUpdate(d, st, p, nSpk);
  st.nSpikes = nSpk;
}

/**
 * The fast-path kernel every population's model names (the same one) with the input-channel offsets (c * N),
 * when every channel's synapse model allows it; else null. Cached per Derived.
 */
const plans = new WeakMap<Derived, { kernel: CpuFastPath; inputBases: Int32Array } | null>();
function fastPlan(d: Derived): { kernel: CpuFastPath; inputBases: Int32Array } | null {
  let p = plans.get(d);
  if (p === undefined) {
    const kernel = neuronModel(d.pops[0]!.neuron.model).cpuFastPath;
    const ok = kernel !== undefined && d.pops.every((q) => neuronModel(q.neuron.model).cpuFastPath === kernel) && d.channels.every((ch) => synapseModel(ch.synapse).cpuFastPath === true);
    const bases: number[] = [];
    d.channels.forEach((ch, c) => {
      if (ch.kind === 'input') bases.push(c * d.N);
    });
    p = ok ? { kernel: kernel!, inputBases: Int32Array.from(bases) } : null;
    plans.set(d, p);
  }
  return p;
}
