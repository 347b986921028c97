// What an export hands over: the spec, the built network (connectivity from the seed, initial V) with the
// learned weights of a run applied, and the run's recorded spikes. Engine-neutral and exact: the arrays
// are the ones an engine would start from (f32 J as the engine holds it).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applyInitWeights, preOfCsr } from '../../network/initWeights.ts';
import { buildNetwork, type BuiltNetwork } from '../../network/network.ts';
import { buildProjection } from '../../network/connectivity.ts';
import { UsageError, loadSpec } from '../../cli/loadSpec.ts';
import { derive, type DerivedProjection } from '../../model/derive.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import { validate } from '../../model/validate.ts';
import { readNpy } from '../files.ts';
import { loadWeights } from '../weightsFile.ts';
import { checkName, projTag } from './names.ts';

/** One projection's synapses in local indices (pre within its population or input, post within its population). */
export interface ExportProjection {
  pr: DerivedProjection;
  tag: string; // 'E_from_I'
  pre: Int32Array;
  post: Int32Array;
  J: Float32Array; // the engine's f32 weights (scaled units of the spec)
  delay_ms: Float64Array; // each synapse's delay: its whole steps x dt (one step: a spike felt by V the next step)
}

export interface ExportNetwork {
  spec: NetworkSpec;
  net: BuiltNetwork;
  source: string; // what was exported, for READMEs
  learned: string[]; // projections whose weights came from a run
  projections: ExportProjection[];
  /** Spikes the run recorded (its raster neurons), global neuron index and step; absent for a spec. */
  spikes?: { steps: Int32Array; ids: Int32Array };
}

/** Checks every name that goes into files, HDF5 groups or Python (populations, inputs). */
export function checkSpecNames(spec: NetworkSpec): void {
  spec.populations.forEach((p, i) => checkName(`populations[${i}].name`, p.name));
  spec.inputs.forEach((p, i) => checkName(`inputs[${i}].name`, p.name));
  (spec.signals ?? []).forEach((p, i) => checkName(`signals[${i}].name`, p.name));
}

/** Projections of a built network in local indices. */
export function projectionsOf(net: BuiltNetwork): ExportProjection[] {
  return net.derived.projections.map((pr) => {
    // A procedural projection stores no synapse: an export lists them all, built here from the seed (the same rows).
    const c = net.csr[pr.index]!.procedural ? buildProjection(net.csr[pr.index]!.procedural!.seed, { ...pr, storage: 'stored' }) : net.csr[pr.index]!;
    const pre = preOfCsr(pr, c);
    for (let s = 0; s < pre.length; s++) pre[s]! -= pr.pre.offset;
    const post = Int32Array.from(c.post, (x) => x - pr.post.offset);
    const sp = net.derived.spec.projections[pr.index]!;
    const del = net.delays[pr.index];
    const dt = net.derived.dt_ms;
    const delay_ms = del ? Float64Array.from(del, (k) => k * dt) : new Float64Array(post.length).fill(pr.delay.min * dt);
    return { pr, tag: projTag(sp.post, sp.pre), pre, post, J: c.weight, delay_ms };
  });
}

const isRunLike = (p: string) => existsSync(p) && (statSync(p).isDirectory() || p.endsWith('.pnck'));

/**
 * The network to export from a run directory, a .pnck checkpoint, a weights directory, a preset or a spec .json;
 * with `specRef`, that spec (e.g. a continuation: other T, plasticity from t = 0) with the learned weights of `ref`.
 */
export function collectNetwork(ref: string, specRef?: string): ExportNetwork {
  let spec: NetworkSpec;
  let learned: string[] = [];
  let net: BuiltNetwork;
  let spikes: ExportNetwork['spikes'];
  if (specRef !== undefined && !isRunLike(ref)) throw new UsageError(`--spec ${specRef}: '${ref}' holds no learned weights (give a run directory, a checkpoint or a weights directory)`);
  if (isRunLike(ref)) {
    const w = loadWeights(ref);
    spec = specRef !== undefined ? validate(loadSpec(specRef)) : w.spec;
    checkSpecNames(spec);
    net = buildNetwork(derive(spec));
    applyInitWeights(net, w);
    learned = w.projections.map((p) => p.name);
    const [st, id] = [join(ref, 'raster_step.npy'), join(ref, 'raster_neuron.npy')];
    if (specRef === undefined && existsSync(st) && existsSync(id)) spikes = { steps: readNpy(st).data as Int32Array, ids: readNpy(id).data as Int32Array };
  } else {
    spec = validate(loadSpec(ref));
    checkSpecNames(spec);
    net = buildNetwork(derive(spec));
  }
  if (net.derived.N + net.derived.inputs.reduce((a, x) => a + x.size, 0) === 0) throw new UsageError(`${ref}: the network is empty`);
  return { spec, net, source: ref, learned, projections: projectionsOf(net), ...(spikes ? { spikes } : {}) };
}
