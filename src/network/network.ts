// The built network: everything the seed determines before step 0 (connectivity, initial V, samples).
import type { Derived } from '../model/derive.ts';
import { buildProjection, nnzOf, type Csr } from './connectivity.ts';
import { RngStream, STREAM } from '../rng/streams.ts';
import { philox4x32, u01 } from '../rng/philox.ts';
import { uniformIndex } from '../rng/dist.ts';

/** A network built from its spec and seed: derived constants, connectivity (one CSR per projection), initial potentials and the recorded samples. */
export interface BuiltNetwork {
  derived: Derived;
  csr: Csr[]; // one per projection, same order as derived.projections
  v0: Float32Array; // initial membrane potentials
  rasterNeurons: Int32Array; // first rasterNeurons of each population
  currentSample: Int32Array; // per population: its first currentSamples neurons (sorted by population)
  currentSamplePop: Int32Array; // population of each sampled neuron
  weightSample: Int32Array[]; // per projection: sampled synapse ids (empty if static)
  /** Per projection: each synapse's delay in steps (CSR order) when its delays range over more than one value, else null (all pr.delay.min). */
  delays: (Uint16Array | null)[];
}

/**
 * Heterogeneous delays of projection p: synapse y's delay is min + uniformIndex(word, max - min + 1), word
 * (y & 3) of Philox counter (y >> 2, 0, projection, 0), stream STREAM.synDelay (the reference draws
 * floor(U * D / dt) + 1 steps per synapse).
 */
export function drawDelays(seed: number, p: Derived['projections'][number], nnz: number): Uint16Array | null {
  const { min, max } = p.delay;
  if (min === max) return null;
  const out = new Uint16Array(nnz);
  const w = new Uint32Array(4);
  for (let y = 0; y < nnz; y++) {
    if ((y & 3) === 0) philox4x32(w, y >>> 2, 0, p.index, 0, seed, STREAM.synDelay);
    out[y] = min + uniformIndex(w[y & 3]!, max - min + 1);
  }
  return out;
}

/** Evenly spaced picks of up to k items of [0, n): deterministic and spread over the population. */
function spread(n: number, k: number): number[] {
  const m = Math.min(n, k);
  const out: number[] = [];
  for (let i = 0; i < m; i++) out.push(Math.floor((i * n) / m));
  return out;
}

/**
 * Builds connectivity (or takes `prebuilt`, one CSR per projection, e.g. from the device builder), initial state and
 * recording samples from the seed; `onProgress` hears the fraction of expected synapses built before each projection.
 */
export function buildNetwork(d: Derived, onProgress?: (fraction: number, what: string) => void, prebuilt?: readonly Csr[], planOnly = false): BuiltNetwork {
  const seed = d.spec.seed >>> 0;
  // Progress by expected synapses (the build's cost), reported before each projection and at the end.
  const cost = d.projections.map((p) => p.p * p.pre.size * p.post.size);
  const total = cost.reduce((a, b) => a + b, 0) || 1;
  let done = 0;
  const csr = prebuilt
    ? [...prebuilt]
    : d.projections.map((p, i) => {
        onProgress?.(done / total, `projection ${p.name} (${i + 1} of ${d.projections.length})`);
        done += cost[i]!;
        return buildProjection(seed, p);
      });
  onProgress?.(1, 'samples and initial state');
  const v0 = new Float32Array(d.N);
  for (const p of d.pops) {
    const rng = new RngStream(seed, STREAM.initialV, 0, p.index);
    const lo = p.neuron.vInitLow;
    const hi = p.neuron.vInitHigh;
    for (let i = 0; i < p.size; i++) v0[p.offset + i] = lo + (hi - lo) * u01(rng.nextU32());
  }
  const rec = d.spec.recording;
  const raster: number[] = [];
  const cur: number[] = [];
  const curPop: number[] = [];
  for (const p of d.pops) {
    for (const i of spread(p.size, rec.rasterNeurons)) raster.push(p.offset + i);
    for (const i of spread(p.size, rec.currentSamples)) {
      cur.push(p.offset + i);
      curPop.push(p.index);
    }
  }
  const weightSample = d.projections.map((p, i) => {
    if (!p.plastic) return new Int32Array(0);
    const nnz = nnzOf(csr[i]!);
    return Int32Array.from(spread(nnz, rec.weightSamples));
  });
  return {
    derived: d,
    csr,
    v0,
    rasterNeurons: Int32Array.from(raster),
    currentSample: Int32Array.from(cur),
    currentSamplePop: Int32Array.from(curPop),
    weightSample,
    // planOnly (src/engine/webgpu/fitPlan.ts): an empty array marks per-synapse delays without drawing them.
    delays: d.projections.map((p, i) => (planOnly ? (p.delay.min === p.delay.max ? null : new Uint16Array(0)) : drawDelays(seed, p, nnzOf(csr[i]!)))),
  };
}
