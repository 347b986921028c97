// Procedural static projections (storage 'procedural', docs/device-build.md): no synapse memory; when pre k
// spikes, its row is regenerated from its counter by counterRow(), the walk the 'bernoulli-counter' builder
// makes, so the targets and their order are the stored CSR's. The CPU engine's twin of the procedural branch
// of propagate_spiker() in shaders/synapse_propagate.wgsl. Pure (no engine imports): the CPU engine and its threads call it.
import type { DerivedProjection } from '../model/derive.ts';
import type { Csr } from './connectivity.ts';
import { counterRow } from './counterRows.ts';

/**
 * Adds q at out[at + post] for every target post (global index) of row k in [postLo, postHi) of the procedural
 * projection pr (csr.procedural set). Returns the row's length (all its targets, in range or not).
 */
export function proceduralRow(c: Csr, pr: DerivedProjection, k: number, out: Float64Array, at: number, q: number, postLo: number, postHi: number): number {
  const pc = c.procedural!;
  const off = pr.post.offset;
  return counterRow(pc.seed, pr, pc.table, k, (j) => {
    const g = off + j;
    if (g >= postLo && g < postHi) out[at + g]! += q;
  });
}

/** A procedural projection's spikers: each row regenerated from its counter, q into out[at + post] for posts in [postLo, postHi). */
export function proceduralSpikes(c: Csr, pr: DerivedProjection, spikes: ArrayLike<number>, nSpikes: number, out: Float64Array, at: number, q: number, postLo: number, postHi: number): void {
  const lo = pr.pre.offset;
  const hi = lo + pr.pre.size;
  for (let s = 0; s < nSpikes; s++) {
    const g = spikes[s]!;
    if (g >= lo && g < hi) proceduralRow(c, pr, g - lo, out, at, q, postLo, postHi);
  }
}

/**
 * The fingerprint rows of a 'bernoulli-counter' projection: the lengths and targets (local) of rows 0, 1, nPre / 2
 * and nPre - 1, regenerated from the seed with the counter scheme (a checkpoint's connectivity fingerprint: a change
 * of the scheme or the seed changes them). Needs no stored target, so a procedural projection and one whose targets
 * live on the device only (buildNetworkOnDevice) get the same rows as the host build.
 */
export function counterFingerprintRows(seed: number, pr: Pick<DerivedProjection, 'index' | 'p' | 'post'>, table: Uint32Array, nPre: number): Int32Array {
  const out: number[] = [];
  for (const k of new Set([0, 1, nPre >> 1, nPre - 1])) {
    if (k < 0 || k >= nPre) continue;
    const at = out.push(0) - 1;
    out[at] = counterRow(seed, pr, table, k, (j) => void out.push(j));
  }
  return Int32Array.from(out);
}

/** A procedural projection's fingerprint rows (counterFingerprintRows from its seed and table). */
export function fingerprintRows(c: Csr, pr: DerivedProjection): Int32Array {
  const pc = c.procedural!;
  return counterFingerprintRows(pc.seed, pr, pc.table, c.nPre);
}
