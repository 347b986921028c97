// One run on the page: starts it on the chosen engine, feeds its messages into a LiveState, redraws the
// views at most 10 times a second (only when something changed), and shows status, results and exports.
// Rate models (kind 'rate' or 'binas') run through rateRun.ts and draw into RateViews.
import type { RunMeta } from '../output/runOutput.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { chooseBackend, type BackendPref } from './backend.ts';
import { clearExports, renderExports } from './exports.ts';
import { LiveState } from './liveState.ts';
import type { RunMessage } from './protocol.ts';
import { runInWorker, runOnMainThread, type RunHandle } from './runners.ts';
import { renderStats, statsFromSummary } from './statsTable.ts';
import { defaultCurrentTargets, kindsOf } from './groups.ts';
import { specTag } from './specTag.ts';
import { HISTORY_MAX, renderHistory, type HistoryEntry } from './history.ts';
import { formatDuration } from './timeEstimate.ts';
import { drawCurrents, drawHistogram, drawRaster } from './views.ts';
import { LiveCharts } from './liveCharts.ts';
import { gpuUnsupported, prepareRate, type AppSpec, type RateInfo, type RateMessage } from './rateRun.ts';
import { RateViews } from './rateViews.ts';
import { runInWorker as runRateInWorker, runRateOnMainThread } from './runners.ts';
import type { RunSummary } from '../output/runOutput.ts';

export type PageState = 'idle' | 'invalid' | 'starting' | 'running' | 'paused' | 'stopping' | 'done' | 'stopped' | 'error';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const DRAW_INTERVAL_MS = 100;

export class Session {
  private handle: RunHandle | null = null;
  private device: GPUDevice | null = null;
  private live: LiveState | null = null;
  private drawn = -1;
  private lastDraw = 0;
  private specText = '';
  private adapter = ''; // WebGPU adapter of the current run
  private generation = 0; // runs started; messages of a reset run are ignored
  private currentTargets: string[] = []; // populations of the currents panel
  private runs = 0; // runs started in this tab (numbers the results and their downloads)
  private shown: { name: string; tag: string; run: number } | null = null; // the run whose results are on the page
  private formTag: string | null = null; // tag of the spec in the form (null: not valid)
  private what = ''; // the shown run's state, in words
  private readonly history: HistoryEntry[] = []; // finished runs of this tab (kept across Reset)
  private engineKind = ''; // 'cpu-worker' or 'webgpu' for the current run
  private charts: LiveCharts | null = null; // interactive rates, weights and covariances (uPlot)
  private rateViews: RateViews | null = null;
  private rateInfo: RateInfo | null = null;
  private rasterPop = -1; // population shown in the raster (-1: all recorded neurons)
  /** Called when a run finishes: its spec, engine kind, build and advance seconds (the page recalibrates its estimate). */
  onFinished: ((spec: NetworkSpec, engine: string, build_s: number, advance_s: number) => void) | null = null;
  /** Called when a rate run finishes on the CPU: its spec and wall seconds (the page's rate estimate). */
  onRateFinished: ((spec: Exclude<AppSpec, NetworkSpec>, wall_s: number) => void) | null = null;
  private rateSpec: Exclude<AppSpec, NetworkSpec> | null = null;

