// validateBinasSpec(raw): every bad field of a Binas circuit spec, with its path, value and allowed range (SpecError;
// exit status 2 on the command line): w_max <= 0, negative thresholds, a group without its inhibitory population,
// an input pattern of the wrong length, and the rest.
import { SpecError, type SpecIssue } from '../../model/validate.ts';
import type { BinasSpec } from './spec.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = /^[A-Za-z0-9_]{1,32}$/;

export function validateBinasSpec(raw: unknown): BinasSpec {
  const issues: SpecIssue[] = [];
  const bad = (path: string, value: unknown, allowed: string): false => (issues.push({ path, value, allowed }), false);
  const num = (path: string, v: unknown, lo: number, hi: number, o: { loOpen?: boolean; int?: boolean } = {}): boolean => {
    const range = `${o.int ? 'an integer' : 'a finite number'} in ${o.loOpen ? '(' : '['}${lo}, ${hi}]`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (o.int && !Number.isInteger(v)) || (o.loOpen ? v <= lo : v < lo) || v > hi) return bad(path, v, range);
    return true;
  };
  const obj = (path: string, v: unknown): v is Obj => isObj(v) || bad(path, v, 'an object');
  if (!obj('spec', raw)) throw new SpecError(issues);
  const s = raw;
  if (s['kind'] !== 'binas') bad('kind', s['kind'], '"binas"');
  if (typeof s['name'] !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(s['name'])) bad('name', s['name'], 'a name of 1-64 letters, digits, _ . -');
  num('seed', s['seed'], 0, 4294967295, { int: true });
  num('batch', s['batch'], 1, 100_000, { int: true });
  const dtOk = num('dt_ms', s['dt_ms'], 0, 10, { loOpen: true });
  for (const f of ['tau_ms', 'tauI_ms']) if (num(f, s[f], 0, 1e6, { loOpen: true }) && dtOk && (s[f] as number) < (s['dt_ms'] as number)) bad(f, s[f], `>= dt_ms (${String(s['dt_ms'])}) for a stable Euler step`);
  num('thresholdE', s['thresholdE'], 0, 1e6);
  num('thresholdI', s['thresholdI'], 0, 1e6);

  const names = new Set<string>();
  let nE = 0;
  const groups = s['groups'];
  if (!Array.isArray(groups) || groups.length === 0) bad('groups', groups, 'a non-empty array of groups');
  else
    groups.forEach((g, k) => {
      const at = `groups[${k}]`;
      if (!obj(at, g)) return;
      if (typeof g['name'] !== 'string' || !NAME.test(g['name'])) bad(`${at}.name`, g['name'], 'a name of 1-32 letters, digits or _');
      const pop = (path: string, v: unknown) => {
        if (typeof v !== 'string' || !NAME.test(v)) return bad(path, v, 'a population name of 1-32 letters, digits or _');
        if (names.has(v)) return bad(path, v, 'a population name used once in the whole circuit');
        names.add(v);
        return true;
      };
      const ex = g['excitatory'];
      if (!Array.isArray(ex) || ex.length === 0) bad(`${at}.excitatory`, ex, 'a non-empty array of excitatory population names');
      else ex.forEach((e, i) => pop(`${at}.excitatory[${i}]`, e) && nE++);
      if (g['inhibitory'] === undefined || g['inhibitory'] === null) bad(`${at}.inhibitory`, g['inhibitory'], 'the name of the group\'s local inhibitory population (every group needs one)');
      else pop(`${at}.inhibitory`, g['inhibitory']);
    });

  const pl = s['plasticity'];
  if (pl !== null && obj('plasticity', pl)) {
    num('plasticity.wMax', pl['wMax'], 0, 1e6, { loOpen: true });
    num('plasticity.thetaExc_Hz', pl['thetaExc_Hz'], 0, 1e6);
    num('plasticity.thetaInh_Hz', pl['thetaInh_Hz'], 0, 1e6);
    num('plasticity.aExc', pl['aExc'], 0, 1e6);
    num('plasticity.aInh', pl['aInh'], 0, 1e6);
    num('plasticity.tauS_Hz2', pl['tauS_Hz2'], 0, 1e15, { loOpen: true });
  }
  const iw = s['initialWeights'];
  if (obj('initialWeights', iw) && num('initialWeights.lo', iw['lo'], 0, 1e6) && num('initialWeights.hi', iw['hi'], 0, 1e6) && (iw['hi'] as number) < (iw['lo'] as number)) bad('initialWeights.hi', iw['hi'], `>= initialWeights.lo (${String(iw['lo'])})`);
  if (isObj(pl) && isObj(iw) && typeof pl['wMax'] === 'number' && pl['wMax'] > 0 && typeof iw['hi'] === 'number' && iw['hi'] > pl['wMax']) bad('initialWeights.hi', iw['hi'], `<= plasticity.wMax (${pl['wMax']})`);

  const pt = s['patterns'];
  if (obj('patterns', pt)) {
    if (pt['kind'] === 'random-levels') {
      const lv = pt['levels_Hz'];
      if (!Array.isArray(lv) || lv.length !== nE) bad('patterns.levels_Hz', Array.isArray(lv) ? `${lv.length} levels` : lv, `${nE} levels (one per excitatory population)`);
      else lv.forEach((v, i) => num(`patterns.levels_Hz[${i}]`, v, 0, 1e6));
      if (num('patterns.jitter_Hz', pt['jitter_Hz'], 0, 1e6) && Array.isArray(lv) && lv.some((v) => typeof v === 'number' && v < (pt['jitter_Hz'] as number))) bad('patterns.jitter_Hz', pt['jitter_Hz'], `<= the smallest level (${Math.min(...(lv as number[]))}): inputs stay >= 0`);
    } else if (pt['kind'] === 'list') {
      const rows = pt['values_Hz'];
      if (!Array.isArray(rows) || rows.length === 0) bad('patterns.values_Hz', rows, 'a non-empty array of patterns');
      else
        rows.forEach((r, k) => {
          if (!Array.isArray(r) || r.length !== nE) bad(`patterns.values_Hz[${k}]`, Array.isArray(r) ? `${r.length} values` : r, `${nE} values (one per excitatory population, in group order)`);
          else r.forEach((v, i) => num(`patterns.values_Hz[${k}][${i}]`, v, 0, 1e6));
        });
    } else bad('patterns.kind', pt['kind'], 'one of "random-levels", "list"');
  }
  const pr = s['protocol'];
  if (obj('protocol', pr)) {
    num('protocol.count', pr['count'], 1, 1e7, { int: true });
    if (num('protocol.pattern_ms', pr['pattern_ms'], 0, 1e9, { loOpen: true }) && num('protocol.window_ms', pr['window_ms'], 0, 1e9, { loOpen: true }) && (pr['window_ms'] as number) >= (pr['pattern_ms'] as number)) bad('protocol.window_ms', pr['window_ms'], `< protocol.pattern_ms (${String(pr['pattern_ms'])})`);
  }
  const rec = s['recording'];
  if (obj('recording', rec)) {
    const count = isObj(pr) && typeof pr['count'] === 'number' ? pr['count'] : 1e7;
    num('recording.traceFirst', rec['traceFirst'], 0, count, { int: true });
    num('recording.traceLast', rec['traceLast'], 0, count, { int: true });
    num('recording.traceEvery_steps', rec['traceEvery_steps'], 1, 1e9, { int: true });
  }
  if (issues.length) throw new SpecError(issues);
  return raw as unknown as BinasSpec;
}
