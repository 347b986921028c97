// Outputs of a rate run: summary.json (numbers, theory beside them), .npy arrays and report.html (SVG plots via
// src/io/svg.ts; every text from the spec is escaped by renderReport/svg.ts, no HTML is built from data).
// Node-free, so the browser app builds the same files; command.ts writes them on disk.
import { renderReport, type ReportSection } from '../../io/report.ts';
import { linePlot, scatterPlot, PALETTE, type LineSeries } from '../../io/svg.ts';
import { SOLDADO_PARAMS, eig2, neuralJacobian, setpointWeights, staticRates, type SoldadoParams, type W4 } from '../../theory/soldado.ts';
import type { RateResult } from './run.ts';

/** Soldado parameters of a spec with populations E and I (the theory's two-population model), else null. */
export function soldadoParamsOf(r: RateResult): SoldadoParams | null {
  const pl = r.spec.plasticity?.kind === 'continuous' ? null : r.spec.plasticity;
  const E = r.spec.populations.find((p) => p.name === (pl?.excitatory ?? 'E'));
  const I = r.spec.populations.find((p) => p.name === (pl?.inhibitory ?? 'I'));
  if (!E || !I) return null;
  return { tauE_ms: E.tau_ms, tauI_ms: I.tau_ms, thetaE: E.threshold, thetaI: I.threshold, gainE: E.gain, gainI: I.gain, Eset_Hz: E.setpoint_Hz ?? SOLDADO_PARAMS.Eset_Hz, Iset_Hz: I.setpoint_Hz ?? SOLDADO_PARAMS.Iset_Hz };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const sd = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

export interface RateSummary {
  kind: 'rate';
  name: string;
  batch: number;
  /** Trials that ran (recorded in every per-trial array); trialsRequested when the run finished. */
  trials: number;
  /** The spec's trials.count. */
  trialsRequested: number;
  /** Why the run ended before trialsRequested (a stop request: SIGINT / SIGTERM / the page's stop; or a guard), else null. */
  stopped: { reason: string; afterTrial: number } | null;
  populations: string[];
  blocks: string[];
  final: {
    trialMean_Hz: Record<string, { mean: number; sd: number; min: number; max: number }>; // over networks
    unitSd_Hz: Record<string, number>; // mean over networks of the SD across units (dispersion)
    weightSum: Record<string, { mean: number; sd: number }>; // total input weight per post unit, over networks
  };
  setpoints_Hz: Record<string, number | null>;
  theory?: { setpointLines: string; network0?: { WEI_line: number; WII_line: number; E_Hz: number | null; I_Hz: number | null; neuralEig_per_ms: number[] } };
  meta: { backend: string; device: string; wall_s: number; commit: string; date: string; host: string; interrupted?: { reason: string; step: number } };
}

export function summarizeRate(r: RateResult, meta: { commit: string; date: string; host: string }): RateSummary {
  const { model: m, recordings: rec } = r;
  const T = rec.trials;
  const P = m.pops.length;
  const nB = m.blocks.length;
  const final: RateSummary['final'] = { trialMean_Hz: {}, unitSd_Hz: {}, weightSum: {} };
  if (T > 0) m.pops.forEach((p, k) => {
    const v = Array.from({ length: m.B }, (_, b) => rec.trialMean_Hz[(b * T + T - 1) * P + k]!);
    final.trialMean_Hz[p.name] = { mean: mean(v), sd: sd(v), min: Math.min(...v), max: Math.max(...v) };
    final.unitSd_Hz[p.name] = mean(Array.from({ length: m.B }, (_, b) => sd(Array.from(rec.finalMean_Hz.subarray(b * m.U + p.offset, b * m.U + p.offset + p.n)))));
  });
  if (T > 0) rec.blockNames.forEach((name, k) => {
    const v = Array.from({ length: m.B }, (_, b) => rec.weightSum[(b * T + T - 1) * nB + k]!);
    final.weightSum[name] = { mean: mean(v), sd: sd(v) };
  });
  const s: RateSummary = {
    kind: 'rate',
    name: r.spec.name,
    batch: m.B,
    trials: T,
    trialsRequested: rec.trialsRequested,
    stopped: r.interrupted ? { reason: r.interrupted.reason, afterTrial: T } : r.stoppedBy ? { reason: `guard ${r.stoppedBy.guard}: ${r.stoppedBy.message}`, afterTrial: T } : null,
    populations: rec.popNames,
    blocks: rec.blockNames,
    final,
    setpoints_Hz: Object.fromEntries(m.pops.map((p) => [p.name, Number.isFinite(p.setpoint) ? p.setpoint : null])),
    meta: { backend: r.backend, device: r.device, wall_s: r.wall_s, ...meta, ...(r.interrupted ? { interrupted: r.interrupted } : {}) }, // meta.interrupted: as spiking runs (plasticnet resume reads it)
  };
  const sp = soldadoParamsOf(r);
  const w = fourWeights(r, 0);
  if (sp && w) {
    const line = setpointWeights(sp, w[0], w[2]);
    const fp = staticRates(sp, w);
    s.theory = {
      setpointLines: `W_EI = ${(sp.Eset_Hz / sp.Iset_Hz).toFixed(4)} W_EE - ${((sp.thetaE * sp.gainE + sp.Eset_Hz) / (sp.Iset_Hz * sp.gainE)).toFixed(4)}; W_II = ${(sp.Eset_Hz / sp.Iset_Hz).toFixed(4)} W_IE - ${((sp.thetaI * sp.gainI + sp.Iset_Hz) / (sp.Iset_Hz * sp.gainI)).toFixed(4)} (Eqs 4-5)`,
      network0: { WEI_line: line.WEI, WII_line: line.WII, E_Hz: fp?.E ?? null, I_Hz: fp?.I ?? null, neuralEig_per_ms: eig2(neuralJacobian(sp, w)).map((l) => l.re) },
    };
  }
  return s;
}

/** Total input weights per post unit (W_EE, W_EI, W_IE, W_II) of network b at the end, when the spec has the four E/I blocks. */
export function fourWeights(r: RateResult, b: number): W4 | null {
  const T = r.recordings.trials;
  if (T === 0) return null;
  const nB = r.model.blocks.length;
  const idx = ['E<-E', 'E<-I', 'I<-E', 'I<-I'].map((n) => r.recordings.blockNames.indexOf(n));
  if (idx.some((k) => k < 0)) return null;
  return idx.map((k) => r.recordings.weightSum[(b * T + T - 1) * nB + k]!) as unknown as W4;
}

/** The arrays written as .npy: name, data, shape. */
export function rateArrays(r: RateResult): { name: string; data: Float32Array; shape: number[] }[] {
  const { model: m, recordings: rec } = r;
  const T = rec.trials;
  const out = [
    { name: 'trial_mean_Hz', data: rec.trialMean_Hz, shape: [m.B, T, m.pops.length] },
    { name: 'trial_avg_Hz', data: rec.trialAvg_Hz, shape: [m.B, T, m.pops.length] },
    { name: 'weight_sum', data: rec.weightSum, shape: [m.B, T, m.blocks.length] },
    { name: 'weights_initial', data: rec.initialWeights, shape: [m.B, m.nW] },
    { name: 'weights_final', data: rec.finalWeights, shape: [m.B, m.nW] },
    { name: 'unit_mean_final_Hz', data: rec.finalMean_Hz, shape: [m.B, m.U] },
  ];
  for (const t of rec.traces) out.push({ name: `trace_trial${t.trial}`, data: t.data, shape: [t.data.length / m.U, m.U] });
  return out;
}

/** report.html: trial-by-trial rates and weights against the set points, traces, and the weight plane. */
export function renderRateReport(r: RateResult, s: RateSummary): string {
  const { model: m, recordings: rec } = r;
  const T = rec.trials;
  const P = m.pops.length;
  const nB = m.blocks.length;
  const trials = Array.from({ length: T }, (_, t) => t + 1);
  const sections: ReportSection[] = [];
  const rateSeries: LineSeries[] = [];
  m.pops.forEach((p, k) => {
    rateSeries.push({ x: trials, y: trials.map((_, t) => rec.trialMean_Hz[t * P + k]!), label: `${p.name} (network 0)`, color: PALETTE[k % PALETTE.length]! });
    if (Number.isFinite(p.setpoint)) rateSeries.push({ x: [1, T], y: [p.setpoint, p.setpoint], label: `${p.name} set point`, color: PALETTE[k % PALETTE.length]!, dashed: true });
  });
  const wSeries: LineSeries[] = rec.blockNames.map((n, k) => ({ x: trials, y: trials.map((_, t) => rec.weightSum[t * nB + k]!), label: n, color: PALETTE[k % PALETTE.length]! }));
  sections.push({
    heading: 'Trial by trial (network 0)',
    note: `Population mean of the trial-mean rate (last ${r.spec.trials.window_ms} ms of each trial) and the total input weight per post unit. Batch of ${m.B} networks, ${T} trials${s.stopped ? ` of ${s.trialsRequested} requested (stopped by ${s.stopped.reason} after trial ${T})` : ''}, ${s.meta.device}, wall ${s.meta.wall_s.toFixed(1)} s.`,
    svgs: [linePlot(rateSeries, { title: 'Trial-mean rates', xLabel: 'trial', yLabel: 'rate (Hz)' }), linePlot(wSeries, { title: 'Weights', xLabel: 'trial', yLabel: 'total input weight' })],
    tableRows: [
      ['population', 'final trial mean (Hz), mean over networks', 'sd over networks', 'min', 'max', 'sd across units', 'set point (Hz)'],
      ...rec.popNames.filter((n) => s.final.trialMean_Hz[n]).map((n) => {
        const f = s.final.trialMean_Hz[n]!;
        return [n, f.mean.toFixed(3), f.sd.toFixed(3), f.min.toFixed(3), f.max.toFixed(3), s.final.unitSd_Hz[n]!.toFixed(3), String(s.setpoints_Hz[n] ?? '-')];
      }),
    ],
  });
  if (rec.traces.length) {
    const svgs = rec.traces.map((t) => {
      const nS = t.data.length / m.U;
      const x = Array.from({ length: nS }, (_, k) => (k * t.every_steps * r.spec.dt_ms) / 1000);
      const ser: LineSeries[] = m.pops.map((p, k) => ({ x, y: x.map((_, q) => { let a = 0; for (let i = 0; i < p.n; i++) a += t.data[q * m.U + p.offset + i]!; return a / p.n; }), label: p.name, color: PALETTE[k % PALETTE.length]! }));
      return linePlot(ser, { title: `Trial ${t.trial} (network 0)`, xLabel: 'time (s)', yLabel: 'rate (Hz)', width: 480, height: 320 });
    });
    sections.push({ heading: 'Rate traces', svgs });
  }
  const sp = soldadoParamsOf(r);
  const idx = ['E<-E', 'E<-I', 'I<-E', 'I<-I'].map((n) => rec.blockNames.indexOf(n));
  if (sp && T > 0 && idx.every((k) => k >= 0)) {
    const fin = (k: number): number[] => Array.from({ length: m.B }, (_, b) => rec.weightSum[(b * T + T - 1) * nB + idx[k]!]!);
    const ini = (k: number): number[] => Array.from({ length: m.B }, (_, b) => rec.weightSum[b * T * nB + idx[k]!]!);
    const plane = (a: number, c: number, line: (x: number) => number, title: string, xl: string, yl: string): string => {
      const xs = [...fin(a), ...ini(a)];
      const lo = Math.min(...xs);
      const hi = Math.max(...xs);
      return scatterPlot(
        [
          { x: ini(a), y: ini(c), label: 'trial 1', color: PALETTE[7]!, radius: 2 },
          { x: fin(a), y: fin(c), label: `trial ${T}`, color: PALETTE[0]!, radius: 3 },
          { x: Array.from({ length: 41 }, (_, k) => lo + ((hi - lo) * k) / 40), y: Array.from({ length: 41 }, (_, k) => line(lo + ((hi - lo) * k) / 40)), label: 'Eqs 4-5', color: PALETTE[1]!, radius: 1.5 },
        ],
        { title, xLabel: xl, yLabel: yl, width: 480, height: 360 },
      );
    };
    sections.push({
      heading: 'Weight plane (Eqs 4-5)',
      note: `${s.theory?.setpointLines ?? ''}. Each point is one network (multi-unit: total input weight per post unit, averaged over units). Weights on their floor leave the line.`,
      svgs: [
        plane(0, 1, (x) => setpointWeights(sp, x, 0).WEI, 'W_EI vs W_EE', 'W_EE', 'W_EI'),
        plane(2, 3, (x) => setpointWeights(sp, 0, x).WII, 'W_II vs W_IE', 'W_IE', 'W_II'),
      ],
    });
  }
  return renderReport(`plasticnet rate run: ${r.spec.name}`, sections, `${s.meta.commit} ${s.meta.date} ${s.meta.host}`);
}
