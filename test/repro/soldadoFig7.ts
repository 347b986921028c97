// npm run repro -- soldado-fig7: Soldado-Magraner et al. 2022 Fig 7 (SPEC §3.3, S7) on the spiking engine.
// The adaptive LIF E/I network (src/presets/soldado2022.ts) is trained per trial by the two-term rule (cross-
// homeostatic pre-scalar + homeostatic, trainer.py's cross-homeo-pre-scalar-homeo) from the silent initial
// weights (W_EE 80, W_IE 100, W_EI 350, W_II 225 pA): Up-state rates -> 5 / 14 Hz, their CV_ISI; then, with the
// trained weights, the paradoxical test (a current step into every I unit lowers the mean I rate; PSTHs over
// trials per level) and other initial mean weights (the paper: nine, low final error after 6000 trials).
// Reduced size (default): N = 400, alpha 40x the reference's (so 80 trials stand for thousands), trials of
// 1.0 s. --full: N = 2000, alpha 0.0025 pA/Hz^2, 6000 trials of 1.5 s, 40 trials per current level, nine inits
// (hours: run it on a GPU with --backend webgpu).
import { linePlot, PALETTE, type LineSeries } from '../../src/io/svg.ts';
import { derive } from '../../src/model/derive.ts';
import { validate } from '../../src/model/validate.ts';
import { buildNetwork } from '../../src/network/network.ts';
import { soldadoSpikingNetwork, soldadoTrainingProtocol, SOLDADO_INITIAL_WEIGHTS, type SoldadoSpikingOptions } from '../../src/presets/soldado2022.ts';
import { runTrials, type TrialProtocol, type TrialRecord, type TrialRunResult } from '../../src/trials/protocol.ts';
import { composeFigure, fmtNum, rangeCheck, writeFigure, type Check, type ReproOptions } from './common.ts';

interface Size {
  N: number;
  trials: number;
  duration_s: number;
  alpha: number;
  levels_pA: number[];
  trialsPerLevel: number;
  inits: { EE: number; IE: number; EI: number; II: number }[];
  initTrials: number;
  last: number; // trials averaged at the end
}

const W0 = SOLDADO_INITIAL_WEIGHTS;
const scaled = (k: number, l: number) => ({ EE: W0.EE * k, IE: W0.IE * k, EI: W0.EI * l, II: W0.II * l });

export function fig7Size(full: boolean): Size {
  if (full) {
    const inits = [1, 1.25, 1.5].flatMap((k) => [0.75, 1, 1.25].map((l) => scaled(k, l)));
    return { N: 2000, trials: 6000, duration_s: 1.5, alpha: 0.0025, levels_pA: [0, 25, 50, 75, 100], trialsPerLevel: 40, inits, initTrials: 6000, last: 100 };
  }
  return { N: 400, trials: 80, duration_s: 1.0, alpha: 0.1, levels_pA: [0, 20, 40], trialsPerLevel: 10, inits: [scaled(1.25, 0.75), scaled(0.8, 1.25)], initTrials: 60, last: 10 };
}

/** Trains the network of size z from initial mean weights w; returns the trial records and final weights. */
export async function trainFig7(z: Size, w: NonNullable<SoldadoSpikingOptions['weights']>, trials: number, o: { backend: string; seed?: number; log?: (s: string) => void }): Promise<{ res: TrialRunResult; wall_s: number }> {
  const spec = validate({ ...soldadoSpikingNetwork({ N: z.N, weights: w, seed: o.seed ?? 1 }), T_s: z.duration_s });
  const net = buildNetwork(derive(spec));
  const pr: TrialProtocol = { ...soldadoTrainingProtocol({ N: z.N, trials, alpha: z.alpha, rule: 'two-term' }), duration_s: z.duration_s };
  const t0 = performance.now();
  const res = await runTrials(spec, net, pr, {
    backend: o.backend,
    onTrial: (t, r) => {
      if (o.log && (t % 10 === 9 || t === trials - 1)) o.log(`trial ${t + 1}/${trials}: Up ${r.stats.up ? 'yes' : 'no'} ${fmtNum(r.stats.upDur_s, 3)} s, E ${fmtNum(r.stats.popRate_Hz[0]!, 3)} Hz, I ${fmtNum(r.stats.popRate_Hz[1]!, 3)} Hz`);
    },
  });
  return { res, wall_s: (performance.now() - t0) / 1000 };
}

const tail = (rs: TrialRecord[], n: number, f: (r: TrialRecord) => number): number => {
  const xs = rs.slice(-n).map(f).filter(Number.isFinite);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
};

