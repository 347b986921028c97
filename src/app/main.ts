// Page entry: wires the spec form, the Run / Pause / Reset buttons, the backend banner and the session.
// URL parameters preset, N, T, seed, c, eta-i (trials for rate models) preselect a configuration (e.g.
// ?preset=akil-static&N=1000&T=1); a spec edited in the JSON editor or loaded from a file adds `set` pairs
// (path=JSON value) against the preset it started from. The address bar follows the form, so a copied URL
// reopens the same spec.
import { planBackend, type BackendPref } from './backend.ts';
import { blobLink } from './exports.ts';
import { Session, type PageState } from './session.ts';
import { SpecForm } from './specForm.ts';
import { isSafeName } from '../model/names.ts';
import { specTag } from './specTag.ts';
import { calibrationFrom, estimateTime, formatDuration, type Calibration } from './timeEstimate.ts';
import { chooseBackend } from './backend.ts';
import { runInWorker, runOnMainThread, type RunHandle } from './runners.ts';
import type { RunMessage } from './protocol.ts';
import { estimateResources, formatBytes } from '../model/estimate.ts';
import { validate } from '../model/validate.ts';
import { getPreset } from '../presets/index.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { kindOf, prepareRate, type AppSpec } from './rateRun.ts';
import { appPresets } from './specForm.ts';
import { applySets, specDiff } from './shareUrl.ts';
import { rasterHover } from './views.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const runBtn = $<HTMLButtonElement>('run');
const pauseBtn = $<HTMLButtonElement>('pause');
const stopBtn = $<HTMLButtonElement>('stop');
const backendSel = $<HTMLSelectElement>('backend');
let state: PageState = 'idle';
let urlReady = false; // set once the URL's own parameters are applied
let calibrating = false;
let formSpec: AppSpec | null = null; // the valid spec in the form, if any
const calibrations = new Map<string, Calibration>(); // per engine kind ('cpu-worker', 'webgpu')

function setState(s: PageState, text: string): void {
  state = s;
  document.body.dataset['state'] = s;
  $('status-text').textContent = text;
  const active = s === 'starting' || s === 'running' || s === 'paused' || s === 'stopping';
  runBtn.disabled = active;
  stopBtn.disabled = !((s === 'running' || s === 'paused') && session.canFinish);
  $<HTMLButtonElement>('calibrate').disabled = active || calibrating;
  pauseBtn.disabled = !(s === 'running' || s === 'paused');
  pauseBtn.textContent = s === 'paused' ? 'Resume' : 'Pause';
}

/** The engine line under the header: a plain warning when the run falls back to the CPU worker. */
function banner(text: string, warn: boolean): void {
  const b = $('banner');
  b.textContent = text;
  b.classList.toggle('warn', warn);
}

const session = new Session(setState, banner);
const form = new SpecForm((valid) => {
  if (state === 'invalid') setState('idle', '');
  session.formChanged(valid ? specTag(valid) : null);
  formSpec = valid;
  showEstimate();
  if (urlReady) syncUrl();
});

/** set= pairs of the opened address that were refused (unsafe key or no such field), said under the editor. */
let urlRefused = '';

/** Writes the preset and the changed form fields into the address bar (replaceState: no history entry per key). */
function syncUrl(): void {
  const { preset, overrides } = form.shareable();
  const q = new URLSearchParams();
  const note = $('share-note');
  note.textContent = urlRefused;
  if (preset) q.set('preset', preset);
  else {
    // A spec from the editor or a file: its differences from the preset it started from, as set=path=value.
    const base = appPresets.find((p) => p.name === form.base);
    const diff = base ? specDiff(base.build(), form.spec) : null;
    if (base && diff) {
      q.set('preset', base.name);
      for (const [path, v] of diff) q.append('set', `${path}=${v}`);
    } else {
      q.set('custom', '1');
      note.textContent = 'This spec differs too much from any preset for a URL: share it as spec.json (Download spec.json).';
    }
  }
  for (const [k, v] of overrides) q.set(k, v);
  history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
}

