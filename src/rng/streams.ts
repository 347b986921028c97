// Stream identifiers: key = (seed, stream). Counters are documented where each stream is used, so
// adding a population or a projection never reshuffles the randomness of the others.

export const STREAM = {
  connectivity: 1, // counter (row, draw, projectionIndex, 0)
  initialV: 2, // counter (neuron, 0, populationIndex, 0)
  inputCount: 3, // counter (step, 0, inputIndex, 0): Poisson count of independent input spikes
  inputIndex: 4, // counter (step, spike >> 2, inputIndex, 0): source neuron of each spike
  motherCount: 5, // counter (step, 0, inputIndex, 0): mother spikes of a correlated input
  childCopy: 6, // counter (step, child, inputIndex | motherSpike << 8, 0): copy bit + Gaussian jitter
  sample: 7, // counter (k, 0, purpose, 0): choice of recorded neurons and synapses
  signal: 8, // counter (step, signalChannel, 0, 0): uniform innovation of rate-modulating signals (word 0)
  source: 9, // counter (step, k >> 2, populationIndex, 0): Poisson source k of a population, word k & 3
  rateNoise: 10, // rate networks: counter (stepInTrial, unit >> 1, network, trial), words 2(unit & 1), +1 -> N(0,1)
  rateInit: 11, // rate networks: counter (synapse, block, network, 0), word 0: uniform initial weight; (synapse, block, network, 1), words 0-1: normal
  rateKick: 12, // rate networks: counter (stepInTrial, input, network, trial), word 0: Poisson kick onset
  ratePattern: 13, // Binas input patterns: RngStream counter (i, pattern, 0, 0): permutation draws, then jitters
  membraneNoise: 14, // adaptive_lif white noise: counters (step, neuron, 0, 0) words 0-3 and (step, neuron, 1, 0) words 0-1
  synDelay: 15, // heterogeneous synaptic delays: RngStream counter (synapse, 0, projectionIndex, 0), drawn at build
  connectivityCounter: 16, // 'bernoulli-counter' rows: counter (word >> 2, row, projectionIndex, 0), word & 3 (src/network/counterRows.ts)
} as const;

/** A sequential host-side generator over one Philox stream: counter (i, a, b, c) with i incremented. */
import { philox4x32, u01open, u01 } from './philox.ts';

export class RngStream {
  private readonly buf = new Uint32Array(4);
  private pos = 4;
  private i = 0;
  constructor(
    private readonly seed: number,
    private readonly stream: number,
    private readonly a = 0,
    private readonly b = 0,
    private readonly c = 0,
  ) {}

  /** Next u32 word of the stream. */
  nextU32(): number {
    if (this.pos === 4) {
      philox4x32(this.buf, this.i, this.a, this.b, this.c, this.seed, this.stream);
      this.i = (this.i + 1) >>> 0;
      this.pos = 0;
    }
    return this.buf[this.pos++]!;
  }

  /** Uniform in [0, 1) with 24-bit resolution. */
  uniform(): number {
    return u01(this.nextU32());
  }

  /** Uniform in (0, 1] with 24-bit resolution (safe for log). */
  uniformOpen(): number {
    return u01open(this.nextU32());
  }

  /** Uniform in [0, 1) with 53-bit resolution (two words), for host-side sampling only. */
  uniform53(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}
