// Page entry: wires the spec form, the Run / Pause / Reset buttons, the backend banner and the session.
// URL parameters preset, N, T, seed preselect a configuration (e.g. ?preset=akil-static&N=1000&T=1).
import { planBackend, type BackendPref } from './backend.ts';
import { blobLink } from './exports.ts';
import { Session, type PageState } from './session.ts';
import { SpecForm } from './specForm.ts';
import { isSafeName } from '../model/names.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const runBtn = $<HTMLButtonElement>('run');
const pauseBtn = $<HTMLButtonElement>('pause');
const backendSel = $<HTMLSelectElement>('backend');
let state: PageState = 'idle';

function setState(s: PageState, text: string): void {
  state = s;
  document.body.dataset['state'] = s;
  $('status-text').textContent = text;
  const active = s === 'starting' || s === 'running' || s === 'paused';
  runBtn.disabled = active;
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
const form = new SpecForm(() => {
  if (state === 'invalid') setState('idle', '');
});

runBtn.addEventListener('click', () => {
  const spec = form.check();
  if (!spec) {
    setState('invalid', 'Not started: fix the fields marked in red (each message names the field and its allowed range).');
    if ($('json-errors').textContent) ($('json-box') as HTMLDetailsElement).open = true; // errors of fields without a form input
    document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    return;
  }
  void session.start(spec, form.text(), backendSel.value as BackendPref);
});
pauseBtn.addEventListener('click', () => (state === 'paused' ? session.resume() : session.pause()));
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
}
backendSel.addEventListener('change', () => void showPlan());

const q = new URLSearchParams(location.search);
form.loadPreset(q.get('preset') ?? 'akil-istdp-demo');
for (const [k, id] of [['N', 'f-N'], ['T', 'f-T'], ['seed', 'f-seed']] as const) {
  const v = q.get(k);
  if (v !== null) {
    const el = $<HTMLInputElement>(id);
    el.value = v;
    el.dispatchEvent(new Event('input'));
  }
}
setState('idle', 'Pick a preset, adjust the parameters, press Run.');
void showPlan();
