// The live canvas views: spike raster, population rates, mean plastic weights with the mean-field curve,
// currents per population (balance), weight histogram. Each draws the whole panel from a LiveState.
import { histogram } from '../stats/weights.ts';
import type { LiveState } from './liveState.ts';
import { RASTER_WINDOW_S } from './liveState.ts';
import { axes, begin, colorOf, extent, legendStrip, line, message, type LegendItem } from './plot.ts';
import { channelGroups, kindsOf } from './groups.ts';

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
  // Legend grouped: spiking populations first, then inputs (Poisson sources), each labelled.
  const kinds = kindsOf(st.info.spec);
  const order = st.info.populations.map((p, i) => ({ p, i, input: kinds.get(p.name) === 'input' })).sort((a, b) => Number(a.input) - Number(b.input));
  const legend: LegendItem[] = order.flatMap(({ p, i, input }) => [
    { label: input ? `${p.name} (input)` : p.name, color: colorOf(i) },
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
  // A projection has a curve only where the theory produced finite points (it may stop, e.g. at t = 0).
  const kc = names.map((n) => {
    const k = curve ? curve.names.indexOf(n) : -1;
    return k >= 0 && curve!.t_s.length > 1 && (curve!.j[k] ?? []).some(Number.isFinite) ? k : -1;
  });
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
  const why = 'error' in wc ? wc.error : kc.every((k) => k < 0) ? (wc.stopped ?? 'the theory gave no finite point') : wc.stopped;
  const ends = curve && curve.t_s.length > 1 ? curve.t_s[curve.t_s.length - 1]! : 0;
  if (why && kc.every((k) => k < 0)) message(ctx, w, h * 1.7, `no mean-field curve: ${why}`);
  else if (why) message(ctx, w, h * 1.7, `mean-field curve stops at t = ${ends.toPrecision(3)} s: ${why}`);
  cv.dataset['theory'] = why ? `no curve: ${why}` : 'curve';
}

/** Height of one current subplot (CSS px); the canvas grows with the number chosen. */
const CURRENT_PANEL_PX = 170;

/** Currents onto the chosen populations (`targets`, names), one subplot each; many channels are summed by kind and sign. */
export function drawCurrents(cv: HTMLCanvasElement, st: LiveState, targets: string[]): void {
  const chosen = st.info.populations.map((p, i) => ({ p, i })).filter(({ p }) => targets.includes(p.name));
  const want = `${40 + Math.max(1, chosen.length) * CURRENT_PANEL_PX}px`;
  if (cv.style.height !== want) cv.style.height = want;
  const { ctx, w, h } = begin(cv);
  if (chosen.length === 0) return message(ctx, w, h, 'no population chosen: tick one above');
  const chans = st.info.channels;
  const kinds = kindsOf(st.info.spec);
  // One grouping for all subplots (same lines, same colours): the sign of a channel is that of its mean over the chosen targets.
  const meanOf = (k: number) => chosen.reduce((s, { i }) => s + (st.currents[i]![k] ?? []).reduce((a, v) => a + v, 0), 0);
  const groups = channelGroups(chans, kinds, meanOf);
  const legend = [...groups.map((g, k) => ({ label: g.label, color: colorOf(k) })), { label: 'total', color: '#000' }];
  const head = legendStrip(ctx, 52, 4, w - 60, legend) + 4;
  const ph = (h - head) / chosen.length;
  const boxes: number[][] = [];
  chosen.forEach(({ p, i }, n) => {
    const cur = st.currents[i]!;
    const lines = groups.map((g) => st.t_s.map((_, b) => g.members.reduce((s, k) => s + cur[k]![b]!, 0)));
    const total = st.t_s.map((_, b) => cur.reduce((s, c) => s + c[b]!, 0));
    const a = axes(ctx, { x: 0, y: head + n * ph, w, h: ph }, [0, st.T_s], extent([...lines, total], 0.05, true), {
      title: `onto ${p.name}`,
      ...(n === chosen.length - 1 ? { xLabel: 'time (s)' } : {}),
      yLabel: 'mV/ms',
    });
    boxes.push([a.box.x, a.box.y, a.box.w, a.box.h].map(Math.round));
    lines.forEach((ys, k) => line(a, st.t_s, ys, colorOf(k)));
    line(a, st.t_s, total, '#000', false, 2);
    line(a, [0, st.T_s], [0, 0], '#bbb', true, 1);
  });
  cv.dataset['subplots'] = JSON.stringify(boxes); // plotting boxes (x, y, w, h), for layout tests
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
