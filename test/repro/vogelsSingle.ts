// Vogels 2011 single neuron (SPEC V3, V4; SOM inhib_plasticity.m): 800 E + 200 I Poisson inputs in 8 channels
// whose rates follow filtered noise, excitation tuned to channel 5, flat weak inhibition learning by iSTDP.
// Measured: output rate per 1.5 s run (-> rho0 = 6.25 Hz), the inhibitory weight per channel over time, the
// tuning curves of the mean E and I currents per channel before and after learning (detailed balance = their
// correlation across channels), and, on identical frozen input, the response of the learned (detailed)
// weights against uniform weights of the same mean (global balance): rate and sparseness.
import { buildNetwork } from '../../src/network/network.ts';
import { CpuEngine } from '../../src/engine/cpu/CpuEngine.ts';
import { linePlot, PALETTE, type LineSeries } from '../../src/io/svg.ts';
import { derive } from '../../src/model/derive.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { validate } from '../../src/model/validate.ts';
import { SOM, somExcWeight, vogelsSingle } from '../../src/presets/vogels2011.ts';
import { composeFigure, fmtNum, rangeCheck, relCheck, writeFigure, type Check, type ReproOptions } from './common.ts';

export interface SingleConfig {
  T_s: number; // learning run (a multiple of the SOM's 1.5 s runs)
  before_s: number; // plasticity off in [0, before_s): the "before" tuning
  after_s: number; // the "after" tuning over the last after_s of learning
  frozen_s: number; // each frozen-weight comparison run (0: skipped)
  eta: number; // per spike, SOM units
  seed: number;
}

/** Full: the SOM's 150 s at eta = 1e-3. Reduced (CI-sized): 45 s at 4x the rate. */
export const singleConfig = (full: boolean): SingleConfig =>
  full ? { T_s: 150, before_s: 3, after_s: 15, frozen_s: 15, eta: 1e-3, seed: 143751 } : { T_s: 45, before_s: 3, after_s: 9, frozen_s: 9, eta: 4e-3, seed: 143751 };

export const RHO0_SINGLE = SOM.alpha / (2 * SOM.tauPlasticity_ms * 1e-3); // 6.25 Hz

/** Mean synaptic currents per channel (pA; excitatory as -I_E > 0, inhibitory I_I > 0), output rate and sparseness over a window. */
export interface Window {
  t0_s: number;
  t1_s: number;
  exc_pA: number[];
  inh_pA: number[];
  rate_Hz: number;
  sparseness: number; // Treves-Rolls 1 - <r>^2/<r^2> over 50 ms bins of the output (0 dense, -> 1 sparse)
  counts50: number[]; // output spikes per 50 ms bin
}

/** Lets timers and test-runner messages through between chunks of the synchronous CPU engine. */
const yieldNow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Runs a vogelsSingle spec on the CPU engine, measuring the given windows step by step. */
export async function driveSingle(spec: NetworkSpec, windows: [number, number][]): Promise<{ windows: Window[]; engine: CpuEngine; wall_s: number }> {
  const t0 = performance.now();
  const net = buildNetwork(derive(validate(spec)));
  const d = net.derived;
  const eng = new CpuEngine(net);
  const st = eng.state;
  const N = d.N;
  const chE = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => d.pops[k]!.channel * N);
  const chI = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => d.pops[8 + k]!.channel * N);
  const bin = Math.round(50 / d.dt_ms);
  const acc = windows.map(([a, b]) => ({ a: Math.round((a * 1000) / d.dt_ms), b: Math.round((b * 1000) / d.dt_ms), exc: new Float64Array(8), inh: new Float64Array(8), n: 0, spikes: 0, counts: new Array<number>(Math.ceil(Math.round(((b - a) * 1000) / d.dt_ms) / bin)).fill(0) }));
  for (let s = 0; s < d.nSteps; s++) {
    if (s % 10000 === 0) await yieldNow();
    eng.stepOnce();
    const spiked = st.nSpikes > 0 && st.spikes[0] === 0; // the post neuron is global index 0
    for (const w of acc) {
      if (s < w.a || s >= w.b) continue;
      const v = st.v[0]!;
      for (let k = 0; k < 8; k++) {
        w.exc[k]! -= st.current[chE[k]!]! * v; // -g_E (V - E_E), E_E = 0
        w.inh[k]! += st.current[chI[k]!]! * (v + 80); // g_I (V - E_I)
      }
      w.n++;
      if (spiked) (w.spikes++, w.counts[Math.floor((s - w.a) / bin)]!++);
    }
  }
  const out = acc.map((w, i): Window => {
    const m = w.counts.reduce((x, y) => x + y, 0) / w.counts.length;
    const m2 = w.counts.reduce((x, y) => x + y * y, 0) / w.counts.length;
    return {
      t0_s: windows[i]![0],
      t1_s: windows[i]![1],
      exc_pA: Array.from(w.exc, (x) => x / w.n),
      inh_pA: Array.from(w.inh, (x) => x / w.n),
      rate_Hz: w.spikes / ((w.n * d.dt_ms) / 1000),
      sparseness: m2 > 0 ? 1 - (m * m) / m2 : NaN,
      counts50: w.counts,
    };
  });
  return { windows: out, engine: eng, wall_s: (performance.now() - t0) / 1000 };
}

