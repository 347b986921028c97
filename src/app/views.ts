// The live canvas views: spike raster, population rates, mean plastic weights with the mean-field curve,
// currents per population (balance), weight histogram. Each draws the whole panel from a LiveState.
import { histogram } from '../stats/weights.ts';
import type { LiveState } from './liveState.ts';
import { RASTER_WINDOW_S } from './liveState.ts';
import { axes, begin, colorOf, extent, legendStrip, line, message, type LegendItem } from './plot.ts';

export function drawRaster(cv: HTMLCanvasElement, st: LiveState): void {
  const { ctx, w, h } = begin(cv);
  const rows = st.info.rasterNeurons.length;
  const t1 = Math.max(RASTER_WINDOW_S, st.simTime_s);
  const shown = st.info.populations.map((p) => st.info.rasterNeurons.filter((n) => n >= p.offset && n < p.offset + p.size).length);
  const legend = st.info.populations.map((p, i) => ({ label: `${p.name} (${shown[i]} of ${p.size} neurons)`, color: colorOf(i) }));
  const a = axes(ctx, { x: 0, y: 0, w, h }, [t1 - RASTER_WINDOW_S, t1], [rows, 0], { xLabel: 'time (s)', yLabel: 'neuron', legend });
  for (let i = 0; i < st.rasterT.length; i++) {
    ctx.fillStyle = colorOf(st.rasterPop[i]!);
    ctx.fillRect(a.x(st.rasterT[i]!) - 0.75, a.y(st.rasterRow[i]! + 0.5) - 0.75, 1.5, 1.5);
  }
}

/** Theory rates: at the current weights once statistics exist, else with the initial weights. */
function theoryRates(st: LiveState): Record<string, number> | null {
  if (st.stats?.theoryRates_Hz) return st.stats.theoryRates_Hz;
  return 'error' in st.info.theory ? null : st.info.theory.rates_Hz;
}

export function drawRates(cv: HTMLCanvasElement, st: LiveState): void {
  const { ctx, w, h } = begin(cv);
  const th = theoryRates(st);
  const thv = st.info.populations.map((p) => th?.[p.name] ?? NaN);
  const legend: LegendItem[] = st.info.populations.flatMap((p, i) => [
    { label: p.name, color: colorOf(i) },
    ...(Number.isFinite(thv[i]!) ? [{ label: `${p.name} theory (Eq 3)`, color: colorOf(i), dashed: true }] : []),
  ]);
  const a = axes(ctx, { x: 0, y: 0, w, h }, [0, st.T_s], extent([...st.rate, thv], 0.1, true), { xLabel: 'time (s)', yLabel: 'rate (Hz)', legend });
  st.info.populations.forEach((_, i) => {
    line(a, st.t_s, st.rate[i]!, colorOf(i));
    if (Number.isFinite(thv[i]!)) line(a, [0, st.T_s], [thv[i]!, thv[i]!], colorOf(i), true);
  });
}

export function drawWeights(cv: HTMLCanvasElement, st: LiveState): void {
  const { ctx, w, h } = begin(cv);
  const names = st.info.plasticNames;
  if (names.length === 0) return message(ctx, w, h, 'no plastic projection in this spec');
  const wc = st.info.weightCurve;
  const curve = 'error' in wc ? null : wc;
  const kc = names.map((n) => (curve ? curve.names.indexOf(n) : -1));
  const ys: ArrayLike<number>[] = [...st.jMean, ...(curve ? curve.j : [])];
  const legend: LegendItem[] = names.flatMap((n, k) => [
    { label: `${n} simulated`, color: colorOf(k) },
    ...(kc[k]! >= 0 ? [{ label: `${n} mean-field`, color: colorOf(k), dashed: true }] : []),
  ]);
  const a = axes(ctx, { x: 0, y: 0, w, h }, [0, st.T_s], extent(ys, 0.1), { xLabel: 'time (s)', yLabel: 'mean j = J·√N', legend });
  names.forEach((_, k) => {
    line(a, st.t_s, st.jMean[k]!, colorOf(k), false, 2);
    if (curve && kc[k]! >= 0) line(a, curve.t_s, curve.j[kc[k]!]!, colorOf(k), true);
  });
  if (!curve) message(ctx, w, h * 1.7, `no mean-field curve: ${'error' in wc ? wc.error : ''}`);
}

export function drawCurrents(cv: HTMLCanvasElement, st: LiveState): void {
  const { ctx, w, h } = begin(cv);
  const pops = st.info.populations;
  const chans = st.info.channels;
  const legend = [...chans.map((c, k) => ({ label: `from ${c}`, color: colorOf(k) })), { label: 'total', color: '#000' }];
  const head = legendStrip(ctx, 52, 4, w - 60, legend) + 4;
  const ph = (h - head) / pops.length;
  pops.forEach((p, i) => {
    const cur = st.currents[i]!;
    const total = st.t_s.map((_, b) => cur.reduce((s, c) => s + c[b]!, 0));
    const a = axes(ctx, { x: 0, y: head + i * ph, w, h: ph }, [0, st.T_s], extent([...cur, total], 0.05, true), {
      title: `onto ${p.name}`,
      ...(i === pops.length - 1 ? { xLabel: 'time (s)' } : {}),
      yLabel: 'mV/ms',
    });
    chans.forEach((_, k) => line(a, st.t_s, cur[k]!, colorOf(k)));
    line(a, st.t_s, total, '#000', false, 2);
    line(a, [0, st.T_s], [0, 0], '#bbb', true, 1);
  });
}

export function drawHistogram(cv: HTMLCanvasElement, st: LiveState): void {
  const { ctx, w, h } = begin(cv);
  const names = st.info.plasticNames;
  if (names.length === 0) return message(ctx, w, h, 'no plastic projection in this spec');
  const fin = st.final?.finalWeights;
  const ws = st.info.weightSamples;
  const sets = names.map((n, k) => fin?.find((f) => f.name === n)?.j ?? st.jSample?.subarray(k * ws, (k + 1) * ws) ?? new Float32Array(0));
  if (sets.every((s) => s.length === 0)) return message(ctx, w, h, 'weights appear after the first bin');
  const [lo, hi] = extent(sets, 0.02);
  const hs = sets.map((s) => histogram(s, 50, { min: lo, max: hi }));
  const ymax = Math.max(1, ...hs.map((x) => Math.max(...x.counts)));
  const legend = names.map((n, k) => ({ label: `${n} (${fin ? 'all synapses, final' : `${sets[k]!.length} sampled, t = ${st.simTime_s.toFixed(1)} s`})`, color: colorOf(k) }));
  const a = axes(ctx, { x: 0, y: 0, w, h }, [lo, hi], [0, ymax * 1.05], { xLabel: 'j (J·√N)', yLabel: 'synapses', legend });
  hs.forEach((hh, k) => {
    ctx.fillStyle = colorOf(k);
    ctx.globalAlpha = 0.55;
    for (let b = 0; b < hh.counts.length; b++) {
      const x0 = a.x(hh.edges[b]!);
      const y0 = a.y(hh.counts[b]!);
      ctx.fillRect(x0, y0, Math.max(1, a.x(hh.edges[b + 1]!) - x0 - 0.5), a.y(0) - y0);
    }
    ctx.globalAlpha = 1;
  });
}
