// Passes 'plasticity_pre' and 'plasticity_post' (twins of shaders/plasticity_{pre,post}.wgsl): the general
// pair rule dJ = eta * f(J) * (a + bPre*x_pre + bPost*x_post) on existing synapses, with traces from before
// this step; pre-spike updates first, then post-spike updates (the authors' order).
import type { BuiltNetwork } from '../../build/network.ts';
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

/** Pre-spike updates: for each spiker in a plastic projection's pre population, its outgoing row. */
export function plasticityPrePass(net: BuiltNetwork, st: CpuState, step: number): void {
  forActive(net, st, step, ({ pr, r, c, w, xPre, xPost }) => {
    const lo = pr.pre.offset;
    for (let s = 0; s < st.nSpikes; s++) {
      const g = st.spikes[s]!;
      const k = g - lo;
      if (k < 0 || k >= pr.pre.size) continue;
      const xp = xPre[g]!;
      for (let y = c.rowPtr[k]!; y < c.rowPtr[k + 1]!; y++) w[y] = applyTerm(r, r.onPre, w[y]!, xp, xPost[c.post[y]!]!);
    }
  });
}

/** Post-spike updates: for each spiker in a plastic projection's post population, its incoming column. */
export function plasticityPostPass(net: BuiltNetwork, st: CpuState, step: number): void {
  forActive(net, st, step, ({ pr, r, c, w, xPre, xPost }) => {
    const lo = pr.post.offset;
    const preOff = pr.pre.offset;
    for (let s = 0; s < st.nSpikes; s++) {
      const g = st.spikes[s]!;
      const j = g - lo;
      if (j < 0 || j >= pr.post.size) continue;
      const xq = xPost[g]!;
      for (let i = c.colPtr[j]!; i < c.colPtr[j + 1]!; i++) {
        const y = c.colSyn[i]!;
        w[y] = applyTerm(r, r.onPost, w[y]!, xPre[preOff + c.colPre[i]!]!, xq);
      }
    }
  });
}
