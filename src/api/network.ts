// build(spec): validate, derive and build in one call (the library's view of src/pipeline/session.ts, PreparedRun).
import type { BuiltNetwork } from '../network/network.ts';
import { PreparedRun } from '../pipeline/session.ts';

/**
 * Validates a spec (throwing {@link SpecError} for any invalid one) and builds its network from the seed:
 * connectivity (CSR per projection), initial membrane potentials and the recorded samples. Deterministic:
 * the same spec gives the same network on every machine.
 */
export function build(spec: unknown): BuiltNetwork {
  return PreparedRun.of(spec).build().net;
}
