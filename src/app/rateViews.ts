// Views of a rate-model run (issues 16 and 17), live after each trial. Soldado-Magraner networks: trial-by-trial
// E/I rates against their set points, weights against the set-point lines (Eqs 4-5), the weight plane (W_EI vs
// W_EE and W_II vs W_IE with the line) and the rates within the newest traced trial. Binas WTA circuits: rates of
// every population over the newest traced pattern, winner accuracy over training, mean weight of each connection
// class over the patterns. Every text is a text node; numbers only reach the charts.
import { setpointWeights } from '../theory/soldado.ts';
import { Chart, type SeriesDef } from './chart.ts';
import { axes, begin, colorOf, extent, line, message } from './plot.ts';
import type { RateFinal, RateInfo, RateProgress } from './rateRun.ts';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};

/** A figure with caption, optional help line and a body element (chart container or canvas). */
function figure<T extends HTMLElement>(root: HTMLElement, id: string, caption: string, help: string | null, body: T): T {
  body.id = id;
  const f = el('figure', {}, el('figcaption', { textContent: caption }));
  if (help) f.append(el('p', { className: 'help', textContent: help }));
  f.append(body);
  root.append(f);
  return body;
}

const range = (n: number, from = 1): number[] => Array.from({ length: n }, (_, k) => k + from);

export class RateViews {
  private readonly charts: Chart[] = [];
  private rates?: Chart;
  private weights?: Chart;
  private trace?: Chart;
  private plane?: HTMLCanvasElement;
  private pattern?: Chart;
  private accuracy?: Chart;
  private classes?: Chart;
  private last: RateProgress | null = null;
  private readonly P: number;
  private readonly nB: number;
  private readonly classNames: string[];

  constructor(private readonly root: HTMLElement, private readonly info: RateInfo) {
    root.replaceChildren();
    this.P = info.pops.length;
    this.nB = info.blockNames.length;
    this.classNames = [...new Set(info.blockClass ?? [])];
    root.dataset['model'] = info.kind;
    root.dataset['setpoints'] = JSON.stringify(Object.fromEntries(info.pops.filter((p) => p.setpoint_Hz !== null).map((p) => [p.name, p.setpoint_Hz])));
    if (info.kind === 'rate') this.buildSoldado();
    else this.buildBinas();
    root.append(el('figure', { className: 'full' }, el('figcaption', { textContent: 'Numbers' }), el('div', { id: 'rv-summary', textContent: 'Final numbers appear when the run finishes.' })));
  }

  private chart(id: string, caption: string, help: string | null, o: { xLabel: string; yLabel: string; series: SeriesDef[] }): Chart {
    const c = new Chart(figure(this.root, id, caption, help, el('div')), o);
    this.charts.push(c);
    return c;
  }

  private buildSoldado(): void {
    const i = this.info;
    const many = i.B > 1;
    const rs: SeriesDef[] = i.pops.flatMap((p, k) => [
      { label: `${p.name} (network 1${many ? ` of ${i.B}` : ''})`, color: colorOf(k), width: 2 },
      ...(many ? [{ label: `${p.name} mean over ${i.B} networks`, color: colorOf(k), width: 1 }] : []),
      ...(p.setpoint_Hz !== null ? [{ label: `${p.name} set point ${p.setpoint_Hz} Hz`, color: colorOf(k), dashed: true }] : []),
    ]);
    this.rates = this.chart('rv-rates', 'Trial-mean rates against the set points', `Population mean of each trial's mean rate over its last ${i.dt_ms > 0 ? 'read-out window' : ''} (the rules see their cross-trial average); dashed: the set points the rules drive the rates to.`, { xLabel: 'trial', yLabel: 'rate (Hz)', series: rs });
    const ws: SeriesDef[] = [...i.blockNames.map((n, k) => ({ label: `W ${n}`, color: colorOf(k + 4), width: 2 }))];
    const hasFour = i.soldado && ['E<-E', 'E<-I', 'I<-E', 'I<-I'].every((n) => i.blockNames.includes(n));
    if (hasFour) ws.push({ label: 'W E<-I on the set-point line', color: colorOf(i.blockNames.indexOf('E<-I') + 4), dashed: true }, { label: 'W I<-I on the set-point line', color: colorOf(i.blockNames.indexOf('I<-I') + 4), dashed: true });
    this.weights = this.chart('rv-weights', 'Weights, trial by trial (network 1)', 'Total input weight per post unit (multi-unit: averaged over units). Dashed: the W_EI and W_II that put the fixed point on the set points given the current W_EE and W_IE (Eqs 4-5).', { xLabel: 'trial', yLabel: 'weight', series: ws });
    if (hasFour) this.plane = figure(this.root, 'rv-plane', 'Weight plane (Eqs 4-5)', 'Grey: the set-point line. Line: network 1 trial by trial (circle: start, dot: now); dots: every network of the batch now. Weights on their floor leave the line.', el('canvas', { className: 'plane' }));
    this.trace = this.chart('rv-trace', 'Rates within a trial (newest traced trial, network 1)', null, { xLabel: 'time in the trial (s)', yLabel: 'rate (Hz)', series: i.pops.map((p, k) => ({ label: p.name, color: colorOf(k) })) });
  }

