// The plasticity-rule family table: every family the simulator knows, registered once (import this module for
// its effect before validating or deriving a spec; src/model/validate.ts and derive.ts do). A new family: one
// module like pair.ts and one line here (or registerPlasticityFamily() from outside, as the toy-family test does).
import { pair } from './pair.ts';
import { perTrial } from './perTrial.ts';
import { registerPlasticityFamily } from './registry.ts';

registerPlasticityFamily(pair);
registerPlasticityFamily(perTrial);

export {
  defaultFamily, etaPerSpike, familyOfRule, gpuRunsRules, plasticityFamily, registerPlasticityFamily, ruleNames,
  type ActiveProjection, type PlasticityFamily, type RuleChecker, type RuleCheckContext, type RuleDeriveContext, type SynapseSlice,
} from './registry.ts';
