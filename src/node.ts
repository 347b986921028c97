/**
 * Node-only writers (`plasticnet/node`): a run's outputs as files, the way `plasticnet run` writes them.
 * Every file is written atomically (a temporary sibling renamed over the target).
 *
 * ```ts
 * import { Simulation, getPreset } from 'plasticnet';
 * import { writeRunOutputs } from 'plasticnet/node';
 * const sim = await Simulation.create(getPreset('akil-istdp-demo'));
 * await sim.run();
 * writeRunOutputs('runs/demo', sim.spec, await sim.outputs());
 * ```
 * @module plasticnet/node
 */
export { readNpy, writeNpy } from './io/files.ts';
export { writeRunOutputs } from './api/writeRun.ts';
