// Vogels 2011 memory assembly (SPEC V5): the Brian2-example network with 5% of the cells forming an assembly
// whose internal E->E weights are 5x stronger, iSTDP on every E<-I projection. Protocol: I->E weights start
// uniform at a level where the plain network sits in its low-rate state; the first second runs without
// plasticity (the imprint raises the assembly's rate above the rest), then iSTDP restores the balance, and a
// Poisson cue onto half of the assembly ('Ac') re-activates the other half ('Ar') while the rest ('E') stays.
// A control network without the imprint (factor 1) receives the same cue.
import { linePlot, PALETTE, type LineSeries } from '../../src/io/svg.ts';
import { vogelsAssembly } from '../../src/presets/vogels2011.ts';
import { binnedRate, composeFigure, fmtNum, rangeCheck, seriesTimes, simulate, writeFigure, type Check, type ReproOptions, type Sim } from './common.ts';

export interface AssemblyConfig {
  N: number;
  T_s: number;
  cue: [number, number]; // cue window (s)
  wIE0_nS: number;
  factor: number;
  eta: number;
  bin_ms: number;
}

/** Full: N = 10^4, 30 s; reduced: N = 2500 (in-degrees kept), 15 s. */
export const assemblyConfig = (full: boolean): AssemblyConfig =>
  full ? { N: 10000, T_s: 30, cue: [26, 27], wIE0_nS: 2.5, factor: 5, eta: 1e-2, bin_ms: 250 } : { N: 2500, T_s: 15, cue: [12, 13], wIE0_nS: 2.5, factor: 5, eta: 1e-2, bin_ms: 250 };

/** Bands set here (SPEC V5 is qualitative). */
export const V5 = { raisedMin: 1.5, restoredMax: 1.3, recallMin: 3, controlMin: 2 } as const;

export interface Phase {
  Ac: number;
  Ar: number;
  E: number;
  I: number;
}

export interface AssemblyResult {
  cfg: AssemblyConfig;
  sim: Sim;
  control: Sim | null;
  static: Phase; // [0.25, 1) s: imprinted, no plasticity yet
  preCue: Phase; // the 4 s (or less) before the cue
  cue: Phase; // during the cue
  controlPre: Phase | null;
  controlCue: Phase | null;
  raised: number; // r_A / r_E without plasticity
  restored: number; // r_A / r_E before the cue
  recall: number; // (r_Ar rise) / max(r_E rise, 0.25 Hz) during the cue
  vsControl: number; // r_Ar rise with the imprint / without it (max 0.25 Hz)
}

const phase = (sim: Sim, t0: number, t1: number): Phase => ({
  Ac: binnedRate(sim, 'Ac', t0, t1),
  Ar: binnedRate(sim, 'Ar', t0, t1),
  E: binnedRate(sim, 'E', t0, t1),
  I: binnedRate(sim, 'I', t0, t1),
});
const assemblyRate = (p: Phase) => (p.Ac + p.Ar) / 2;

/** Runs the protocol and its control (o.out holds simulate()'s result cache; o.force reruns). */
export async function runAssembly(cfg: AssemblyConfig, o: Omit<ReproOptions, 'full'>, withControl = true): Promise<AssemblyResult> {
  const opts = { ...o, full: false };
  const spec = (factor: number) =>
    vogelsAssembly({ N: cfg.N, T_s: cfg.T_s, wIE0_nS: cfg.wIE0_nS, factor, eta: cfg.eta, bin_ms: cfg.bin_ms, cue: { start_s: cfg.cue[0], stop_s: cfg.cue[1], rate_Hz: 50, j_nS: 0.3 } });
  const sim = await simulate(spec(cfg.factor), opts, 'assembly');
  const control = withControl ? await simulate(spec(1), opts, 'control (no imprint)') : null;
  const [c0, c1] = cfg.cue;
  const pre0 = Math.max(1.5, c0 - 4);
  const st = phase(sim, 0.25, 1);
  const pre = phase(sim, pre0, c0);
  const cue = phase(sim, c0, c1);
  const controlPre = control ? phase(control, pre0, c0) : null;
  const controlCue = control ? phase(control, c0, c1) : null;
  const rise = cue.Ar - pre.Ar;
  return {
    cfg,
    sim,
    control,
    static: st,
    preCue: pre,
    cue,
    controlPre,
    controlCue,
    raised: assemblyRate(st) / st.E,
    restored: assemblyRate(pre) / pre.E,
    recall: rise / Math.max(cue.E - pre.E, 0.25),
    vsControl: controlPre && controlCue ? rise / Math.max(controlCue.Ar - controlPre.Ar, 0.25) : NaN,
  };
}

