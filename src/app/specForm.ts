// The spec being edited: preset picker, the parameter form (N, T, seed, c, eta of each plastic projection),
// and a JSON editor of the full spec, kept in step. validate() errors appear beside the field they name
// (path, value, allowed range); errors of fields without a form input appear under the JSON editor.
import { SpecError, validate } from '../model/validate.ts';
import type { NetworkSpec } from '../model/spec.ts';
import { presets } from '../presets/index.ts';
import { etaField } from './etaField.ts';
import { formatBytes, resourceRefusal } from '../model/estimate.ts';
import { locateJsonError, type JsonErrorSpot } from './jsonError.ts';
import { kindOf, validateRateLike, type AppSpec } from './rateRun.ts';
import { ratePresets } from '../models/rate/presets.ts';
import { binasWta } from '../models/binas/presets.ts';

/** Presets of every model the app runs: spiking networks, Soldado-Magraner rate networks, Binas WTA circuits. */
export const appPresets: { name: string; figure: string; build: () => object }[] = [
  ...presets,
  ...ratePresets,
  { name: 'binas-wta', figure: 'Binas 2014 Figs 7-8: 2 groups x (2 E + 1 I), WTA learned by E and I plasticity, 1000 patterns of 2 s', build: () => binasWta() },
];

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
  if (path === 'trials.count' || path === 'protocol.count') return 'trials';
  if (path === 'T_s' || path === 'recording.statsStart_s') return 'T';
  if (/^inputs\[\d+\]\.correlation$/.test(path)) return 'c';
  const m = /^projections\[(\d+)\]\.plasticity\.(eta|learningTimescale_ms)$/.exec(path);
  return m ? `eta-${m[1]}` : null;
}

export class SpecForm {
  spec: Obj = {};
  private jsonProblem: string | null = null;
  private jsonSpot: JsonErrorSpot | null = null;
  /** Form fields typed while the JSON editor did not parse: applied to the spec once it parses again. */
  private readonly pending = new Set<string>();
  /** Form field values right after the preset loaded (what the URL leaves out). */
  private presetDefaults: Record<string, string> = {};
  private timer = 0;
  private readonly json = $<HTMLTextAreaElement>('spec-json');
  /** The preset the spec started from (kept when the JSON is edited or a file loaded): a URL's overrides apply to it. */
  base = '';

