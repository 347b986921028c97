// Passes 'plasticity_pre' and 'plasticity_post' (twins of shaders/plasticity_{pre,post}.wgsl): the general
// pair rule dJ = eta * f(J) * (a + bPre*x_pre + bPost*x_post) on existing synapses, with traces from before
// this step; pre-spike updates first, then post-spike updates (the authors' order).
import type { BuiltNetwork } from '../../network/network.ts';
import type { DerivedRule, DerivedTerm } from '../../model/derive.ts';
import type { CpuState } from './state.ts';

const f = Math.fround;

/** New weight after one event term (f32 arithmetic; bounds by clip or gate). */
export function applyTerm(r: DerivedRule, t: DerivedTerm, w: number, xPre: number, xPost: number): number {
  if (r.gate && !(w > r.jMin && w < r.jMax)) return w;
  const drive = f(f(t.a + f(t.bPre * xPre)) + f(t.bPost * xPost));
  const fw = t.dep === 1 ? f(w * t.invJRef) : 1;
  let wn = f(w + f(f(t.eta * fw) * drive));
  if (r.bounded && !r.gate) wn = wn < r.jMin ? f(r.jMin) : wn > r.jMax ? f(r.jMax) : wn;
  return wn;
}

/** What a pass needs of one plastic projection that is active at this step. */
interface Active {
  pr: BuiltNetwork['derived']['projections'][number];
  r: DerivedRule;
  c: BuiltNetwork['csr'][number];
  w: Float32Array;
  xPre: Float32Array;
  xPost: Float32Array;
}

/** Calls fn for every plastic projection between populations whose rule has started by this step. */
function forActive(net: BuiltNetwork, st: CpuState, step: number, fn: (a: Active) => void): void {
  for (const pr of net.derived.projections) {
    const r = pr.plastic;
    if (!r || step < r.startStep || pr.pre.kind !== 'population') continue;
    fn({ pr, r, c: net.csr[pr.index]!, w: st.weights[pr.index]!, xPre: st.traces[r.preTrace]!, xPost: st.traces[r.postTrace]! });
  }
}

// The passes below compute exactly applyTerm's arithmetic, with what is constant along a row (pre pass:
// f(a + f(bPre * xPre))) or a column (post pass: f(bPost * xPost)) computed once per spiker, the rule's
// fields read once per projection, f(eta * 1) hoisted for rules without weight dependence, and a gated
// synapse left as it is (applyTerm returns its w). test/unit/plasticitySweep.test.ts checks the passes
// against applyTerm on every synapse, bit for bit.

/** A term's constants for a sweep: applyTerm's fields, read once. */
interface Sweep {
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

function sweepOf(r: DerivedRule, t: DerivedTerm): Sweep {
  return {
    gate: r.gate, clip: r.bounded && !r.gate, jMin: r.jMin, jMax: r.jMax, jMinF: f(r.jMin), jMaxF: f(r.jMax),
    dep: t.dep === 1, eta: t.eta, etaF: f(t.eta * 1), invJRef: t.invJRef, a: t.a, bPre: t.bPre, bPost: t.bPost,
  };
}

/** Pre-spike updates: for each spiker in a plastic projection's pre population, its outgoing row. */
export function plasticityPrePass(net: BuiltNetwork, st: CpuState, step: number): void {
  forActive(net, st, step, ({ pr, r, c, w, xPre, xPost }) => {
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
  });
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

/** Post-spike updates: for each spiker in a plastic projection's post population, its incoming column. */
export function plasticityPostPass(net: BuiltNetwork, st: CpuState, step: number): void {
  forActive(net, st, step, ({ pr, r, c, w, xPre, xPost }) => {
    const z = sweepOf(r, r.onPost);
    const lo = pr.post.offset;
    const size = pr.post.size;
    const preOff = pr.pre.offset;
    const { colPtr, colSyn, colPre } = c;
    const { spikes, nSpikes } = st;
    for (let s = 0; s < nSpikes; s++) {
      const g = spikes[s]!;
      const j = g - lo;
      if (j < 0 || j >= size) continue;
      colSweep(z, w, colPtr[j]!, colPtr[j + 1]!, colSyn, colPre, preOff, xPre, f(z.bPost * xPost[g]!));
    }
  });
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