export function assemblyChecks(r: AssemblyResult): Check[] {
  const at = `N = ${r.cfg.N}, assembly ${0.05 * r.cfg.N} cells, E<-E x${r.cfg.factor} inside`;
  const [c0, c1] = r.cfg.cue;
  const checks: Check[] = [
    { ...rangeCheck({ id: 'V5', quantity: 'imprint raises the assembly: r_A / r_E before iSTDP', source: 'paper', refText: 'assembly rate first rises (paper Fig 4)', ours: r.raised, lo: V5.raisedMin, hi: Infinity, at: `[0.25, 1) s, ${at}`, oursText: `${fmtNum(r.raised, 3)} (${fmtNum(assemblyRate(r.static), 3)} / ${fmtNum(r.static.E, 3)} Hz)`, note: 'band set here' }), tolerance: `>= ${V5.raisedMin}` },
    rangeCheck({ id: 'V5', quantity: 'iSTDP restores balance: r_A / r_E before the cue', source: 'paper', refText: 'balance restored (paper Fig 4)', ours: r.restored, lo: 0, hi: V5.restoredMax, at: `[${fmtNum(Math.max(1.5, c0 - 4), 3)}, ${c0}) s`, oursText: `${fmtNum(r.restored, 3)} (${fmtNum(assemblyRate(r.preCue), 3)} / ${fmtNum(r.preCue.E, 3)} Hz)`, note: 'band set here' }),
    { ...rangeCheck({ id: 'V5', quantity: 'recall: rise of the uncued half Ar / rise of the rest E during the cue', source: 'paper', refText: 'a partial cue re-activates the assembly (paper Fig 4)', ours: r.recall, lo: V5.recallMin, hi: Infinity, at: `cue [${c0}, ${c1}) s onto Ac only`, oursText: `${fmtNum(r.recall, 3)} (Ar ${fmtNum(r.preCue.Ar, 3)} -> ${fmtNum(r.cue.Ar, 3)} Hz, E ${fmtNum(r.preCue.E, 3)} -> ${fmtNum(r.cue.E, 3)} Hz)`, note: 'band set here; E rise floored at 0.25 Hz' }), tolerance: `>= ${V5.recallMin}` },
  ];
  if (r.controlCue && r.controlPre)
    checks.push({ ...rangeCheck({ id: 'V5', quantity: 'recall needs the imprint: Ar rise with / without it', source: 'paper', refText: 'completion by the strengthened weights', ours: r.vsControl, lo: V5.controlMin, hi: Infinity, at: 'same cue, control network with factor 1', oursText: `${fmtNum(r.vsControl, 3)} (control Ar ${fmtNum(r.controlPre.Ar, 3)} -> ${fmtNum(r.controlCue.Ar, 3)} Hz)`, note: 'band set here; control rise floored at 0.25 Hz' }), tolerance: `>= ${V5.controlMin}` });
  return checks;
}