  constructor(private readonly onChange: (valid: AppSpec | null) => void) {
    const sel = $<HTMLSelectElement>('preset');
    for (const p of appPresets) sel.add(new Option(`${p.name}: ${p.figure}`, p.name));
    sel.add(new Option('(custom spec from the JSON editor or a file)', ''));
    sel.addEventListener('change', () => sel.value && this.loadPreset(sel.value));
    for (const f of ['N', 'T', 'seed', 'c', 'trials']) $<HTMLInputElement>(`f-${f}`).addEventListener('input', () => this.fromForm(f));
    this.json.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => {
        $<HTMLSelectElement>('preset').value = ''; // an edited spec is custom; the URL carries its differences from `base`
        this.fromJson(this.json.value);
      }, 250);
    });
    $<HTMLInputElement>('spec-file').addEventListener('change', async (e) => {
      const file = (e.target as HTMLInputElement).files?.[0];
      if (file) this.loadText(await file.text(), file.name);
    });
  }

  loadPreset(name: string): void {
    const p = appPresets.find((x) => x.name === name);
    if (!p) return;
    $<HTMLSelectElement>('preset').value = name;
    this.base = name;
    $('preset-desc').textContent = (p.build() as { description?: string }).description ?? p.figure;
    this.setSpec(p.build() as unknown as Obj);
    this.presetDefaults = this.fieldValues();
    this.check(); // once more, so listeners (the URL) see the new preset's defaults
  }

  /** Current text of every form field that applies to this model, by key: N, T, seed, c, eta-i; seed, trials. */
  fieldValues(): Record<string, string> {
    const out: Record<string, string> = {};
    const rate = kindOf(this.spec) !== 'spiking';
    document.querySelectorAll<HTMLInputElement>('.form input[id^="f-"]').forEach((el) => {
      const k = el.id.slice(2);
      if (rate ? k === 'seed' || k === 'trials' : k !== 'trials') out[k] = el.value;
    });
    return out;
  }

  /** The preset (null for a custom spec) and the form fields that differ from it: what a shareable URL carries. */
  shareable(): { preset: string | null; overrides: [string, string][] } {
    const preset = $<HTMLSelectElement>('preset').value || null;
    if (!preset) return { preset: null, overrides: [] };
    return { preset, overrides: Object.entries(this.fieldValues()).filter(([k, v]) => this.presetDefaults[k] !== v) };
  }

  /** Loads spec JSON text (editor or file); the preset picker switches to "custom". */
  loadText(text: string, source: string): void {
    $<HTMLSelectElement>('preset').value = '';
    $('preset-desc').textContent = `Spec loaded from ${source}.`;
    this.pending.clear(); // a loaded file replaces what the form held
    this.json.value = text;
    this.fromJson(text);
  }

  private setSpec(s: Obj): void {
    this.spec = s;
    this.jsonProblem = null;
    this.jsonSpot = null;
    this.pending.clear();
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
      this.jsonSpot = null;
      if (this.pending.size) {
        // Fields typed while the JSON was broken win over the same fields in the repaired text.
        const fields = [...this.pending];
        this.pending.clear();
        this.applyForm(fields);
        this.writeJson();
      }
      this.toForm();
    } catch (e) {
      const msg = (e as Error).message;
      this.jsonSpot = locateJsonError(text, msg);
      this.jsonProblem = `JSON${this.jsonSpot ? ` line ${this.jsonSpot.line}, column ${this.jsonSpot.column}` : ''}: ${msg}`;
    }
    this.check();
  }

  /** Rewrites the editor from the spec, keeping the caret where it was (as near as the new text allows). */
  private writeJson(): void {
    const { selectionStart: a, selectionEnd: b } = this.json;
    this.json.value = JSON.stringify(this.spec, null, 2);
    if (document.activeElement === this.json) this.json.setSelectionRange(a, b);
  }

  /**
   * A form field was edited. While the JSON editor holds text that does not parse, the editor is left as the
   * user wrote it and the field waits (marked) until the JSON parses; otherwise the spec and editor follow.
   */
  private fromForm(field: string): void {
    if (this.jsonProblem) {
      this.pending.add(field);
      this.check();
      return;
    }
    this.applyForm([field]);
    this.json.value = JSON.stringify(this.spec, null, 2);
    this.check();
  }

  /** Form -> spec for the given fields: N, seed, T (statistics over its second half), c of every input, eta-i. */
  private applyForm(fields: string[]): void {
    const s = this.spec;
    const val = (f: string) => parse($<HTMLInputElement>(`f-${f}`).value);
    for (const f of fields) {
      if (f === 'N') s['N'] = val('N');
      else if (f === 'seed') s['seed'] = val('seed');
      else if (f === 'trials') {
        const box = isObj(s['trials']) ? s['trials'] : isObj(s['protocol']) ? s['protocol'] : null; // rate: trials.count; binas: protocol.count
        if (box) box['count'] = val('trials');
        // Traced trials past the new count would be refused: keep those within it (and the last trial).
        const rec = s['recording'];
        const n = box?.['count'];
        if (isObj(rec) && typeof n === 'number' && Number.isInteger(n) && n >= 1) {
          for (const k of ['traceFirst', 'traceLast']) if (typeof rec[k] === 'number') rec[k] = Math.min(rec[k] as number, n);
          const tr = rec['traceTrials'];
          if (Array.isArray(tr)) rec['traceTrials'] = [...new Set([...tr.filter((t) => typeof t === 'number' && t <= n), n])].sort((a, b) => a - b);
        }
      }
      else if (f === 'T') {
        s['T_s'] = val('T');
        const rec = s['recording'];
        if (isObj(rec) && typeof s['T_s'] === 'number') rec['statsStart_s'] = s['T_s'] / 2;
      } else if (f === 'c') for (const x of arr(s['inputs'])) x['correlation'] = val('c');
      else if (f.startsWith('eta-')) {
        const el = document.getElementById(`f-${f}`) as HTMLInputElement | null;
        const pl = arr(s['projections'])[Number(f.slice(4))]?.['plasticity'];
        if (!el || !isObj(pl)) continue;
        delete pl['learningTimescale_ms'];
        pl['eta'] = parse(el.value);
      }
    }
  }

  /** Spec -> form, rebuilding one eta input per plastic projection. */
  private toForm(): void {
    const s = this.spec;
    const put = (f: string, v: unknown) => this.pending.has(f) || ($<HTMLInputElement>(`f-${f}`).value = show(v));
    put('N', s['N']);
    put('T', s['T_s']);
    put('seed', s['seed']);
    put('c', arr(s['inputs'])[0]?.['correlation']);
    const counts = isObj(s['trials']) ? s['trials'] : isObj(s['protocol']) ? s['protocol'] : {};
    put('trials', counts['count']);
    document.body.dataset['kind'] = kindOf(s);
    const box = $('eta-fields');
    const keep = new Map([...this.pending].filter((f) => f.startsWith('eta-')).map((f) => [f, (document.getElementById(`f-${f}`) as HTMLInputElement | null)?.value ?? '']));
    box.replaceChildren();
    arr(s['projections']).forEach((p, i) => {
      const pl = p['plasticity'];
      if (!isObj(pl)) return;
      const eta = pl['eta'] ?? (typeof pl['learningTimescale_ms'] === 'number' ? 1 / pl['learningTimescale_ms'] : '');
      const label = etaField(document, i, show(p['post']), show(p['pre']), show(pl['rule'])); // text nodes only: names come from the loaded file
      box.append(label);
      const input = label.querySelector('input')!;
      input.value = keep.get(`eta-${i}`) ?? show(eta);
      input.addEventListener('input', () => this.fromForm(`eta-${i}`));
    });
    if (!box.childElementCount) box.textContent = 'No plastic projection in this spec (static weights).';
  }

  /** Validates, shows every issue inline, and returns the valid spec or null. */
  check(): AppSpec | null {
    document.querySelectorAll<HTMLElement>('.err').forEach((el) => (el.textContent = ''));
    document.querySelectorAll<HTMLElement>('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const rest: string[] = [];
    let ok: AppSpec | null = null;
    if (this.jsonProblem) rest.push(this.jsonProblem);
    else {
      try {
        if (kindOf(this.spec) !== 'spiking') {
          const r = validateRateLike(this.spec);
          this.onChange(r);
          this.finishCheck(rest);
          return r;
        }
        ok = validate(this.spec);
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        const nWhy = this.nRefusal(e);
        for (const i of nWhy ? [] : e.issues) {
          const text = `${i.path} = ${JSON.stringify(i.value) ?? '(missing)'}: allowed ${i.allowed}`;
          const f = fieldOf(i.path);
          const err = f ? document.getElementById(`err-${f}`) : null;
          if (err) {
            err.textContent += (err.textContent ? '\n' : '') + text;
            document.getElementById(`f-${f}`)?.setAttribute('aria-invalid', 'true');
          } else rest.push(text);
        }
        if (nWhy) {
          $('err-N').textContent = `refused before allocating: ${nWhy}`;
          $('f-N').setAttribute('aria-invalid', 'true');
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
    this.finishCheck(rest);
    const result = this.jsonProblem ? null : ok;
    this.onChange(result);
    return result;
  }

  /**
   * N past what the tab can hold, when the other errors only follow from it (the same spec at a small N
   * validates): the refusal on N (field, value, estimate, limit), instead of e.g. inputs[0].rate_Hz.
   */
  private nRefusal(e: SpecError): string | null {
    const N = this.spec['N'];
    if (typeof N !== 'number' || !Number.isFinite(N) || e.issues.some((i) => i.path === 'N')) return null;
    let small: NetworkSpec;
    try {
      small = validate({ ...this.spec, N: 1000 });
    } catch {
      return null; // errors of their own, not caused by N
    }
    const limit = tabMemoryLimit();
    const why = resourceRefusal({ ...small, N }, limit, `what this tab can hold, ${formatBytes(limit)}`);
    return why === null ? null : `${why.replace(', or raise --max-memory', '')} (allowed: an N whose network fits in ${formatBytes(limit)} with at most 2147483647 synapses per projection)`;
  }

  /** Errors without a form field, the bad JSON line, pending fields. */
  private finishCheck(rest: string[]): void {
    $('json-errors').textContent = rest.join('\n');
    this.showJsonSpot();
    for (const f of this.pending) {
      const err = document.getElementById(`err-${f}`);
      if (err) err.textContent = `not applied yet: the JSON editor has an error${this.jsonSpot ? ` on line ${this.jsonSpot.line}` : ''}; this value goes into the spec once the JSON parses`;
    }
  }

  /** The bad JSON line above the editor (with its neighbours), highlighted; a button selects it in the editor. */
  private showJsonSpot(): void {
    const box = $('json-line');
    const spot = this.jsonProblem ? this.jsonSpot : null;
    if (this.jsonProblem) this.json.setAttribute('aria-invalid', 'true');
    else this.json.removeAttribute('aria-invalid');
    box.replaceChildren();
    box.hidden = spot === null;
    if (!spot) return;
    const lines = this.json.value.split('\n');
    const row = (n: number, cls: string) => {
      const el = document.createElement('span');
      el.className = cls;
      el.textContent = `${String(n).padStart(4)} | ${lines[n - 1] ?? ''}`;
      return el;
    };
    if (spot.line > 1) box.append(row(spot.line - 1, 'ctx'));
    const bad = row(spot.line, 'bad');
    bad.id = 'json-bad-line';
    box.append(bad);
    const go = Object.assign(document.createElement('button'), { type: 'button', textContent: `select line ${spot.line} in the editor`, className: 'linkish' });
    go.addEventListener('click', () => {
      this.json.focus();
      this.json.setSelectionRange(spot.lineStart, spot.lineEnd);
    });
    box.append(go);
  }

  /** The spec as pretty JSON (what spec.json downloads hold; the CLI runs it with `plasticnet run`). */
  text(): string {
    return JSON.stringify(this.spec, null, 2) + '\n';
  }
}
