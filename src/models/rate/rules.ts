// Soldado-Magraner et al. 2022 rules (SPEC §3.2, Eqs 6-8) in the multi-unit form of the authors' code; with one
// unit per population it is exactly the two-population form. Post i, pre j, classes E and I:
//   own term   (standard homeostatic, Eq 6):  s_pre * alpha_post * R_j * (set_post - R_post,i)
//   cross term (cross-homeostatic, Eq 7):     s_pre * s_post * alpha_post * R_j * <set_other - R_other,k>_k
// with s_pre = +1 (E) / -1 (I), s_post = +1 (E) / -1 (I), R = max(rateFloor, average) and <.> the mean over the
// other class's units. Two-term (Eq 8) adds both, cross first (the authors' order). Weights are floored at
// W_MIN / fan-in and autapses stay 0. Every operation rounds to f32 in the order below (the WGSL twin's order).
import type { RateModel } from './derive.ts';

const f32 = Math.fround;

/**
 * Applies one rule update to network b's weights W (offset wBase) from the averages avg (offset uBase).
 * `rect` is scratch of U floats for the rectified averages.
 */
export function applyRule(m: RateModel, W: Float32Array, wBase: number, avg: Float32Array, uBase: number, rect: Float32Array): void {
  const r = m.rule!;
  const pE = m.pops[r.E]!;
  const pI = m.pops[r.I]!;
  for (const p of [pE, pI]) for (let i = 0; i < p.n; i++) rect[p.offset + i] = Math.max(r.rateFloor, avg[uBase + p.offset + i]!);
  const meanErr = (p: typeof pE): number => {
    let s = 0;
    const set = f32(p.setpoint);
    for (let k = 0; k < p.n; k++) s = f32(s + f32(set - rect[p.offset + k]!));
    return f32(s / p.n);
  };
  const errE = meanErr(pE);
  const errI = meanErr(pI);
  const own = r.rule !== 'cross-homeostatic';
  const cross = r.rule !== 'homeostatic';
  const blocks: [number, boolean, boolean][] = [
    [r.bEE, true, true],
    [r.bEI, true, false],
    [r.bIE, false, true],
    [r.bII, false, false],
  ];
  for (const [bk, postE, preE] of blocks) {
    const blk = m.blocks[bk]!;
    const post = postE ? pE : pI;
    const pre = preE ? pE : pI;
    const alpha = postE ? r.alphaE : r.alphaI;
    const crossErr = postE ? errI : errE;
    const sPre = preE ? 1 : -1;
    const sCross = postE ? sPre : -sPre;
    const set = f32(post.setpoint);
    const floor = f32(r.floor / blk.fanIn);
    for (let i = 0; i < post.n; i++) {
      const ownErr = f32(set - rect[post.offset + i]!);
      const row = wBase + blk.wOff + i * pre.n;
      for (let j = 0; j < pre.n; j++) {
        if (blk.noDiag && i === j) continue;
        const aR = f32(alpha * rect[pre.offset + j]!);
        let w = W[row + j]!;
        if (cross) w = f32(w + sCross * f32(aR * crossErr));
        if (own) w = f32(w + sPre * f32(aR * ownErr));
        W[row + j] = w < floor || Number.isNaN(w) ? floor : w;
      }
    }
  }
}

/**
 * Binas et al. 2014 Eq 18 (SPEC §4.2) on every block of network b, one Euler step from the current rates r:
 * w += k x_pre x_post ((wMax - w) x_post - w (Theta + A x_pre)), k = dt/tau_s, clamped to [0, wMax]; Theta and A by
 * the block's sign (excitatory/inhibitory presynaptic class); w_max and A_exc of network b (plasticity.perNetwork). Autapses removed by noDiag stay 0. f32 in this order.
 */
export function applyContinuous(m: RateModel, W: Float32Array, wBase: number, r: Float32Array, uBase: number, b: number): void {
  const c = m.continuous!;
  const wMax = c.wMaxB[b]!;
  for (const blk of m.blocks) {
    const s = blk.sign > 0 ? 0 : 1;
    const theta = c.theta[s]!;
    const A = s === 0 ? c.aExcB[b]! : c.A[1];
    const post = m.pops[blk.post]!;
    const pre = m.pops[blk.pre]!;
    for (let i = 0; i < post.n; i++) {
      const xPost = r[uBase + post.offset + i]!;
      const row = wBase + blk.wOff + i * pre.n;
      for (let j = 0; j < pre.n; j++) {
        if (blk.noDiag && i === j) continue;
        const xPre = r[uBase + pre.offset + j]!;
        const w = W[row + j]!;
        const ltp = f32(f32(wMax - w) * xPost);
        const ltd = f32(w * f32(theta + f32(A * xPre)));
        const dw = f32(c.k * f32(f32(xPre * xPost) * f32(ltp - ltd)));
        const w1 = f32(w + dw);
        W[row + j] = w1 < 0 ? 0 : w1 > wMax ? wMax : w1;
      }
    }
  }
}
