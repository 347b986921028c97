// Shared machinery of the figure reproductions (npm run repro -- <name>): the numbers.json schema, checks with
// their tolerances, multi-panel figure composition, and running simulations with progress lines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specHash } from '../../src/sweep/sweepGrid.ts';
import { spikingRecordings, type Recordings } from '../../src/record/recordings.ts';
import { runSimulation, type Backend } from '../../src/pipeline/simulation.ts';
import { writeFileAtomic, writeJson } from '../../src/io/files.ts';
import type { NetworkSpec } from '../../src/model/spec.ts';
import { analyze, type Analysis } from '../../src/stats/summary.ts';
import { runMeta } from '../../src/cli/runInfo.ts';

/** Where a reference value comes from. */
export type RefSource = 'paper' | 'theory' | 'paper+theory' | 'calibration';

/** One acceptance quantity: reference value, ours, tolerance and verdict. */
export interface Check {
  id: string; // SPEC §2.10 test (A1..A8) or 'consistency'
  quantity: string;
  reference: number | null; // numeric reference (theory or paper) when there is one
  referenceText: string; // how the reference is shown, e.g. "-158.12 (Eq 27-28)"
  source: RefSource;
  ours: number | null;
  oursText: string;
  tolerance: string; // the criterion in words, e.g. "within 10%" or "in [-1.4, -0.8]"
  pass: boolean | null; // null: could not be evaluated
  at: string; // where it was measured, e.g. "N = 2680 (SPEC: N = 10^4)"
  note?: string;
  headline?: boolean; // the figure's main claim: the row REPRODUCTION.md's summary table shows
}

/** The numbers.json of a figure. */
export interface FigureNumbers {
  name: string;
  figure: string;
  title: string;
  size: 'reduced' | 'full';
  config: Record<string, unknown>;
  deviations: string[]; // differences from the paper's protocol
  device: string;
  backend: string;
  wall_s: number; // total wall time of the simulations (s)
  commit: string;
  date: string;
  host: string;
  /** What the host was (e.g. "2-core dev VM, no GPU, shared with other jobs"), from `npm run repro -- --machine`. */
  machine?: string;
  checks: Check[];
  data: Record<string, unknown>;
}

export interface ReproOptions {
  full: boolean;
  out: string; // runs/repro/<name>
  backend: Backend;
  force: boolean;
  log: (s: string) => void;
  /** --inits: number of (random) initialisations where a figure has them (Soldado Figs 2, 4, 5), overriding the size's default. */
  inits?: number;
  /** --machine: a description of the host, written into numbers.json. */
  machine?: string;
}

const fmtNum = (v: number, d = 4): string => {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(d - 1) : String(Number(v.toPrecision(d)));
};
export { fmtNum };

/** Check "ours within rel of ref" (relative to |ref|). */
export function relCheck(
  base: Omit<Check, 'pass' | 'tolerance' | 'oursText' | 'referenceText' | 'reference' | 'ours'> & { ref: number; ours: number; rel: number; refText?: string },
): Check {
  const { ref, ours, rel, refText, ...rest } = base;
  const ok = Number.isFinite(ours) && Number.isFinite(ref);
  const dev = ok ? (ours - ref) / Math.abs(ref) : NaN;
  return {
    ...rest,
    reference: ref,
    referenceText: refText ?? fmtNum(ref),
    ours: ok ? ours : null,
    oursText: ok ? `${fmtNum(ours)} (${dev >= 0 ? '+' : ''}${(100 * dev).toFixed(1)}%)` : 'n/a',
    tolerance: `within ${Math.round(rel * 100)}%`,
    pass: ok ? Math.abs(dev) <= rel : null,
  };
}

/** Check "ours in [lo, hi]". */
export function rangeCheck(
  base: Omit<Check, 'pass' | 'tolerance' | 'oursText' | 'referenceText' | 'reference' | 'ours'> & { ours: number; lo: number; hi: number; ref?: number | null; refText: string; oursText?: string },
): Check {
  const { ours, lo, hi, ref, refText, oursText, ...rest } = base;
  const ok = Number.isFinite(ours);
  return {
    ...rest,
    reference: ref ?? null,
    referenceText: refText,
    ours: ok ? ours : null,
    oursText: oursText ?? (ok ? fmtNum(ours) : 'n/a'),
    tolerance: hi === Infinity ? `>= ${fmtNum(lo)}` : lo === -Infinity ? `<= ${fmtNum(hi)}` : `in [${fmtNum(lo)}, ${fmtNum(hi)}]`,
    pass: ok ? ours >= lo && ours <= hi : null,
  };
}

