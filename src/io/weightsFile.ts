// Learned weights on disk (Node): `plasticnet export-weights` writes a weights directory, and
// `plasticnet run --init-weights` reads one back, or a finished run directory, or a checkpoint.
//
// A weights directory holds:
//   weights.json                        manifest: { format: 'plasticnet-weights', version: 1, source, N,
//                                       specHash, projections: [{ name, tag, synapses, jScale, exact }] }
//   spec.json                           the spec of the run that learned them
//   weights_<tag>_Jscaled.npy  f32      the engine's scaled weights J (exact; J = j * jScale)
//   weights_<tag>_j.npy        f32      unscaled weights j (J * sqrt(N) on scaled projections)
//   weights_<tag>_pre.npy      i32      global presynaptic index of each synapse
//   weights_<tag>_post.npy     i32      global postsynaptic index
// where <tag> is the projection name with '<-' written '_from_' (E<-I: E_from_I), as in run outputs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { preOfCsr, WeightsError, type LoadedWeights, type ProjectionWeights } from '../network/initWeights.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { validate } from '../model/validate.ts';
import { CheckpointError, specHash } from './checkpoint.ts';
import { readCheckpointFile } from './checkpointFile.ts';
import { readJson, readNpy, writeJson, writeNpy } from './files.ts';
import { isSafeProjectionName } from '../model/names.ts';
import { safeJoin } from './safePath.ts';
import { networkOfCheckpoint, runMetaOf } from './runCheckpoint.ts';

/** The file tag of a projection name: E<-I -> E_from_I. */
export const tagOf = (name: string) => name.replace('<-', '_from_');

/** Learned weights plus the spec that learned them. */
export interface WeightsBundle extends LoadedWeights {
  spec: NetworkSpec;
}

function readSpecAt(file: string, what: string): NetworkSpec {
  if (!existsSync(file)) throw new WeightsError(`${what}: no spec.json`);
  try {
    return validate(readJson(file));
  } catch (e) {
    throw new WeightsError(`${what}: ${file} is not a valid spec: ${(e as Error).message}`);
  }
}

function npy(file: string, what: string, kind: 'f4' | 'i4'): Float32Array | Int32Array {
  let a;
  try {
    a = readNpy(file);
  } catch (e) {
    throw new WeightsError(`${what}: cannot read ${file}: ${(e as Error).message}`);
  }
  if (a.descr !== `<${kind}` || a.shape.length !== 1) throw new WeightsError(`${what}: ${file} must be a 1-d <${kind} array (found ${a.descr} ${JSON.stringify(a.shape)})`);
  return a.data as Float32Array | Int32Array;
}

/** Projection arrays from weights_<tag>_*.npy in `dir` (J only if the exact file is there). */
function readProjectionFiles(dir: string, name: string, jScale: number, what: string): ProjectionWeights {
  if (!isSafeProjectionName(name)) throw new WeightsError(`${what}: projection name ${JSON.stringify(name.slice(0, 80))} is not <post><-<pre> of two valid names`);
  const base = safeJoin(dir, `weights_${tagOf(name)}`);
  if (!existsSync(`${base}_j.npy`)) throw new WeightsError(`${what}: missing ${base}_j.npy for projection ${name}`);
  const j = npy(`${base}_j.npy`, what, 'f4') as Float32Array;
  const pre = npy(`${base}_pre.npy`, what, 'i4') as Int32Array;
  const post = npy(`${base}_post.npy`, what, 'i4') as Int32Array;
  const p: ProjectionWeights = { name, pre, post, j, jScale };
  if (existsSync(`${base}_Jscaled.npy`)) p.J = npy(`${base}_Jscaled.npy`, what, 'f4') as Float32Array;
  return p;
}

const jScaleOf = (spec: NetworkSpec, name: string) => {
  const pr = spec.projections.find((p) => `${p.post}<-${p.pre}` === name);
  return pr?.scaleBySqrtN ? 1 / Math.sqrt(spec.N) : 1;
};