/** A window with no data (frozen runs skipped). */
const emptyWindow = (t: number): Window => ({ t0_s: t, t1_s: t, exc_pA: [], inh_pA: [], rate_Hz: NaN, sparseness: NaN, counts50: [] });

/** Pearson correlation of two equal-length arrays. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) (sxy += (x[i]! - mx) * (y[i]! - my)), (sxx += (x[i]! - mx) ** 2), (syy += (y[i]! - my) ** 2);
  return sxy / Math.sqrt(sxx * syy);
}

export interface SingleResult {
  cfg: SingleConfig;
  before: Window;
  after: Window;
  detailed: Window; // frozen learned weights
  global: Window; // frozen uniform weights of the same mean
  rateSeries: number[]; // output rate per 1.5 s run
  wSeries: number[][]; // [channel][run] mean inhibitory weight (SOM units, times gBarIn = nS)
  wFinal: number[]; // learned mean inhibitory weight per channel (SOM units)
  wExc: number[]; // excitatory weight per channel (SOM units)
  corrBefore: number; // corr(-I_E, I_I) across channels
  corrAfter: number;
  corrWeights: number; // corr(learned w_I, w_E)
  wall_s: number;
  device: string;
}

/** The whole single-neuron protocol: learning run, then two frozen runs on identical input. */
export async function runSingle(cfg: SingleConfig, log: (s: string) => void = () => {}): Promise<SingleResult> {
  log(`  learning: T = ${cfg.T_s} s, eta = ${cfg.eta}, plasticity from ${cfg.before_s} s ...`);
  const learn = vogelsSingle({ T_s: cfg.T_s, eta: cfg.eta, startAt_s: cfg.before_s, seed: cfg.seed });
  const L = await driveSingle(learn, [[0, cfg.before_s], [cfg.T_s - cfg.after_s, cfg.T_s]]);
  const rec = L.engine.recorder.rec;
  const np = rec.populations.length;
  const rateSeries = Array.from({ length: rec.series.nBins }, (_, b) => rec.series.rate_Hz[b * np]!);
  const nP = rec.plasticNames.length; // I1..I8 -> post
  const wSeries = Array.from({ length: nP }, (_, k) => Array.from({ length: rec.series.nBins }, (_, b) => rec.series.jMean[b * nP + k]! / SOM.gBarIn_nS));
  const wFinal = Array.from({ length: nP }, (_, k) => {
    const w = L.engine.state.weights[8 + k]!;
    return w.reduce((a, b) => a + b, 0) / w.length / SOM.gBarIn_nS;
  });
  const wMean = wFinal.reduce((a, b) => a + b, 0) / wFinal.length;
  log(`  learned w_I per channel (SOM units): ${wFinal.map((w) => w.toFixed(3)).join(' ')}${cfg.frozen_s > 0 ? `; frozen runs of ${cfg.frozen_s} s ...` : ''}`);
  const frozen = (o: { wInh?: number[]; wInh0?: number }) => driveSingle(vogelsSingle({ T_s: cfg.frozen_s, eta: 0, seed: cfg.seed + 1, ...o }), [[0, cfg.frozen_s]]);
  const none = { windows: [emptyWindow(0)], wall_s: 0 };
  const D = cfg.frozen_s > 0 ? await frozen({ wInh: wFinal }) : none;
  const G = cfg.frozen_s > 0 ? await frozen({ wInh0: wMean }) : none;
  const [before, after] = L.windows as [Window, Window];
  const wExc = [1, 2, 3, 4, 5, 6, 7, 8].map(somExcWeight);
  return {
    cfg,
    before,
    after,
    detailed: D.windows[0]!,
    global: G.windows[0]!,
    rateSeries,
    wSeries,
    wFinal,
    wExc,
    corrBefore: pearson(before.exc_pA, before.inh_pA),
    corrAfter: pearson(after.exc_pA, after.inh_pA),
    corrWeights: pearson(wFinal, wExc),
    wall_s: L.wall_s + D.wall_s + G.wall_s,
    device: L.engine.device,
  };
}

