// Tiny dependency-free SVG plots for report.html: line plots (optional dashed theory lines, log axes),
// scatter/raster plots and histograms. Every function returns a standalone <svg> string.

/** One line of {@link linePlot}: x and y values, label, colour, dashes (e.g. theory), width. */
export interface LineSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  dashed?: boolean; // e.g. theory curves
  width?: number;
}

/** One set of dots of {@link scatterPlot}: x and y values, label, colour, dot radius. */
export interface PointSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  radius?: number; // dot radius in px (default 2)
}

/** Common plot options: title, axis labels, size in px, log axes and fixed ranges. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number; // px, default 640
  height?: number; // px, default 400
  logX?: boolean;
  logY?: boolean;
  xRange?: [number, number];
  yRange?: [number, number];
  /** Categorical x axis: tick k + 1 is labelled xTickLabels[k] (x values 1..n), instead of numeric ticks. */
  xTickLabels?: readonly string[];
  /** 'below': the legend sits under the x axis label (the figure grows), so it never covers a point. */
  legendPlace?: 'inside' | 'below';
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const M = { left: 72, right: 20, top: 34, bottom: 52 };
let clipCounter = 0;

/** Escape text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** About `target` round ticks (1, 2, 5 x 10^k steps) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Ticks for a log axis on [lo, hi] (lo > 0): powers of ten if >= 3 fit, else 1-2-5 (or 1..9) x 10^k. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const pick = (mults: number[], every = 1) => {
    const out: number[] = [];
    for (let k = a; k <= b; k += every) {
      for (const m of mults) {
        const v = Number((m * 10 ** k).toPrecision(12));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  };
  const powers = pick([1]);
  if (powers.length >= 3) return powers.length > 8 ? pick([1], Math.ceil(powers.length / 8)) : powers;
  const few = pick([1, 2, 5]);
  return few.length >= 2 ? few : pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
}

/** Short tick label: plain for moderate magnitudes, else exponent form like 1e-4. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

interface Scale {
  map: (v: number) => number;
  ok: (v: number) => boolean;
  ticks: number[];
}

/** Data extent of the usable values (finite, > 0 on log axes), as [lo, hi] or undefined. */
function extent(arrays: ArrayLike<number>[], log: boolean): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (Number.isFinite(v) && (!log || v > 0)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** A linear or log scale from data to pixels [p0, p1], padded by `pad` of the range when not fixed. */
function makeScale(ext: [number, number] | undefined, fixed: [number, number] | undefined, log: boolean, p0: number, p1: number, pad: number): Scale {
  let [lo, hi] = fixed ?? ext ?? (log ? [1, 10] : [0, 1]);
  const f = log ? Math.log10 : (v: number) => v;
  if (!fixed) {
    if (lo === hi) [lo, hi] = log ? [lo / 2, hi * 2] : [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
    const d = (f(hi) - f(lo)) * pad;
    [lo, hi] = log ? [10 ** (f(lo) - d), 10 ** (f(hi) + d)] : [lo - d, hi + d];
  }
  const a = f(lo);
  const k = (p1 - p0) / (f(hi) - a || 1);
  return {
    map: (v) => p0 + (f(v) - a) * k,
    ok: (v) => Number.isFinite(v) && (!log || v > 0),
    ticks: log ? logTicks(lo, hi) : niceTicks(lo, hi),
  };
}

interface Frame {
  x: Scale;
  y: Scale;
  clip: string;
  open: string; // svg start, axes, grid, labels
  w: number;
  h: number;
  /** Top of the legend when it sits below the plot (PlotOptions.legendPlace 'below'). */
  legendBelowY?: number;
}

/** Axes, grid, tick labels, axis labels and title for the given data. */
function frame(xs: ArrayLike<number>[], ys: ArrayLike<number>[], o: PlotOptions, padX: number, padY: number, legendRows = 0): Frame {
  const w = o.width ?? 640;
  const below = o.legendPlace === 'below' ? legendRows * 16 + 10 : 0;
  const h = (o.height ?? 400) + below;
  const x = makeScale(extent(xs, !!o.logX), o.xRange, !!o.logX, M.left, w - M.right, padX);
  const y = makeScale(extent(ys, !!o.logY), o.yRange, !!o.logY, h - below - M.bottom, M.top, padY);
  const clip = `pn-clip-${clipCounter++}`;
  const pw = w - M.left - M.right;
  const ph = h - below - M.top - M.bottom;
  const bottom = M.bottom + below; // the plot's bottom margin, legend included
  const xTicks = o.xTickLabels ? o.xTickLabels.map((label, k) => ({ t: k + 1, label })) : x.ticks.map((t) => ({ t, label: formatTick(t) }));
  const s: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<defs><clipPath id="${clip}"><rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}"/></clipPath></defs>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="#fff" stroke="#444"/>`,
  ];
  for (const { t, label } of xTicks) {
    const px = x.map(t).toFixed(1);
    s.push(`<line x1="${px}" y1="${M.top}" x2="${px}" y2="${h - bottom + 4}" stroke="#ddd"/>`);
    s.push(`<text x="${px}" y="${h - bottom + 17}" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  for (const t of y.ticks) {
    const py = y.map(t).toFixed(1);
    s.push(`<line x1="${M.left - 4}" y1="${py}" x2="${w - M.right}" y2="${py}" stroke="#ddd"/>`);
    s.push(`<text x="${M.left - 7}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(t))}</text>`);
  }
  if (o.title) s.push(`<text x="${w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  if (o.xLabel) s.push(`<text x="${M.left + pw / 2}" y="${h - below - 12}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`);
  if (o.yLabel) {
    s.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`);
  }
  return { x, y, clip, open: s.join('\n'), w, h, ...(below ? { legendBelowY: h - below + 2 } : {}) };
}

/** Legend box in the top-right corner for the labelled entries. */
function legend(f: Frame, items: { label?: string; color: string; dashed?: boolean; mark?: 'line' | 'dot' | 'box' }[]): string {
  const shown = items.filter((i) => i.label);
  if (!shown.length) return '';
  const bw = 34 + 7 * Math.max(...shown.map((i) => i.label!.length));
  const x0 = f.legendBelowY !== undefined ? M.left : f.w - M.right - bw - 6;
  const y0 = f.legendBelowY ?? M.top + 6;
  const s = [`<rect x="${x0}" y="${y0}" width="${bw}" height="${shown.length * 16 + 6}" fill="#fff" fill-opacity="0.85" stroke="#bbb"/>`];
  shown.forEach((it, k) => {
    const y = y0 + 11 + k * 16;
    s.push(
      it.mark === 'dot'
        ? `<circle cx="${x0 + 14}" cy="${y}" r="3" fill="${it.color}"/>`
        : it.mark === 'box'
          ? `<rect x="${x0 + 8}" y="${y - 5}" width="12" height="10" fill="${it.color}" fill-opacity="0.8"/>`
          : `<line x1="${x0 + 5}" y1="${y}" x2="${x0 + 24}" y2="${y}" stroke="${it.color}" stroke-width="2"${it.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    s.push(`<text x="${x0 + 29}" y="${y}" dominant-baseline="middle">${escapeXml(it.label!)}</text>`);
  });
  return s.join('\n');
}

/** Line plot of several series; non-finite (or non-positive on log axes) points break the line. */
export function linePlot(series: readonly LineSeries[], opts: PlotOptions = {}): string {
  const f = frame(series.map((s) => s.x), series.map((s) => s.y), opts, 0, 0.05);
  const body = series.map((s, k) => {
    const color = escapeXml(s.color ?? PALETTE[k % PALETTE.length]!);
    let d = '';
    let pen = false;
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const xv = s.x[i]!;
      const yv = s.y[i]!;
      if (!f.x.ok(xv) || !f.y.ok(yv)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f.x.map(xv).toFixed(2)} ${f.y.map(yv).toFixed(2)}`;
      pen = true;
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    return d ? `<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 1.5}"${dash} stroke-linejoin="round"/>` : '';
  });
  const leg = legend(f, series.map((s, k) => ({ ...lbl(s.label), color: escapeXml(s.color ?? PALETTE[k % PALETTE.length]!), dashed: !!s.dashed })));
  return `${f.open}\n<g clip-path="url(#${f.clip})">\n${body.join('\n')}\n</g>\n${leg}\n</svg>`;
}

/** Scatter plot; also a spike raster (x = time, y = neuron). Each set is one compact path of round dots. */
export function scatterPlot(sets: readonly PointSeries[], opts: PlotOptions = {}): string {
  const f = frame(sets.map((s) => s.x), sets.map((s) => s.y), opts, 0.03, 0.03, sets.filter((s) => s.label).length);
  const body = sets.map((s, k) => {
    const color = escapeXml(s.color ?? PALETTE[k % PALETTE.length]!);
    const parts: string[] = [];
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const xv = s.x[i]!;
      const yv = s.y[i]!;
      if (f.x.ok(xv) && f.y.ok(yv)) parts.push(`M${f.x.map(xv).toFixed(1)} ${f.y.map(yv).toFixed(1)}h0`);
    }
    // A zero-length subpath with round caps draws a dot of diameter stroke-width.
    return parts.length ? `<path d="${parts.join('')}" stroke="${color}" stroke-width="${2 * (s.radius ?? 2)}" stroke-linecap="round"/>` : '';
  });
  const leg = legend(f, sets.map((s, k) => ({ ...lbl(s.label), color: escapeXml(s.color ?? PALETTE[k % PALETTE.length]!), mark: 'dot' as const })));
  return `${f.open}\n<g clip-path="url(#${f.clip})">\n${body.join('\n')}\n</g>\n${leg}\n</svg>`;
}

