// Pass 'input' (twin of shaders/input.wgsl): this step's external spikes, delivered as fixed-point
// increments J/tau_x into the input channels' accumulators.
import type { BuiltNetwork } from '../../network/network.ts';
import type { DerivedInput } from '../../model/derive.ts';
import { philox4x32, u01open } from '../../rng/philox.ts';
import { uniformIndex } from '../../rng/dist.ts';
import { STREAM } from '../../rng/streams.ts';
import type { CpuState } from './state.ts';
import { advanceSignals } from './inputModulated.ts';
import { proceduralRow } from '../../network/procedural.ts';

const words = new Uint32Array(4);

/** Source neurons of independent Poisson input spikes at `step`: count from one word, then one word per spike. */
export function independentSpikes(seed: number, x: DerivedInput, step: number, out: Int32Array): number {
  philox4x32(words, step, 0, x.index, 0, seed, STREAM.inputCount);
  const n = Math.min(x.countTable.draw(words[0]!), out.length);
  for (let i = 0; i < n; i++) {
    if ((i & 3) === 0) philox4x32(words, step, i >>> 2, x.index, 0, seed, STREAM.inputIndex);
    out[i] = uniformIndex(words[i & 3]!, x.size);
  }
  return n;
}

/** Delay (steps after the mother spike's generation step, in [0, 2D]) of a copied spike from its two jitter words. */
export function jitterDelay(x: DerivedInput, w1: number, w2: number): number {
  const r = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u01open(w1))))));
  const z = Math.fround(r * Math.fround(Math.cos(Math.fround(6.2831855 * u01open(w2)))));
  const d = x.delayOffset + Math.floor(Math.fround(z * Math.fround(x.jitterSteps)) + 0.5);
  return d < 0 ? 0 : d > 2 * x.delayOffset ? 2 * x.delayOffset : d;
}

/**
 * Correlated input, generation for step g: mother spikes ~ Poisson(r/c dt); each child copies each mother
 * spike with probability c into its ring slot g + delay. Counter (g, child, input | mother << 8).
 */
export function generateCorrelated(seed: number, x: DerivedInput, g: number, ring: Uint16Array, L: number): void {
  // Negative generation steps (priming) belong to an always-on input; a windowed input starts at startStep.
  if ((g < x.startStep && x.startStep > 0) || g >= x.stopStep) return;
  philox4x32(words, g >>> 0, 0, x.index, 0, seed, STREAM.motherCount);
  const m = x.motherTable.draw(words[0]!);
  for (let q = 0; q < m; q++) {
    for (let k = 0; k < x.size; k++) {
      philox4x32(words, g >>> 0, k, x.index | (q << 8), 0, seed, STREAM.childCopy);
      if (words[0]! >= x.copyThreshold) continue;
      const t = g + jitterDelay(x, words[1]!, words[2]!);
      if (t < 0) continue; // would land before step 0
      ring[(t % L) * x.size + k]!++;
    }
  }
}

/** Pre-fills correlated rings for generation steps [-2D, -1] so the input is stationary from step 0. */
export function primeInputs(net: BuiltNetwork, st: CpuState): void {
  const seed = net.derived.spec.seed >>> 0;
  for (const x of net.derived.inputs) {
    if (x.correlation <= 0) continue;
    for (let g = -2 * x.delayOffset; g < 0; g++) generateCorrelated(seed, x, g, st.ring[x.index]!, st.ringLen[x.index]!);
  }
}

/**
 * Adds one input spike of source k to every target of the projections from input x; a procedural projection's row
 * (storage 'procedural') is regenerated from its counter, the same targets in the same order (exact f64 sums).
 */
function deliver(net: BuiltNetwork, st: CpuState, x: DerivedInput, k: number, times: number, q: Float64Array): void {
  const N = net.derived.N;
  const acc = st.acc;
  for (const pr of net.derived.projections) {
    if (pr.pre.kind !== 'input' || pr.pre.index !== x.index) continue;
    const c = net.csr[pr.index]!;
    const base = pr.channel * N;
    const inc = q[pr.index]! * times;
    if (c.procedural) {
      proceduralRow(c, pr, k, acc, base, inc, 0, N); // storage 'procedural': the stored row's targets, from its counter
      continue;
    }
    // the arrays and bounds in locals: V8 reloaded them on every synapse otherwise (5x slower at N = 10^4)
    const { rowPtr, post } = c;
    const end = rowPtr[k + 1]!;
    for (let s = rowPtr[k]!; s < end; s++) acc[base + post[s]!]! += inc;
  }
}

const scratch = new Int32Array(65536);

/** Pass 'input' for `step`. q[proj] is the fixed-point increment of each (static) input projection. */
export function inputPass(net: BuiltNetwork, st: CpuState, step: number, q: Float64Array): void {
  advanceSignals(net.derived, st, step); // rate-modulating signals of Poisson source populations
  const seed = net.derived.spec.seed >>> 0;
  for (const x of net.derived.inputs) {
    if (x.correlation > 0) {
      const L = st.ringLen[x.index]!;
      const ring = st.ring[x.index]!;
      generateCorrelated(seed, x, step, ring, L);
      const base = (step % L) * x.size;
      for (let k = 0; k < x.size; k++) {
        const n = ring[base + k]!;
        if (n !== 0) {
          deliver(net, st, x, k, n, q);
          ring[base + k] = 0;
        }
      }
    } else if (step >= x.startStep && step < x.stopStep) {
      const n = independentSpikes(seed, x, step, scratch);
      for (let i = 0; i < n; i++) deliver(net, st, x, scratch[i]!, 1, q);
    }
  }
}
