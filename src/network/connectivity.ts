// Connectivity from the seed: Bernoulli(p) per pair (f64 skips, or u32-only 'bernoulli-counter' that the GPU
// builds too: counterRows.ts) or fixed in-degree, stored as CSR by presynaptic
// neuron (post index + f32 weight) plus a column index for postsynaptic walks (GeNN's "remap").
import type { DerivedProjection } from '../model/derive.ts';
import { RngStream, STREAM } from '../rng/streams.ts';
import { geometricSkip, uniformIndex } from '../rng/dist.ts';
import { counterRows } from './counterRows.ts';

export interface Csr {
  nPre: number;
  nPost: number;
  rowPtr: Int32Array; // synapses of pre k: [rowPtr[k], rowPtr[k+1])
  post: Int32Array; // global index of the postsynaptic neuron of each synapse
  weight: Float32Array; // J (scaled units) of each synapse
  colPtr: Int32Array; // synapses onto local post j: colSyn[colPtr[j] .. colPtr[j+1])
  colSyn: Int32Array; // synapse ids grouped by postsynaptic neuron
  colPre: Int32Array; // presynaptic local index of colSyn[i]
}

/** Bernoulli(p) per (pre, post) pair by geometric skips; row k uses counter (draw, k, projection). */
function bernoulliRows(seed: number, pr: DerivedProjection): { rowPtr: Int32Array; post: Int32Array } {
  const nPre = pr.pre.size;
  const nPost = pr.post.size;
  const rowPtr = new Int32Array(nPre + 1);
  let cap = Math.max(16, Math.ceil(nPre * nPost * pr.p * 1.05 + 64));
  let post = new Int32Array(cap);
  let n = 0;
  const logQ = Math.log1p(-pr.p);
  for (let k = 0; k < nPre; k++) {
    rowPtr[k] = n;
    if (pr.p > 0) {
      const rng = new RngStream(seed, STREAM.connectivity, k, pr.index);
      let j = -1;
      for (;;) {
        j += pr.p >= 1 ? 1 : 1 + geometricSkip(rng.uniformOpen(), logQ);
        if (j >= nPost) break;
        if (n === cap) {
          cap *= 2;
          const grown = new Int32Array(cap);
          grown.set(post);
          post = grown;
        }
        post[n++] = pr.post.offset + j;
      }
    }
  }
  rowPtr[nPre] = n;
  return { rowPtr, post: post.slice(0, n) };
}

/** Fixed in-degree K = round(p * nPre) without replacement (Floyd's algorithm); post j uses counter (draw, j, projection | 1<<16). */
function fixedIndegreeRows(seed: number, pr: DerivedProjection): { rowPtr: Int32Array; post: Int32Array } {
  const nPre = pr.pre.size;
  const nPost = pr.post.size;
  const K = Math.round(pr.p * nPre);
  const chosen = new Int32Array(nPost * K);
  const set = new Set<number>();
  for (let j = 0; j < nPost; j++) {
    const rng = new RngStream(seed, STREAM.connectivity, j, pr.index | 0x10000);
    set.clear();
    for (let t = nPre - K; t < nPre; t++) {
      const r = uniformIndex(rng.nextU32(), t + 1);
      set.add(set.has(r) ? t : r);
    }
    let i = 0;
    for (const v of set) chosen[j * K + i++] = v;
  }
  const rowPtr = new Int32Array(nPre + 1);
  for (let i = 0; i < chosen.length; i++) rowPtr[chosen[i]! + 1]!++;
  for (let k = 0; k < nPre; k++) rowPtr[k + 1]! += rowPtr[k]!;
  const fill = rowPtr.slice(0, nPre);
  const post = new Int32Array(chosen.length);
  for (let j = 0; j < nPost; j++) for (let i = 0; i < K; i++) post[fill[chosen[j * K + i]!]!++] = pr.post.offset + j;
  return { rowPtr, post };
}

/** Column index of a CSR: synapse ids grouped by local postsynaptic neuron, with their local pre index. */
export function columnIndex(rowPtr: Int32Array, post: Int32Array, postOffset: number, nPost: number): Pick<Csr, 'colPtr' | 'colSyn' | 'colPre'> {
  const nPre = rowPtr.length - 1;
  const nnz = post.length;
  const colPtr = new Int32Array(nPost + 1);
  for (let s = 0; s < nnz; s++) colPtr[post[s]! - postOffset + 1]!++;
  for (let j = 0; j < nPost; j++) colPtr[j + 1]! += colPtr[j]!;
  const fill = colPtr.slice(0, nPost);
  const colSyn = new Int32Array(nnz);
  const colPre = new Int32Array(nnz);
  for (let k = 0; k < nPre; k++) {
    for (let s = rowPtr[k]!; s < rowPtr[k + 1]!; s++) {
      const at = fill[post[s]! - postOffset]!++;
      colSyn[at] = s;
      colPre[at] = k;
    }
  }
  return { colPtr, colSyn, colPre };
}

/** Synapses of a CSR (from its row pointers: a device-built CSR may hold no targets on the host). */
export function nnzOf(c: Csr): number {
  return c.rowPtr[c.nPre]!;
}

const allocated = new WeakSet<Csr>();

/** Whether a CSR's weights exist on the host (static projections allocate them on first read). */
export function hasHostWeights(c: Csr): boolean {
  return allocated.has(c);
}

/**
 * A CSR whose weights, all J, are allocated on first read of `weight` (and kept). An engine that holds a
 * static projection's weight as one constant (the WebGPU engine's fixed-point increment) never reads them,
 * so a WebGPU run keeps no host copy of static weights; the CPU engine, exports and snapshots read them.
 */
export function lazyWeights(c: Omit<Csr, 'weight'>, J: number): Csr {
  let w: Float32Array | null = null;
  const csr = c as Csr;
  Object.defineProperty(csr, 'weight', {
    enumerable: true,
    configurable: true,
    get: (): Float32Array => {
      allocated.add(csr);
      return (w ??= new Float32Array(c.rowPtr[c.nPre]!).fill(J));
    },
    set: (v: Float32Array) => {
      allocated.add(csr);
      w = v;
    },
  });
  return csr;
}

/** Builds the CSR and column index of one projection from the seed; weights start at J (static: on first read). */
export function buildProjection(seed: number, pr: DerivedProjection): Csr {
  const rows = { bernoulli: bernoulliRows, 'bernoulli-counter': counterRows, 'fixed-indegree': fixedIndegreeRows }[pr.connectivity];
  const { rowPtr, post } = rows(seed, pr);
  const nPre = pr.pre.size;
  const nPost = pr.post.size;
  const shape = { nPre, nPost, rowPtr, post, ...columnIndex(rowPtr, post, pr.post.offset, nPost) };
  if (!pr.plastic) return lazyWeights(shape, pr.J);
  const csr: Csr = { ...shape, weight: new Float32Array(post.length).fill(pr.J) };
  allocated.add(csr);
  return csr;
}
