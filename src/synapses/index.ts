// The synapse-model table: every model of a channel's current the simulator knows, registered once (import
// this module for its effect before validating or deriving a spec; src/model/validate.ts and derive.ts do).
// A new model: one module like exponential.ts and one line here (or registerSynapseModel() from outside,
// as test/unit/toySynapse.test.ts does).
import { doubleExponential } from './doubleExponential.ts';
import { exponential } from './exponential.ts';
import { registerSynapseModel } from './registry.ts';

registerSynapseModel(exponential);
registerSynapseModel(doubleExponential);

export { DEFAULT_SYNAPSE, hasSynapseModel, registerSynapseModel, synapseModel, synapseModelNames, synapseModelsWgsl, type DerivedSynapse, type SynapseModel } from './registry.ts';