/** Longest run the estimate line does not warn about. */
const WARN_ABOVE_S = 600;

/** Synapses, memory and (once calibrated for the engine Run will use) the estimated time, under the buttons. */
function showEstimate(): void {
  const el = $('estimate');
  const spec = formSpec;
  el.classList.remove('warn');
  delete el.dataset['seconds'];
  if (!spec) {
    el.textContent = 'No estimate: the spec has errors.';
    return;
  }
  if (kindOf(spec) !== 'spiking') return rateEstimate(el, spec as Exclude<AppSpec, NetworkSpec>);
  const r = estimateResources(spec as NetworkSpec);
  const kind = document.body.dataset['plan'];
  const engine = kind === 'webgpu' ? 'the WebGPU engine' : 'the CPU engine';
  const c = kind ? calibrations.get(kind) : undefined;
  let time = `; time: not calibrated for ${engine} yet (Calibrate below, or run once)`;
  if (c) {
    const t = estimateTime(spec as NetworkSpec, c);
    const total = t.build_s + t.run_s;
    el.dataset['seconds'] = String(total);
    time = `; about ${formatDuration(total)} on ${engine} (build ${formatDuration(t.build_s)}; rough, within a few-fold; calibrated from ${c.from})`;
    if (total > WARN_ABOVE_S) (el.classList.add('warn'), (time += `. Long: consider a smaller N or T`));
  }
  el.textContent = `Before Run: ${r.synapses.toLocaleString('en')} synapses, ${formatBytes(r.hostBytes)} of memory${kind === 'webgpu' ? ` (${formatBytes(r.deviceBytes)} on the GPU)` : ''}${time}.`;
}

/** Rate models: weights x steps before Run, and a time from the last rate run's pace in this tab (ns per weight-step). */
let ratePace: number | null = null;
function rateEstimate(el: HTMLElement, spec: Exclude<AppSpec, NetworkSpec>): void {
  const m = prepareRate(spec).model;
  const work = m.B * m.nW * m.trialSteps * m.spec.trials.count;
  const time = ratePace === null ? 'time: known after a first rate run in this tab' : `about ${formatDuration(work * ratePace)} on the CPU rate engine (from your last rate run)`;
  if (ratePace !== null) el.dataset['seconds'] = String(work * ratePace);
  el.textContent = `Before Run: ${m.B} network(s) x ${m.U} units, ${m.nW.toLocaleString('en')} weights each, ${m.spec.trials.count} ${spec.kind === 'binas' ? 'patterns' : 'trials'} of ${m.trialSteps.toLocaleString('en')} steps (${work.toExponential(2)} weight-steps); ${time}.`;
  if (ratePace !== null && work * ratePace > WARN_ABOVE_S) (el.classList.add('warn'), (el.textContent += ' Long: consider fewer trials or a smaller batch.'));
}
session.onRateFinished = (spec, wall_s) => {
  const m = prepareRate(spec).model;
  ratePace = wall_s / Math.max(1, m.B * m.nW * m.trialSteps * m.spec.trials.count);
  showEstimate();
};

session.onFinished = (spec, engine, build_s, advance_s) => {
  calibrations.set(engine, calibrationFrom(spec, engine, build_s, advance_s, `your last run (${spec.name})`));
  showEstimate();
};

