// The neuron-model table: every model the simulator knows, registered once (import this module for its
// effect before validating or deriving a spec; src/model/validate.ts and derive.ts do). A new model: one
// module like condLif.ts and one line here (or registerNeuronModel() from outside, as the toy-model test does).
import { adaptiveLif } from './adaptiveLif.ts';
import { condLif } from './condLif.ts';
import { eif, lif } from './currentBased.ts';
import { poisson } from './poisson.ts';
import { registerNeuronModel } from './registry.ts';

for (const m of [eif, lif, condLif, poisson, adaptiveLif]) registerNeuronModel(m);

export { hasNeuronModel, neuronModel, neuronModelNames, neuronModelsWgsl, registerNeuronModel, type CpuFastPath, type NeuronModel } from './registry.ts';