  private buildBinas(): void {
    const i = this.info;
    this.pattern = this.chart('rv-pattern', 'Rates of each population over a pattern (newest traced pattern, circuit 1)', 'Excitatory populations solid, inhibitory dashed. The winner is the E population with the highest rate over the read-out window; it is correct when its input is the strongest.', {
      xLabel: 'time in the pattern (s)',
      yLabel: 'rate (Hz)',
      series: i.pops.map((p, k) => ({ label: p.name, color: colorOf(k), dashed: i.iPops?.includes(k) ?? false })),
    });
    this.accuracy = this.chart('rv-accuracy', 'Winner accuracy over training (circuit 1)', 'Fraction of correct winners in blocks of patterns (about 20 blocks over the run).', { xLabel: 'pattern', yLabel: 'correct winners', series: [{ label: 'accuracy per block', color: colorOf(0), width: 2, points: true }] });
    this.classes = this.chart('rv-classes', 'Mean weight of each connection class over training (circuit 1)', 'Classes of Fig 8: E->E self, same group, other group, E->I local and long-range, I->E. Paper, after training: E->E self ~1, E->I ~2, I->E ~1.1.', {
      xLabel: 'pattern',
      yLabel: 'weight',
      series: this.classNames.map((c, k) => ({ label: c, color: colorOf(k) })),
    });
  }

  update(p: RateProgress): void {
    this.last = p;
    const { P, nB, info: i } = this;
    const t = p.trial;
    const T = i.trials;
    const x = range(t);
    const rate = (b: number, k: number, tr: number) => p.trialMean_Hz[(b * T + tr) * P + k]!;
    const w = (b: number, k: number, tr: number) => p.weightSum[(b * T + tr) * nB + k]!;
    if (this.trace && p.trace) this.trace.set(this.traceData(p.trace.data));
    if (this.pattern && p.trace) this.pattern.set(this.traceData(p.trace.data));
    if (this.rates) {
      const ys = i.pops.flatMap((pop, k) => [
        x.map((_, tr) => rate(0, k, tr)),
        ...(i.B > 1 ? [x.map((_, tr) => range(i.B, 0).reduce((a, b) => a + rate(b, k, tr), 0) / i.B)] : []),
        ...(pop.setpoint_Hz !== null ? [x.map(() => pop.setpoint_Hz!)] : []),
      ]);
      this.rates.set([x, ...ys]);
    }
    if (this.weights) {
      const ys = i.blockNames.map((_, k) => x.map((_, tr) => w(0, k, tr)));
      const idx = ['E<-E', 'E<-I', 'I<-E', 'I<-I'].map((n) => i.blockNames.indexOf(n));
      if (i.soldado && idx.every((k) => k >= 0)) {
        const line = x.map((_, tr) => setpointWeights(i.soldado!, w(0, idx[0]!, tr), w(0, idx[2]!, tr)));
        ys.push(line.map((l) => l.WEI), line.map((l) => l.WII));
      }
      this.weights.set([x, ...ys]);
      if (this.plane) this.drawPlane(p, idx);
    }
    if (this.accuracy && i.patterns && i.ePops) {
      const block = Math.max(1, Math.round(T / 20));
      const bx: number[] = [];
      const by: number[] = [];
      for (let t0 = 0; t0 + block <= t || (t === T && t0 < T); t0 += block) {
        const end = Math.min(t, t0 + block);
        let ok = 0;
        for (let tr = t0; tr < end; tr++) ok += this.correct(p, tr) ? 1 : 0;
        bx.push(end);
        by.push(ok / (end - t0));
      }
      this.accuracy.set([bx, by]);
    }
    if (this.classes && i.blockClass) {
      const ys = this.classNames.map((c) => {
        const ks = i.blockClass!.map((bc, k) => (bc === c ? k : -1)).filter((k) => k >= 0);
        return x.map((_, tr) => ks.reduce((a, k) => a + w(0, k, tr), 0) / ks.length);
      });
      this.classes.set([x, ...ys]);
    }
  }

  /** Circuit 1, pattern tr: did the E population with the strongest input win? */
  private correct(p: RateProgress, tr: number): boolean {
    const i = this.info;
    const row = i.patterns![tr % i.patterns!.length]!;
    const r = i.ePops!.map((k) => p.trialMean_Hz[tr * this.P + k]!);
    const arg = (v: number[]) => v.reduce((b, x, k) => (x > v[b]! ? k : b), 0);
    return r.some((v) => v > 0) && arg(r) === arg(row);
  }

  /** Per-population mean rate over the trace's samples (x in seconds from the trial start). */
  private traceData(data: Float32Array): [number[], ...number[][]] {
    const i = this.info;
    const n = data.length / i.U;
    const x = range(n, 0).map((q) => (q * i.traceEvery * i.dt_ms) / 1000);
    return [x, ...i.pops.map((p) => x.map((_, q) => {
      let a = 0;
      for (let u = 0; u < p.n; u++) a += data[q * i.U + p.offset + u]!;
      return a / p.n;
    }))];
  }