/** A short calibration run (akil-static, N = 1000, T = 0.5 s) on the engine Run would use; nothing is shown of it. */
async function calibrate(): Promise<void> {
  calibrating = true;
  setState(state, $('status-text').textContent ?? '');
  $('estimate').textContent = 'Calibrating: a 0.5 s run of akil-static at N = 1000…';
  const base = getPreset('akil-static');
  const spec = validate({ ...base, N: 1000, T_s: 0.5, recording: { ...base.recording, statsStart_s: 0.25 } });
  const choice = await chooseBackend(backendSel.value as BackendPref);
  const meta = { commit: 'browser', date: new Date().toISOString(), host: navigator.userAgent };
  let build_s = 0;
  let handle: RunHandle | null = null;
  await new Promise<void>((resolve) => {
    const onMessage = (m: RunMessage) => {
      if (m.type === 'info') build_s = m.info.build_s;
      else if (m.type === 'done') {
        calibrations.set(choice.kind, calibrationFrom(spec, choice.kind, build_s, m.result.summary.meta.wall_s, 'a 0.5 s calibration run'));
        resolve();
      } else if (m.type === 'error') resolve();
    };
    handle = choice.kind === 'webgpu' ? runOnMainThread(spec, meta, choice.device, onMessage) : runInWorker(spec, meta, onMessage);
  });
  (handle as RunHandle | null)?.stop(); // ends the worker
  if (choice.kind === 'webgpu') choice.device.destroy();
  calibrating = false;
  setState(state, $('status-text').textContent ?? '');
  document.body.dataset['calibrated'] = choice.kind;
  showEstimate();
}
$('calibrate').addEventListener('click', () => void calibrate());

runBtn.addEventListener('click', () => {
  const spec = form.check();
  if (!spec) {
    setState('invalid', 'Not started: fix the fields marked in red (each message names the field and its allowed range).');
    if ($('json-errors').textContent) {
      ($('json-box') as HTMLDetailsElement).open = true; // errors of fields without a form input, or JSON that does not parse
      $('json-errors').scrollIntoView({ block: 'nearest' });
    }
    document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    return;
  }
  void session.start(spec, form.text(), backendSel.value as BackendPref);
});
// A new preset clears the results of the previous one (a run in progress goes on, labelled with its spec).
$('preset').addEventListener('change', () => {
  if (state === 'starting' || state === 'running' || state === 'paused' || state === 'stopping') return;
  session.reset();
  setState('idle', 'Preset loaded: earlier results cleared.');
});
pauseBtn.addEventListener('click', () => (state === 'paused' ? session.resume() : session.pause()));
stopBtn.addEventListener('click', () => session.finish());
$('reset').addEventListener('click', () => {
  session.reset();
  setState('idle', 'Reset.');
});
$('save-spec').addEventListener('click', () => blobLink(`${isSafeName(form.spec['name']) ? form.spec['name'] : 'spec'}.json`, [form.text()], 'application/json').click());

/** Says which engine Run will use; body[data-plan] tells tests when the answer is in. */
async function showPlan(): Promise<void> {
  delete document.body.dataset['plan'];
  const pref = backendSel.value as BackendPref;
  const plan = await planBackend(pref);
  if (backendSel.value !== pref) return; // changed again meanwhile
  if (plan.kind === 'cpu-worker') banner(plan.why, pref !== 'cpu'); // a fallback is a warning, a choice is not
  else banner(`WebGPU engine on ${plan.adapter}${plan.software ? ' (a software adapter: slower than the CPU engine, useful for testing)' : ''}.`, plan.software);
  document.body.dataset['plan'] = plan.kind;
  showEstimate();
}
backendSel.addEventListener('change', () => void showPlan());

const q = new URLSearchParams(location.search);
form.loadPreset(q.get('preset') ?? 'akil-istdp-demo');
// set=path=value pairs: a custom spec's differences from its preset (unsafe keys and bad paths are refused, said).
const sets = q.getAll('set');
if (sets.length) {
  const { spec, refused } = applySets(form.spec, sets);
  form.loadText(JSON.stringify(spec, null, 2), 'the address (preset plus its set= fields)');
  if (refused.length) urlRefused = `Not applied from the address: ${refused.join('; ')}.`;
}
// Form fields from the URL: N, T, seed, c and eta-i (the i-th projection's eta), as syncUrl writes them.
for (const [k, v] of q) {
  if (!/^(N|T|seed|c|trials|eta-\d+)$/.test(k)) continue;
  const el = document.getElementById(`f-${k}`) as HTMLInputElement | null;
  if (!el) continue;
  el.value = v;
  el.dispatchEvent(new Event('input'));
}
urlReady = true;
syncUrl();
rasterHover($<HTMLCanvasElement>('cv-raster'), $('raster-hover'));
setState('idle', 'Pick a preset, adjust the parameters, press Run.');
void showPlan();