/** Mean I rate during the current step, over trials, per level (trained weights, no plasticity). */
async function paradox(z: Size, trained: TrialRunResult, backend: string, log: (s: string) => void): Promise<{ level_pA: number; iRate_Hz: number; eRate_Hz: number; psthI: number[] }[]> {
  const out = [];
  const step = { from_s: 0.11, to_s: Math.min(z.duration_s, 0.31) }; // inside the Up state the kick at 0.1 s starts
  for (const level of z.levels_pA) {
    const spec = validate({ ...soldadoSpikingNetwork({ N: z.N, seed: 1 }), T_s: z.duration_s }); // the trained network's connectivity
    const net = buildNetwork(derive(spec));
    const plastic = net.derived.projections.filter((p) => p.plastic?.family === 'trial');
    plastic.forEach((p, k) => net.csr[p.index]!.weight.set(trained.weights[k]!));
    const pr: TrialProtocol = {
      ...soldadoTrainingProtocol({ N: z.N, trials: z.trialsPerLevel }), duration_s: z.duration_s, initRelSd: 0,
      currentSteps: [{ pop: 'I', ...step, current_pA: level }],
    };
    delete pr.rule;
    const r = await runTrials(spec, net, pr, { backend });
    const b0 = Math.round(step.from_s / 0.01), b1 = Math.round(step.to_s / 0.01);
    const win = (k: number) => tail(r.trials, r.trials.length, (t) => t.stats.psth_Hz[k]!.slice(b0, b1).reduce((a, x) => a + x, 0) / (b1 - b0));
    const nb = r.trials[0]!.stats.psth_Hz[1]!.length;
    const psthI = Array.from({ length: nb }, (_, b) => r.trials.reduce((a, t) => a + t.stats.psth_Hz[1]![b]!, 0) / r.trials.length);
    out.push({ level_pA: level, iRate_Hz: win(1), eRate_Hz: win(0), psthI });
    log(`paradox: +${level} pA into I: I ${fmtNum(win(1), 3)} Hz, E ${fmtNum(win(0), 3)} Hz during the step`);
  }
  return out;
}

