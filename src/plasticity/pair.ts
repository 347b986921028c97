// The pair-STDP family (the first registered): every named rule of src/model/rules.ts and 'general' are
// instances of spec.ts's RuleTerm form, dJ = eta * f(J) * (a + bPre*x_pre + bPost*x_post) on existing
// synapses, with traces from before this step; pre-spike updates first, then post-spike updates (the
// authors' order). This module holds the spec check, the derived constants and the CPU update; the WGSL twin
// is the shared apply_term (state.wgsl) and plasticity_{pre,post}.wgsl, which read DerivedRule's pair fields.
import type { DerivedRule, DerivedTerm } from '../model/derive.ts';
import type { PlasticitySpec, RuleTerm } from '../model/spec.ts';
import { RULE_NAMES } from '../model/rules.ts';
import type { StateLayout } from '../engine/state.ts';
import { fixedIncrement } from '../engine/fixed.ts';
import { etaPerSpike, ruleNames, type ActiveProjection, type SynapseSlice, type PlasticityFamily, type RuleChecker, type RuleCheckContext, type RuleDeriveContext } from './registry.ts';

const f = Math.fround;
const f32 = Math.fround;
const BIG = 1e9; // as validate.ts: the largest magnitude of a free coefficient

/** Rules that only make sense on one sign of weight (excitatory > 0, inhibitory < 0). */
const RULE_SIGN: Record<string, 1 | -1> = {
  hebbian: 1, 'anti-hebbian': 1, 'soft-hebbian': 1, 'hard-hebbian': 1, oja: 1, kohonen: 1, 'homeostatic-ie': 1, 'hebbian-ie': 1,
  'istdp-ei': -1, 'istdp-ii': -1,
};

// --- spec check ---

