// Streamed final weights (RunOptions.finalWeights): at the end of a run, before the engine is disposed, each plastic
// projection's weights are read by chunks of rows (Engine.finalWeightSources) into its statistics and histograms
// (src/stats/weightDigest.ts: Recordings.finalWeightDigests) and handed, chunk by chunk, to a sink (the CLI writes the
// weights_<post>_from_<pre>_{j,pre,post,Jscaled}.npy files with it). Recordings.finalWeights then stays empty: the
// host holds one chunk of synapses, not all of them.
import type { Engine } from '../engine/engine.ts';
import { FINAL_WEIGHT_CHUNK_SYNAPSES, type ChunkAlloc, type FinalWeightSource, type WeightChunk } from '../record/finalWeights.ts';
import { hasSpikes, type CoreRecordings } from '../record/recordings.ts';
import { neuronRates_Hz, statsDuration_ms } from '../stats/rates.ts';
import { digestFinalWeights } from '../stats/weightDigest.ts';

/**
 * Plastic synapses (all projections together) up to which a run keeps Recordings.finalWeights whole where the caller
 * asks to stream (the CLI): 2^24 (about 320 MiB of j, pre, post and J).
 */
export const FINAL_WEIGHTS_WHOLE_MAX = 2 ** 24;

/** Receives the chunks of one projection once each, in synapse order, then close() (abort() on a failure). */
export interface FinalWeightSink {
  write(c: WeightChunk): void;
  close(): void;
  abort(): void;
}

/** How a run streams its final weights (RunOptions.finalWeights). */
export interface FinalWeightStreamOptions {
  /** Stream when the plastic projections hold more synapses than this together (default FINAL_WEIGHTS_WHOLE_MAX); 0: always. */
  wholeMax?: number;
  /** Synapses per chunk (default FINAL_WEIGHT_CHUNK_SYNAPSES; a longer row is a chunk alone). */
  chunkSynapses?: number;
  /** Opens the sink of one streamed projection (before its first chunk). */
  sink?: (p: { name: string; nnz: number }) => FinalWeightSink;
  /** Allocates the chunk arrays (tests count the bytes). */
  alloc?: ChunkAlloc;
}

/** The engine's sources when this run streams (an engine with sources, spike recordings and synapses past wholeMax), else null. */
export function streamedSources(engine: Engine, o: FinalWeightStreamOptions | undefined): FinalWeightSource[] | null {
  if (!o || !engine.finalWeightSources) return null;
  const src = engine.finalWeightSources();
  const total = src.reduce((a, s) => a + s.nnz, 0);
  return src.length > 0 && total > (o.wholeMax ?? FINAL_WEIGHTS_WHOLE_MAX) ? src : null;
}

/** Digests every source into rec.finalWeightDigests (pre rates as analyze computes them), each chunk through the sink. */
export async function streamFinalWeights(rec: CoreRecordings, sources: FinalWeightSource[], o: FinalWeightStreamOptions): Promise<void> {
  if (!hasSpikes(rec)) throw new Error('streamed final weights need spike recordings (the pre rates of the weight-rate statistics)');
  const chunkSynapses = o.chunkSynapses ?? FINAL_WEIGHT_CHUNK_SYNAPSES;
  if (!(Number.isInteger(chunkSynapses) && chunkSynapses >= 1)) throw new RangeError(`finalWeights.chunkSynapses ${chunkSynapses}: allowed a whole number >= 1`);
  const rates = neuronRates_Hz(rec.neuronStats.spikeCount, statsDuration_ms(rec));
  rec.finalWeightDigests = [];
  for (const src of sources) {
    const sink = o.sink?.({ name: src.name, nnz: src.nnz });
    try {
      rec.finalWeightDigests.push(await digestFinalWeights(src, rates, { chunkSynapses, ...(sink ? { sink: (c) => sink.write(c) } : {}), ...(o.alloc ? { alloc: o.alloc } : {}) }));
      sink?.close();
    } catch (e) {
      sink?.abort();
      throw e;
    }
  }
}
