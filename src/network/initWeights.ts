// Starting a run from learned weights: the synapses and weights of plastic projections come from a
// previous run (its final weights or a checkpoint); everything else (V, currents, traces, recordings,
// time, static projections) starts as the spec says. Engine-neutral: edits the BuiltNetwork's CSR
// before an engine is created, so every engine starts from the same weights.
import { columnIndex, type Csr } from './connectivity.ts';
import type { BuiltNetwork } from './network.ts';
import type { Derived, DerivedProjection } from '../model/derive.ts';

/** Learned weights of one projection: synapses as (global pre, global post) pairs. */
export interface ProjectionWeights {
  name: string; // 'E<-I'
  pre: Int32Array; // global presynaptic index of each synapse
  post: Int32Array; // global postsynaptic index
  j: Float32Array; // unscaled weights (J * sqrt(N) on scaled projections)
  J?: Float32Array; // the engine's scaled weights, exact (present in checkpoints and new run outputs)
  jScale?: number; // J = j * jScale in the source run
}

export interface LoadedWeights {
  source: string; // where they came from (for messages)
  N?: number; // the source run's N
  projections: ProjectionWeights[];
}

/** Weights that cannot be applied to this network: the message names the projection and the reason. */
export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
}

/** Evenly spaced picks of up to k of [0, n) (as buildNetwork's recording samples). */
function spread(n: number, k: number): Int32Array {
  const m = Math.min(n, k);
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[i] = Math.floor((i * n) / m);
  return out;
}

/** A CSR (rows by presynaptic neuron, with the column index) from synapse lists in global indices. */
export function csrFromSynapses(pr: DerivedProjection, pre: Int32Array, post: Int32Array, weight: Float32Array): Csr {
  const nPre = pr.pre.size;
  const nPost = pr.post.size;
  const nnz = pre.length;
  const rowPtr = new Int32Array(nPre + 1);
  for (let s = 0; s < nnz; s++) rowPtr[pre[s]! - pr.pre.offset + 1]!++;
  for (let k = 0; k < nPre; k++) rowPtr[k + 1]! += rowPtr[k]!;
  const fillRow = rowPtr.slice(0, nPre);
  const postOut = new Int32Array(nnz);
  const w = new Float32Array(nnz);
  for (let s = 0; s < nnz; s++) {
    const at = fillRow[pre[s]! - pr.pre.offset]!++; // stable: keeps the source order within a row
    postOut[at] = post[s]!;
    w[at] = weight[s]!;
  }
  return { nPre, nPost, rowPtr, post: postOut, weight: w, ...columnIndex(rowPtr, postOut, pr.post.offset, nPost) };
}

/** Global presynaptic index of every synapse of a CSR. */
export function preOfCsr(pr: DerivedProjection, c: Csr): Int32Array {
  const pre = new Int32Array(c.post.length);
  for (let k = 0; k < c.nPre; k++) pre.fill(pr.pre.offset + k, c.rowPtr[k]!, c.rowPtr[k + 1]!);
  return pre;
}

/** Replaces projection i's CSR (and its weight sample, which depends on the synapse count). */
export function replaceProjection(net: BuiltNetwork, i: number, csr: Csr): void {
  net.csr[i] = csr;
  if (net.derived.projections[i]!.plastic) net.weightSample[i] = spread(csr.post.length, net.derived.spec.recording.weightSamples);
}

/** j for messages: the unscaled value without the scaling's rounding noise. */
const nice = (x: number) => Number(x.toPrecision(12));

