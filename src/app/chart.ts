// Interactive line charts for the live series (uPlot, a maintained library): drag to zoom in x, double-click to
// reset, hover for a read-out of every series at the cursor (the legend shows the values). Labels reach uPlot as
// text (it writes them with textContent); styles are CSSOM properties and the bundled uPlot.min.css, so the
// Content-Security-Policy (script-src 'self') holds. A chart keeps the user's zoom across live updates.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesDef {
  label: string;
  color: string;
  dashed?: boolean;
  width?: number;
  /** Draw dots instead of (or besides) a line: 'only' for scatter-like series. */
  points?: boolean | 'only';
}

export interface ChartOptions {
  xLabel: string;
  yLabel: string;
  series: SeriesDef[];
  height?: number;
  /** Fixed y range, else automatic. */
  yRange?: [number, number];
  /** Categorical x: x values 1..n are labelled with these names (e.g. population pairs EE, EI, II). */
  xCategories?: string[];
}

/** Data: x, then one y array per series (null or NaN: a gap). */
export type ChartData = [ArrayLike<number>, ...ArrayLike<number | null>[]];

export class Chart {
  private readonly u: uPlot;
  private zoomed = false;
  private readonly resize: ResizeObserver;

  constructor(readonly root: HTMLElement, o: ChartOptions) {
    root.replaceChildren();
    root.classList.add('chart');
    const width = Math.max(200, root.clientWidth || 600);
    const opts: uPlot.Options = {
      width,
      height: o.height ?? 260,
      scales: { x: { time: false, ...(o.xCategories ? { range: [0.5, o.xCategories.length + 0.5] as uPlot.Range.MinMax } : {}) }, ...(o.yRange ? { y: { range: o.yRange } } : {}) },
      axes: [
        { label: o.xLabel, ...(o.xCategories ? { splits: () => o.xCategories!.map((_, k) => k + 1), values: (_u: uPlot, sp: number[]) => sp.map((v) => o.xCategories![v - 1] ?? '') } : {}) },
        { label: o.yLabel, size: 60 },
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      series: [
        { label: o.xLabel, ...(o.xCategories ? { value: (_u: uPlot, v: number | null) => (v === null ? '–' : (o.xCategories![Math.round(v) - 1] ?? '')) } : {}) },
        ...o.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          spanGaps: true,
          ...(s.dashed ? { dash: [6, 4] } : {}),
          ...(s.points === 'only' ? { paths: () => null, points: { show: true, size: 6, fill: s.color } } : s.points ? { points: { show: true, size: 5 } } : {}),
        })),
      ],
      hooks: { setSelect: [() => (this.zoomed = true)] },
    };
    this.u = new uPlot(opts, [[], ...o.series.map(() => [])] as uPlot.AlignedData, root);
    this.u.over.addEventListener('dblclick', () => (this.zoomed = false));
    this.resize = new ResizeObserver(() => {
      const w = Math.max(200, root.clientWidth);
      if (Math.abs(w - this.u.width) > 2) this.u.setSize({ width: w, height: this.u.height });
    });
    this.resize.observe(root);
  }

  /** Replaces the data; keeps the x range the user zoomed to (a double-click returns to the full range). */
  set(data: ChartData): void {
    const clean = data.map((a, k) => (k === 0 ? Array.from(a as ArrayLike<number>) : Array.from(a, (v) => (v === null || !Number.isFinite(v) ? null : v))));
    this.u.setData(clean as uPlot.AlignedData, !this.zoomed);
    this.root.dataset['points'] = String(clean[0]!.length);
  }

  destroy(): void {
    this.resize.disconnect();
    this.u.destroy();
    this.root.replaceChildren();
  }
}

/** Values of (xs, ys) at the points `at` by linear interpolation (NaN outside xs), for a curve on another grid. */
export function resample(xs: ArrayLike<number>, ys: ArrayLike<number>, at: ArrayLike<number>): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < at.length; i++) {
    const t = at[i]!;
    while (j + 1 < xs.length && xs[j + 1]! < t) j++;
    if (xs.length < 2 || t < xs[0]! || t > xs[xs.length - 1]!) {
      out.push(xs.length === 1 && t === xs[0] ? ys[0]! : NaN);
      continue;
    }
    const x0 = xs[j]!, x1 = xs[Math.min(j + 1, xs.length - 1)]!;
    const y0 = ys[j]!, y1 = ys[Math.min(j + 1, xs.length - 1)]!;
    out.push(x1 === x0 ? y0 : y0 + ((y1 - y0) * (t - x0)) / (x1 - x0));
  }
  return out;
}