export async function reproVogelsAssembly(o: ReproOptions): Promise<void> {
  const cfg = assemblyConfig(o.full);
  const r = await runAssembly(cfg, o);
  o.log(`  r_A/r_E ${fmtNum(r.raised, 3)} -> ${fmtNum(r.restored, 3)}; recall ${fmtNum(r.recall, 3)}, vs control ${fmtNum(r.vsControl, 3)}`);
  const rates = (sim: Sim, title: string) => {
    const rec = sim.result.recordings;
    const np = rec.populations.length;
    const t = seriesTimes(sim);
    const lines: LineSeries[] = rec.populations.map((p, i) => ({ x: t, y: t.map((_, b) => rec.series.rate_Hz[b * np + i]!), label: p.name === 'Ac' ? 'Ac (assembly, cued)' : p.name === 'Ar' ? 'Ar (assembly, uncued)' : p.name, color: PALETTE[i]!, width: i < 2 ? 2 : 1.5 }));
    lines.push({ x: [cfg.cue[0], cfg.cue[0], cfg.cue[1], cfg.cue[1]], y: [0.5, 200, 200, 0.5], label: 'cue window', color: '#999', dashed: true });
    return linePlot(lines, { title, xLabel: 'time (s)', yLabel: 'rate (Hz)', width: 560, height: 380, logY: true, yRange: [0.5, 200] });
  };
  const t = seriesTimes(r.sim);
  const pl = r.sim.analysis.summary.plastic;
  const wPlot = linePlot(
    ['Ac<-I', 'Ar<-I', 'E<-I'].map((k, i): LineSeries => ({ x: t, y: pl[k]!.jMeanSeries, label: `mean w ${k}`, color: PALETTE[i]!, width: 2 })),
    { title: 'C: mean inhibitory weights', xLabel: 'time (s)', yLabel: 'w (nS)', width: 560, height: 380 },
  );
  const svg = composeFigure(
    `Vogels 2011 memory assembly: imprint, re-balance by iSTDP, recall by a partial cue (N = ${cfg.N})`,
    [rates(r.sim, `A: assembly network (E<-E x${cfg.factor} inside the assembly)`), ...(r.control ? [rates(r.control, 'B: control network (no imprint), same cue')] : []), wPlot],
    2,
    `The Brian2-example network (cond LIF, in-degree 160 E + 40 I, I_b 200 pA) with ${0.05 * cfg.N} assembly cells (Ac + Ar); I->E weights start at ${cfg.wIE0_nS} nS, iSTDP (eta ${cfg.eta}, rho0 3 Hz) from t = 1 s; cue: 100 Poisson sources at 50 Hz, p = 0.1, 0.3 nS onto Ac during [${cfg.cue[0]}, ${cfg.cue[1]}) s.`,
  );
  writeFigure(
    o,
    {
      name: 'vogels-assembly',
      figure: 'Vogels 2011 Fig 4, SPEC V5',
      title: 'Memory assembly: balance restored by iSTDP, recall by a partial cue',
      size: o.full ? 'full' : 'reduced',
      config: { ...cfg, assembly: 0.05 * cfg.N },
      deviations: [
        'assembly size (5% of N), imprint factor (x5) and cue (100 x 50 Hz Poisson, 0.3 nS, p = 0.1) set here: the SOM memory-network parameters are not in the seed',
        `I->E weights start uniform at ${cfg.wIE0_nS} nS (a low-rate state of the plain network) instead of the output of a preceding balancing run`,
        ...(o.full ? [] : [`N = ${cfg.N} (in-degrees of N = 10^4 kept), T = ${cfg.T_s} s`]),
      ],
      device: r.sim.result.device,
      backend: r.sim.result.backend,
      wall_s: r.sim.result.wall_s + r.sim.result.build_s + (r.control ? r.control.result.wall_s + r.control.result.build_s : 0),
      checks: assemblyChecks(r),
      data: { static: r.static, preCue: r.preCue, cue: r.cue, controlPre: r.controlPre, controlCue: r.controlCue, raised: r.raised, restored: r.restored, recall: r.recall, vsControl: r.vsControl, stoppedBy: r.sim.result.stoppedBy },
    },
    svg,
  );
}
