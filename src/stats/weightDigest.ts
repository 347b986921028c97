// The final-weight statistics of a plastic projection from its chunks (src/record/finalWeights.ts), holding one
// chunk at a time: what summary.json, the figures and report.html read of the final weights, equal bit for bit to
// the whole-array functions of weights.ts (the same sums, in synapse order). Two passes over the chunks:
//   1. the mean's sum, synapse counts and Eq 23 sums per postsynaptic cell, the finite range of j (and the sink);
//   2. the Fig 3E samples of the cells with most synapses (known after pass 1) and the histogram counts (edges from
//      pass 1's range: the data range, as histogram(j, bins) takes it).
import type { FinalWeightSource, ChunkAlloc, WeightChunk } from '../record/finalWeights.ts';
import type { CoreRecordings } from '../record/recordings.ts';
import { CellSamples, finiteRange, histogram, histogramAdd, histogramBins, PostSums, regressionCells, type WeightRateFit } from './weights.ts';

/** Histogram bin counts drawn of the final weights: runFigures (60) and report.html (50). */
export const DIGEST_HIST_BINS: readonly number[] = [60, 50];

/** The final-weight statistics of one plastic projection (what analyze and the plots read of its synapses). */
export interface FinalWeightDigest {
  name: string;
  nnz: number;
  jMean: number; // mean of all j (NaN if none)
  /** Fig 3E fit and Eq 23 covariance against global pre rates (analyze's default weightIndices 'global'). */
  fit: WeightRateFit;
  regressionCells: number;
  weightRateCov: number;
  /** Histograms of j over the data range, one per bin count in DIGEST_HIST_BINS (or the bins asked). */
  hist: { bins: number; edges: Float64Array; counts: Uint32Array }[];
}

export interface DigestOptions {
  chunkSynapses: number;
  regressionCells?: number; // default 3 (analyze's)
  histBins?: readonly number[]; // default DIGEST_HIST_BINS
  /** Receives every chunk of pass 1 once, in synapse order (e.g. the .npy writers). */
  sink?: (c: WeightChunk) => void;
  alloc?: ChunkAlloc;
}

/** The digest of `src` with pre rates indexed by global neuron (analyze's rates_Hz). */
export async function digestFinalWeights(src: FinalWeightSource, preRates: ArrayLike<number>, o: DigestOptions): Promise<FinalWeightDigest> {
  let sum = 0;
  const sums = new PostSums(src.postEnd);
  const range = { min: Infinity, max: -Infinity };
  await src.chunks(
    o.chunkSynapses,
    (c) => {
      for (let s = 0; s < c.n; s++) sum += c.j[s]!;
      sums.add(c, preRates);
      finiteRange(c.j, range);
      o.sink?.(c);
    },
    o.alloc,
  );
  const nCells = o.regressionCells ?? 3;
  const samples = new CellSamples(sums.per, regressionCells(sums.per, nCells));
  const bins = o.histBins ?? DIGEST_HIST_BINS;
  const hists = bins.map((b) => histogramBins(b, { ...range }, true));
  await src.chunks(
    o.chunkSynapses,
    (c) => {
      samples.add(c, preRates);
      for (const h of hists) histogramAdd(h, c.j);
    },
    o.alloc,
  );
  return {
    name: src.name,
    nnz: src.nnz,
    jMean: src.nnz ? sum / src.nnz : NaN,
    fit: samples.fit(),
    regressionCells: nCells,
    weightRateCov: sums.covariance(),
    hist: hists.map((h, k) => ({ bins: bins[k]!, edges: h.edges, counts: h.counts })),
  };
}

/** The histogram of `bins` bins of a digest; throws naming the bin counts it holds. */
export function digestHistogram(d: FinalWeightDigest, bins: number): { edges: Float64Array; counts: Uint32Array } {
  const h = d.hist.find((x) => x.bins === bins);
  if (!h) throw new Error(`final weights ${d.name} were streamed with histograms of ${d.hist.map((x) => x.bins).join(', ')} bins, not ${bins}`);
  return { edges: h.edges, counts: h.counts };
}

/** Histograms of j of every plastic projection with final weights: whole (histogram) or streamed (the digest's). */
export function finalWeightHistograms(rec: Pick<CoreRecordings, 'finalWeights' | 'finalWeightDigests'>, bins: number): { name: string; edges: Float64Array; counts: Uint32Array }[] {
  return [...rec.finalWeights.map((w) => ({ name: w.name, ...histogram(w.j, bins) })), ...(rec.finalWeightDigests ?? []).map((g) => ({ name: g.name, ...digestHistogram(g, bins) }))];
}
