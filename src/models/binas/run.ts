// runBinas(spec): compiles the circuit to a rate spec, runs it on the rate engine and reads out what Binas et al.
// 2014 Figs 7-8 show: the winner of every pattern (correct when the population with the strongest input has the
// highest rate over the read-out window), oscillations, the synchrony of the inhibitory populations and the mean
// weight of each connection class before and after training.
import { runRate, type RateResult, type RateRunOptions } from '../rate/run.ts';
import { binasPatterns, binasToRateSpec } from './build.ts';
import { ePops, type BinasSpec } from './spec.ts';
import { validateBinasSpec } from './validate.ts';

/** Connection classes of Fig 8. */
export const WEIGHT_CLASSES = ['E->E self', 'E->E same group', 'E->E other group', 'E->I local', 'E->I long-range', 'I->E'] as const;
export type WeightClass = (typeof WEIGHT_CLASSES)[number];

export interface BinasAnalysis {
  patterns: number[][]; // input rows (Hz), E order
  winner: Int32Array; // per pattern of circuit 0: index of the E population with the highest read-out rate (-1: all silent)
  target: Int32Array; // per pattern: index of the strongest input
  correct: Uint8Array; // circuit 0
  accuracyFirst: number; // over the first `edge` patterns, all circuits
  accuracyLast: number; // over the last `edge` patterns, all circuits
  edge: number; // patterns in the first/last windows (20 s / pattern duration)
  accuracyByBlock: number[]; // circuit 0, blocks of `block` patterns
  block: number;
  hardLast: number; // fraction of the last patterns (all circuits) in which every loser is below 1% of the winner
  inhSyncLast: number; // max over the last patterns (all circuits) of |I_g - I_h| / max(I) between groups (read-out means)
  oscillatingFirst: number; // circuit 0: first traced patterns whose winner's rate varies by > 5% (CV) over the window
  oscillatingLast: number;
  weights: { cls: WeightClass; initial: number; final: number; finalMin: number; finalMax: number }[]; // mean over circuits and synapses
}

/** Runs a Binas spec (validated here) and analyses it. */
export async function runBinas(raw: unknown, o: RateRunOptions = {}): Promise<{ spec: BinasSpec; result: RateResult; analysis: BinasAnalysis }> {
  const spec = validateBinasSpec(raw);
  const result = await runRate(binasToRateSpec(spec), o);
  return { spec, result, analysis: analyseBinas(spec, result) };
}

/** The Fig 8 class of the synapse post <- pre. */
export function classOf(spec: BinasSpec, post: string, pre: string): WeightClass {
  const g = (n: string) => spec.groups.findIndex((q) => q.excitatory.includes(n) || q.inhibitory === n);
  const postI = spec.groups.some((q) => q.inhibitory === post);
  const preI = spec.groups.some((q) => q.inhibitory === pre);
  if (preI) return 'I->E';
  if (postI) return g(post) === g(pre) ? 'E->I local' : 'E->I long-range';
  if (post === pre) return 'E->E self';
  return g(post) === g(pre) ? 'E->E same group' : 'E->E other group';
}

export function analyseBinas(spec: BinasSpec, r: RateResult): BinasAnalysis {
  const m = r.model;
  const rec = r.recordings;
  const T = rec.trials;
  const P = m.pops.length;
  const E = ePops(spec).map((n) => m.pops.findIndex((p) => p.name === n));
  const I = spec.groups.map((g) => m.pops.findIndex((p) => p.name === g.inhibitory));
  const patterns = binasPatterns(spec).slice(0, T);
  const argmax = (v: number[]) => v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
  const edge = Math.max(1, Math.min(T, Math.round(20000 / spec.protocol.pattern_ms)));
  const winner = new Int32Array(T);
  const target = new Int32Array(T);
  const correct = new Uint8Array(T);
  let okFirst = 0, okLast = 0, hard = 0, sync = 0;
  for (let b = 0; b < m.B; b++) {
    for (let t = 0; t < T; t++) {
      const row = patterns[t % patterns.length]!;
      const x = E.map((p) => rec.trialMean_Hz[(b * T + t) * P + p]!);
      const w = x.some((v) => v > 0) ? argmax(x) : -1;
      const ok = w === argmax(row) ? 1 : 0;
      if (b === 0) (winner[t] = w), (target[t] = argmax(row)), (correct[t] = ok);
      if (t < edge) okFirst += ok;
      if (t >= T - edge) {
        okLast += ok;
        if (w >= 0 && x.every((v, i) => i === w || v < 0.01 * x[w]!)) hard++;
        const inh = I.map((p) => rec.trialMean_Hz[(b * T + t) * P + p]!);
        const top = Math.max(...inh);
        if (top > 0) sync = Math.max(sync, (top - Math.min(...inh)) / top);
      }
    }
  }
  const block = Math.max(1, Math.round(T / 20));
  const accuracyByBlock: number[] = [];
  for (let t0 = 0; t0 < T; t0 += block) {
    const seg = correct.subarray(t0, Math.min(T, t0 + block));
    accuracyByBlock.push(seg.reduce((a, v) => a + v, 0) / seg.length);
  }
  const window = Math.round(spec.protocol.window_ms / spec.dt_ms / m.traceEvery);
  const oscillating = (trials: number[]) =>
    trials.filter((trial) => {
      const tr = rec.traces.find((q) => q.trial === trial);
      if (!tr) return false;
      const n = tr.data.length / m.U;
      const w = winner[trial - 1]!;
      if (w < 0) return false;
      const u = m.pops[E[w]!]!.offset;
      const vals = Array.from({ length: Math.min(window, n) }, (_, k) => tr.data[(n - 1 - k) * m.U + u]!);
      const mean = vals.reduce((a, v) => a + v, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length);
      return mean > 0 && sd / mean > 0.05;
    }).length;
  const traced = rec.traces.map((q) => q.trial);
  const weights = WEIGHT_CLASSES.map((cls) => {
    const init: number[] = [];
    const fin: number[] = [];
    spec_blocks(spec, r).forEach((blk) => {
      if (blk.cls !== cls) return;
      for (let b = 0; b < m.B; b++) init.push(rec.initialWeights[b * m.nW + blk.wOff]!), fin.push(rec.finalWeights[b * m.nW + blk.wOff]!);
    });
    const mean = (v: number[]) => (v.length ? v.reduce((a, x) => a + x, 0) / v.length : NaN);
    return { cls, initial: mean(init), final: mean(fin), finalMin: fin.length ? Math.min(...fin) : NaN, finalMax: fin.length ? Math.max(...fin) : NaN };
  });
  return {
    patterns,
    winner,
    target,
    correct,
    accuracyFirst: okFirst / (edge * m.B),
    accuracyLast: okLast / (edge * m.B),
    edge,
    accuracyByBlock,
    block,
    hardLast: hard / (edge * m.B),
    inhSyncLast: sync,
    oscillatingFirst: oscillating(traced.filter((t) => t <= spec.recording.traceFirst)),
    oscillatingLast: oscillating(traced.filter((t) => t > T - spec.recording.traceLast)),
    weights,
  };
}

/** Each rate block (one synapse: populations have one unit) with its class and weight offset. */
function spec_blocks(spec: BinasSpec, r: RateResult): { cls: WeightClass; wOff: number }[] {
  return r.spec.weights.map((w, k) => ({ cls: classOf(spec, w.post, w.pre), wOff: r.model.blocks[k]!.wOff }));
}
