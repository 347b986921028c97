// Trial rules: weight updates applied once per trial from per-unit trial statistics (Soldado-Magraner et al.
// 2022, Fig 7; the co-author's Brian2 trainer.py, rules 'cross-homeo-pre-scalar' and its two-term form
// 'cross-homeo-pre-scalar-homeo'), on weight magnitudes |w| in pA (the reference's jEE, jIE, jEI, jII are
// positive; here an inhibitory projection's j is negative and |j| is the reference's weight).
//
// Per trial, with r_i the moving average over trials of unit i's Up-state rate (Hz), floored at minRate_Hz
// (the floor is written back into the moving average, as trainer.py does), and <r>_X the mean over
// population X of those floored averages:
//   cross term (every synapse pre -> post):  d|w| = s_c * alpha * r_pre * (set_O - <r>_O)
//     O = the population of the other kind than post (E post: the I population; I post: the E population),
//     s_c = +1 when pre and post are of the same kind (E->E, I->I), -1 otherwise (I->E, E->I);
//   homeostatic term (two-term rule only):   d|w| += s_h * alpha * r_pre * (set_post - r_post)
//     s_h = +1 for an excitatory pre, -1 for an inhibitory one.
// Then |w| is clipped to [wMin, wMax] (the reference: [5, 750] pA) and j = sign * |w|.
// The moving average: m <- r_trial on the first trial, m <- m + (r_trial - m) / tauTrials after.

export type TrialRuleName = 'cross-homeo-pre-scalar' | 'two-term';
export const TRIAL_RULES: readonly TrialRuleName[] = ['cross-homeo-pre-scalar', 'two-term'];

export interface TrialRuleParams {
  rule: TrialRuleName;
  alpha: number; // pA per Hz^2 (the reference's alpha1 = 0.0025 pA/Hz times its rate in Hz)
  minRate_Hz: number; // floor of the moving averages (1 Hz in the reference)
  wMin: number; // |w| bounds (pA ms, the weight j's magnitude)
  wMax: number;
}

/** One projection of the trial rule: CSR rows per presynaptic unit, global indices, signed weights (mutated). */
export interface TrialProjection {
  preOffset: number; // first global index of the presynaptic population
  preSize: number;
  preExc: boolean;
  postExc: boolean;
  postSet_Hz: number; // set point of the postsynaptic population
  other: { offset: number; size: number; set_Hz: number }; // the population of the other kind than post
  rowPtr: Int32Array | Uint32Array;
  post: Int32Array | Uint32Array; // global postsynaptic index of each synapse
  w: Float32Array; // signed j per synapse
  sign: 1 | -1; // sign of j (excitatory +1, inhibitory -1)
}

/** Moving average over trials (first trial: the trial's rates); returns the updated average (in place when given). */
export function updateMovingAverage(avg: Float64Array | null, trial: Float64Array, tauTrials: number): Float64Array {
  if (!avg) return Float64Array.from(trial);
  for (let i = 0; i < avg.length; i++) avg[i] = avg[i]! + (trial[i]! - avg[i]!) / tauTrials;
  return avg;
}

/** Floors the moving average at minRate_Hz in place (trainer.py writes the floor back into it). */
export function floorRates(avg: Float64Array, minRate_Hz: number): void {
  for (let i = 0; i < avg.length; i++) if (avg[i]! < minRate_Hz) avg[i] = minRate_Hz;
}

function meanOf(r: Float64Array, offset: number, size: number): number {
  let s = 0;
  for (let i = offset; i < offset + size; i++) s += r[i]!;
  return s / size;
}

/**
 * Applies one trial's rule to every projection (weights in place), from the floored moving averages `r`
 * (global index). Returns the mean |dw| per projection (pA ms), computed before clipping.
 */
export function applyTrialRule(p: TrialRuleParams, r: Float64Array, projections: TrialProjection[]): number[] {
  const out: number[] = [];
  for (const pr of projections) {
    const err = pr.other.set_Hz - meanOf(r, pr.other.offset, pr.other.size);
    const sc = pr.preExc === pr.postExc ? 1 : -1;
    const sh = pr.preExc ? 1 : -1;
    const homeo = p.rule === 'two-term';
    let sumAbs = 0;
    for (let k = 0; k < pr.preSize; k++) {
      const rPre = r[pr.preOffset + k]!;
      const cross = sc * p.alpha * rPre * err;
      for (let y = pr.rowPtr[k]!; y < pr.rowPtr[k + 1]!; y++) {
        let d = cross;
        if (homeo) d += sh * p.alpha * rPre * (pr.postSet_Hz - r[pr.post[y]!]!);
        sumAbs += Math.abs(d);
        let m = pr.sign * pr.w[y]! + d;
        m = m < p.wMin ? p.wMin : m > p.wMax ? p.wMax : m;
        pr.w[y] = Math.fround(pr.sign * m);
      }
    }
    out.push(pr.w.length > 0 ? sumAbs / pr.w.length : 0);
  }
  return out;
}
