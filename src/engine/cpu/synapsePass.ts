// The CPU engine's synapse passes ('synapse_propagate', 'plasticity_pre', 'plasticity_post') over a slice of
// the synapses: those onto the posts one thread owns (src/engine/cpu/threads), or all of them (one thread).
// Each spiker's row is walked once: propagation of every recurrent projection and, for plastic projections
// whose family has cpuPropagatePre (pair STDP), the pre-spike update in the same walk (exact: propagation
// reads the weight before the update, and the update of a synapse reads only its own weight and the traces).
// The fixed-point accumulators hold exact integers (f64), so the order of the additions does not matter.
import type { BuiltNetwork } from '../../network/network.ts';
import { plasticityFamily, type ActiveProjection, type PlasticityFamily, type SynapseSlice } from '../../plasticity/index.ts';
import { fixedIncrement } from '../fixed.ts';
import type { CpuState } from './state.ts';
import { delayedPropagate } from './delayedPropagate.ts';
import { arrivalView } from './spikeHistory.ts';
import type { PairDeferral } from '../../plasticity/pairDeferred.ts';
import { proceduralSpikes } from '../../network/procedural.ts';
import { heteroPost, heteroPropagatePre, isHeteroDelayed } from './heteroDelayed.ts';
import { synapseKernelsOf } from './synapseKernels.ts';

/** Per projection, the whole projection as one slice (one thread). */
export function wholeSlices(net: BuiltNetwork): SynapseSlice[] {
  return net.derived.projections.map((p) => {
    const c = net.csr[p.index]!;
    return { rowStart: c.rowPtr, rowEnd: c.rowPtr.subarray(1), postLo: 0, postHi: net.derived.N };
  });
}

/** Whether every row of every recurrent projection lists its posts in ascending order (threads cut rows by post). */
export function rowsSorted(net: BuiltNetwork): boolean {
  for (const p of net.derived.projections) {
    if (p.pre.kind !== 'population') continue;
    const { rowPtr, post } = net.csr[p.index]!;
    for (let k = 0; k < rowPtr.length - 1; k++) for (let y = rowPtr[k]! + 1; y < rowPtr[k + 1]!; y++) if (post[y]! < post[y - 1]!) return false;
  }
  return true;
}

/** Per projection, the synapses onto posts in [postLo, postHi): row k's are [rowStart[k], rowEnd[k]) (rows sorted). */
export function sliceOf(net: BuiltNetwork, postLo: number, postHi: number): SynapseSlice[] {
  return net.derived.projections.map((p) => {
    const { rowPtr, post } = net.csr[p.index]!;
    const n = p.pre.kind === 'population' ? rowPtr.length - 1 : 0; // input projections: the input pass (one thread)
    const rowStart = new Int32Array(n);
    const rowEnd = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const a = rowPtr[k]!;
      const b = rowPtr[k + 1]!;
      rowStart[k] = lowerBound(post, a, b, postLo);
      rowEnd[k] = lowerBound(post, rowStart[k]!, b, postHi);
    }
    return { rowStart, rowEnd, postLo, postHi };
  });
}

/** First y in [a, b) with post[y] >= x (post ascending on [a, b)), or b. */
function lowerBound(post: Int32Array, a: number, b: number, x: number): number {
  while (a < b) {
    const m = (a + b) >>> 1;
    if (post[m]! < x) a = m + 1;
    else b = m;
  }
  return a;
}

/** Per state, per projection: its family and ActiveProjection, made once (three passes ask every step: no allocation then). */
const activeCache = new WeakMap<CpuState, ({ fam: PlasticityFamily; a: ActiveProjection } | undefined)[]>();

function active(net: BuiltNetwork, st: CpuState, pi: number, step: number): { fam: PlasticityFamily; a: ActiveProjection } | null {
  const pr = net.derived.projections[pi]!;
  const r = pr.plastic;
  if (!r || step < r.startStep || pr.pre.kind !== 'population') return null;
  let byPi = activeCache.get(st);
  if (!byPi) activeCache.set(st, (byPi = []));
  const e = byPi[pi];
  const c = net.csr[pi]!;
  const w = st.weights[pi]!;
  const xPre = st.traces[r.preTrace]!;
  const xPost = st.traces[r.postTrace]!;
  // remade when anything it holds was replaced (another network on this state, new weight or trace arrays)
  if (e && e.a.pr === pr && e.a.r === r && e.a.c === c && e.a.w === w && e.a.xPre === xPre && e.a.xPost === xPost) return e;
  return (byPi[pi] = { fam: plasticityFamily(r.family), a: { pr, r, c, w, xPre, xPost } });
}

/**
 * WebAssembly row walks for synapseSlicePass (false: this projection has none, the JavaScript walk runs): the
 * state's SynapseKernels (synapseKernels.ts: whole rows for static propagation), or a worker thread's walks
 * bound to its slices (threads/walks.ts).
 */
export interface SynapseWalks {
  propagateStatic(pi: number, spikes: Int32Array, nSpikes: number, base: number, q: number): boolean;
  propagatePre(pi: number, spikes: Int32Array, nSpikes: number, rowStart: Int32Array, rowEnd: Int32Array): boolean;
}

/**
 * Propagation of this step's spikes over a slice, fused with the pre-spike update where the family allows.
 * `which`: 'plain' the projections propagated alone (pass 'synapse_propagate'), 'fused' the propagate + pre
 * walks (pass 'plasticity_pre', so the schedule's pre-before-post order still governs them: propagation reads
 * the weights before any update of the step either way), 'all' both (the threads). `deferral` (one thread, inside
 * CpuEngine.advance): its projections' walks first apply the row's pending post updates (pairDeferred.ts).
 * `own`: a thread's WebAssembly walks over exactly these slices (threads/walks.ts), instead of the state's.
 */