/** Acceptance bands (set here; SPEC V3/V4 are qualitative): co-tuning r >= 0.9; rate within 30% of rho0; sparser than global. */
export const SINGLE_CORR_MIN = 0.9;
export const SINGLE_RATE_REL = 0.3;

export function singleChecks(r: SingleResult): Check[] {
  const at = `T = ${r.cfg.T_s} s, eta = ${r.cfg.eta}`;
  return [
    rangeCheck({ id: 'V4', quantity: 'co-tuning: corr(E current, I current) across the 8 channels after learning', source: 'paper', refText: 'detailed balance: I tuning follows E (SOM Fig 2)', ours: r.corrAfter, lo: SINGLE_CORR_MIN, hi: 1, at: `last ${r.cfg.after_s} s, ${at}`, note: `before learning: ${fmtNum(r.corrBefore, 3)}; band set here` }),
    rangeCheck({ id: 'V4', quantity: 'learned inhibitory weights vs excitatory weights: corr across channels', source: 'paper', refText: 'I weights mirror the E tuning', ours: r.corrWeights, lo: SINGLE_CORR_MIN, hi: 1, at, note: 'band set here' }),
    { ...relCheck({ id: 'V3', quantity: 'output rate after learning (Hz)', source: 'theory', ref: RHO0_SINGLE, refText: `rho0 = alpha/(2 tau) = ${RHO0_SINGLE} Hz (SOM alpha = 0.25)`, ours: r.after.rate_Hz, rel: SINGLE_RATE_REL, at: `last ${r.cfg.after_s} s, ${at}` }), note: `before: ${fmtNum(r.before.rate_Hz, 3)} Hz; band set here` },
    { ...rangeCheck({ id: 'V4', quantity: 'sparseness of the response, detailed / global balance (same input, same mean weight)', source: 'paper', refText: 'detailed balance gives sparser responses than global balance', ours: r.detailed.sparseness / r.global.sparseness, lo: 1, hi: Infinity, at: `frozen ${r.cfg.frozen_s} s runs`, oursText: `${fmtNum(r.detailed.sparseness, 3)} / ${fmtNum(r.global.sparseness, 3)} (rates ${fmtNum(r.detailed.rate_Hz, 3)} / ${fmtNum(r.global.rate_Hz, 3)} Hz)` }), tolerance: '>= 1' },
  ];
}