function checkTerm(c: RuleChecker, path: string, t: unknown): void {
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

function checkPair(c: RuleChecker, path: string, pl: Record<string, unknown>, { T_s, sign, jInit }: RuleCheckContext): void {
  c.known(path, pl, ['rule', 'tauSTDP_ms', 'eta', 'learningTimescale_ms', 'onPre', 'onPost', 'bounds', 'startAt_s']);
  if (c.str(`${path}.rule`, pl['rule'])) {
    const rule = pl['rule'];
    const names = ruleNames();
    if (!names.includes(rule)) c.bad(`${path}.rule`, rule, `one of ${names.join(', ')}`);
    const need = RULE_SIGN[rule];
    if (need !== undefined && sign !== 0 && sign !== need)
      c.bad(`${path}.rule`, rule, `a rule for ${sign > 0 ? 'excitatory (j > 0)' : 'inhibitory (j < 0)'} projections; '${rule}' needs ${need > 0 ? 'j > 0' : 'j < 0'}`);
  }
  checkRate(c, path, pl);
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

/** The fields every family shares: tauSTDP_ms and exactly one of eta / learningTimescale_ms (other families may call it). */
export function checkRate(c: RuleChecker, path: string, pl: Record<string, unknown>): void {
  c.num(`${path}.tauSTDP_ms`, pl['tauSTDP_ms'], 0, 1e7, { loOpen: true });
  const hasEta = pl['eta'] !== undefined;
  const hasTs = pl['learningTimescale_ms'] !== undefined;
  if (hasEta === hasTs) c.bad(`${path}.eta`, pl['eta'], 'exactly one of eta (per spike) or learningTimescale_ms');
  if (hasEta) c.num(`${path}.eta`, pl['eta'], 0, 1e3);
  if (hasTs) c.num(`${path}.learningTimescale_ms`, pl['learningTimescale_ms'], 0, 1e15, { loOpen: true });
}

// --- derived constants ---

function deriveTerm(t: RuleTerm, jScale: number, eta: number): DerivedTerm {
  const dep = t.weightDep === 'linear' ? 1 : 0;
  return { eta: f32(eta * (t.scaled ? jScale : 1)), a: t.a, bPre: t.bPre, bPost: t.bPost, dep, invJRef: dep ? 1 / ((t.jRef as number) * jScale) : 0 };
}

function derivePair(spec: Record<string, unknown>, { jScale, preTrace, postTrace, startStep }: RuleDeriveContext): DerivedRule {
  const pl = spec as unknown as PlasticitySpec;
  return {
    family: 'pair',
    rule: pl.rule,
    eta: etaPerSpike(pl),
    tauSTDP_ms: pl.tauSTDP_ms,
    preTrace,
    postTrace,
    onPre: deriveTerm(pl.onPre, jScale, etaPerSpike(pl)),
    onPost: deriveTerm(pl.onPost, jScale, etaPerSpike(pl)),
    bounded: pl.bounds !== undefined,
    gate: pl.bounds?.mode === 'gate',
    jMin: (pl.bounds?.jMin ?? -Infinity) * jScale,
    jMax: (pl.bounds?.jMax ?? Infinity) * jScale,
    startStep,
  };
}

// --- CPU update (twin of shaders/plasticity_{pre,post}.wgsl and apply_term in state.wgsl) ---

/** New weight after one event term (f32 arithmetic; bounds by clip or gate). */
export function applyTerm(r: DerivedRule, t: DerivedTerm, w: number, xPre: number, xPost: number): number {
  if (r.gate && !(w > r.jMin && w < r.jMax)) return w;
  const drive = f(f(t.a + f(t.bPre * xPre)) + f(t.bPost * xPost));
  const fw = t.dep === 1 ? f(w * t.invJRef) : 1;
  let wn = f(w + f(f(t.eta * fw) * drive));
  if (r.bounded && !r.gate) wn = wn < r.jMin ? f(r.jMin) : wn > r.jMax ? f(r.jMax) : wn;
  return wn;
}

// The sweeps below compute exactly applyTerm's arithmetic, with what is constant along a row (pre pass:
// f(a + f(bPre * xPre))) or a column (post pass: f(bPost * xPost)) computed once per spiker, the rule's
// fields read once per projection, f(eta * 1) hoisted for rules without weight dependence, and a gated
// synapse left as it is (applyTerm returns its w). test/unit/plasticitySweep.test.ts checks the passes
// against applyTerm on every synapse, bit for bit.

/** A term's constants for a sweep: applyTerm's fields, read once. */
export interface Sweep {
  gate: boolean;
  clip: boolean; // bounded and not gated
  jMin: number;
  jMax: number;
  jMinF: number; // f(jMin), f(jMax): the clipped values
  jMaxF: number;
  dep: boolean;
  eta: number;
  etaF: number; // f(eta * 1), the factor when dep is 0
  invJRef: number;
  a: number;
  bPre: number;
  bPost: number;
}

export function sweepOf(r: DerivedRule, t: DerivedTerm): Sweep {
  return {
    gate: r.gate, clip: r.bounded && !r.gate, jMin: r.jMin, jMax: r.jMax, jMinF: f(r.jMin), jMaxF: f(r.jMax),
    dep: t.dep === 1, eta: t.eta, etaF: f(t.eta * 1), invJRef: t.invJRef, a: t.a, bPre: t.bPre, bPost: t.bPost,
  };
}

/** Pre-spike updates of one projection: for each spiker in its pre population, its outgoing row. */
function pairPre({ pr, r, c, w, xPre, xPost }: ActiveProjection, st: StateLayout): void {
  const z = sweepOf(r, r.onPre);
  const lo = pr.pre.offset;
  const size = pr.pre.size;
  const { rowPtr, post } = c;
  const { spikes, nSpikes } = st;
  for (let s = 0; s < nSpikes; s++) {
    const g = spikes[s]!;
    const k = g - lo;
    if (k < 0 || k >= size) continue;
    rowSweep(z, w, rowPtr[k]!, rowPtr[k + 1]!, post, xPost, f(z.a + f(z.bPre * xPre[g]!)));
  }
}

/** applyTerm(r, t, w[y], xPre, xPost[post[y]]) for y in [y0, y1), given pre = f(a + f(bPre * xPre)). */
function rowSweep(z: Sweep, w: Float32Array, y0: number, y1: number, post: Int32Array, xPost: Float32Array, pre: number): void {
  const { gate, clip, jMin, jMax, jMinF, jMaxF, dep, eta, etaF, invJRef, bPost } = z;
  for (let y = y0; y < y1; y++) {
    const wy = w[y]!;
    if (gate && !(wy > jMin && wy < jMax)) continue;
    const drive = f(pre + f(bPost * xPost[post[y]!]!));
    let wn = f(wy + f((dep ? f(eta * f(wy * invJRef)) : etaF) * drive));
    if (clip) wn = wn < jMin ? jMinF : wn > jMax ? jMaxF : wn;
    w[y] = wn;
  }
}

/**
 * Propagation and pre-spike update in one walk of each spiker's row (the part in `sl`): the synapse's
 * fixed-point increment from the weight before this step's update goes to acc[base + post], then the weight
 * gets rowSweep's update. Exactly the separate passes: propagation reads only weights and the pre update of
 * a synapse reads only its own weight and the traces, which neither pass writes.
 */
function pairPropagatePre({ pr, r, c, w, xPre, xPost }: ActiveProjection, st: StateLayout, sl: SynapseSlice, acc: Float64Array, base: number, kick: number): void {
  const z = sweepOf(r, r.onPre);
  const lo = pr.pre.offset;
  const size = pr.pre.size;
  const { rowStart, rowEnd } = sl;
  const { spikes, nSpikes } = st;
  for (let s = 0; s < nSpikes; s++) {
    const g = spikes[s]!;
    const k = g - lo;
    if (k < 0 || k >= size) continue;
    propagateRowSweep(z, w, rowStart[k]!, rowEnd[k]!, c.post, xPost, f(z.a + f(z.bPre * xPre[g]!)), acc, base, kick);
  }
}

/** rowSweep with each synapse's propagation (from its weight before the update) fused in. */
export function propagateRowSweep(z: Sweep, w: Float32Array, y0: number, y1: number, post: Int32Array, xPost: Float32Array, pre: number, acc: Float64Array, base: number, kick: number): void {
  const { gate, clip, jMin, jMax, jMinF, jMaxF, dep, eta, etaF, invJRef, bPost } = z;
  for (let y = y0; y < y1; y++) {
    const wy = w[y]!;
    const p = post[y]!;
    acc[base + p]! += fixedIncrement(wy, kick);
    if (gate && !(wy > jMin && wy < jMax)) continue;
    const drive = f(pre + f(bPost * xPost[p]!));
    let wn = f(wy + f((dep ? f(eta * f(wy * invJRef)) : etaF) * drive));
    if (clip) wn = wn < jMin ? jMinF : wn > jMax ? jMaxF : wn;
    w[y] = wn;
  }
}

/** Post-spike updates of one projection: for each spiker in its post population, its incoming column. */
function pairPost(a: ActiveProjection, st: StateLayout): void {
  pairPostSlice(a, st, { rowStart: a.c.rowPtr, rowEnd: a.c.rowPtr, postLo: a.pr.post.offset, postHi: a.pr.post.offset + a.pr.post.size });
}

/** Post-spike updates of the spikers in [sl.postLo, sl.postHi) (a thread's posts) of one projection. */
function pairPostSlice({ pr, r, c, w, xPre, xPost }: ActiveProjection, st: StateLayout, sl: SynapseSlice): void {
  const z = sweepOf(r, r.onPost);
  const lo = Math.max(pr.post.offset, sl.postLo);
  const hi = Math.min(pr.post.offset + pr.post.size, sl.postHi);
  const off = pr.post.offset;
  const preOff = pr.pre.offset;
  const { colPtr, colSyn, colPre } = c;
  const { spikes, nSpikes } = st;
  for (let s = 0; s < nSpikes; s++) {
    const g = spikes[s]!;
    if (g < lo || g >= hi) continue;
    const j = g - off;
    colSweep(z, w, colPtr[j]!, colPtr[j + 1]!, colSyn, colPre, preOff, xPre, f(z.bPost * xPost[g]!));
  }
}

/** applyTerm(r, t, w[colSyn[i]], xPre[preOff + colPre[i]], xPost) for i in [i0, i1), given postTerm = f(bPost * xPost). */
function colSweep(z: Sweep, w: Float32Array, i0: number, i1: number, colSyn: Int32Array, colPre: Int32Array, preOff: number, xPre: Float32Array, postTerm: number): void {
  const { gate, clip, jMin, jMax, jMinF, jMaxF, dep, eta, etaF, invJRef, a, bPre } = z;
  for (let i = i0; i < i1; i++) {
    const y = colSyn[i]!;
    const wy = w[y]!;
    if (gate && !(wy > jMin && wy < jMax)) continue;
    const drive = f(f(a + f(bPre * xPre[preOff + colPre[i]!]!)) + postTerm);
    let wn = f(wy + f((dep ? f(eta * f(wy * invJRef)) : etaF) * drive));
    if (clip) wn = wn < jMin ? jMinF : wn > jMax ? jMaxF : wn;
    w[y] = wn;
  }
}

export const pair: PlasticityFamily = {
  name: 'pair',
  description: 'pair STDP: dJ = eta f(J) (a + bPre x_pre + bPost x_post) on pre and post spikes (spec.ts RuleTerm)',
  rules: RULE_NAMES,
  validate: checkPair,
  derive: derivePair,
  cpuPre: pairPre,
  cpuPost: pairPost,
  cpuPropagatePre: pairPropagatePre,
  cpuPostSlice: pairPostSlice,
  gpu: 'pair',
};