  constructor(private readonly setState: (s: PageState, text: string) => void, private readonly banner: (text: string, warn: boolean) => void) {
    const tick = (now: number) => {
      if (this.live && this.live.version !== this.drawn && now - this.lastDraw >= DRAW_INTERVAL_MS) this.draw(now);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  async start(spec: AppSpec, specText: string, pref: BackendPref): Promise<void> {
    this.reset();
    if ('kind' in spec && (spec.kind === 'rate' || spec.kind === 'binas')) return this.startRate(spec, specText, pref);
    const gen = ++this.generation;
    this.specText = specText;
    this.shown = { name: spec.name, tag: specTag(spec), run: ++this.runs };
    this.label('running');
    this.setState('starting', 'Building the network…');
    const choice = await chooseBackend(pref);
    if (gen !== this.generation) {
      if (choice.kind === 'webgpu') choice.device.destroy(); // reset while the device was being requested
      return;
    }
    const meta: RunMeta = { commit: 'browser', date: new Date().toISOString(), host: navigator.userAgent };
    const onMessage = (m: RunMessage) => gen === this.generation && this.onMessage(m);
    this.engineKind = choice.kind;
    if (choice.kind === 'webgpu') {
      this.adapter = choice.adapter;
      this.banner(`WebGPU engine on ${choice.adapter}${choice.software ? ' (a software adapter: slower than the CPU engine, useful for testing)' : ''}.`, choice.software);
      this.device = choice.device;
      this.handle = runOnMainThread(structuredClone(spec), meta, choice.device, onMessage);
    } else {
      this.adapter = '';
      this.banner(choice.why, pref !== 'cpu');
      this.handle = runInWorker(structuredClone(spec), meta, onMessage);
    }
  }

  pause(): void {
    this.handle?.pause();
    this.setState('paused', 'Paused.');
  }

  resume(): void {
    this.handle?.resume();
    this.setState('running', 'Running…');
  }

  /** Whether the run in progress can stop and keep what it completed (rate and Binas runs). */
  get canFinish(): boolean {
    return this.rateSpec !== null;
  }

  /** Stop: a rate run ends after the trial in flight and shows and offers the completed trials (as the CLI on SIGINT). */
  finish(): void {
    if (!this.handle?.finish) return;
    this.handle.finish();
    this.setState('stopping', 'Stopping after the trial in flight…');
  }

  /** File-name stem of the shown run's downloads: spec name, spec tag, run number. */
  private stem(): string {
    const r = this.shown!;
    return `${r.name}-${r.tag}-run${r.run}`;
  }

  /** The line above the views naming the run they show (spec name and tag), marked stale when the form holds another spec. */
  private label(what: string): void {
    this.what = what;
    const el = $('results-label');
    const r = this.shown;
    const stale = r !== null && this.formTag !== r.tag;
    el.textContent = r
      ? `Run ${r.run}: ${r.name}, spec #${r.tag}, ${what}.${stale ? ` The form now holds another spec (${this.formTag ? `#${this.formTag}` : 'not valid'}): these are not its results; press Run for them.` : ''}`
      : 'No results yet: press Run.';
    el.classList.toggle('stale', stale);
    if (r) document.body.dataset['results'] = `${r.tag}${stale ? ' stale' : ''}`;
    else delete document.body.dataset['results'];
  }

  /** The form's spec changed (its tag, or null when it is not valid): relabels the results shown. */
  formChanged(formTag: string | null): void {
    this.formTag = formTag;
    if (this.shown) this.label(this.what);
  }

  /** Stops any run and clears the views. */
  reset(): void {
    this.generation++;
    this.rateSpec = null;
    this.handle?.stop();
    this.handle = null;
    this.device?.destroy();
    this.device = null;
    this.live = null;
    this.charts?.destroy();
    this.charts = null;
    this.rateViews?.destroy();
    this.rateViews = null;
    this.rateInfo = null;
    $('raster-pick').replaceChildren();
    $('raster-hover').textContent = '';
    delete document.body.dataset['build'];
    for (const id of ['cv-raster', 'cv-currents', 'cv-hist']) {
      const c = $<HTMLCanvasElement>(id);
      c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    }
    $('stats').replaceChildren();
    $('currents-pick').replaceChildren();
    this.shown = null;
    this.label('');
    clearExports($('exports'));
    $('result-json').textContent = '';
    for (const id of ['sim-time', 'wall-time', 'rtf', 'device', 'eta']) $(id).textContent = '–';
    $<HTMLProgressElement>('progress').value = 0;
  }

  private onMessage(m: RunMessage): void {
    if (m.type === 'progress') {
      // Build progress (by expected synapses), before the engine exists.
      document.body.dataset['build'] = m.fraction.toFixed(3);
      $<HTMLProgressElement>('progress').value = m.fraction;
      this.setState('starting', `Building the network: ${Math.round(100 * m.fraction)} % (${m.what})…`);
    } else if (m.type === 'info') {
      this.live = new LiveState(m.info);
      this.charts = new LiveCharts(m.info);
      this.buildRasterPick(m.info.populations.map((p) => p.name));
      this.buildCurrentsPick(m.info.spec, m.info.populations.map((p) => p.name));
      $('device').textContent = `${m.info.device}${this.adapter ? ` on ${this.adapter}` : ''}; ${m.info.synapses.toLocaleString('en')} synapses, built in ${m.info.build_s.toFixed(2)} s`;
      this.setState('running', 'Running…');
    } else if (m.type === 'snapshot') {
      this.live?.apply(m.snap);
    } else if (m.type === 'done') {
      const live = this.live;
      this.handle = null;
      this.device?.destroy();
      this.device = null;
      if (!live) return;
      live.setFinal(m.result);
      this.draw(performance.now());
      renderExports($('exports'), m.result, this.specText, this.stem());
      this.label(m.stoppedBy ? 'stopped early' : 'finished');
      $('eta').textContent = '–';
      if (this.shown) this.remember(spikingEntry(this.shown, live, m.result.summary, Boolean(m.stoppedBy)));
      if (!m.stoppedBy) this.onFinished?.(live.info.spec, this.engineKind, live.info.build_s, live.wall_s);
      const s = m.result.summary;
      $('result-json').textContent = JSON.stringify({ check: m.result.check, simTime_s: live.simTime_s, wall_s: live.wall_s, rtf: live.rtf, spec: live.info.spec }, null, 1);
      if (m.stoppedBy) this.setState('stopped', `Stopped early: ${m.stoppedBy.message}. Results cover what ran.`);
      else this.setState('done', `Done: ${s.meta.spec}, ${(s.T_ms / 1000).toFixed(2)} s simulated in ${s.meta.wall_s.toFixed(1)} s.`);
    } else {
      this.fail(m.message);
    }
  }

  private fail(message: string): void {
    this.handle = null;
    this.label('failed');
    this.setState('error', `Run failed: ${message}`);
  }

  /** Adds a finished run to the tab's history (oldest dropped past HISTORY_MAX) and redraws the table. */
  private remember(e: HistoryEntry): void {
    this.history.push(e);
    if (this.history.length > HISTORY_MAX) this.history.shift();
    renderHistory($('history'), this.history, $('compare'));
  }

  /** A rate or Binas run: the CPU rate engine in the worker, or its WebGPU twin on the main thread. */
  private async startRate(spec: Exclude<AppSpec, NetworkSpec>, specText: string, pref: BackendPref): Promise<void> {
    const gen = ++this.generation;
    this.specText = specText;
    this.rateSpec = spec;
    this.shown = { name: spec.name, tag: specTag(spec), run: ++this.runs };
    this.label('running');
    this.setState('starting', 'Starting the rate model…');
    const meta: RunMeta = { commit: 'browser', date: new Date().toISOString(), host: navigator.userAgent };
    const onMessage = (m: RateMessage) => gen === this.generation && this.onRateMessage(m);
    const why = pref === 'cpu' ? null : gpuUnsupported(prepareRate(spec).model);
    const choice = pref === 'cpu' || why ? null : await chooseBackend(pref);
    if (gen !== this.generation) return;
    if (choice?.kind === 'webgpu') {
      this.device = choice.device;
      this.engineKind = 'webgpu';
      const { GpuRateEngine } = await import('../models/rate/gpu.ts');
      this.banner(`WebGPU rate engine on ${choice.adapter}${choice.software ? ' (a software adapter)' : ''}.`, choice.software);
      this.handle = runRateOnMainThread(structuredClone(spec), meta, { engine: (m) => new GpuRateEngine(choice.device, m), device: `WebGPU rate engine on ${choice.adapter}` }, onMessage);
    } else {
      this.engineKind = 'cpu-worker';
      this.banner(why ? `CPU rate engine in a Web Worker: ${why}.` : choice ? choice.why : 'CPU rate engine in a Web Worker.', Boolean(why) || (choice !== null && pref !== 'cpu'));
      this.handle = runRateInWorker(structuredClone(spec), meta, onMessage, true);
    }
  }

  private onRateMessage(m: RateMessage): void {
    if (m.type === 'rate-info') {
      this.rateInfo = m.info;
      this.rateViews = new RateViews($('rate-views'), m.info);
      $('device').textContent = m.info.device;
      this.setState('running', 'Running…');
    } else if (m.type === 'rate-progress') {
      const p = m.p;
      this.rateViews?.update(p);
      $('sim-time').textContent = `${this.rateInfo?.kind === 'binas' ? 'pattern' : 'trial'} ${p.trial} of ${p.trials}`;
      $('wall-time').textContent = `${p.wall_s.toFixed(1)} s`;
      $<HTMLProgressElement>('progress').value = p.trial / p.trials;
      if (p.trial < p.trials) $('eta').textContent = `${formatDuration(((p.trials - p.trial) * p.wall_s) / p.trial)} (at the pace so far)`;
    } else if (m.type === 'rate-done') {
      this.handle = null;
      this.device?.destroy();
      this.device = null;
      const info = this.rateInfo;
      if (!info) return;
      this.rateViews?.final(m.result);
      renderExports($('exports'), { summary: m.result.summary as unknown as RunSummary, arrays: m.result.arrays, figures: [], reportHtml: m.result.reportHtml }, this.specText, this.stem());
      const stopped = m.result.stopped;
      const unit = info.kind === 'binas' ? 'patterns' : 'trials';
      this.label(stopped ? 'stopped early' : 'finished');
      $('eta').textContent = '–';
      if (this.shown) this.remember(rateEntry(this.shown, info, m.result.recordings.trialMean_Hz, m.result.trials, m.result.wall_s, this.engineKind, stopped !== null));
      $('result-json').textContent = JSON.stringify({ kind: info.kind, wall_s: m.result.wall_s, summary: m.result.summary }, null, 1);
      if (stopped) {
        this.setState('stopped', `Stopped (${stopped}) after ${m.result.trials} of ${info.trials} ${unit}: the views and downloads hold the ${m.result.trials} completed ${unit} only.`);
        return;
      }
      if (this.engineKind === 'cpu-worker' && this.rateSpec) this.onRateFinished?.(this.rateSpec, m.result.wall_s);
      this.setState('done', `Done: ${info.name}, ${info.trials} ${unit} in ${m.result.wall_s.toFixed(1)} s.`);
    } else this.fail(m.message);
  }

  /** Population choice of the raster (all recorded neurons, or one population's) and its hover read-out. */
  private buildRasterPick(names: string[]): void {
    const sel = document.createElement('select');
    sel.id = 'raster-pop';
    sel.add(new Option('all recorded neurons', '-1'));
    names.forEach((n, i) => sel.add(new Option(n, String(i))));
    this.rasterPop = -1;
    sel.addEventListener('change', () => {
      this.rasterPop = Number(sel.value);
      this.drawn = -1;
    });
    const label = document.createElement('label');
    label.append('neurons: ', sel);
    $('raster-pick').replaceChildren(label);
  }
  /** Checkboxes choosing the populations of the currents panel, grouped neurons / inputs (labels are text nodes). */
  private buildCurrentsPick(spec: NetworkSpec, names: string[]): void {
    const kinds = kindsOf(spec);
    this.currentTargets = defaultCurrentTargets(names, kinds);
    const root = $('currents-pick');
    root.replaceChildren();
    for (const kind of ['neuron', 'input'] as const) {
      const members = names.filter((n) => (kinds.get(n) ?? 'neuron') === kind);
      if (!members.length) continue;
      const head = document.createElement('span');
      head.className = 'grp';
      head.textContent = kind === 'neuron' ? 'neurons:' : 'inputs:';
      root.append(head);
      for (const n of members) {
        const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: this.currentTargets.includes(n) });
        box.dataset['pop'] = n;
        box.addEventListener('change', () => {
          this.currentTargets = names.filter((x) => (x === n ? box.checked : this.currentTargets.includes(x)));
          this.drawn = -1; // redraw on the next frame
        });
        const label = document.createElement('label');
        label.append(box, ` ${n}`);
        root.append(label);
      }
    }
  }