/** Places panel SVGs (standalone <svg> strings) on a grid of `cols` columns inside one SVG document. */
export function composeFigure(title: string, panels: string[], cols = 2, caption?: string): string {
  const size = (s: string): [number, number] => {
    const w = /width="([\d.]+)"/.exec(s);
    const h = /height="([\d.]+)"/.exec(s);
    return [Number(w?.[1] ?? 640), Number(h?.[1] ?? 400)];
  };
  const dims = panels.map(size);
  const rows = Math.ceil(panels.length / cols);
  const colW = Array.from({ length: cols }, (_, c) => Math.max(0, ...dims.filter((_, i) => i % cols === c).map((d) => d[0])));
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(0, ...dims.filter((_, i) => Math.floor(i / cols) === r).map((d) => d[1])));
  const top = 40;
  const W = colW.reduce((a, b) => a + b, 0);
  const capH = caption ? 18 * Math.ceil(caption.length / 160) + 10 : 0;
  const H = top + rowH.reduce((a, b) => a + b, 0) + capH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="26" text-anchor="middle" font-size="18" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((p, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x = colW.slice(0, c).reduce((a, b) => a + b, 0);
    const y = top + rowH.slice(0, r).reduce((a, b) => a + b, 0);
    parts.push(p.replace(/^<svg /, `<svg x="${x}" y="${y}" `));
  });
  if (caption) {
    const lines = caption.match(/.{1,160}(\s|$)/g) ?? [caption];
    const y0 = top + rowH.reduce((a, b) => a + b, 0) + 16;
    lines.forEach((l, k) => parts.push(`<text x="10" y="${y0 + 18 * k}" font-size="12">${esc(l.trim())}</text>`));
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What a figure needs of a finished run (kept on disk so that a rerun only re-analyses). */
export interface SimResult {
  recordings: Recordings;
  backend: string;
  device: string;
  wall_s: number;
  build_s: number;
  stoppedBy: { guard: string; step: number; where: string; value: number; message: string } | null;
}

/** A finished simulation with its analysis. */
export interface Sim {
  spec: NetworkSpec;
  result: SimResult;
  analysis: Analysis;
  cached: boolean;
}

/** Typed arrays back from the JSON of a cached Recordings object. */
export function reviveRecordings(o: Recordings): Recordings {
  const r = structuredClone(o);
  r.windows.counts = Uint16Array.from(o.windows.counts as unknown as number[]);
  r.raster.neurons = Int32Array.from(o.raster.neurons as unknown as number[]);
  r.raster.steps = Int32Array.from(o.raster.steps as unknown as number[]);
  r.raster.ids = Int32Array.from(o.raster.ids as unknown as number[]);
  r.series.rate_Hz = Float64Array.from(o.series.rate_Hz as unknown as number[]);
  r.series.currents = Float64Array.from(o.series.currents as unknown as number[]);
  r.series.jMean = Float64Array.from(o.series.jMean as unknown as number[]);
  r.series.jSample = Float32Array.from(o.series.jSample as unknown as number[]);
  r.neuronStats.spikeCount = Uint32Array.from(o.neuronStats.spikeCount as unknown as number[]);
  r.neuronStats.isiCount = Uint32Array.from(o.neuronStats.isiCount as unknown as number[]);
  r.neuronStats.isiSum_ms = Float64Array.from(o.neuronStats.isiSum_ms as unknown as number[]);
  r.neuronStats.isiSumSq_ms2 = Float64Array.from(o.neuronStats.isiSumSq_ms2 as unknown as number[]);
  r.finalWeights = o.finalWeights.map((w) => ({
    name: w.name,
    j: Float32Array.from(w.j as unknown as number[]),
    pre: Int32Array.from(w.pre as unknown as number[]),
    post: Int32Array.from(w.post as unknown as number[]),
  }));
  return r;
}

/**
 * Runs one simulation with a progress line every 25%, or loads it from <out>/runs/<spec hash>.json when that run
 * was finished before with the same spec (unless --force): a rerun of a figure only re-analyses.
 */
export async function simulate(spec: NetworkSpec, o: ReproOptions, label: string): Promise<Sim> {
  const cache = join(o.out, 'runs', `${specHash(spec)}.json`);
  if (!o.force && existsSync(cache)) {
    try {
      const c = JSON.parse(readFileSync(cache, 'utf8')) as SimResult;
      const result = { ...c, recordings: reviveRecordings(c.recordings) };
      o.log(`  ${label}: finished earlier (${cache})`);
      return { spec, result, analysis: analyze(result.recordings, { covSample: spec.recording.covSample }), cached: true };
    } catch {
      o.log(`  ${label}: unreadable cache ${cache}, rerunning`);
    }
  }
  let last = -1;
  const t0 = performance.now();
  o.log(`  ${label}: N = ${spec.N}, T = ${spec.T_s} s ...`);
  const r = await runSimulation(spec, {
    backend: o.backend,
    onProgress: (p) => {
      const pct = Math.floor((4 * p.step) / p.nSteps) * 25;
      if (pct > last) {
        last = pct;
        if (pct > 0 && pct < 100) o.log(`    ${label}: ${pct}% (wall ${p.wall_s.toFixed(0)} s, RTF ${p.rtf.toFixed(2)})`);
      }
    },
  });
  const result: SimResult = { recordings: spikingRecordings(r.recordings, 'a reproduction'), backend: r.backend, device: r.device, wall_s: r.wall_s, build_s: r.build_s, stoppedBy: r.stoppedBy };
  writeJson(cache, { ...result, recordings: { ...r.recordings, finalWeights: r.recordings.finalWeights.map((w) => ({ name: w.name, j: w.j, pre: w.pre, post: w.post })) } });
  const analysis = analyze(result.recordings, { covSample: spec.recording.covSample });
  o.log(`  ${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${r.device}${r.stoppedBy ? ` (STOPPED: ${r.stoppedBy.message})` : ''}`);
  return { spec, result, analysis, cached: false };
}

/** Writes numbers.json and figure.svg into o.out. */
export function writeFigure(o: ReproOptions, numbers: Omit<FigureNumbers, 'commit' | 'date' | 'host'>, svg: string): FigureNumbers {
  const full: FigureNumbers = { ...numbers, ...runMeta(), ...(o.machine ? { machine: o.machine } : {}) };
  writeJson(join(o.out, 'numbers.json'), full);
  writeFileAtomic(join(o.out, 'figure.svg'), svg);
  return full;
}

/** Device/backend summary over several runs ("cpu (…)" or a list when they differ). */
export function deviceOf(devices: string[]): string {
  const u = [...new Set(devices)];
  return u.length ? u.join('; ') : 'n/a';
}

/** Mean of the finite values (NaN when none). */
export function meanOf(v: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) (s += v[i]!), n++;
  return n ? s / n : NaN;
}

