// SVG panels of a Binas run (CLI report and the binas-wta reproduction): rates of every population over traced
// patterns, the winner against the strongest input, the fraction of correct winners during training, and the mean
// weight of each class over time.
import { linePlot, PALETTE, type LineSeries } from '../../io/svg.ts';
import type { RateResult } from '../rate/run.ts';
import { classOf, type BinasAnalysis } from './run.ts';
import type { BinasSpec } from './spec.ts';

/** Rates of circuit 0 over the given 1-based traced patterns, back to back (time in the window, s). */
export function ratesPanel(spec: BinasSpec, r: RateResult, trials: number[], title: string): string {
  const m = r.model;
  const t: number[] = [];
  const y: number[][] = m.pops.map(() => []);
  trials.forEach((trial, k) => {
    const tr = r.recordings.traces.find((q) => q.trial === trial);
    if (!tr) return;
    const n = tr.data.length / m.U;
    for (let s = 0; s < n; s++) {
      t.push((k * spec.protocol.pattern_ms + s * tr.every_steps * spec.dt_ms) / 1000);
      m.pops.forEach((p, u) => y[u]!.push(tr.data[s * m.U + p.offset]!));
    }
  });
  const isI = (name: string) => spec.groups.some((g) => g.inhibitory === name);
  const series: LineSeries[] = m.pops.map((p, u) => ({ x: t, y: y[u]!, label: p.name, color: PALETTE[u % PALETTE.length]!, dashed: isI(p.name), width: isI(p.name) ? 1.2 : 1.6 }));
  return linePlot(series, { title, xLabel: 'time in window (s)', yLabel: 'rate (Hz)', width: 620, height: 340 });
}

/** Index (1-based, E order) of the strongest input and of the winner for each pattern. */
export function winnerPanel(a: BinasAnalysis, trials: number[], patternMs: number, title: string): string {
  const x = trials.map((_, k) => ((k + 0.5) * patternMs) / 1000);
  return linePlot(
    [
      { x, y: trials.map((t) => a.target[t - 1]! + 1), label: 'strongest input', color: '#c2185b', width: 3 },
      { x, y: trials.map((t) => a.winner[t - 1]! + 1), label: 'winner (highest rate)', color: '#ff7f0e', dashed: true, width: 2 },
    ],
    { title, xLabel: 'time in window (s)', yLabel: 'E population (order of the groups)', width: 620, height: 260, yRange: [0, a.patterns[0]!.length + 1] },
  );
}

export function accuracyPanel(a: BinasAnalysis, patternMs: number): string {
  const x = a.accuracyByBlock.map((_, k) => ((k + 1) * a.block * patternMs) / 1000);
  return linePlot([{ x, y: a.accuracyByBlock, label: `circuit 0, blocks of ${a.block} patterns`, color: '#000', width: 2 }], { title: 'fraction of correct winners during training', xLabel: 'time (s)', yLabel: 'correct', width: 620, height: 300, yRange: [0, 1.05] });
}

/** Mean weight per class of circuit 0 at the end of every pattern. */
export function weightsPanel(spec: BinasSpec, r: RateResult, a: BinasAnalysis): string {
  const T = r.recordings.trials;
  const nB = r.model.blocks.length;
  const times = Array.from({ length: T }, (_, t) => ((t + 1) * spec.protocol.pattern_ms) / 1000);
  const series = a.weights.map((w, i) => {
    const ks = r.spec.weights.flatMap((b, k) => (classOf(spec, b.post, b.pre) === w.cls ? [k] : []));
    const y = times.map((_, t) => ks.reduce((s, k) => s + r.recordings.weightSum[t * nB + k]!, 0) / Math.max(1, ks.length));
    return { x: times, y, label: w.cls, color: PALETTE[i % PALETTE.length]! };
  });
  return linePlot(series, { title: 'mean weight per class (circuit 0)', xLabel: 'time (s)', yLabel: 'w', width: 620, height: 300 });
}
