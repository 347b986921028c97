// Pass 'neuron_update' (twin of shaders/neuron_update.wgsl): input currents take this step's external
// spikes, then forward Euler of the EIF/LIF membrane, threshold, reset and refractoriness, in f32.
import type { Derived } from '../../model/derive.ts';
import { FIXED_INV_SCALE } from '../../model/derive.ts';
import type { CpuState } from './state.ts';
import { poissonSourceUpdate } from './inputModulated.ts';
import { condLifUpdate } from './neuronUpdateCond.ts';

const f = Math.fround;

/** Applies this step's fixed-point external input to the input channels' currents. */
function applyInputs(d: Derived, st: CpuState): void {
  const N = d.N;
  const { current, acc } = st;
  for (const ch of d.channels) {
    if (ch.kind !== 'input') continue;
    const base = d.channels.indexOf(ch) * N;
    for (let i = base; i < base + N; i++) {
      const a = acc[i]!;
      if (a !== 0) {
        current[i] = f(current[i]! + f(a) * FIXED_INV_SCALE);
        acc[i] = 0;
      }
    }
  }
}

/** Integrates every neuron one step and fills st.spikes (ascending) with the spikers. */
export function neuronUpdatePass(d: Derived, st: CpuState): void {
  const inputBases = fusedPlan(d);
  if (inputBases) return integrateFused(d, st, inputBases);
  applyInputs(d, st);
  const N = d.N;
  const nCh = d.channels.length;
  const { v, refr, current, spikes } = st;
  let nSpk = 0;
  for (const p of d.pops) {
    const n = p.neuron;
    if (n.model === 'cond_lif' || n.model === 'poisson') {
      nSpk = n.model === 'cond_lif' ? condLifUpdate(d, st, p, nSpk) : poissonSourceUpdate(d, st, p, nSpk);
      continue;
    }
    const gL = n.gL, eL = n.eL, gLdT = n.gLdT, vT = n.vT, invDT = n.invDeltaT, dtC = n.dtOverC;
    const vTh = n.vThresh, vRe = n.vReset, refSteps = n.refSteps;
    const isEif = gLdT > 0;
    const end = p.offset + p.size;
    for (let i = p.offset; i < end; i++) {
      if (refr[i]! > 0) {
        refr[i]!--;
        continue;
      }
      let itot = 0;
      for (let at = i; at < nCh * N; at += N) itot = f(itot + current[at]!);
      const vi = v[i]!;
      const leak = f(gL * f(eL - vi));
      const ex = isEif ? f(gLdT * f(Math.exp(f(f(vi - vT) * invDT)))) : 0;
      let vn = f(vi + f(dtC * f(f(itot + leak) + ex)));
      if (vn >= vTh) {
        spikes[nSpk++] = i;
        vn = vRe;
        refr[i] = refSteps;
      }
      v[i] = vn;
    }
  }
  st.nSpikes = nSpk;
}

// ---- Fast path (EIF/LIF-only networks): the same arithmetic, in one sweep over the neurons ----------------
// Results are bit-identical to the general path above (checked by bench/bitcheck.ts and bench/expcheck.ts):
//  - each neuron's external input is joined just before its own update instead of in a separate sweep
//    (a neuron's update reads only its own currents, so the order across neurons does not matter);
//  - with 3 channels the channel sum is unrolled in the same order, f(f(f(0 + c0) + c1) + c2);
//  - f(Math.exp(x)) is computed by expF32(x), which returns exactly that f32 value, faster.

/** Input-channel offsets (c * N) when every population is EIF or LIF, else null; cached per Derived. */
const plans = new WeakMap<Derived, Int32Array | null>();
function fusedPlan(d: Derived): Int32Array | null {
  let p = plans.get(d);
  if (p === undefined) {
    const ok = d.pops.every((q) => q.neuron.model === 'eif' || q.neuron.model === 'lif');
    const bases: number[] = [];
    d.channels.forEach((ch, c) => {
      if (ch.kind === 'input') bases.push(c * d.N);
    });
    p = ok ? Int32Array.from(bases) : null;
    plans.set(d, p);
  }
  return p;
}

