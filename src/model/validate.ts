// validate(spec): rejects every bad field before any work, naming its path, value and allowed range.
import type { NetworkSpec, NeuronSpec, PlasticitySpec, RuleTerm } from './spec.ts';
import { NEURON_MODELS } from './spec.ts';
import { RULE_NAMES } from './rules.ts';

/** Rules that only make sense on one sign of weight (excitatory > 0, inhibitory < 0). */
const RULE_SIGN: Record<string, 1 | -1> = {
  hebbian: 1, 'anti-hebbian': 1, 'soft-hebbian': 1, 'hard-hebbian': 1, oja: 1, kohonen: 1, 'homeostatic-ie': 1, 'hebbian-ie': 1,
  'istdp-ei': -1, 'istdp-ii': -1,
};

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

/** Poisson source population: rate, dead time, optional modulation by a declared signal channel. */
function checkSource(c: Checker, path: string, n: Record<string, unknown>, signals: Map<string, number>): void {
  c.known(path, n, ['model', 'rate_Hz', 'refractory_ms', 'modulation']);
  c.num(`${path}.rate_Hz`, n['rate_Hz'], 0, 1000);
  c.num(`${path}.refractory_ms`, n['refractory_ms'], 0, 1e4);
  const m = n['modulation'];
  if (m === undefined || !c.obj(`${path}.modulation`, m)) return;
  c.known(`${path}.modulation`, m, ['signal', 'channel', 'gain_Hz']);
  c.num(`${path}.modulation.gain_Hz`, m['gain_Hz'], 0, 1e9);
  if (!c.str(`${path}.modulation.signal`, m['signal'])) return;
  const nCh = signals.get(m['signal']);
  if (nCh === undefined) return c.bad(`${path}.modulation.signal`, m['signal'], `a signal name (${[...signals.keys()].join(', ') || 'none declared'})`);
  if (m['channel'] !== undefined) c.num(`${path}.modulation.channel`, m['channel'], 0, nCh - 1, { int: true });
}

function checkNeuron(c: Checker, path: string, n: unknown, signals: Map<string, number>): void {
  if (!c.obj(path, n)) return;
  const m = n['model'];
  if (!NEURON_MODELS.includes(m as NeuronSpec['model'])) {
    c.bad(`${path}.model`, m, `one of ${NEURON_MODELS.join(', ')}`);
    return;
  }
  if (m === 'poisson') return checkSource(c, path, n, signals);
  const common = ['model', 'eL_mV', 'vThresh_mV', 'vReset_mV', 'refractory_ms', 'vInitLow_mV', 'vInitHigh_mV'];
  const fields = m === 'eif' ? [...common, 'tauMem_ms', 'vT_mV', 'deltaT_mV'] : m === 'cond_lif' ? [...common, 'C_pF', 'gL_nS', 'iBg_pA'] : [...common, 'tauMem_ms'];
  c.known(path, n, fields);
  if (m === 'cond_lif') {
    c.num(`${path}.C_pF`, n['C_pF'], 0, 1e9, { loOpen: true });
    c.num(`${path}.gL_nS`, n['gL_nS'], 0, 1e9, { loOpen: true });
    c.num(`${path}.iBg_pA`, n['iBg_pA'], -1e9, 1e9);
  } else c.num(`${path}.tauMem_ms`, n['tauMem_ms'], 0, 1e6, { loOpen: true });
  for (const f of ['eL_mV', 'vThresh_mV', 'vReset_mV', 'vInitLow_mV', 'vInitHigh_mV']) c.num(`${path}.${f}`, n[f], -1000, 1000);
  c.num(`${path}.refractory_ms`, n['refractory_ms'], 0, 1e4);
  if (m === 'eif') {
    c.num(`${path}.vT_mV`, n['vT_mV'], -1000, 1000);
    c.num(`${path}.deltaT_mV`, n['deltaT_mV'], 0, 100, { loOpen: true });
  }
  if (typeof n['vReset_mV'] === 'number' && typeof n['vThresh_mV'] === 'number' && !(n['vReset_mV'] < n['vThresh_mV']))
    c.bad(`${path}.vReset_mV`, n['vReset_mV'], `below vThresh_mV (${n['vThresh_mV']})`);
  if (typeof n['vInitLow_mV'] === 'number' && typeof n['vInitHigh_mV'] === 'number' && n['vInitLow_mV'] > n['vInitHigh_mV'])
    c.bad(`${path}.vInitHigh_mV`, n['vInitHigh_mV'], `>= vInitLow_mV (${n['vInitLow_mV']})`);
}

