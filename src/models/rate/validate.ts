// validateRateSpec(spec): every bad field of a rate spec is refused before any work with its path, value and
// allowed range (SpecError, exit status 2 on the command line), so that no run starts that would produce NaN.
import { SpecError, type SpecIssue } from '../../model/validate.ts';
import { isSafeName, NAME_RULE } from '../../model/names.ts';
import type { RateSpec } from './spec.ts';

/** Largest weight array one batch may hold (bytes): the default WebGPU maxStorageBufferBindingSize, 128 MiB. */
export const MAX_WEIGHT_BYTES = 134_217_728;
const RULES = ['homeostatic', 'cross-homeostatic', 'two-term'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Check {
  readonly issues: SpecIssue[] = [];
  bad(path: string, value: unknown, allowed: string): false {
    this.issues.push({ path, value, allowed });
    return false;
  }
  num(path: string, v: unknown, lo: number, hi: number, o: { loOpen?: boolean; int?: boolean } = {}): v is number {
    const range = `${o.int ? 'an integer' : 'a finite number'} in ${o.loOpen ? '(' : '['}${lo}, ${hi}]`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (o.int && !Number.isInteger(v))) return this.bad(path, v, range);
    if ((o.loOpen ? v <= lo : v < lo) || v > hi) return this.bad(path, v, range);
    return true;
  }
  oneOf(path: string, v: unknown, allowed: readonly unknown[]): boolean {
    return allowed.includes(v) || this.bad(path, v, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  obj(path: string, v: unknown): v is Obj {
    return isObj(v) || this.bad(path, v, 'an object');
  }
}

/** Checks a rate spec and returns it typed; throws SpecError listing every bad field. */
export function validateRateSpec(raw: unknown): RateSpec {
  const c = new Check();
  if (!c.obj('spec', raw)) throw new SpecError(c.issues);
  const s = raw;
  c.oneOf('kind', s['kind'], ['rate']);
  if (!isSafeName(s['name'])) c.bad('name', s['name'], NAME_RULE);
  c.num('seed', s['seed'], 0, 4294967295, { int: true });
  const batchOk = c.num('batch', s['batch'], 1, 1_000_000, { int: true });
  const dtOk = c.num('dt_ms', s['dt_ms'], 0, 10, { loOpen: true });
  c.oneOf('update', s['update'], ['sequential', 'simultaneous']);
  const dt = dtOk ? (s['dt_ms'] as number) : NaN;

  const names = new Map<string, number>();
  const pops = Array.isArray(s['populations']) ? (s['populations'] as unknown[]) : (c.bad('populations', s['populations'], 'a non-empty array'), []);
  if (Array.isArray(s['populations']) && pops.length === 0) c.bad('populations', s['populations'], 'a non-empty array');
  pops.forEach((p, k) => {
    const at = `populations[${k}]`;
    if (!c.obj(at, p)) return;
    if (typeof p['name'] !== 'string' || !/^[A-Za-z0-9_]{1,32}$/.test(p['name'])) c.bad(`${at}.name`, p['name'], 'a name of 1-32 letters, digits or _');
    else if (names.has(p['name'])) c.bad(`${at}.name`, p['name'], 'a name not used by another population');
    else names.set(p['name'], c.num(`${at}.n`, p['n'], 1, 65536, { int: true }) ? (p['n'] as number) : 1);
    if (c.num(`${at}.tau_ms`, p['tau_ms'], 0, 1e7, { loOpen: true }) && dtOk && (p['tau_ms'] as number) < dt) c.bad(`${at}.tau_ms`, p['tau_ms'], `>= dt_ms (${dt}) for a stable Euler step`);
    c.num(`${at}.gain`, p['gain'], 0, 1e6, { loOpen: true });
    c.num(`${at}.threshold`, p['threshold'], -1e6, 1e6);
    c.num(`${at}.rateMax_Hz`, p['rateMax_Hz'], 0, 1e6, { loOpen: true });
    if (p['setpoint_Hz'] !== undefined) c.num(`${at}.setpoint_Hz`, p['setpoint_Hz'], 0, 1e6);
    if (p['noise'] !== undefined && c.obj(`${at}.noise`, p['noise'])) {
      const nz = p['noise'];
      c.num(`${at}.noise.sigma`, nz['sigma'], 0, 1e6);
      if (c.num(`${at}.noise.tau_ms`, nz['tau_ms'], 0, 1e7, { loOpen: true }) && dtOk && (nz['tau_ms'] as number) < dt) c.bad(`${at}.noise.tau_ms`, nz['tau_ms'], `>= dt_ms (${dt})`);
    }
  });
  const popRef = (path: string, v: unknown): boolean =>
    (typeof v === 'string' && names.has(v)) || c.bad(path, v, `a population name (${[...names.keys()].join(', ') || 'none defined'})`);

  let nWeights = 0;
  const blocks = Array.isArray(s['weights']) ? (s['weights'] as unknown[]) : (c.bad('weights', s['weights'], 'an array'), []);
  const seen = new Set<string>();
  blocks.forEach((w, k) => {
    const at = `weights[${k}]`;
    if (!c.obj(at, w)) return;
    const ok = popRef(`${at}.post`, w['post']) && popRef(`${at}.pre`, w['pre']);
    c.oneOf(`${at}.sign`, w['sign'], [1, -1]);
    if (w['autapses'] !== undefined) c.oneOf(`${at}.autapses`, w['autapses'], [true, false]);
    if (ok) {
      const key = `${String(w['post'])}<-${String(w['pre'])}`;
      if (seen.has(key)) c.bad(`${at}`, key, 'one block per (post, pre) pair');
      seen.add(key);
      nWeights += names.get(w['post'] as string)! * names.get(w['pre'] as string)!;
    }
    const init = w['init'];
    if (!c.obj(`${at}.init`, init)) return;
    if (!c.oneOf(`${at}.init.kind`, init['kind'], ['constant', 'uniform', 'normal', 'list'])) return;
    if (init['kind'] === 'constant') c.num(`${at}.init.value`, init['value'], 0, 1e6);
    else if (init['kind'] === 'uniform') {
      if (c.num(`${at}.init.lo`, init['lo'], 0, 1e6) && c.num(`${at}.init.hi`, init['hi'], 0, 1e6) && (init['hi'] as number) < (init['lo'] as number)) c.bad(`${at}.init.hi`, init['hi'], `>= init.lo (${String(init['lo'])})`);
    } else if (init['kind'] === 'normal') {
      c.num(`${at}.init.mean`, init['mean'], 0, 1e6);
      c.num(`${at}.init.sd`, init['sd'], 0, 1e6);
    } else {
      const v = init['values'];
      if (!Array.isArray(v) || (batchOk && v.length !== s['batch'])) c.bad(`${at}.init.values`, Array.isArray(v) ? `${v.length} values` : v, `an array of batch (${String(s['batch'])}) weights`);
      else v.forEach((x, i) => c.num(`${at}.init.values[${i}]`, x, 0, 1e6));
    }
  });
  if (batchOk && nWeights * (s['batch'] as number) * 4 > MAX_WEIGHT_BYTES) {
    c.bad('batch', s['batch'], `at most ${Math.floor(MAX_WEIGHT_BYTES / 4 / Math.max(1, nWeights))} networks of ${nWeights} weights (weights of the whole batch <= ${MAX_WEIGHT_BYTES} bytes, one storage binding)`);
  }

  const inputs = Array.isArray(s['inputs']) ? (s['inputs'] as unknown[]) : (c.bad('inputs', s['inputs'], 'an array'), []);
  inputs.forEach((x, k) => {
    const at = `inputs[${k}]`;
    if (!c.obj(at, x)) return;
    if (x['kind'] === 'pattern') return checkPattern(c, at, x, popRef, names);
    popRef(`${at}.target`, x['target']);
    if (!c.oneOf(`${at}.kind`, x['kind'], ['pulse', 'poisson-pulse', 'constant', 'pattern'])) return;
    c.num(`${at}.amp`, x['amp'], -1e6, 1e6);
    if (x['kind'] === 'pulse') {
      c.num(`${at}.onset_ms`, x['onset_ms'], 0, 1e9);
      c.num(`${at}.duration_ms`, x['duration_ms'], 0, 1e9);
    } else if (x['kind'] === 'poisson-pulse') {
      c.num(`${at}.rate_Hz`, x['rate_Hz'], 0, 1e4);
      c.num(`${at}.duration_ms`, x['duration_ms'], 0, 1e9);
      if (x['forced_ms'] !== undefined) {
        if (!Array.isArray(x['forced_ms'])) c.bad(`${at}.forced_ms`, x['forced_ms'], 'an array of times (ms)');
        else (x['forced_ms'] as unknown[]).forEach((t, i) => c.num(`${at}.forced_ms[${i}]`, t, 0, 1e9));
      }
    }
  });

  const tr = s['trials'];
  let trialSteps = NaN;
  if (c.obj('trials', tr)) {
    c.num('trials.count', tr['count'], 1, 1e7, { int: true });
    if (c.num('trials.duration_ms', tr['duration_ms'], 0, 1e9, { loOpen: true }) && dtOk) {
      trialSteps = Math.round((tr['duration_ms'] as number) / dt);
      if (trialSteps < 1 || trialSteps > 2 ** 31) c.bad('trials.duration_ms', tr['duration_ms'], `1 to 2^31 steps of dt_ms (${dt})`);
    }
    if (c.num('trials.window_ms', tr['window_ms'], 0, 1e9, { loOpen: true }) && (tr['window_ms'] as number) >= (tr['duration_ms'] as number)) c.bad('trials.window_ms', tr['window_ms'], `< trials.duration_ms (${String(tr['duration_ms'])})`);
    c.num('trials.tauTrial', tr['tauTrial'], 1, 1e6);
    c.oneOf('trials.resetRates', tr['resetRates'], [true, false]);
  }

  const pl = s['plasticity'];
  if (isObj(pl) && pl['kind'] === 'continuous') checkContinuous(c, pl, batchOk ? (s['batch'] as number) : NaN);
  else if (pl !== null && c.obj('plasticity', pl)) {
    c.oneOf('plasticity.kind', pl['kind'], ['trial', 'online', 'continuous']);
    c.oneOf('plasticity.rule', pl['rule'], RULES);
    for (const f of ['excitatory', 'inhibitory'] as const) {
      if (popRef(`plasticity.${f}`, pl[f])) {
        const p = pops.find((q) => isObj(q) && q['name'] === pl[f]) as Obj;
        if (p['setpoint_Hz'] === undefined) c.bad(`populations[${pops.indexOf(p)}].setpoint_Hz`, undefined, `a set point (Hz): population '${String(pl[f])}' is plastic`);
      }
    }
    if (pl['excitatory'] === pl['inhibitory']) c.bad('plasticity.inhibitory', pl['inhibitory'], 'a population other than plasticity.excitatory');
    for (const post of [pl['excitatory'], pl['inhibitory']]) for (const pre of [pl['excitatory'], pl['inhibitory']]) {
      const b = blocks.find((w) => isObj(w) && w['post'] === post && w['pre'] === pre) as Obj | undefined;
      if (!b) c.bad('plasticity', `${String(post)}<-${String(pre)}`, `a weight class that exists: the rule needs all four blocks between '${String(pl['excitatory'])}' and '${String(pl['inhibitory'])}' in weights[]`);
      else if (b['sign'] !== (pre === pl['excitatory'] ? 1 : -1)) c.bad(`weights[${blocks.indexOf(b)}].sign`, b['sign'], `${pre === pl['excitatory'] ? 1 : -1}: the rule's ${pre === pl['excitatory'] ? 'excitatory' : 'inhibitory'} presynaptic class`);
    }
    c.num('plasticity.alphaE', pl['alphaE'], 0, 1);
    c.num('plasticity.alphaI', pl['alphaI'], 0, 1);
    c.num('plasticity.weightFloor', pl['weightFloor'], 0, 1e6);
    c.num('plasticity.rateFloor_Hz', pl['rateFloor_Hz'], 0, 1e6);
    if (pl['kind'] === 'online' && c.num('plasticity.tauCa_ms', pl['tauCa_ms'], 0, 1e9, { loOpen: true }) && dtOk && (pl['tauCa_ms'] as number) < dt) c.bad('plasticity.tauCa_ms', pl['tauCa_ms'], `>= dt_ms (${dt})`);
  }

  const rec = s['recording'];
  if (c.obj('recording', rec)) {
    if (!Array.isArray(rec['traceTrials'])) c.bad('recording.traceTrials', rec['traceTrials'], 'an array of 1-based trial numbers');
    else (rec['traceTrials'] as unknown[]).forEach((t, i) => c.num(`recording.traceTrials[${i}]`, t, 1, isObj(tr) && typeof tr['count'] === 'number' ? tr['count'] : 1e7, { int: true }));
    c.num('recording.traceEvery_steps', rec['traceEvery_steps'], 1, Number.isFinite(trialSteps) ? Math.max(1, trialSteps) : 2 ** 31, { int: true });
  }
  if (c.issues.length) throw new SpecError(c.issues);
  return raw as unknown as RateSpec;
}

/** A pattern input: known target populations, and every row one finite value per target unit. */
function checkPattern(c: Check, at: string, x: Obj, popRef: (path: string, v: unknown) => boolean, sizes: Map<string, number>): void {
  const targets = x['targets'];
  let units = NaN;
  if (!Array.isArray(targets) || targets.length === 0) c.bad(`${at}.targets`, targets, 'a non-empty array of population names');
  else if (targets.every((t, i) => popRef(`${at}.targets[${i}]`, t))) {
    if (new Set(targets).size !== targets.length) c.bad(`${at}.targets`, targets, 'population names without repeats');
    units = targets.reduce((a: number, t) => a + sizes.get(t as string)!, 0);
  }
  const rows = x['values'];
  if (!Array.isArray(rows) || rows.length === 0) return void c.bad(`${at}.values`, rows, 'a non-empty array of rows (one per trial, cycled)');
  rows.forEach((row, r) => {
    if (!Array.isArray(row)) return void c.bad(`${at}.values[${r}]`, row, 'an array of input values');
    if (Number.isFinite(units) && row.length !== units) return void c.bad(`${at}.values[${r}]`, `${row.length} values`, `${units} values (one per unit of ${(targets as string[]).join(', ')})`);
    row.forEach((v, u) => c.num(`${at}.values[${r}][${u}]`, v, -1e6, 1e6));
  });
}

/** The continuous-time Eq 18 rule (Binas 2014): w_max > 0, thresholds and A >= 0, tau_s > 0; per-network w_max, A_exc of batch length. */
function checkContinuous(c: Check, pl: Obj, batchOf: number): void {
  c.oneOf('plasticity.rule', pl['rule'], ['binas']);
  c.num('plasticity.wMax', pl['wMax'], 0, 1e6, { loOpen: true });
  c.num('plasticity.thetaExc_Hz', pl['thetaExc_Hz'], 0, 1e6);
  c.num('plasticity.thetaInh_Hz', pl['thetaInh_Hz'], 0, 1e6);
  c.num('plasticity.aExc', pl['aExc'], 0, 1e6);
  c.num('plasticity.aInh', pl['aInh'], 0, 1e6);
  c.num('plasticity.tauS_Hz2', pl['tauS_Hz2'], 0, 1e15, { loOpen: true });
  const per = pl['perNetwork'];
  if (per === undefined) return;
  if (!isObj(per)) {
    c.bad('plasticity.perNetwork', per, 'an object { wMax?: number[], aExc?: number[] }');
    return;
  }
  for (const [k, lo, loOpen] of [['wMax', 0, true], ['aExc', 0, false]] as const) {
    const v = per[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length !== batchOf) c.bad(`plasticity.perNetwork.${k}`, Array.isArray(v) ? `${v.length} values` : v, `one value per network of the batch (${batchOf})`);
    else v.forEach((x, i) => c.num(`plasticity.perNetwork.${k}[${i}]`, x, lo, 1e6, { loOpen }));
  }
}
