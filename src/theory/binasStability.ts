// Stability regions of the plastic single-node circuit over (w_max, A_exc) (Binas 2014 Fig 5, SPEC §4.1, §4.3).
//
// "Exact" region for a training input I_ext: the Eq 30 cubic has a fixed point with active inhibition (w_EI* > 0)
// whose activation Jacobian (1/tau)[[w_EE - 1, -w_IE], [w_EI, -1]] has both eigenvalues in the left half-plane; the
// grey value is the convergence rate -max Re(lambda) in 1/s. The seed's contraction condition (6) and its sufficient
// conditions (11), (38)-(43) are missing from the text, so SPEC §4.1 uses the eigenvalues as the checker, and the
// b-conditions here are our reconstruction of their role: condition(b) is the same eigenvalue test on the b-form
// weights (Eqs 35-37) with w_EI > 0, and the sufficient condition for all inputs >= I_min is condition(b) AND
// condition(0) (the seed's "(43) = intersection of (41) and (42)"). Its lower w_max bound is w_max > A_exc + b,
// which is the "b = 0 diagonal" for b = 0, as the seed describes.
import { nodeEigen, nodeFixedPoints, weightsAtB, type BinasParams } from './binas.ts';

export type CellStatus = 'stable' | 'unstable' | 'no-inhibition';

/** The exact-stability status and convergence rate of every (w_max, A_exc) cell at one training input. */
export interface StabilityGrid {
  I_Hz: number;
  wMax: number[];
  aExc: number[];
  status: CellStatus[]; // row-major [aExc index][wMax index]
  rate_per_s: number[]; // convergence rate of the (first stable, else first) fixed point; NaN without one
}

/** The exact region at training input I_ext on a (w_max, A_exc) grid (other parameters from `base`). */
export function stabilityGrid(I_Hz: number, wMax: number[], aExc: number[], base: BinasParams, tau_s = 0.01): StabilityGrid {
  const status: CellStatus[] = [];
  const rate: number[] = [];
  for (const A of aExc) {
    for (const W of wMax) {
      const fps = nodeFixedPoints(I_Hz, { ...base, wMax: W, aExc: A, aInh: 0 }, tau_s);
      const fp = fps.find((f) => f.eigen.stable) ?? fps[0];
      status.push(!fp ? 'no-inhibition' : fp.eigen.stable ? 'stable' : 'unstable');
      rate.push(fp ? fp.eigen.rate_per_s : NaN);
    }
  }
  return { I_Hz, wMax, aExc, status, rate_per_s: rate };
}

/** condition(b) (reconstructed (41)): the b-form fixed point has w_EI > 0 and is eigenvalue-stable. */
export function bCondition(b: number, wMax: number, aExc: number, base: BinasParams): boolean {
  const p = { ...base, wMax, aExc, aInh: 0 };
  const w = weightsAtB(b, p);
  return p.wMax - p.aExc - b > 0 && nodeEigen(w, 1).stable;
}

/** The sufficient condition for every training input whose x_E* >= Theta_exc/b: condition(b) and condition(0). */
export function sufficientCondition(b: number, wMax: number, aExc: number, base: BinasParams): boolean {
  return bCondition(b, wMax, aExc, base) && bCondition(0, wMax, aExc, base);
}

/**
 * The boundary of the sufficient condition for b: for each A_exc, the smallest and largest w_max on `wMax` (sorted
 * ascending) that satisfy it (NaN where none does).
 */
export function sufficientBounds(b: number, wMax: number[], aExc: number[], base: BinasParams): { aExc: number[]; wMin: number[]; wHigh: number[] } {
  const wMin: number[] = [];
  const wHigh: number[] = [];
  for (const A of aExc) {
    const ok = wMax.filter((W) => sufficientCondition(b, W, A, base));
    wMin.push(ok.length ? ok[0]! : NaN);
    wHigh.push(ok.length ? ok[ok.length - 1]! : NaN);
  }
  return { aExc, wMin, wHigh };
}

/** Fraction of the exact-stable cells of `g` that the sufficient condition for b also accepts, and of its cells that are exact-stable. */
export function sufficiencyScore(g: StabilityGrid, b: number, base: BinasParams): { covered: number; sound: number } {
  let stable = 0, both = 0, suff = 0;
  g.aExc.forEach((A, i) =>
    g.wMax.forEach((W, j) => {
      const s = g.status[i * g.wMax.length + j] === 'stable';
      const c = sufficientCondition(b, W, A, base);
      if (s) stable++;
      if (c) suff++;
      if (s && c) both++;
    }),
  );
  return { covered: stable ? both / stable : NaN, sound: suff ? both / suff : NaN };
}