function checkTerm(c: Checker, path: string, t: unknown): void {
  if (!c.obj(path, t)) return;
  c.known(path, t, ['a', 'bPre', 'bPost', 'weightDep', 'jRef', 'scaled']);
  if (t['scaled'] !== undefined) c.bool(`${path}.scaled`, t['scaled']);
  for (const f of ['a', 'bPre', 'bPost']) c.num(`${path}.${f}`, t[f], -BIG, BIG);
  const dep = t['weightDep'] as RuleTerm['weightDep'];
  if (dep !== 'none' && dep !== 'linear') c.bad(`${path}.weightDep`, dep, "'none' or 'linear'");
  if (dep === 'linear') {
    if (c.num(`${path}.jRef`, t['jRef'], -BIG, BIG) && t['jRef'] === 0) c.bad(`${path}.jRef`, 0, 'a non-zero number');
  }
}

function checkPlasticity(c: Checker, path: string, pl: unknown, T_s: number, sign: number, jInit?: number): void {
  if (!c.obj(path, pl)) return;
  c.known(path, pl, ['rule', 'tauSTDP_ms', 'eta', 'learningTimescale_ms', 'onPre', 'onPost', 'bounds', 'startAt_s']);
  if (c.str(`${path}.rule`, pl['rule'])) {
    const rule = pl['rule'];
    if (!(RULE_NAMES as readonly string[]).includes(rule)) c.bad(`${path}.rule`, rule, `one of ${RULE_NAMES.join(', ')}`);
    const need = RULE_SIGN[rule];
    if (need !== undefined && sign !== 0 && sign !== need)
      c.bad(`${path}.rule`, rule, `a rule for ${sign > 0 ? 'excitatory (j > 0)' : 'inhibitory (j < 0)'} projections; '${rule}' needs ${need > 0 ? 'j > 0' : 'j < 0'}`);
  }
  c.num(`${path}.tauSTDP_ms`, pl['tauSTDP_ms'], 0, 1e7, { loOpen: true });
  const hasEta = pl['eta'] !== undefined;
  const hasTs = pl['learningTimescale_ms'] !== undefined;
  if (hasEta === hasTs) c.bad(`${path}.eta`, pl['eta'], 'exactly one of eta (per spike) or learningTimescale_ms');
  if (hasEta) c.num(`${path}.eta`, pl['eta'], 0, 1e3);
  if (hasTs) c.num(`${path}.learningTimescale_ms`, pl['learningTimescale_ms'], 0, 1e15, { loOpen: true });
  checkTerm(c, `${path}.onPre`, pl['onPre']);
  checkTerm(c, `${path}.onPost`, pl['onPost']);
  if (pl['bounds'] !== undefined && c.obj(`${path}.bounds`, pl['bounds'])) {
    const b = pl['bounds'];
    c.known(`${path}.bounds`, b, ['jMin', 'jMax', 'mode']);
    const ok = c.num(`${path}.bounds.jMin`, b['jMin'], -BIG, BIG) && c.num(`${path}.bounds.jMax`, b['jMax'], -BIG, BIG);
    if (ok && (b['jMin'] as number) > (b['jMax'] as number)) c.bad(`${path}.bounds.jMax`, b['jMax'], `>= jMin (${b['jMin']})`);
    if (b['mode'] !== 'clip' && b['mode'] !== 'gate') c.bad(`${path}.bounds.mode`, b['mode'], "'clip' or 'gate'");
    if (ok && b['mode'] === 'clip' && jInit !== undefined && (jInit < (b['jMin'] as number) || jInit > (b['jMax'] as number)))
      c.bad(`${path}.bounds`, b, `bounds containing the projection's initial j = ${jInit}`);
  }
  if (pl['startAt_s'] !== undefined) c.num(`${path}.startAt_s`, pl['startAt_s'], 0, T_s);
  const p = pl as unknown as PlasticitySpec;
  // A multiplicative rule keeps the sign only if jRef has the projection's sign (J/jRef > 0).
  for (const [k, t] of [['onPre', p.onPre], ['onPost', p.onPost]] as const) {
    if (t && t.weightDep === 'linear' && typeof t.jRef === 'number' && sign !== 0 && Math.sign(t.jRef) !== sign)
      c.bad(`${path}.${k}.jRef`, t.jRef, `the sign of the projection's weight (${sign > 0 ? 'positive: excitatory' : 'negative: inhibitory'}); rule '${p.rule}' cannot act on this projection`);
  }
}

