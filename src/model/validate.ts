// validate(spec): rejects every bad field before any work, naming its path, value and allowed range.
import type { NetworkSpec } from './spec.ts';
import { MAX_DELAY_STEPS } from './derive.ts';
import { hasNeuronModel, neuronModel, neuronModelNames } from '../neurons/index.ts';
import { defaultFamily, familyOfRule } from '../plasticity/index.ts';
import { DEFAULT_SYNAPSE, hasSynapseModel, synapseModel, synapseModelNames, type SynapseModel } from '../synapses/index.ts';
import { isSafeName, NAME_RULE, TOTAL_CHANNEL } from './names.ts';

/** One bad field of a spec: its path (e.g. `populations[0].neuron.tauMem_ms`), its value and the allowed range. */
export interface SpecIssue {
  path: string;
  value: unknown;
  allowed: string;
}

/** The error validate() throws: one line per bad field. */
export class SpecError extends Error {
  constructor(readonly issues: SpecIssue[]) {
    super(
      'invalid network spec:\n' +
        issues.map((i) => `  ${i.path} = ${fmt(i.value)}: allowed ${i.allowed}`).join('\n'),
    );
    this.name = 'SpecError';
  }
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (v === undefined) return '(missing)';
  if (typeof v === 'bigint') return `${v}n (a BigInt)`;
  let s: string | undefined;
  try {
    s = JSON.stringify(v); // throws on cycles and nested BigInts: the spec need not be JSON when passed in-process
  } catch {
    s = undefined;
  }
  if (s === undefined) {
    try {
      s = String(v);
    } catch {
      s = '(unprintable value)';
    }
  }
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Collects issues while walking a spec. */
class Checker {
  readonly issues: SpecIssue[] = [];
  bad(path: string, value: unknown, allowed: string): void {
    this.issues.push({ path, value, allowed });
  }
  /** Finite number in [lo, hi] (open ends with loOpen/hiOpen); returns whether it passed. */
  num(path: string, v: unknown, lo: number, hi: number, opts: { loOpen?: boolean; hiOpen?: boolean; int?: boolean } = {}): boolean {
    const range = `${opts.int ? 'an integer' : 'a finite number'} in ${opts.loOpen ? '(' : '['}${lo}, ${hi}${opts.hiOpen ? ')' : ']'}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.bad(path, v, range), false;
    if (opts.int && !Number.isInteger(v)) return this.bad(path, v, range), false;
    const okLo = opts.loOpen ? v > lo : v >= lo;
    const okHi = opts.hiOpen ? v < hi : v <= hi;
    if (!okLo || !okHi) return this.bad(path, v, range), false;
    return true;
  }
  str(path: string, v: unknown): v is string {
    if (typeof v !== 'string' || v.length === 0) return this.bad(path, v, 'a non-empty string'), false;
    return true;
  }
  /** A user-chosen name (file names, keys, output): the safe grammar of names.ts. */
  name(path: string, v: unknown): v is string {
    if (!isSafeName(v)) return this.bad(path, v, NAME_RULE), false;
    return true;
  }
  bool(path: string, v: unknown): void {
    if (typeof v !== 'boolean') this.bad(path, v, 'true or false');
  }
  obj(path: string, v: unknown): v is Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.bad(path, v, 'an object'), false;
    return true;
  }
  arr(path: string, v: unknown): v is unknown[] {
    if (!Array.isArray(v)) return this.bad(path, v, 'an array'), false;
    return true;
  }
  /** Flags fields not in `known`. */
  known(path: string, o: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.bad(`${path}.${k}`, o[k], `no such field (known: ${known.join(', ')})`);
  }
}

const BIG = 1e9;

/** A source's synapse model (src/synapses; 'exponential' when `synapse` is absent), or null after flagging an unknown name. */
function synapseOf(c: Checker, path: string, o: Record<string, unknown>): SynapseModel | null {
  const name = o['synapse'] ?? DEFAULT_SYNAPSE;
  if (hasSynapseModel(name)) return synapseModel(name);
  c.bad(`${path}.synapse`, o['synapse'], `one of ${synapseModelNames().join(', ')}`);
  return null;
}

/** The source fields a synapse model owns (the exponential's when the model is unknown), for the known-field check. */
const synFields = (m: SynapseModel | null): readonly string[] => ['synapse', ...(m ?? synapseModel()).fields];

/** The neuron's model from the registry (src/neurons), which checks its fields. */
function checkNeuron(c: Checker, path: string, n: unknown, signals: Map<string, number>): void {
  if (!c.obj(path, n)) return;
  const m = n['model'];
  if (!hasNeuronModel(m)) {
    c.bad(`${path}.model`, m, `one of ${neuronModelNames().join(', ')}`);
    return;
  }
  neuronModel(m).validate(c, path, n, signals);
}

/** The rule's family (src/plasticity) checks the plasticity object; a rule no family owns goes to the first, which names it. */
function checkPlasticity(c: Checker, path: string, pl: unknown, T_s: number, sign: number, jInit?: number): void {
  if (!c.obj(path, pl)) return;
  (familyOfRule(pl['rule']) ?? defaultFamily()).validate(c, path, pl, jInit === undefined ? { T_s, sign } : { T_s, sign, jInit });
}

/**
 * Projections onto cond_lif posts carry conductances: the source needs a reversal potential, j >= 0, and a
 * plastic weight needs bounds with jMin >= 0 so it stays a conductance. Poisson sources take no input.
 */
function checkConductanceTarget(c: Checker, path: string, p: Record<string, unknown>, postModel: unknown, reversal: Map<string, unknown>): void {
  const input = hasNeuronModel(postModel) ? neuronModel(postModel).input : null;
  if (input === 'source') return c.bad(`${path}.post`, p['post'], `a population of integrating neurons (${String(postModel)} sources take no input)`);
  if (input !== 'conductance') return;
  if (typeof p['pre'] === 'string' && reversal.has(p['pre']) && reversal.get(p['pre']) === undefined)
    c.bad(`${path}.pre`, p['pre'], `a source with reversal_mV (post '${p['post']}' is conductance based)`);
  if (typeof p['j'] === 'number' && p['j'] < 0) c.bad(`${path}.j`, p['j'], `>= 0: a conductance in nS (post '${p['post']}' is conductance based; inhibition comes from the reversal potential)`);
  const pl = p['plasticity'] as Record<string, unknown> | undefined;
  if (pl && typeof pl === 'object') {
    const b = pl['bounds'] as Record<string, unknown> | undefined;
    if (!b || typeof b['jMin'] !== 'number' || b['jMin'] < 0) c.bad(`${path}.plasticity.bounds`, b, 'bounds with jMin >= 0 (weights onto a conductance-based post are conductances)');
  }
}

/**
 * A projection's delay: min_ms >= dt (a delay shorter than one step), max_ms >= min_ms, max_ms / dt at most
 * MAX_DELAY_STEPS (the ring); on a spike-driven (STDP) rule, whose updates use the arrival times (docs/trials-delays.md),
 * per-synapse delays span at most MAX_STDP_DELAY_SPAN steps (one pre trace group per delay; family 'trial' is free).
 */
/** Distinct per-synapse delays (in steps) a spike-driven plastic projection may have: one pre trace group each. */
export const MAX_STDP_DELAY_SPAN = 64;

function checkDelay(c: Checker, path: string, v: unknown, dt: unknown, pl: unknown): void {
  if (!c.obj(path, v)) return;
  c.known(path, v, ['min_ms', 'max_ms']);
  if (!c.num(`${path}.min_ms`, v['min_ms'], 0, 1e7) || !c.num(`${path}.max_ms`, v['max_ms'], 0, 1e7) || typeof dt !== 'number' || !(dt > 0)) return;
  const lo = v['min_ms'] as number, hi = v['max_ms'] as number;
  if (lo < dt * (1 - 1e-9)) c.bad(`${path}.min_ms`, lo, `>= one step (dt_ms = ${dt}): a delay shorter than one step`);
  if (hi < lo) c.bad(`${path}.max_ms`, hi, `>= min_ms (${lo})`);
  if (Math.round(hi / dt) > MAX_DELAY_STEPS) c.bad(`${path}.max_ms`, hi, `<= ${MAX_DELAY_STEPS} steps (${MAX_DELAY_STEPS * dt} ms at dt_ms = ${dt}): longer than the delay ring allows`);
  const rule = pl && typeof pl === 'object' ? (pl as Record<string, unknown>)['rule'] : undefined;
  const span = Math.round(hi / dt) - Math.round(lo / dt) + 1;
  if (rule !== undefined && rule !== 'per-trial' && span > MAX_STDP_DELAY_SPAN)
    c.bad(path, `[${lo}, ${hi}] ms (${span} delays of whole steps)`, `at most ${MAX_STDP_DELAY_SPAN} distinct delays (max - min <= ${MAX_STDP_DELAY_SPAN - 1} steps) on a projection with spike-driven plasticity ('${String(rule)}'): each delay needs its own presynaptic trace of arrivals`);
}

/** Throws SpecError listing every bad field; returns the spec typed when valid. */
export function validate(spec: unknown): NetworkSpec {
  const c = new Checker();
  if (!c.obj('spec', spec)) throw new SpecError(c.issues);
  const s = spec;
  c.known('spec', s, ['name', 'description', 'N', 'dt_ms', 'T_s', 'seed', 'populations', 'inputs', 'signals', 'projections', 'recording', 'maxRate_Hz']);
  c.name('name', s['name']);
  const NOk = c.num('N', s['N'], 1, 1e7, { int: true });
  const dtOk = c.num('dt_ms', s['dt_ms'], 0, 10, { loOpen: true });
  const TOk = c.num('T_s', s['T_s'], 0, 1e7, { loOpen: true });
  if (dtOk && TOk) {
    const steps = ((s['T_s'] as number) * 1000) / (s['dt_ms'] as number);
    if (Math.abs(steps - Math.round(steps)) > 1e-6 * Math.max(1, steps))
      c.bad('T_s', s['T_s'], `a whole number of steps of dt_ms = ${s['dt_ms']} (T/dt = ${steps})`);
    else if (Math.round(steps) > 2 ** 31 - 1) c.bad('T_s', s['T_s'], `at most ${(2 ** 31 - 1) * (s['dt_ms'] as number) / 1000} s at this dt`);
  }
  c.num('seed', s['seed'], 0, 4294967295, { int: true });
  c.num('maxRate_Hz', s['maxRate_Hz'], 0, 1e4, { loOpen: true });
  const T_s = typeof s['T_s'] === 'number' ? s['T_s'] : 0;
  const names = new Map<string, 'population' | 'input'>();
  const N = typeof s['N'] === 'number' ? s['N'] : 0;
  // A fraction is judged against a valid N only: a bad N is one error, not one more per population.
  const signals = new Map<string, number>(); // signal name -> channels
  if (s['signals'] !== undefined && c.arr('signals', s['signals'])) {
    s['signals'].forEach((g, i) => {
      const path = `signals[${i}]`;
      if (!c.obj(path, g)) return;
      c.known(path, g, ['name', 'channels', 'tau_ms']);
      c.num(`${path}.tau_ms`, g['tau_ms'], 0, 1e7, { loOpen: true });
      const okCh = c.num(`${path}.channels`, g['channels'], 1, 65536, { int: true });
      if (c.name(`${path}.name`, g['name'])) {
        if (signals.has(g['name'])) c.bad(`${path}.name`, g['name'], 'a name not used by another signal');
        signals.set(g['name'], okCh ? (g['channels'] as number) : 1);
      }
    });
  }
  const models = new Map<string, unknown>(); // population name -> neuron model
  const reversal = new Map<string, unknown>(); // population or input name -> reversal_mV
  if (c.arr('populations', s['populations'])) {
    if (s['populations'].length === 0) c.bad('populations', [], 'at least one population');
    s['populations'].forEach((p, i) => {
      const path = `populations[${i}]`;
      if (!c.obj(path, p)) return;
      const syn = synapseOf(c, path, p);
      c.known(path, p, ['name', 'fraction', 'neuron', ...synFields(syn), 'reversal_mV']);
      if (c.name(`${path}.name`, p['name'])) {
        if (names.has(p['name'])) c.bad(`${path}.name`, p['name'], 'a name not used by another population or input');
        else if (p['name'] === TOTAL_CHANNEL) c.bad(`${path}.name`, p['name'], `a name other than '${TOTAL_CHANNEL}' (the sum of a population's current channels in summaries, tables and figures)`);
        names.set(p['name'], 'population');
        models.set(p['name'], (p['neuron'] as Record<string, unknown> | undefined)?.['model']);
        reversal.set(p['name'], p['reversal_mV']);
      }
      if (p['reversal_mV'] !== undefined) c.num(`${path}.reversal_mV`, p['reversal_mV'], -1000, 1000);
      if (c.num(`${path}.fraction`, p['fraction'], 0, 1, { loOpen: true }) && NOk && Math.round((p['fraction'] as number) * N) < 1)
        c.bad(`${path}.fraction`, p['fraction'], `a fraction giving at least one neuron at N = ${N}`);
      syn?.validate(c, path, p);
      checkNeuron(c, `${path}.neuron`, p['neuron'], signals);
    });
  }
  if (Array.isArray(s['populations'])) {
    const fr = s['populations'].map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>)['fraction'] : undefined));
    if (fr.every((f) => typeof f === 'number' && Number.isFinite(f))) {
      const sum = (fr as number[]).reduce((a, f) => a + f, 0);
      if (sum > 1 + 1e-9)
        c.bad('populations', `(fractions summing to ${sum})`, 'population fractions summing to at most 1 (within 1e-9): the populations hold round(fraction * N) of the N neurons (N may also count input sources)');
    }
  }
  if (c.arr('inputs', s['inputs'])) {
    s['inputs'].forEach((p, i) => {
      const path = `inputs[${i}]`;
      if (!c.obj(path, p)) return;
      const syn = synapseOf(c, path, p);
      c.known(path, p, ['name', 'fraction', 'rate_Hz', 'correlation', 'jitter_ms', ...synFields(syn), 'reversal_mV', 'activeWindow_s']);
      if (c.name(`${path}.name`, p['name'])) {
        if (names.has(p['name'])) c.bad(`${path}.name`, p['name'], 'a name not used by another population or input');
        else if (p['name'] === TOTAL_CHANNEL) c.bad(`${path}.name`, p['name'], `a name other than '${TOTAL_CHANNEL}' (the sum of a population's current channels in summaries, tables and figures)`);
        names.set(p['name'], 'input');
        reversal.set(p['name'], p['reversal_mV']);
      }
      if (p['reversal_mV'] !== undefined) c.num(`${path}.reversal_mV`, p['reversal_mV'], -1000, 1000);
      if (c.num(`${path}.fraction`, p['fraction'], 0, 10, { loOpen: true }) && NOk && Math.round((p['fraction'] as number) * N) < 1)
        c.bad(`${path}.fraction`, p['fraction'], `a fraction giving at least one neuron at N = ${N}`);
      c.num(`${path}.rate_Hz`, p['rate_Hz'], 0, 1000);
      c.num(`${path}.correlation`, p['correlation'], 0, 1, { hiOpen: true });
      c.num(`${path}.jitter_ms`, p['jitter_ms'], 0, 100);
      syn?.validate(c, path, p);
      if (p['activeWindow_s'] !== undefined && c.obj(`${path}.activeWindow_s`, p['activeWindow_s'])) {
        const w = p['activeWindow_s'];
        c.known(`${path}.activeWindow_s`, w, ['start_s', 'stop_s']);
        if (c.num(`${path}.activeWindow_s.start_s`, w['start_s'], 0, 1e7) && c.num(`${path}.activeWindow_s.stop_s`, w['stop_s'], 0, 1e7) && (w['stop_s'] as number) < (w['start_s'] as number))
          c.bad(`${path}.activeWindow_s.stop_s`, w['stop_s'], `>= start_s (${w['start_s']})`);
      }
      // Rate per step must stay a small probability for the per-step generators.
      if (typeof p['rate_Hz'] === 'number' && typeof p['correlation'] === 'number' && typeof s['dt_ms'] === 'number' && p['correlation'] > 0) {
        const motherPerStep = ((p['rate_Hz'] / p['correlation']) * s['dt_ms']) / 1000;
        if (motherPerStep > 0.5) c.bad(`${path}.correlation`, p['correlation'], `>= ${((p['rate_Hz'] * s['dt_ms']) / 500).toPrecision(3)} so the mother rate r/c stays below 0.5 spikes per step`);
      }
    });
  }
  if (c.arr('projections', s['projections'])) {
    s['projections'].forEach((p, i) => {
      const path = `projections[${i}]`;
      if (!c.obj(path, p)) return;
      c.known(path, p, ['pre', 'post', 'connectivity', 'p', 'j', 'scaleBySqrtN', 'plasticity', 'delay', 'storage']);
      if (p['storage'] !== undefined) checkStorage(c, path, p);
      if (p['delay'] !== undefined) checkDelay(c, `${path}.delay`, p['delay'], s['dt_ms'], p['plasticity']);
      if (c.str(`${path}.pre`, p['pre']) && !names.has(p['pre'])) c.bad(`${path}.pre`, p['pre'], `a population or input name (${[...names.keys()].join(', ')})`);
      if (c.str(`${path}.post`, p['post']) && names.get(p['post']) !== 'population')
        c.bad(`${path}.post`, p['post'], `a population name (${[...names].filter(([, k]) => k === 'population').map(([n]) => n).join(', ')})`);
      if (p['connectivity'] !== 'bernoulli' && p['connectivity'] !== 'bernoulli-counter' && p['connectivity'] !== 'fixed-indegree')
        c.bad(`${path}.connectivity`, p['connectivity'], "'bernoulli', 'bernoulli-counter' or 'fixed-indegree'");
      c.num(`${path}.p`, p['p'], 0, 1);
      c.num(`${path}.j`, p['j'], -BIG, BIG);
      c.bool(`${path}.scaleBySqrtN`, p['scaleBySqrtN']);
      if (p['plasticity'] !== undefined) {
        if (names.get(p['pre'] as string) === 'input') c.bad(`${path}.plasticity`, p['plasticity'], 'absent: plasticity on input projections is not supported');
        checkPlasticity(c, `${path}.plasticity`, p['plasticity'], T_s, Math.sign(typeof p['j'] === 'number' ? p['j'] : 0), typeof p['j'] === 'number' ? p['j'] : undefined);
      }
      checkConductanceTarget(c, path, p, models.get(p['post'] as string), reversal);
    });
  }
  if (c.obj('recording', s['recording'])) {
    const r = s['recording'];
    c.known('recording', r, ['window_ms', 'statsStart_s', 'bin_ms', 'rasterNeurons', 'currentSamples', 'weightSamples', 'covSample']);
    const dt = typeof s['dt_ms'] === 'number' && s['dt_ms'] > 0 ? s['dt_ms'] : 1;
    for (const f of ['window_ms', 'bin_ms']) {
      if (c.num(`recording.${f}`, r[f], dt, 1e7)) {
        const k = (r[f] as number) / dt;
        if (Math.abs(k - Math.round(k)) > 1e-6) c.bad(`recording.${f}`, r[f], `a whole number of steps of dt_ms = ${dt}`);
      }
    }
    c.num('recording.statsStart_s', r['statsStart_s'], 0, T_s, { hiOpen: true });
    for (const f of ['rasterNeurons', 'currentSamples', 'weightSamples', 'covSample']) c.num(`recording.${f}`, r[f], 0, 1e6, { int: true });
  }
  checkLimits(c, s);
  if (c.issues.length > 0) throw new SpecError(c.issues);
  return s as unknown as NetworkSpec;
}