/** Histogram bars: counts[b] over [edges[b], edges[b+1]) (edges.length = counts.length + 1). */
export function histogramPlot(
  edges: ArrayLike<number>,
  counts: ArrayLike<number>,
  opts: PlotOptions & { color?: string; label?: string } = {},
): string {
  const ys = Array.from(counts);
  const f = frame([edges], [opts.logY ? ys : [0, ...ys]], opts, 0, 0.05);
  const color = escapeXml(opts.color ?? PALETTE[0]!);
  const base = opts.logY ? f.h - M.bottom : f.y.map(0); // log axis: bars rise from the plot floor
  const bars: string[] = [];
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    const x0 = edges[b]!;
    const x1 = edges[b + 1]!;
    if (!f.y.ok(c) || !f.x.ok(x0) || !f.x.ok(x1) || c === 0) continue;
    const px = f.x.map(x0);
    const py = f.y.map(c);
    bars.push(`<rect x="${px.toFixed(2)}" y="${py.toFixed(2)}" width="${Math.max(0.5, f.x.map(x1) - px).toFixed(2)}" height="${Math.max(0, base - py).toFixed(2)}"/>`);
  }
  const leg = legend(f, [{ ...lbl(opts.label), color, mark: 'box' as const }]);
  return `${f.open}\n<g clip-path="url(#${f.clip})" fill="${color}" fill-opacity="0.8" stroke="#fff" stroke-width="0.5">\n${bars.join('\n')}\n</g>\n${leg}\n</svg>`;
}

/** { label } when defined (exactOptionalPropertyTypes-friendly spread). */
function lbl(label: string | undefined): { label?: string } {
  return label === undefined ? {} : { label };
}
