// The live canvas views: spike raster (population choice, hover read-out), currents per population (balance),
// weight histogram. Each draws the whole panel from a LiveState. Rates, weights and covariances are interactive
// uPlot charts (liveCharts.ts).
import { histogram } from '../stats/weights.ts';
import type { LiveState } from './liveState.ts';
import { RASTER_WINDOW_S } from './liveState.ts';
import { axes, begin, colorOf, extent, legendStrip, line, message, type LegendItem } from './plot.ts';
import { channelGroups, kindsOf } from './groups.ts';

/** Row -> neuron id of the raster as last drawn, and its axes (for the hover read-out). */
let rasterMap: { ids: number[]; pops: string[]; y0: number; rowH: number; x: (px: number) => number; box: { x: number; y: number; w: number; h: number } } | null = null;

/**
 * The spike raster of the last RASTER_WINDOW_S seconds: every recorded neuron, or (pop >= 0) those of one
 * population, one row each. Hovering reads out the neuron, its population and the time (raster-hover).
 */
export function drawRaster(cv: HTMLCanvasElement, st: LiveState, pop = -1): void {
  const { ctx, w, h } = begin(cv);
  const pops = st.info.populations;
  const all = Array.from(st.info.rasterNeurons);
  const ids = all.filter((n) => pop < 0 || (n >= pops[pop]!.offset && n < pops[pop]!.offset + pops[pop]!.size));
  const rowOf = new Map(ids.map((n, k) => [n, k]));
  const rows = ids.length;
  const t1 = Math.max(RASTER_WINDOW_S, st.simTime_s);
  const shown = pops.map((p) => ids.filter((n) => n >= p.offset && n < p.offset + p.size).length);
  const legend = pops.map((p, i) => ({ label: `${p.name} (${shown[i]} of ${p.size} neurons)`, color: colorOf(i) })).filter((_, i) => shown[i]! > 0);
  const a = axes(ctx, { x: 0, y: 0, w, h }, [t1 - RASTER_WINDOW_S, t1], [Math.max(1, rows), 0], { xLabel: 'time (s)', yLabel: 'neuron', legend });
  for (let i = 0; i < st.rasterT.length; i++) {
    const row = rowOf.get(all[st.rasterRow[i]!]!);
    if (row === undefined) continue;
    ctx.fillStyle = colorOf(st.rasterPop[i]!);
    ctx.fillRect(a.x(st.rasterT[i]!) - 0.75, a.y(row + 0.5) - 0.75, 1.5, 1.5);
  }
  if (rows === 0) message(ctx, w, h, 'no recorded neuron in this population (recording.rasterNeurons)');
  const t0 = t1 - RASTER_WINDOW_S;
  rasterMap = {
    ids,
    pops: ids.map((n) => pops.find((p) => n >= p.offset && n < p.offset + p.size)?.name ?? '?'),
    y0: a.box.y,
    rowH: a.box.h / Math.max(1, rows),
    x: (px) => t0 + ((px - a.box.x) / a.box.w) * RASTER_WINDOW_S,
    box: a.box,
  };
  cv.dataset['rows'] = String(rows);
}

/** The raster's hover read-out: neuron id, population and time under the pointer (text, into `out`). */
export function rasterHover(cv: HTMLCanvasElement, out: HTMLElement): void {
  cv.addEventListener('mousemove', (e) => {
    const m = rasterMap;
    const r = cv.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    if (!m || px < m.box.x || px > m.box.x + m.box.w || py < m.box.y || py > m.box.y + m.box.h) return void (out.textContent = '');
    const row = Math.min(m.ids.length - 1, Math.floor((py - m.y0) / m.rowH));
    if (row < 0) return void (out.textContent = '');
    out.textContent = `neuron ${m.ids[row]} (${m.pops[row]}), t = ${m.x(px).toFixed(3)} s`;
  });
  cv.addEventListener('mouseleave', () => (out.textContent = ''));
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
  // Fewer than two time bins in a finished run: each subplot says why it has no curve.
  const noCurve = st.final && st.t_s.length < 2 ? `${st.t_s.length ? 'One time bin' : 'No complete time bin'} of ${st.info.bin_ms} ms in this run (T = ${st.T_s} s): no curve; a longer T or a smaller recording.bin_ms gives one` : null;
  if (noCurve) cv.dataset['empty'] = noCurve;
  else delete cv.dataset['empty'];
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
    if (noCurve) {
      ctx.fillStyle = '#777';
      ctx.textAlign = 'center';
      ctx.fillText(noCurve, a.box.x + a.box.w / 2, a.box.y + a.box.h / 2);
    }
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