/**
 * projections[i].storage: 'stored', 'procedural' or 'auto'; 'procedural' only where no synapse needs memory: a
 * static 'bernoulli-counter' projection (from a population or an input) with one delay for all synapses.
 */
function checkStorage(c: Checker, path: string, p: Record<string, unknown>): void {
  const v = p['storage'];
  if (v !== 'stored' && v !== 'procedural' && v !== 'auto') {
    c.bad(`${path}.storage`, v, "'stored', 'procedural' or 'auto'");
    return;
  }
  if (v !== 'procedural') return;
  if (p['connectivity'] !== 'bernoulli-counter') c.bad(`${path}.storage`, v, `'stored' or 'auto' with connectivity ${JSON.stringify(p['connectivity'])}: procedural rows need 'bernoulli-counter'`);
  if (p['plasticity'] !== undefined) c.bad(`${path}.storage`, v, "'stored' or 'auto' on a plastic projection: its weights need memory");
  const dl = p['delay'] as Record<string, unknown> | undefined;
  if (dl && typeof dl === 'object' && dl['min_ms'] !== dl['max_ms'])
    c.bad(`${path}.storage`, v, "'stored' or 'auto' with delay.min_ms != delay.max_ms: per-synapse delays need memory");
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const I32_MAX = 2 ** 31 - 1;
const nice = (x: number) => Number(x.toPrecision(6));

/**
 * Limits of the engines' representations, found by the spec fuzzer (test/unit/fuzz.test.ts): values each in
 * range whose combination would crash (typed arrays too long, Poisson table out of range), hang (a jitter
 * ring of millions of steps) or silently wrap (i32 refractory counters, u16 spike counts, u8 population
 * ids, u8 input ids in RNG counters), and time constants below dt (forward Euler oscillates or diverges).
 */
function checkLimits(c: Checker, s: Record<string, unknown>): void {
  const dt = s['dt_ms'];
  const N = s['N'];
  if (!isNum(dt) || dt <= 0 || !isNum(N) || !Number.isInteger(N) || N < 1 || N > 1e7) return; // a bad N is reported once, above
  const nSteps = isNum(s['T_s']) ? Math.round((s['T_s'] * 1000) / dt) : 0;
  const objs = (v: unknown): [number, Record<string, unknown>][] =>
    Array.isArray(v) ? v.map((x, i) => [i, x] as [number, Record<string, unknown>]).filter(([, x]) => x !== null && typeof x === 'object' && !Array.isArray(x)) : [];
  const tauAtLeastDt = (path: string, v: unknown) => {
    if (isNum(v) && v > 0 && v < dt) c.bad(path, v, `>= dt_ms = ${dt} (forward Euler with a time constant below the step oscillates or diverges)`);
  };
  const synTausAtLeastDt = (path: string, o: Record<string, unknown>) => {
    const name = o['synapse'] ?? DEFAULT_SYNAPSE;
    if (hasSynapseModel(name)) for (const k of synapseModel(name).timeConstants) tauAtLeastDt(`${path}.${k}`, o[k]);
  };
  const pops = objs(s['populations']);
  const inputs = objs(s['inputs']);
  if (Array.isArray(s['populations']) && s['populations'].length > 256) c.bad('populations', `(${s['populations'].length} populations)`, 'at most 256 populations');
  if (Array.isArray(s['inputs']) && s['inputs'].length > 256) c.bad('inputs', `(${s['inputs'].length} inputs)`, 'at most 256 input layers (their index is 8 bits of the RNG counter)');
  if (Array.isArray(s['projections']) && s['projections'].length > 65535) c.bad('projections', `(${s['projections'].length} projections)`, 'at most 65535 projections');
  let nTotal = 0;
  for (const [i, p] of pops) {
    const path = `populations[${i}]`;
    if (isNum(p['fraction'])) nTotal += Math.round(p['fraction'] * N);
    synTausAtLeastDt(path, p);
    const n = p['neuron'] as Record<string, unknown> | null;
    if (!n || typeof n !== 'object') continue;
    tauAtLeastDt(`${path}.neuron.tauMem_ms`, n['tauMem_ms']);
    if (isNum(n['refractory_ms']) && n['refractory_ms'] / dt > I32_MAX)
      c.bad(`${path}.neuron.refractory_ms`, n['refractory_ms'], `at most ${nice(I32_MAX * dt)} ms at dt_ms = ${dt} (the refractory counter is an i32 of steps)`);
  }
  let ringElements = 0;
  for (const [i, x] of inputs) {
    const path = `inputs[${i}]`;
    synTausAtLeastDt(path, x);
    if (!isNum(x['fraction']) || !isNum(x['rate_Hz']) || !isNum(x['correlation'])) continue;
    const size = Math.round(x['fraction'] * N);
    if (x['correlation'] === 0) {
      const perStep = (x['rate_Hz'] * size * dt) / 1000;
      if (perStep > 1000)
        c.bad(`${path}.rate_Hz`, x['rate_Hz'], `at most ${nice((1000 * 1000) / (size * dt))} Hz for ${size} sources at dt_ms = ${dt}: the layer may emit at most 1000 expected spikes per step (now ${nice(perStep)})`);
    } else if (isNum(x['jitter_ms'])) {
      const D = Math.ceil((4 * x['jitter_ms']) / dt);
      if (D > 100000) c.bad(`${path}.jitter_ms`, x['jitter_ms'], `at most ${nice(25000 * dt)} ms at dt_ms = ${dt} (copies are delayed by up to 8 jitter s.d.: at most 200000 steps)`);
      else ringElements += (2 * D + 1) * size;
    }
  }
  if (ringElements > 2 ** 30) c.bad('inputs', `(${ringElements} ring slots)`, 'correlated-input delay rings of at most 2^30 slots in all (sum of (8 jitter_ms / dt_ms + 1) x layer size): lower jitter_ms, fraction or N');
  for (const [i, p] of objs(s['projections'])) {
    const pl = p['plasticity'] as Record<string, unknown> | null;
    if (pl && typeof pl === 'object') tauAtLeastDt(`projections[${i}].plasticity.tauSTDP_ms`, pl['tauSTDP_ms']);
  }
  const r = s['recording'] as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || !isNum(r['window_ms']) || !isNum(r['bin_ms']) || !isNum(r['statsStart_s'])) return;
  const windowSteps = Math.round(r['window_ms'] / dt);
  if (windowSteps > 65535) c.bad('recording.window_ms', r['window_ms'], `at most ${nice(65535 * dt)} ms at dt_ms = ${dt} (spike counts per window are u16: at most 65535 steps)`);
  // Recordings held in memory: spike counts (u16 per neuron per window) and the binned series.
  const nWindows = windowSteps > 0 ? Math.max(0, Math.floor((nSteps - Math.round((r['statsStart_s'] * 1000) / dt)) / windowSteps)) : 0;
  const nBins = Math.floor(nSteps / Math.max(1, Math.round(r['bin_ms'] / dt)));
  const nCh = pops.length + inputs.length;
  const nPlastic = objs(s['projections']).filter(([, p]) => p['plasticity'] !== undefined).length;
  const ws = isNum(r['weightSamples']) ? r['weightSamples'] : 0;
  const bytes = 2 * nWindows * nTotal + 8 * nBins * pops.length * (1 + nCh) + nBins * nPlastic * (8 + 4 * ws);
  if (bytes > 2 ** 32)
    c.bad('recording', `(${(bytes / 2 ** 30).toFixed(1)} GiB)`, 'recordings of at most 4 GiB (spike counts: 2 bytes x neurons x windows; series: per bin): lengthen window_ms or bin_ms, lower weightSamples, or shorten T_s');
}