/**
 * Projections onto cond_lif posts carry conductances: the source needs a reversal potential, j >= 0, and a
 * plastic weight needs bounds with jMin >= 0 so it stays a conductance. Poisson sources take no input.
 */
function checkConductanceTarget(c: Checker, path: string, p: Record<string, unknown>, postModel: unknown, reversal: Map<string, unknown>): void {
  if (postModel === 'poisson') return c.bad(`${path}.post`, p['post'], 'a population of integrating neurons (poisson sources take no input)');
  if (postModel !== 'cond_lif') return;
  if (typeof p['pre'] === 'string' && reversal.has(p['pre']) && reversal.get(p['pre']) === undefined)
    c.bad(`${path}.pre`, p['pre'], `a source with reversal_mV (post '${p['post']}' is conductance based)`);
  if (typeof p['j'] === 'number' && p['j'] < 0) c.bad(`${path}.j`, p['j'], `>= 0: a conductance in nS (post '${p['post']}' is conductance based; inhibition comes from the reversal potential)`);
  const pl = p['plasticity'] as Record<string, unknown> | undefined;
  if (pl && typeof pl === 'object') {
    const b = pl['bounds'] as Record<string, unknown> | undefined;
    if (!b || typeof b['jMin'] !== 'number' || b['jMin'] < 0) c.bad(`${path}.plasticity.bounds`, b, 'bounds with jMin >= 0 (weights onto a conductance-based post are conductances)');
  }
}

