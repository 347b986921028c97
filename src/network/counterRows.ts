// 'bernoulli-counter' connectivity: Bernoulli(p) rows whose every step is u32 integer arithmetic, so the
// CPU (here) and the WGSL build kernel (shaders/connectivity_build.wgsl, src/engine/webgpu/build) give
// the same synapses bit for bit. The 'bernoulli' scheme's skips use f64 logarithms, which WGSL lacks.
//
// Row k of projection i reads the Philox words of counter (w >> 2, k, i, 0), key (seed,
// STREAM.connectivityCounter), word w & 3, for w = 0, 1, 2, ... (the order of RngStream). The gap to
// the next target is a geometric skip drawn by inversion against the u32 survival table
// T_s = round((1 - p)^s * 2^32), s = 1..L: skip = #{s : word < T_s}, so P(skip >= s) = T_s / 2^32. When
// the word lies below all L thresholds the skip is L plus a fresh skip (the geometric law has no
// memory), which keeps the table short (L <= SKIP_TABLE_MAX) for any p. A row stops drawing as soon as
// the next target would reach nPost. The table is computed once on the host with f64 products only
// (bit-reproducible) and uploaded unchanged to the device.
import type { DerivedProjection } from '../model/derive.ts';
import { RngStream, STREAM } from '../rng/streams.ts';

/** Longest survival table (a binary search of at most 12 steps per word). */
export const SKIP_TABLE_MAX = 4096;

const TWO32 = 4294967296;

/**
 * Survival thresholds T_s = round(q^s * 2^32) (capped at 2^32 - 1), s = 1..L, q = 1 - p, non-increasing:
 * L = min(SKIP_TABLE_MAX, the s with T_s > 0), at least 1. For 0 < p < 1.
 */
export function skipTable(p: number): Uint32Array {
  if (!(p > 0 && p < 1)) throw new RangeError(`skipTable: p ${p} outside (0, 1)`);
  const q = 1 - p;
  const out: number[] = [];
  let qs = 1;
  for (let s = 1; s <= SKIP_TABLE_MAX; s++) {
    qs *= q; // q^s by repeated f64 products: the same bits on every IEEE machine
    const t = Math.min(Math.round(qs * TWO32), TWO32 - 1);
    if (t === 0 && s > 1) break;
    out.push(t);
  }
  return Uint32Array.from(out);
}

/** Number of thresholds above `word` (the table is non-increasing): binary search over u32 values. */
export function skipOf(word: number, table: Uint32Array): number {
  let lo = 0;
  let hi = table.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (word < table[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls emit(j) for each local post index j of row k, ascending; returns the row length. The exact
 * twin of row_walk() in shaders/connectivity_build.wgsl.
 */
export function counterRow(seed: number, pr: Pick<DerivedProjection, 'index' | 'p' | 'post'>, table: Uint32Array, k: number, emit?: (j: number) => void): number {
  const nPost = pr.post.size;
  if (pr.p <= 0) return 0;
  if (pr.p >= 1) {
    if (emit) for (let j = 0; j < nPost; j++) emit(j);
    return nPost;
  }
  const rng = new RngStream(seed, STREAM.connectivityCounter, k, pr.index);
  const L = table.length;
  let n = 0;
  let j = -1;
  for (;;) {
    let next = j + 1;
    for (;;) {
      const c = skipOf(rng.nextU32(), table);
      next += c;
      if (c < L || next >= nPost) break;
    }
    if (next >= nPost) return n;
    j = next;
    n++;
    emit?.(j);
  }
}

/** CSR rows (global post indices) of a 'bernoulli-counter' projection: one walk per row, into a growing buffer. */
export function counterRows(seed: number, pr: DerivedProjection): { rowPtr: Int32Array; post: Int32Array } {
  const nPre = pr.pre.size;
  const rowPtr = new Int32Array(nPre + 1);
  const table = pr.p > 0 && pr.p < 1 ? skipTable(pr.p) : new Uint32Array(1);
  let post = new Int32Array(Math.max(16, Math.ceil(nPre * pr.post.size * Math.min(1, pr.p) * 1.05 + 64)));
  let n = 0;
  const off = pr.post.offset;
  const emit = (j: number): void => {
    if (n === post.length) {
      const grown = new Int32Array(2 * post.length);
      grown.set(post);
      post = grown;
    }
    post[n++] = off + j;
  };
  for (let k = 0; k < nPre; k++) {
    counterRow(seed, pr, table, k, emit);
    rowPtr[k + 1] = n;
  }
  return { rowPtr, post: post.slice(0, n) };
}

/**
 * Writes the global post indices of rows [rowLo, rowHi) of a 'bernoulli-counter' projection into `out`, row k at
 * out[rowPtr[k] - rowPtr[rowLo]] (a chunk of whole rows; the whole targets with 0, nPre and an nnz-word out),
 * regenerated from the seed with the words of counterRows (and the device's row_walk). Throws, naming the row, when a
 * row's length differs from rowPtr's (row pointers of another seed or projection) or `out` is too short.
 */
export function counterPostInto(seed: number, pr: DerivedProjection, rowPtr: Int32Array, rowLo: number, rowHi: number, out: Int32Array): void {
  const table = pr.p > 0 && pr.p < 1 ? skipTable(pr.p) : new Uint32Array(1);
  const base = rowPtr[rowLo]!;
  if (rowPtr[rowHi]! - base > out.length) throw new Error(`counterPostInto ${pr.name}: rows ${rowLo}..${rowHi} hold ${rowPtr[rowHi]! - base} targets, out has ${out.length}`);
  const off = pr.post.offset;
  for (let k = rowLo; k < rowHi; k++) {
    let n = rowPtr[k]! - base;
    const end = rowPtr[k + 1]! - base;
    const len = counterRow(seed, pr, table, k, (j) => {
      if (n < end) out[n] = off + j;
      n++;
    });
    if (len !== end - (rowPtr[k]! - base)) throw new Error(`counterPostInto ${pr.name}: row ${k} regenerates ${len} targets, its row pointers say ${end - (rowPtr[k]! - base)}`);
  }
}