/** Population rate (Hz) averaged over the series bins in [t0, t1) seconds. */
export function binnedRate(sim: Sim, pop: string, t0_s: number, t1_s: number): number {
  const rec = sim.result.recordings;
  const p = rec.populations.findIndex((x) => x.name === pop);
  const np = rec.populations.length;
  const bs = rec.series.bin_ms / 1000;
  const vals: number[] = [];
  for (let b = 0; b < rec.series.nBins; b++) if (b * bs >= t0_s - 1e-9 && (b + 1) * bs <= t1_s + 1e-9) vals.push(rec.series.rate_Hz[b * np + p]!);
  return meanOf(vals);
}

/** Mean j of plastic projection `name` over the bins ending in (t0, t1] seconds. */
export function binnedWeight(sim: Sim, name: string, t0_s: number, t1_s: number): number {
  const s = sim.analysis.summary.plastic[name];
  if (!s) return NaN;
  const bs = sim.result.recordings.series.bin_ms / 1000;
  const vals = s.jMeanSeries.filter((_, b) => (b + 1) * bs > t0_s + 1e-9 && (b + 1) * bs <= t1_s + 1e-9);
  return meanOf(vals);
}

/** Times (s, end of bin) of the j series. */
export function seriesTimes(sim: Sim): number[] {
  const bs = sim.result.recordings.series.bin_ms / 1000;
  return Array.from({ length: sim.result.recordings.series.nBins }, (_, b) => (b + 1) * bs);
}