export function synapseSlicePass(net: BuiltNetwork, st: CpuState, qStatic: Float64Array, step: number, slices: SynapseSlice[], which: 'plain' | 'fused' | 'all' = 'all', deferral: PairDeferral | null = null, own?: SynapseWalks): void {
  const d = net.derived;
  const N = d.N;
  const { acc } = st;
  const kern: SynapseWalks | undefined = own ?? synapseKernelsOf(st); // the WebAssembly walks (synapseKernels.ts), where the state has them
  for (const pr of d.projections) {
    if (pr.pre.kind !== 'population') continue;
    const sl = slices[pr.index]!;
    if (isHeteroDelayed(pr)) {
      // spike-driven plasticity with per-synapse delays (heteroDelayed.ts): propagate + pre in one walk (one thread)
      if (which !== 'plain') heteroPropagatePre(net, st, pr, step, true, true);
      continue;
    }
    if (pr.delay.max > 1 && pr.arrivalLag === 0) {
      // delays > 1 step without spike-driven plasticity: into the delay ring (delayedPropagate.ts)
      if (which !== 'fused') delayedPropagate(net, st, pr, qStatic[pr.index]!, sl);
      continue;
    }
    // spike-driven plasticity with a delay: undelayed, on the arrivals (spikeHistory.ts); else this step's spikers
    const sv = arrivalView(d, st, step, pr.arrivalLag);
    const { spikes, nSpikes } = sv;
    const base = pr.channel * N;
    const kick = pr.kick; // 1/tau into current-based posts, 1 into conductance-based ones
    const act = active(net, st, pr.index, step);
    if (act && act.fam.cpuPropagatePre) {
      if (which === 'plain') continue;
      if (deferral?.has(pr.index)) deferral.propagatePre(pr.index, spikes, nSpikes, step, acc, base, kick);
      else if (!(act.fam.name === 'pair' && kern?.propagatePre(pr.index, spikes, nSpikes, sl.rowStart, sl.rowEnd))) act.fam.cpuPropagatePre(act.a, sv, sl, acc, base, kick);
      continue;
    }
    if (which === 'fused') continue;
    if (pr.storage === 'procedural') {
      proceduralSpikes(net.csr[pr.index]!, pr, spikes, nSpikes, acc, base, qStatic[pr.index]!, sl.postLo, sl.postHi);
      continue;
    }
    const whole = sl.postLo === 0 && sl.postHi === N;
    if (!pr.plastic && (whole || own) && kern?.propagateStatic(pr.index, spikes, nSpikes, base, qStatic[pr.index]!)) continue;
    const post = net.csr[pr.index]!.post;
    const { rowStart, rowEnd } = sl;
    const lo = pr.pre.offset;
    const hi = lo + pr.pre.size;
    const w = st.weights[pr.index]!;
    const q = qStatic[pr.index]!;
    for (let s = 0; s < nSpikes; s++) {
      const g = spikes[s]!;
      if (g < lo || g >= hi) continue;
      const k = g - lo;
      const end = rowEnd[k]!;
      if (pr.plastic) {
        for (let y = rowStart[k]!; y < end; y++) acc[base + post[y]!]! += fixedIncrement(w[y]!, kick);
      } else {
        for (let y = rowStart[k]!; y < end; y++) acc[base + post[y]!]! += q;
      }
    }
  }
}

/** Pass 'plasticity_pre': the pre-spike updates not already fused into the synapse pass (families without cpuPropagatePre; one thread). */
export function plasticityPreRest(net: BuiltNetwork, st: CpuState, step: number): void {
  for (const pr of net.derived.projections) {
    const act = active(net, st, pr.index, step);
    if (act && !act.fam.cpuPropagatePre && !isHeteroDelayed(pr)) act.fam.cpuPre(act.a, arrivalView(net.derived, st, step, pr.arrivalLag));
  }
}

/** Pass 'plasticity_post' over a slice: post-spike updates of the spikers among the slice's posts (`deferral`'s projections: logged). */
export function plasticityPostSlice(net: BuiltNetwork, st: CpuState, step: number, slices: SynapseSlice[], deferral: PairDeferral | null = null): void {
  for (const pr of net.derived.projections) {
    const act = active(net, st, pr.index, step);
    if (!act) continue;
    if (deferral?.has(pr.index)) {
      deferral.logPost(pr.index, st.spikes, st.nSpikes, step);
      continue;
    }
    if (isHeteroDelayed(pr)) heteroPost(net, st, pr);
    else if (act.fam.cpuPostSlice) act.fam.cpuPostSlice(act.a, st, slices[pr.index]!);
    else act.fam.cpuPost(act.a, st);
  }
}

/** Whether the passes above can run on thread slices: every plastic projection's family has the slice methods. */
export function slicesSupported(net: BuiltNetwork): boolean {
  if (net.derived.delaySlots > 0 || net.derived.spikeHistory > 0) return false; // the delay ring and spike history are not shared with the threads (one thread)
  return net.derived.projections.every((p) => {
    if (!p.plastic) return true;
    const f = plasticityFamily(p.plastic.family);
    return f.cpuPropagatePre !== undefined && f.cpuPostSlice !== undefined;
  });
}