function integrateFused(d: Derived, st: CpuState, inputBases: Int32Array): void {
  const N = d.N;
  const nCh = d.channels.length;
  const nIn = inputBases.length;
  const in0 = nIn === 1 ? inputBases[0]! : -1;
  const N2 = 2 * N;
  const { v, refr, current, acc, spikes } = st;
  let nSpk = 0;
  for (const p of d.pops) {
    const n = p.neuron;
    const gL = n.gL, eL = n.eL, gLdT = n.gLdT, vT = n.vT, invDT = n.invDeltaT, dtC = n.dtOverC;
    const vTh = n.vThresh, vRe = n.vReset, refSteps = n.refSteps;
    const isEif = gLdT > 0;
    const end = p.offset + p.size;
    for (let i = p.offset; i < end; i++) {
      if (in0 >= 0) {
        const at = in0 + i;
        const a = acc[at]!;
        if (a !== 0) {
          current[at] = f(current[at]! + f(a) * FIXED_INV_SCALE);
          acc[at] = 0;
        }
      } else {
        for (let k = 0; k < nIn; k++) {
          const at = inputBases[k]! + i;
          const a = acc[at]!;
          if (a !== 0) {
            current[at] = f(current[at]! + f(a) * FIXED_INV_SCALE);
            acc[at] = 0;
          }
        }
      }
      if (refr[i]! > 0) {
        refr[i]!--;
        continue;
      }
      let itot: number;
      if (nCh === 3) itot = f(f(f(0 + current[i]!) + current[N + i]!) + current[N2 + i]!);
      else {
        itot = 0;
        for (let at = i; at < nCh * N; at += N) itot = f(itot + current[at]!);
      }
      const vi = v[i]!;
      const leak = f(gL * f(eL - vi));
      const ex = isEif ? f(gLdT * expF32(f(f(vi - vT) * invDT))) : 0;
      let vn = f(vi + f(dtC * f(f(itot + leak) + ex)));
      if (vn >= vTh) {
        spikes[nSpk++] = i;
        vn = vRe;
        refr[i] = refSteps;
      }
      v[i] = vn;
    }
  }
  st.nSpikes = nSpk;
}

// expF32(x) === Math.fround(Math.exp(x)) for every x, about twice as fast as Math.exp in V8. For
// -80 < x < 80: y = 2^k * 2^(j/64) * p(r) with n = 64k + j = round(64 x / ln 2), r = x - n ln2/64
// (|r| <= ln2/128, Cody-Waite split) and p the degree-4 Taylor polynomial; y is within 2^-44 of e^x
// (relative), Math.exp(x) within 2^-52. If y*(1 - 2^-36) and y*(1 + 2^-36) round to the same f32, so does
// everything between them, Math.exp(x) included, and that f32 is returned; otherwise (about 1 call in
// 10^4) and outside the range, Math.exp itself is used. bench/expcheck.ts checks every f32 x in range.
const EXP_T = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, j / 64));
const EXP_P2 = Float64Array.from({ length: 256 }, (_, k) => Math.pow(2, k - 128));
const INV_LN2_64 = 64 / Math.LN2;
const LN2_64_HI = Math.fround(Math.LN2 / 64); // 24 significant bits: n * HI is exact for |n| < 2^29
const LN2_64_LO = Math.LN2 / 64 - LN2_64_HI;
const ROUND_SHIFT = 6755399441055744; // 1.5 * 2^52: (t + S) - S rounds t to an integer for |t| < 2^51
const BAND_UP = 1 + 2 ** -36;
const BAND_DN = 1 - 2 ** -36;

export function expF32(x: number): number {
  if (!(x > -80 && x < 80)) return f(Math.exp(x));
  const n = x * INV_LN2_64 + ROUND_SHIFT - ROUND_SHIFT;
  const r = x - n * LN2_64_HI - n * LN2_64_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  const ni = n | 0;
  const y = EXP_P2[(ni >> 6) + 128]! * EXP_T[ni & 63]! * p;
  const lo = f(y * BAND_DN);
  return lo === f(y * BAND_UP) ? lo : f(Math.exp(x));
}
