// One run on the page: starts it on the chosen engine, feeds its messages into a LiveState, redraws the
// views at most 10 times a second (only when something changed), and shows status, results and exports.
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
import { drawCurrents, drawHistogram, drawRaster, drawRates, drawWeights } from './views.ts';

export type PageState = 'idle' | 'invalid' | 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

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
  /** Called when a run finishes: its spec, engine kind, build and advance seconds (the page recalibrates its estimate). */
  onFinished: ((spec: NetworkSpec, engine: string, build_s: number, advance_s: number) => void) | null = null;

  constructor(private readonly setState: (s: PageState, text: string) => void, private readonly banner: (text: string, warn: boolean) => void) {
    const tick = (now: number) => {
      if (this.live && this.live.version !== this.drawn && now - this.lastDraw >= DRAW_INTERVAL_MS) this.draw(now);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  async start(spec: NetworkSpec, specText: string, pref: BackendPref): Promise<void> {
    this.reset();
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
    this.handle?.stop();
    this.handle = null;
    this.device?.destroy();
    this.device = null;
    this.live = null;
    for (const id of ['cv-raster', 'cv-rates', 'cv-weights', 'cv-currents', 'cv-hist']) {
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
    if (m.type === 'info') {
      this.live = new LiveState(m.info);
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
      if (this.shown) {
        this.history.push({ ...this.shown, T_s: live.info.spec.T_s, summary: m.result.summary, stopped: Boolean(m.stoppedBy) });
        if (this.history.length > HISTORY_MAX) this.history.shift();
        renderHistory($('history'), this.history);
      }
      if (!m.stoppedBy) this.onFinished?.(live.info.spec, this.engineKind, live.info.build_s, live.wall_s);
      const s = m.result.summary;
      $('result-json').textContent = JSON.stringify({ check: m.result.check, simTime_s: live.simTime_s, wall_s: live.wall_s, rtf: live.rtf, spec: live.info.spec }, null, 1);
      if (m.stoppedBy) this.setState('stopped', `Stopped early: ${m.stoppedBy.message}. Results cover what ran.`);
      else this.setState('done', `Done: ${s.meta.spec}, ${(s.T_ms / 1000).toFixed(2)} s simulated in ${s.meta.wall_s.toFixed(1)} s.`);
    } else {
      this.handle = null;
      this.label('failed');
      this.setState('error', `Run failed: ${m.message}`);
    }
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
    drawRaster($('cv-raster'), st);
    drawRates($('cv-rates'), st);
    drawWeights($('cv-weights'), st);
    drawCurrents($('cv-currents'), st, this.currentTargets);
    drawHistogram($('cv-hist'), st);
    const stats = st.final ? statsFromSummary(st.final.summary) : st.stats;
    renderStats($('stats'), stats, { statsStart_s: st.info.statsStart_s, window_ms: st.info.spec.recording.window_ms, final: st.final !== null });
  }
}