  private drawPlane(p: RateProgress, idx: number[]): void {
    const cv = this.plane!;
    const { ctx, w, h } = begin(cv);
    const i = this.info;
    const T = i.trials;
    const wt = (b: number, k: number, tr: number) => p.weightSum[(b * T + tr) * this.nB + idx[k]!]!;
    const half = w / 2;
    const pairs: [number, number, string, string, (v: number) => number][] = [
      [0, 1, 'W_EE', 'W_EI', (v) => setpointWeights(i.soldado!, v, 0).WEI],
      [2, 3, 'W_IE', 'W_II', (v) => setpointWeights(i.soldado!, 0, v).WII],
    ];
    pairs.forEach(([a, c, xl, yl, lineOf], n) => {
      const traj = range(p.trial, 0);
      const xs = traj.map((tr) => wt(0, a, tr));
      const ys = traj.map((tr) => wt(0, c, tr));
      const nowX = range(i.B, 0).map((b) => wt(b, a, p.trial - 1));
      const nowY = range(i.B, 0).map((b) => wt(b, c, p.trial - 1));
      const xr = extent([xs, nowX], 0.1);
      const lx = [xr[0], xr[1]];
      const ly = lx.map(lineOf);
      const yr = extent([ys, nowY, ly], 0.1);
      const ax = axes(ctx, { x: n * half, y: 0, w: half, h }, xr, yr, { title: `${yl} vs ${xl}`, xLabel: xl, yLabel: yl });
      line(ax, lx, ly, '#999', false, 2);
      line(ax, xs, ys, colorOf(0), false, 1.5);
      ctx.fillStyle = colorOf(1);
      for (let b = 0; b < i.B; b++) ctx.fillRect(ax.x(nowX[b]!) - 2, ax.y(nowY[b]!) - 2, 4, 4);
      ctx.strokeStyle = colorOf(0);
      ctx.beginPath();
      ctx.arc(ax.x(xs[0]!), ax.y(ys[0]!), 4, 0, 2 * Math.PI);
      ctx.stroke();
    });
    if (p.trial === 0) message(ctx, w, h, 'the plane fills in after the first trial');
  }

  /** The final numbers as a table (text nodes), beside the set points or the paper's values. */
  final(f: RateFinal): void {
    if (this.last) this.update(this.last);
    const box = document.getElementById('rv-summary')!;
    const table = el('table', { className: 'stats' });
    const row = (cells: string[], head = false) => table.append(el('tr', {}, ...cells.map((c) => el(head ? 'th' : 'td', { textContent: c }))));
    const i = this.info;
    if (f.binas) {
      const b = f.binas;
      row(['quantity', 'value', 'paper'], true);
      row(['correct winners, first 20 s (all circuits)', `${(100 * b.accuracyFirst).toFixed(0)} %`, 'wrong winners before training']);
      row(['correct winners, last 20 s (all circuits)', `${(100 * b.accuracyLast).toFixed(0)} %`, '100 %']);
      row(['inhibitory mismatch, last 20 s', b.inhSyncLast.toFixed(3), '0 (synchronised)']);
      const paper: Record<string, string> = { 'E->E self': '~1', 'E->I local': '~2', 'E->I long-range': '~2', 'I->E': '~1.1' };
      for (const wc of b.weights) if (Number.isFinite(wc.final)) row([`mean weight ${wc.cls} (initial ${wc.initial.toFixed(2)})`, wc.final.toFixed(3), paper[wc.cls] ?? '']);
      box.dataset['accuracyLast'] = String(b.accuracyLast);
    } else {
      const s = f.summary as { final?: { trialMean_Hz: Record<string, { mean: number; sd: number }> } };
      row(['population', 'final trial mean (Hz), mean over networks', 'sd over networks', 'set point (Hz)'], true);
      for (const p of i.pops) {
        const v = s.final?.trialMean_Hz[p.name];
        const cells = [p.name, v ? v.mean.toFixed(3) : 'n/a', v ? v.sd.toFixed(3) : 'n/a', p.setpoint_Hz === null ? '–' : String(p.setpoint_Hz)];
        row(cells);
        const td = table.lastElementChild!.children[1] as HTMLElement;
        td.id = `rv-final-${p.name}`;
        if (v) td.dataset['value'] = String(v.mean);
      }
    }
    box.replaceChildren(table, el('p', { className: 'note', textContent: `${i.B} network(s) x ${f.trials}${f.stopped ? ` of ${i.trials}` : ''} ${i.kind === 'binas' ? 'patterns' : 'trials'}${f.stopped ? ` (stopped: ${f.stopped})` : ''} on ${i.device}, ${f.wall_s.toFixed(1)} s.` }));
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
    this.root.replaceChildren();
    delete this.root.dataset['model'];
    delete this.root.dataset['setpoints'];
  }
}
