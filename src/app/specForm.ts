// The spec being edited: preset picker, the parameter form (N, T, seed, c, eta of each plastic projection),
// and a JSON editor of the full spec, kept in step. validate() errors appear beside the field they name
// (path, value, allowed range); errors of fields without a form input appear under the JSON editor.
import { SpecError, validate } from '../model/validate.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { presets } from '../presets/index.ts';
import { etaField } from './etaField.ts';
import { formatBytes, resourceRefusal } from '../model/estimate.ts';

/** Memory a run in this tab may plan to use: half the device memory the browser reports, at most 2 GiB (typed arrays). */
export function tabMemoryLimit(): number {
  const gib = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return Math.min(2 ** 31, typeof gib === 'number' && gib > 0 ? (gib * 2 ** 30) / 2 : 2 ** 31);
}

type Obj = Record<string, unknown>;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** A form value: a number when it parses, else the raw text (validate then reports it). */
const parse = (s: string): unknown => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
const show = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : '');

/** The form field an issue path belongs to (its id suffix), or null. */
function fieldOf(path: string): string | null {
  if (path === 'N' || path === 'seed') return path;
  if (path === 'T_s' || path === 'recording.statsStart_s') return 'T';
  if (/^inputs\[\d+\]\.correlation$/.test(path)) return 'c';
  const m = /^projections\[(\d+)\]\.plasticity\.(eta|learningTimescale_ms)$/.exec(path);
  return m ? `eta-${m[1]}` : null;
}

export class SpecForm {
  spec: Obj = {};
  private jsonProblem: string | null = null;
  private timer = 0;
  private readonly json = $<HTMLTextAreaElement>('spec-json');

  constructor(private readonly onChange: () => void) {
    const sel = $<HTMLSelectElement>('preset');
    for (const p of presets) sel.add(new Option(`${p.name}: ${p.figure}`, p.name));
    sel.add(new Option('(custom spec from the JSON editor or a file)', ''));
    sel.addEventListener('change', () => sel.value && this.loadPreset(sel.value));
    for (const f of ['N', 'T', 'seed', 'c']) $<HTMLInputElement>(`f-${f}`).addEventListener('input', () => this.fromForm());
    this.json.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.fromJson(this.json.value), 250);
    });
    $<HTMLInputElement>('spec-file').addEventListener('change', async (e) => {
      const file = (e.target as HTMLInputElement).files?.[0];
      if (file) this.loadText(await file.text(), file.name);
    });
  }

  loadPreset(name: string): void {
    const p = presets.find((x) => x.name === name);
    if (!p) return;
    $<HTMLSelectElement>('preset').value = name;
    $('preset-desc').textContent = p.build().description ?? p.figure;
    this.setSpec(p.build() as unknown as Obj);
  }

  /** Loads spec JSON text (editor or file); the preset picker switches to "custom". */
  loadText(text: string, source: string): void {
    $<HTMLSelectElement>('preset').value = '';
    $('preset-desc').textContent = `Spec loaded from ${source}.`;
    this.json.value = text;
    this.fromJson(text);
  }

  private setSpec(s: Obj): void {
    this.spec = s;
    this.jsonProblem = null;
    this.json.value = JSON.stringify(s, null, 2);
    this.toForm();
    this.check();
  }

  private fromJson(text: string): void {
    try {
      const v: unknown = JSON.parse(text);
      if (!isObj(v)) throw new Error('a spec must be a JSON object');
      this.spec = v;
      this.jsonProblem = null;
      this.toForm();
    } catch (e) {
      this.jsonProblem = `JSON: ${(e as Error).message}`;
    }
    this.check();
  }

  /** Form -> spec: N, seed, T (statistics over its second half), c of every input, eta per plastic projection. */
  private fromForm(): void {
    const s = this.spec;
    const val = (f: string) => parse($<HTMLInputElement>(`f-${f}`).value);
    s['N'] = val('N');
    s['seed'] = val('seed');
    s['T_s'] = val('T');
    const rec = s['recording'];
    if (isObj(rec) && typeof s['T_s'] === 'number') rec['statsStart_s'] = s['T_s'] / 2;
    for (const x of arr(s['inputs'])) x['correlation'] = val('c');
    arr(s['projections']).forEach((p, i) => {
      const el = document.getElementById(`f-eta-${i}`) as HTMLInputElement | null;
      const pl = p['plasticity'];
      if (!el || !isObj(pl)) return;
      delete pl['learningTimescale_ms'];
      pl['eta'] = parse(el.value);
    });
    this.json.value = JSON.stringify(s, null, 2);
    this.check();
  }

  /** Spec -> form, rebuilding one eta input per plastic projection. */
  private toForm(): void {
    const s = this.spec;
    $<HTMLInputElement>('f-N').value = show(s['N']);
    $<HTMLInputElement>('f-T').value = show(s['T_s']);
    $<HTMLInputElement>('f-seed').value = show(s['seed']);
    $<HTMLInputElement>('f-c').value = show(arr(s['inputs'])[0]?.['correlation']);
    const box = $('eta-fields');
    box.replaceChildren();
    arr(s['projections']).forEach((p, i) => {
      const pl = p['plasticity'];
      if (!isObj(pl)) return;
      const eta = pl['eta'] ?? (typeof pl['learningTimescale_ms'] === 'number' ? 1 / pl['learningTimescale_ms'] : '');
      const label = etaField(document, i, show(p['post']), show(p['pre']), show(pl['rule'])); // text nodes only: names come from the loaded file
      box.append(label);
      const input = label.querySelector('input')!;
      input.value = show(eta);
      input.addEventListener('input', () => this.fromForm());
    });
    if (!box.childElementCount) box.textContent = 'No plastic projection in this spec (static weights).';
  }

  /** Validates, shows every issue inline, and returns the valid spec or null. */
  check(): NetworkSpec | null {
    document.querySelectorAll<HTMLElement>('.err').forEach((el) => (el.textContent = ''));
    document.querySelectorAll<HTMLElement>('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const rest: string[] = [];
    let ok: NetworkSpec | null = null;
    if (this.jsonProblem) rest.push(this.jsonProblem);
    else {
      try {
        ok = validate(this.spec);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        for (const i of e.issues) {
          const text = `${i.path} = ${JSON.stringify(i.value) ?? '(missing)'}: allowed ${i.allowed}`;
          const f = fieldOf(i.path);
          const err = f ? document.getElementById(`err-${f}`) : null;
          if (err) {
            err.textContent += (err.textContent ? '\n' : '') + text;
            document.getElementById(`f-${f}`)?.setAttribute('aria-invalid', 'true');
          } else rest.push(text);
        }
      }
    }
    if (ok) {
      // The estimate before anything is allocated: a network past what the tab can hold is refused here.
      const limit = tabMemoryLimit();
      const why = resourceRefusal(ok, limit, `what this tab can hold, ${formatBytes(limit)}`);
      if (why !== null) {
        $('err-N').textContent = `refused before allocating: ${why.replace(', or raise --max-memory', '')}`;
        $('f-N').setAttribute('aria-invalid', 'true');
        ok = null;
      }
    }
    $('json-errors').textContent = rest.join('\n');
    this.onChange();
    return this.jsonProblem ? null : ok;
  }

  /** The spec as pretty JSON (what spec.json downloads hold; the CLI runs it with `plasticnet run`). */
  text(): string {
    return JSON.stringify(this.spec, null, 2) + '\n';
  }
}
