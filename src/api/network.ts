// build(spec): validate, derive and build in one call (the library's view of src/build/network.ts).
import { buildNetwork, type BuiltNetwork } from '../build/network.ts';
import { derive } from '../model/derive.ts';
import { validate } from '../model/validate.ts';

/**
 * Validates a spec (throwing {@link SpecError} for any invalid one) and builds its network from the seed:
 * connectivity (CSR per projection), initial membrane potentials and the recorded samples. Deterministic:
 * the same spec gives the same network on every machine.
 */
export function build(spec: unknown): BuiltNetwork {
  return buildNetwork(derive(validate(spec)));
}