/** Throws SpecError listing every bad field; returns the spec typed when valid. */
export function validate(spec: unknown): NetworkSpec {
  const c = new Checker();
  if (!c.obj('spec', spec)) throw new SpecError(c.issues);
  const s = spec;
  c.known('spec', s, ['name', 'description', 'N', 'dt_ms', 'T_s', 'seed', 'populations', 'inputs', 'signals', 'projections', 'recording', 'maxRate_Hz']);
  c.str('name', s['name']);
  c.num('N', s['N'], 1, 1e7, { int: true });
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
  const signals = new Map<string, number>(); // signal name -> channels
  if (s['signals'] !== undefined && c.arr('signals', s['signals'])) {
    s['signals'].forEach((g, i) => {
      const path = `signals[${i}]`;
      if (!c.obj(path, g)) return;
      c.known(path, g, ['name', 'channels', 'tau_ms']);
      c.num(`${path}.tau_ms`, g['tau_ms'], 0, 1e7, { loOpen: true });
      const okCh = c.num(`${path}.channels`, g['channels'], 1, 65536, { int: true });
      if (c.str(`${path}.name`, g['name'])) {
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
      c.known(path, p, ['name', 'fraction', 'neuron', 'tauSyn_ms', 'reversal_mV']);
      if (c.str(`${path}.name`, p['name'])) {
        if (names.has(p['name'])) c.bad(`${path}.name`, p['name'], 'a name not used by another population or input');
        names.set(p['name'], 'population');
        models.set(p['name'], (p['neuron'] as Record<string, unknown> | undefined)?.['model']);
        reversal.set(p['name'], p['reversal_mV']);
      }
      if (p['reversal_mV'] !== undefined) c.num(`${path}.reversal_mV`, p['reversal_mV'], -1000, 1000);
      if (c.num(`${path}.fraction`, p['fraction'], 0, 1, { loOpen: true }) && Math.round((p['fraction'] as number) * N) < 1)
        c.bad(`${path}.fraction`, p['fraction'], `a fraction giving at least one neuron at N = ${N}`);
      c.num(`${path}.tauSyn_ms`, p['tauSyn_ms'], 0, 1e6, { loOpen: true });
      checkNeuron(c, `${path}.neuron`, p['neuron'], signals);
    });
  }
  if (c.arr('inputs', s['inputs'])) {
    s['inputs'].forEach((p, i) => {
      const path = `inputs[${i}]`;
      if (!c.obj(path, p)) return;
      c.known(path, p, ['name', 'fraction', 'rate_Hz', 'correlation', 'jitter_ms', 'tauSyn_ms', 'reversal_mV', 'activeWindow_s']);
      if (c.str(`${path}.name`, p['name'])) {
        if (names.has(p['name'])) c.bad(`${path}.name`, p['name'], 'a name not used by another population or input');
        names.set(p['name'], 'input');
        reversal.set(p['name'], p['reversal_mV']);
      }
      if (p['reversal_mV'] !== undefined) c.num(`${path}.reversal_mV`, p['reversal_mV'], -1000, 1000);
      if (c.num(`${path}.fraction`, p['fraction'], 0, 10, { loOpen: true }) && Math.round((p['fraction'] as number) * N) < 1)
        c.bad(`${path}.fraction`, p['fraction'], `a fraction giving at least one neuron at N = ${N}`);
      c.num(`${path}.rate_Hz`, p['rate_Hz'], 0, 1000);
      c.num(`${path}.correlation`, p['correlation'], 0, 1, { hiOpen: true });
      c.num(`${path}.jitter_ms`, p['jitter_ms'], 0, 100);
      c.num(`${path}.tauSyn_ms`, p['tauSyn_ms'], 0, 1e6, { loOpen: true });
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
      c.known(path, p, ['pre', 'post', 'connectivity', 'p', 'j', 'scaleBySqrtN', 'plasticity']);
      if (c.str(`${path}.pre`, p['pre']) && !names.has(p['pre'])) c.bad(`${path}.pre`, p['pre'], `a population or input name (${[...names.keys()].join(', ')})`);
      if (c.str(`${path}.post`, p['post']) && names.get(p['post']) !== 'population')
        c.bad(`${path}.post`, p['post'], `a population name (${[...names].filter(([, k]) => k === 'population').map(([n]) => n).join(', ')})`);
      if (p['connectivity'] !== 'bernoulli' && p['connectivity'] !== 'fixed-indegree') c.bad(`${path}.connectivity`, p['connectivity'], "'bernoulli' or 'fixed-indegree'");
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
  if (!isNum(dt) || dt <= 0 || !isNum(N)) return;
  const nSteps = isNum(s['T_s']) ? Math.round((s['T_s'] * 1000) / dt) : 0;
  const objs = (v: unknown): [number, Record<string, unknown>][] =>
    Array.isArray(v) ? v.map((x, i) => [i, x] as [number, Record<string, unknown>]).filter(([, x]) => x !== null && typeof x === 'object' && !Array.isArray(x)) : [];
  const tauAtLeastDt = (path: string, v: unknown) => {
    if (isNum(v) && v > 0 && v < dt) c.bad(path, v, `>= dt_ms = ${dt} (forward Euler with a time constant below the step oscillates or diverges)`);
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
    tauAtLeastDt(`${path}.tauSyn_ms`, p['tauSyn_ms']);
    const n = p['neuron'] as Record<string, unknown> | null;
    if (!n || typeof n !== 'object') continue;
    tauAtLeastDt(`${path}.neuron.tauMem_ms`, n['tauMem_ms']);
    if (isNum(n['refractory_ms']) && n['refractory_ms'] / dt > I32_MAX)
      c.bad(`${path}.neuron.refractory_ms`, n['refractory_ms'], `at most ${nice(I32_MAX * dt)} ms at dt_ms = ${dt} (the refractory counter is an i32 of steps)`);
  }
  let ringElements = 0;
  for (const [i, x] of inputs) {
    const path = `inputs[${i}]`;
    tauAtLeastDt(`${path}.tauSyn_ms`, x['tauSyn_ms']);
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