export async function reproSoldadoFig7(o: ReproOptions): Promise<void> {
  const z = fig7Size(o.full);
  const backend = o.backend;
  o.log(`N = ${z.N}, ${z.trials} trials of ${z.duration_s} s, alpha ${z.alpha} pA/Hz^2 (at N p = 500), backend ${backend}`);
  const main = await trainFig7(z, W0, z.trials, { backend, log: o.log });
  const T = main.res.trials;
  const eEnd = tail(T, z.last, (r) => r.stats.popRate_Hz[0]!);
  const iEnd = tail(T, z.last, (r) => r.stats.popRate_Hz[1]!);
  const cvE = tail(T, z.last, (r) => r.stats.popCv[0]!);
  const cvI = tail(T, z.last, (r) => r.stats.popCv[1]!);
  const firstUp = T.findIndex((r) => r.stats.up);
  const par = await paradox(z, main.res, backend, o.log);
  const inits = [];
  for (const w of z.inits) {
    const r = await trainFig7(z, w, z.initTrials, { backend, seed: 3 });
    const e = tail(r.res.trials, z.last, (x) => x.stats.popRate_Hz[0]!);
    const i = tail(r.res.trials, z.last, (x) => x.stats.popRate_Hz[1]!);
    const mse = ((e - 5) ** 2 + (i - 14) ** 2) / 2;
    inits.push({ w, E_Hz: e, I_Hz: i, mse });
    o.log(`init (${w.EE}, ${w.IE}, ${w.EI}, ${w.II}) pA: E ${fmtNum(e, 3)}, I ${fmtNum(i, 3)} Hz, MSE ${fmtNum(mse, 3)} Hz^2 after ${z.initTrials} trials`);
  }
  const at = `N = ${z.N} (paper 2000), last ${z.last} of ${z.trials} trials`;
  const checks: Check[] = [
    rangeCheck({ id: 'S7', quantity: 'trial 1 (silent initial weights): E Up-state rate', ours: T[0]!.stats.popRate_Hz[0]!, lo: 0, hi: 2, refText: 'silent network (no Up state)', source: 'paper', at: 'trial 1' }),
    rangeCheck({ id: 'S7', headline: true, quantity: 'E Up-state rate, mean of the last trials', ours: eEnd, lo: 4, hi: 6, refText: '5 Hz (set point)', source: 'paper', at }),
    rangeCheck({ id: 'S7', quantity: 'I Up-state rate, mean of the last trials', ours: iEnd, lo: 11.2, hi: 16.8, refText: '14 Hz (set point)', source: 'paper', at }),
    rangeCheck({ id: 'S7', quantity: 'CV_ISI of E units in the Up state (units with >= 3 spikes)', ours: cvE, lo: 0.5, hi: 1.5, refText: '~1 (asynchronous irregular)', source: 'paper', at }),
    rangeCheck({ id: 'S7', quantity: 'CV_ISI of I units in the Up state', ours: cvI, lo: 0.5, hi: 1.5, refText: '~1', source: 'paper', at }),
    rangeCheck({ id: 'S7', quantity: `mean I rate during the step, largest level (+${z.levels_pA.at(-1)} pA) minus level 0`, ours: par.at(-1)!.iRate_Hz - par[0]!.iRate_Hz, lo: -Infinity, hi: 0, refText: '< 0 (paradoxical drop)', source: 'paper', at: `${z.trialsPerLevel} trials per level (paper 40)` }),
    rangeCheck({ id: 'S7', quantity: `largest final MSE to (5, 14) Hz over ${inits.length} other initial mean weights`, ours: Math.max(...inits.map((x) => x.mse)), lo: 0, hi: 4, refText: 'low final error (nine inits)', source: 'paper', at: `${z.initTrials} trials each (paper 6000)` }),
  ];
  const x = T.map((_, t) => t + 1);
  const ser = (k: number, avg: boolean) => T.map((r) => (avg ? r.movingAvgPop_Hz[k]! : r.stats.popRate_Hz[k]!));
  const rates = linePlot([
    { x, y: ser(0, false), label: 'E (trial)', color: PALETTE[2]! },
    { x, y: ser(1, false), label: 'I (trial)', color: PALETTE[1]! },
    { x: [1, T.length], y: [5, 5], label: 'E set', color: PALETTE[2]!, dashed: true },
    { x: [1, T.length], y: [14, 14], label: 'I set', color: PALETTE[1]!, dashed: true },
  ] as LineSeries[], { title: 'Up-state rates over training', xLabel: 'trial', yLabel: 'rate (Hz)', width: 480, height: 320 });
  const names = main.res.projections;
  const weights = linePlot(names.map((n, k) => ({ x, y: T.map((r) => r.meanAbsW[k]!), label: n, color: PALETTE[k]! })), { title: 'mean |weight| (pA ms)', xLabel: 'trial', yLabel: '|j|', width: 480, height: 320 });
  const nb = par[0]!.psthI.length;
  const tb = Array.from({ length: nb }, (_, b) => (b + 0.5) * 10);
  const psth = linePlot(par.map((p, k) => ({ x: tb, y: p.psthI, label: `+${p.level_pA} pA`, color: PALETTE[k]! })), { title: 'I PSTH per current level (step 110-310 ms)', xLabel: 't (ms)', yLabel: 'I rate (Hz)', width: 480, height: 320 });
  const svg = composeFigure('Soldado-Magraner 2022 Fig 7: spiking network trained per trial by the two-term rule', [rates, weights, psth], 3);
  writeFigure(o, {
    name: 'soldado-fig7', figure: 'Soldado 2022 Fig 7', title: 'adaptive LIF E/I network: silent -> Up states at 5 / 14 Hz, paradoxical I response (S7)',
    size: o.full ? 'full' : 'reduced',
    config: { N: z.N, p: 0.25, trials: z.trials, duration_s: z.duration_s, alpha_pA_per_Hz2: z.alpha, rule: 'two-term (cross-homeo-pre-scalar-homeo)', levels_pA: z.levels_pA, trialsPerLevel: z.trialsPerLevel, inits: z.inits.length, initTrials: z.initTrials },
    deviations: [
      ...(o.full ? [] : [`reduced: N = ${z.N} (paper 2000), weights and bounds x 500/(N p) as trainer.py's netSizeConnNorm, alpha ${z.alpha} (reference 0.0025 pA/Hz), ${z.trials} trials of ${z.duration_s} s (paper 6000 of 1.5 s), ${z.inits.length} other initialisations (paper 9)`]),
      'synapses and delays as the reference: double exponentials E 8/23 ms, I 1/1 ms (alpha); delays 1..10 (E) / 1..5 (I) steps per synapse',
      'Up-state rate: from the first to the last 10 ms bin of the I PSTH above 0.2 Hz after the kick (results.py find_upstates simplified); no Up: trainer.py fallback',
      'membrane noise: Irwin-Hall (12 uniforms) normal approximation, exact on both engines',
    ],
    device: `${backend}`, backend, wall_s: main.wall_s,
    checks,
    data: {
      trialE_Hz: ser(0, false), trialI_Hz: ser(1, false), upDur_s: T.map((r) => r.stats.upDur_s), firstUpTrial: firstUp + 1,
      final: { E_Hz: eEnd, I_Hz: iEnd, cvE, cvI }, paradox: par.map(({ psthI: _p, ...rest }) => rest), inits,
      finalMeanAbsW: Object.fromEntries(names.map((n, k) => [n, T.at(-1)!.meanAbsW[k]])),
    },
  }, svg);
}