const sameArray = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Loads learned weights into the plastic projections of `net` (matched by name, e.g. 'E<-I'), taking their
 * synapses too (so the seed may differ from the source run's). Checks sizes, index ranges, and the
 * projection's bounds (clip bounds, else the sign of its spec weight). Returns one line per projection and
 * the projections whose synapses were replaced (a checkpoint must store those).
 */
export function applyInitWeights(net: BuiltNetwork, w: LoadedWeights): { lines: string[]; replaced: number[] } {
  const d = net.derived;
  checkInitWeights(d, w);
  const lines: string[] = [];
  const replaced: number[] = [];
  const byName = new Map(w.projections.map((p) => [p.name, p]));
  for (const pr of d.projections) {
    if (!pr.plastic) continue;
    const p = byName.get(pr.name);
    if (!p) {
      lines.push(`${pr.name}: not in ${w.source}; starts from the spec's j = ${nice(pr.J / pr.jScale)}`);
      continue;
    }
    const n = p.pre.length;
    const exact = p.J !== undefined && p.jScale === pr.jScale;
    const old = net.csr[pr.index]!;
    const csr = csrFromSynapses(pr, p.pre, p.post, initialJ(pr, p));
    const same = sameArray(csr.rowPtr, old.rowPtr) && sameArray(csr.post, old.post);
    replaceProjection(net, pr.index, same ? { ...old, weight: csr.weight } : csr);
    if (!same) replaced.push(pr.index);
    let sum = 0;
    for (const x of csr.weight) sum += x;
    lines.push(
      `${pr.name}: ${n} synapses from ${w.source} (${same ? 'same synapses as this seed builds' : 'their synapses replace the seed-built ones'}), mean j = ${(sum / Math.max(1, n) / pr.jScale).toFixed(3)}${exact ? '' : ' (from j: within 1 ulp)'}`,
    );
  }
  return { lines, replaced };
}

/** The scaled weights J to start from: exact when the source's scale matches, else f32(j * jScale). */
function initialJ(pr: DerivedProjection, p: ProjectionWeights): Float32Array {
  return p.J !== undefined && p.jScale === pr.jScale ? p.J : Float32Array.from(p.j, (x) => Math.fround(x * pr.jScale));
}

/**
 * Checks learned weights against a derived spec without building it: every projection exists and is
 * plastic, arrays agree in length, indices lie in the populations, weights within bounds or sign.
 */
export function checkInitWeights(d: Derived, w: LoadedWeights): void {
  for (const p of w.projections) {
    const pr = d.projections.find((x) => x.name === p.name);
    if (!pr) throw new WeightsError(`${w.source}: projection ${p.name} is not in this spec (projections: ${d.projections.map((x) => x.name).join(', ')})`);
    if (!pr.plastic)
      throw new WeightsError(`${w.source}: projection ${p.name} is static in this spec; learned weights load into plastic projections only (give it a plasticity rule with eta = 0 to keep them fixed)`);
    const n = p.pre.length;
    if (p.post.length !== n || p.j.length !== n || (p.J && p.J.length !== n)) throw new WeightsError(`${w.source}: projection ${p.name} has arrays of different lengths`);
    const [preLo, preHi] = [pr.pre.offset, pr.pre.offset + pr.pre.size];
    const [postLo, postHi] = [pr.post.offset, pr.post.offset + pr.post.size];
    for (let s = 0; s < n; s++) {
      if (p.pre[s]! < preLo || p.pre[s]! >= preHi || p.post[s]! < postLo || p.post[s]! >= postHi)
        throw new WeightsError(
          `${w.source}: projection ${p.name} synapse ${s} (pre ${p.pre[s]}, post ${p.post[s]}) lies outside this spec's populations (pre [${preLo}, ${preHi}), post [${postLo}, ${postHi})): N and the population fractions must match the source run${w.N !== undefined ? ` (N = ${w.N})` : ''}`,
        );
    }
    const J = initialJ(pr, p);
    const r = pr.plastic;
    const clip = r.bounded && !r.gate;
    for (let s = 0; s < n; s++) {
      const x = J[s]!;
      const ok = Number.isFinite(x) && (clip ? x >= Math.fround(r.jMin) && x <= Math.fround(r.jMax) : r.gate || pr.J === 0 || x === 0 || Math.sign(x) === Math.sign(pr.J));
      if (!ok)
        throw new WeightsError(
          `${w.source}: projection ${p.name} synapse ${s} has j = ${nice(x / pr.jScale)}, outside this spec's ${clip ? `clip bounds [${nice(r.jMin / pr.jScale)}, ${nice(r.jMax / pr.jScale)}]` : `sign (spec j = ${nice(pr.J / pr.jScale)})`}`,
        );
    }
  }
}