export async function reproVogelsSingle(o: ReproOptions): Promise<void> {
  const cfg = singleConfig(o.full);
  const r = await runSingle(cfg, o.log);
  o.log(`  done in ${r.wall_s.toFixed(0)} s: rate ${r.before.rate_Hz.toFixed(1)} -> ${r.after.rate_Hz.toFixed(2)} Hz, co-tuning ${r.corrBefore.toFixed(2)} -> ${r.corrAfter.toFixed(3)}`);
  const runs = r.rateSeries.map((_, b) => (b + 1) * 1.5);
  const ch = [1, 2, 3, 4, 5, 6, 7, 8];
  const tune = (w: Window, title: string) =>
    linePlot(
      [
        { x: ch, y: w.exc_pA, label: 'excitatory -I_E', color: '#000', width: 2.5 },
        { x: ch, y: w.inh_pA, label: 'inhibitory I_I', color: '#999', width: 2.5 },
      ],
      { title, xLabel: 'signal channel', yLabel: 'mean current (pA)', width: 480, height: 360 },
    );
  const W = 560, H = 380;
  const svg = composeFigure(
    `Vogels 2011 single neuron: iSTDP co-tunes inhibition with excitation (${o.full ? 'SOM protocol' : 'reduced'})`,
    [
      linePlot([{ x: runs, y: r.rateSeries, label: 'output rate per 1.5 s run', color: '#000', width: 2 }, { x: [0, cfg.T_s], y: [RHO0_SINGLE, RHO0_SINGLE], label: 'rho0 = 6.25 Hz', color: PALETTE[1]!, dashed: true }], { title: 'A: output rate', xLabel: 'time (s)', yLabel: 'rate (Hz)', width: W, height: H }),
      linePlot(r.wSeries.map((y, k): LineSeries => ({ x: runs, y, label: `channel ${k + 1}`, color: PALETTE[k % PALETTE.length]! })), { title: 'B: mean inhibitory weight per channel', xLabel: 'time (s)', yLabel: 'w (units of gBarIn = 0.35 nS)', width: W, height: H }),
      tune(r.before, `C: before learning (first ${cfg.before_s} s), r = ${r.corrBefore.toFixed(2)}`),
      tune(r.after, `D: after learning (last ${cfg.after_s} s), r = ${r.corrAfter.toFixed(2)}`),
      linePlot([{ x: r.detailed.counts50.map((_, i) => i * 0.05), y: r.detailed.counts50.map((c) => c * 20), label: `detailed (learned), ${r.detailed.rate_Hz.toFixed(1)} Hz`, color: PALETTE[0]! }, { x: r.global.counts50.map((_, i) => i * 0.05), y: r.global.counts50.map((c) => c * 20), label: `global (uniform), ${r.global.rate_Hz.toFixed(1)} Hz`, color: PALETTE[1]! }], { title: 'E: output rate in 50 ms bins, identical frozen input', xLabel: 'time (s)', yLabel: 'rate (Hz)', width: W, height: H, xRange: [0, Math.min(3, cfg.frozen_s)] }),
    ],
    2,
    `1 cond LIF (C 200 pF, g_L 10 nS, E_L -60, V_th -50 mV, 5 ms refractory) with 800 E (0.14 nS x w, E 0 mV, tau 5 ms) and 200 I (0.35 nS x w, E -80 mV, tau 10 ms) Poisson inputs in 8 channels; rates 5 Hz + 500 Hz x max(0, x)/0.03, x filtered noise (tau 50 ms), 5 ms dead time. iSTDP eta = ${cfg.eta}, alpha = 0.25 (rho0 = 6.25 Hz), tau 20 ms.`,
  );
  writeFigure(
    o,
    {
      name: 'vogels-single',
      figure: 'Vogels 2011 Fig 2 / SOM, SPEC V3 V4',
      title: 'Single neuron: iSTDP co-tunes inhibition with excitation (detailed balance)',
      size: o.full ? 'full' : 'reduced',
      config: { ...cfg },
      deviations: [
        'E weights use the mean 0.05 of the SOM\'s per-synapse U(0, 0.1) jitter (one weight per channel projection)',
        `plasticity off for the first ${cfg.before_s} s to measure the untrained tuning (the SOM learns from t = 0)`,
        'forward Euler membrane (the SOM integrates V exactly between steps); conductance kicks are decayed once before they act (engine schedule)',
        ...(o.full ? [] : [`T = ${cfg.T_s} s with eta = ${cfg.eta} (SOM: 150 s, eta = 1e-3)`]),
      ],
      device: r.device,
      backend: 'cpu',
      wall_s: r.wall_s,
      checks: singleChecks(r),
      data: { before: r.before, after: r.after, detailed: { ...r.detailed, counts50: undefined }, global: { ...r.global, counts50: undefined }, rateSeries: r.rateSeries, wFinal: r.wFinal, wExc: r.wExc, wSeries: r.wSeries },
    },
    svg,
  );
}