/** Weights from a checkpoint: exact J of every plastic projection, synapses from the rebuilt network. */
function fromCheckpoint(file: string): WeightsBundle {
  const what = `checkpoint '${file}'`;
  const ck = readCheckpointFile(file);
  const m = runMetaOf(ck, what);
  const net = networkOfCheckpoint(ck, m.spec, what);
  const projections: ProjectionWeights[] = [];
  for (const pr of net.derived.projections) {
    if (!pr.plastic) continue;
    const J = ck.arrays[`state.weights.${pr.index}`];
    if (!(J instanceof Float32Array)) throw new CheckpointError(`${what}: no weights for ${pr.name}`);
    const c = net.csr[pr.index]!;
    projections.push({ name: pr.name, pre: preOfCsr(pr, c), post: c.post, J, j: Float32Array.from(J, (x) => x / pr.jScale), jScale: pr.jScale });
  }
  return { source: `${file} (step ${m.step} of ${m.nSteps})`, N: m.spec.N, spec: m.spec, projections };
}

/**
 * Learned weights from `path`: a weights directory (weights.json), a run directory (final weights of a
 * finished or guard-stopped run; else its checkpoint.pnck), or a .pnck checkpoint file.
 */
export function loadWeights(path: string): WeightsBundle {
  if (!existsSync(path)) throw new WeightsError(`'${path}' does not exist`);
  if (statSync(path).isFile()) {
    if (path.endsWith('.pnck')) return fromCheckpoint(path);
    throw new WeightsError(`'${path}': expected a weights directory, a run directory or a .pnck checkpoint`);
  }
  const manifest = join(path, 'weights.json');
  if (existsSync(manifest)) {
    let m: { format?: string; version?: number; projections?: { name: string }[] };
    try {
      m = readJson(manifest) as typeof m;
    } catch (e) {
      throw new WeightsError(`${manifest}: ${(e as Error).message}`);
    }
    if (m.format !== 'plasticnet-weights' || m.version !== 1 || !Array.isArray(m.projections)) throw new WeightsError(`${manifest}: not a plasticnet weights manifest (version 1)`);
    const spec = readSpecAt(join(path, 'spec.json'), path);
    return { source: path, N: spec.N, spec, projections: m.projections.map((p) => readProjectionFiles(path, String(p.name), jScaleOf(spec, String(p.name)), path)) };
  }
  if (existsSync(join(path, 'summary.json'))) {
    const spec = readSpecAt(join(path, 'spec.json'), path);
    const names = spec.projections.filter((p) => p.plasticity && spec.populations.some((q) => q.name === p.pre)).map((p) => `${p.post}<-${p.pre}`);
    if (names.length === 0) throw new WeightsError(`${path}: the run has no plastic projections, so no learned weights`);
    return { source: path, N: spec.N, spec, projections: names.map((n) => readProjectionFiles(path, n, jScaleOf(spec, n), path)) };
  }
  if (existsSync(join(path, 'checkpoint.pnck'))) return fromCheckpoint(join(path, 'checkpoint.pnck'));
  const files = readdirSync(path);
  throw new WeightsError(`'${path}' holds no weights.json, finished run (summary.json) or checkpoint.pnck${files.length ? '' : ' (it is empty)'}`);
}

/** Writes a weights directory (see the top of this file). */
export function exportWeights(w: WeightsBundle, out: string): string[] {
  const files: string[] = [];
  const projections = w.projections.map((p) => {
    if (!isSafeProjectionName(p.name)) throw new WeightsError(`projection name ${JSON.stringify(p.name.slice(0, 80))} is not <post><-<pre> of two valid names`);
    const base = safeJoin(out, `weights_${tagOf(p.name)}`);
    if (p.J) writeNpy(`${base}_Jscaled.npy`, p.J);
    writeNpy(`${base}_j.npy`, p.j);
    writeNpy(`${base}_pre.npy`, p.pre);
    writeNpy(`${base}_post.npy`, p.post);
    files.push(...(p.J ? [`${base}_Jscaled.npy`] : []), `${base}_j.npy`, `${base}_pre.npy`, `${base}_post.npy`);
    return { name: p.name, tag: tagOf(p.name), synapses: p.j.length, jScale: p.jScale ?? null, exact: p.J !== undefined };
  });
  writeJson(safeJoin(out, 'spec.json'), w.spec);
  writeJson(safeJoin(out, 'weights.json'), { format: 'plasticnet-weights', version: 1, source: w.source, N: w.spec.N, specHash: specHash(w.spec), projections });
  files.push(join(out, 'spec.json'), join(out, 'weights.json'));
  return files;
}
