// Canvas plotting primitives for the live views: a framed axes box with ticks, polylines (solid or
// dashed), dots and bars, and a legend. Sized to the canvas's CSS box times devicePixelRatio.
import { formatTick, niceTicks } from '../io/svg.ts';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Axes {
  ctx: CanvasRenderingContext2D;
  box: Rect; // plotting area inside the margins
  x: (v: number) => number;
  y: (v: number) => number;
}

/** 20 distinguishable colours (Tableau 10, then darker and lighter ones) so up to 20 groups never share one. */
export const COLORS = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#000075', '#808000', '#f032e6', '#469990', '#800000', '#aec7e8', '#ffbb78', '#98df8a', '#c5b0d5', '#ff9896',
];
export const colorOf = (i: number): string => COLORS[i % COLORS.length]!;

/** Prepares a canvas for drawing in CSS pixels; returns its context and CSS size. */
export function begin(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 150;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  return { ctx, w, h };
}

/** Finite [min, max] of several arrays, padded; falls back to [0, 1]. */
export function extent(arrays: ArrayLike<number>[], pad = 0.05, includeZero = false): [number, number] {
  let lo = includeZero ? 0 : Infinity;
  let hi = includeZero ? 0 : -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!)) (lo = Math.min(lo, a[i]!)), (hi = Math.max(hi, a[i]!));
  if (!(hi >= lo)) return [0, 1];
  if (hi === lo) return [lo - 0.5 - Math.abs(lo) * 0.1, hi + 0.5 + Math.abs(hi) * 0.1];
  const p = (hi - lo) * pad;
  return [lo - (includeZero && lo === 0 ? 0 : p), hi + p];
}

export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

/** Lays legend items out in rows of width w; returns each item's offset and the rows used. */
function legendLayout(ctx: CanvasRenderingContext2D, items: LegendItem[], w: number): { pos: { x: number; row: number }[]; rows: number } {
  const pos: { x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const it of items) {
    const iw = 30 + ctx.measureText(it.label).width + 14;
    if (x > 0 && x + iw > w) (x = 0), row++;
    pos.push({ x, row });
    x += iw;
  }
  return { pos, rows: items.length ? row + 1 : 0 };
}

/** Draws legend items in rows starting at (x, y) within width w; returns the height used. */
export function legendStrip(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, items: LegendItem[]): number {
  const lay = legendLayout(ctx, items, w);
  ctx.save();
  items.forEach((it, i) => {
    const p = lay.pos[i]!;
    const yy = y + p.row * 15 + 6;
    const xx = x + p.x;
    ctx.strokeStyle = it.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(it.dashed ? [5, 3] : []);
    ctx.beginPath();
    ctx.moveTo(xx, yy);
    ctx.lineTo(xx + 24, yy);
    ctx.stroke();
    ctx.fillStyle = '#222';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(it.label, xx + 28, yy);
  });
  ctx.restore();
  return lay.rows * 15;
}

/**
 * Draws a frame with ticks and labels in `r` (title, then a legend strip above the box so it never
 * covers data); returns the data-to-pixel maps.
 */
export function axes(
  ctx: CanvasRenderingContext2D,
  r: Rect,
  xr: [number, number],
  yr: [number, number],
  o: { title?: string; xLabel?: string; yLabel?: string; legend?: LegendItem[] } = {},
): Axes {
  const left = r.x + 52;
  const lay = legendLayout(ctx, o.legend ?? [], r.w - 60);
  const top = r.y + (o.title ? 18 : 6) + lay.rows * 15;
  const box = { x: left, y: top, w: r.w - 60, h: r.y + r.h - top - (o.xLabel ? 34 : 20) };
  const x = (v: number) => box.x + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * box.w;
  const y = (v: number) => box.y + box.h - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * box.h;
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(box.x + 0.5, box.y + 0.5, box.w, box.h);
  ctx.fillStyle = '#333';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(Math.min(...xr), Math.max(...xr), Math.max(2, Math.floor(box.w / 80)))) ctx.fillText(formatTick(t), x(t), box.y + box.h + 4);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of niceTicks(Math.min(...yr), Math.max(...yr), Math.max(3, Math.floor(box.h / 35)))) ctx.fillText(formatTick(t), box.x - 4, y(t));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  if (o.title) (ctx.font = 'bold 12px system-ui, sans-serif'), ctx.fillText(o.title, box.x + box.w / 2, r.y + 12), (ctx.font = '11px system-ui, sans-serif');
  if (o.xLabel) ctx.fillText(o.xLabel, box.x + box.w / 2, box.y + box.h + 30);
  if (o.yLabel) {
    ctx.save();
    ctx.translate(r.x + 11, box.y + box.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(o.yLabel, 0, 0);
    ctx.restore();
  }
  legendStrip(ctx, left, r.y + (o.title ? 18 : 6), r.w - 60, o.legend ?? []);
  return { ctx, box, x, y };
}

/** A polyline through finite points, clipped to the axes box. */
export function line(a: Axes, xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, dashed = false, width = 1.5): void {
  const { ctx, box } = a;
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.x, box.y, box.w, box.h);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dashed ? [6, 4] : []);
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const xv = xs[i]!;
    const yv = ys[i]!;
    if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(a.x(xv), a.y(yv));
    else ctx.moveTo(a.x(xv), a.y(yv));
    pen = true;
  }
  ctx.stroke();
  ctx.restore();
}

/** A centred grey message (e.g. "no plastic projection"). */
export function message(ctx: CanvasRenderingContext2D, w: number, h: number, text: string): void {
  ctx.fillStyle = '#777';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, w / 2, h / 2);
}