  private draw(now: number): void {
    const st = this.live;
    if (!st) return;
    this.lastDraw = now;
    this.drawn = st.version;
    $('sim-time').textContent = `${st.simTime_s.toFixed(2)} s of ${st.T_s} s`;
    $('wall-time').textContent = `${st.wall_s.toFixed(1)} s`;
    $('rtf').textContent = st.simTime_s > 0 ? `${st.rtf.toFixed(2)} (wall / simulated)` : '–';
    $<HTMLProgressElement>('progress').value = st.step / st.info.nSteps;
    // Time left at the pace so far (advance time per step; pauses excluded).
    if (!st.final && st.step > 0) $('eta').textContent = `${formatDuration(((st.info.nSteps - st.step) * st.wall_s) / st.step)} (at the pace so far)`;
    drawRaster($('cv-raster'), st, this.rasterPop);
    this.charts?.update(st);
    drawCurrents($('cv-currents'), st, this.currentTargets);
    drawHistogram($('cv-hist'), st);
    const stats = st.final ? statsFromSummary(st.final.summary) : st.stats;
    renderStats($('stats'), stats, { statsStart_s: st.info.statsStart_s, window_ms: st.info.spec.recording.window_ms, final: st.final !== null });
  }
}

/** History row and comparison series of a spiking run. */
function spikingEntry(shown: { name: string; tag: string; run: number }, live: LiveState, s: RunSummary, stopped: boolean): HistoryEntry {
  const fmt = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toPrecision(4) : 'n/a');
  return {
    ...shown,
    stopped,
    cells: [
      String(s.meta.N),
      String(live.info.spec.T_s),
      String(s.meta.seed),
      s.meta.backend,
      s.meta.wall_s.toFixed(2),
      Object.entries(s.populations).map(([n, p]) => `${n} ${fmt(p.rate_Hz)}`).join(', '),
      Object.entries(s.plastic).map(([n, p]) => `${n} ${fmt(p.jMeanFinal)}`).join(', ') || '–',
    ],
    series: { xLabel: 'time (s)', x: [...live.t_s], ys: live.info.populations.map((p, i) => ({ label: p.name, y: [...live.rate[i]!] })) },
  };
}

/** History row and comparison series (network 1's trial means, B x T x P with T the trials completed) of a rate or Binas run. */
function rateEntry(shown: { name: string; tag: string; run: number }, info: RateInfo, trialMean: Float32Array, T: number, wall_s: number, engine: string, stopped: boolean): HistoryEntry {
  const P = info.pops.length;
  const last = (k: number) => (T > 0 ? trialMean[(T - 1) * P + k]! : NaN);
  return {
    ...shown,
    stopped,
    cells: [
      `${info.B} x ${info.U} units`,
      `${T}${stopped ? ` of ${info.trials}` : ''} ${info.kind === 'binas' ? 'patterns' : 'trials'}`,
      String(info.seed),
      engine === 'webgpu' ? 'webgpu (rate)' : 'cpu (rate)',
      wall_s.toFixed(2),
      info.pops.map((p, k) => `${p.name} ${T > 0 ? last(k).toPrecision(4) : 'n/a'}`).join(', '),
      '–',
    ],
    series: { xLabel: 'trial', x: Array.from({ length: T }, (_, t) => t + 1), ys: info.pops.map((p, k) => ({ label: p.name, y: Array.from({ length: T }, (_, t) => trialMean[t * P + k]!) })) },
  };
}
