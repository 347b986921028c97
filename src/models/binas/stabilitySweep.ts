// Binas 2014 Fig 5 as a batched simulation: every (w_max, A_exc) cell of a grid is one network of a rate-engine batch
// (the plastic single node: one E and one I population, E<-E, E<-I, I<-E, constant input I_ext onto E, Eq 18 on every
// synapse with the cell's w_max and A_exc: plasticity.perNetwork), started 5% above the cell's fixed-point weights
// (src/theory/binas.ts; weights 1 where the cell has none). Short trials (trial_ms) sample the rates: a cell is
// 'stable' when E over the last `settle` trials stays within 1% of its mean with inhibition active, 'no-inhibition'
// when I is silent, 'unstable' otherwise (runaway, oscillation, still moving). One dispatch per chunk on the GPU.
import { nodeFixedPoints, type BinasParams } from '../../theory/binas.ts';
import type { CellStatus } from '../../theory/binasStability.ts';
import type { RateResult } from '../rate/run.ts';
import type { RateSpec } from '../rate/spec.ts';
import { validateRateSpec } from '../rate/validate.ts';
import { BINAS_RATE_MAX_HZ } from './build.ts';

export interface SweepOptions {
  tau_ms?: number; // E and I time constants (Fig 5: 10 ms)
  dt_ms?: number; // Euler step (1 ms)
  trial_ms?: number; // one rate sample per trial (20 ms)
  trials?: number; // samples (1000: 20 s)
  settle?: number; // trials at the end that must agree (50)
  tauS_Hz2: number; // Eq 18 learning time
  seed?: number;
}

/** The cells of the grid in row-major order [aExc index][wMax index]. */
export function sweepCells(wMax: number[], aExc: number[]): { wMax: number; aExc: number }[] {
  return aExc.flatMap((A) => wMax.map((W) => ({ wMax: W, aExc: A })));
}

/** The batched rate spec of the grid at training input I_Hz. */
export function stabilitySweepSpec(I_Hz: number, wMax: number[], aExc: number[], base: BinasParams, o: SweepOptions): RateSpec {
  const cells = sweepCells(wMax, aExc);
  const tau = o.tau_ms ?? 10;
  const start = cells.map((c) => {
    const fp = nodeFixedPoints(I_Hz, { ...base, wMax: c.wMax, aExc: c.aExc, aInh: 0 }, tau / 1000)[0];
    return fp ? { wEE: 1.05 * fp.wEE, wEI: 1.05 * fp.wEI, wIE: 1.05 * fp.wIE } : { wEE: 1, wEI: 1, wIE: 1 };
  });
  const list = (f: (w: (typeof start)[number]) => number) => ({ kind: 'list' as const, values: start.map(f) });
  const pop = (name: string) => ({ name, n: 1, tau_ms: tau, gain: 1, threshold: 0, rateMax_Hz: BINAS_RATE_MAX_HZ });
  const trial_ms = o.trial_ms ?? 20;
  return validateRateSpec({
    kind: 'rate',
    name: `binas-fig5-I${I_Hz}`,
    seed: o.seed ?? 5,
    batch: cells.length,
    dt_ms: o.dt_ms ?? 1,
    update: 'simultaneous',
    populations: [pop('E'), pop('I')],
    weights: [
      { post: 'E', pre: 'E', sign: 1, init: list((w) => w.wEE) },
      { post: 'E', pre: 'I', sign: -1, init: list((w) => w.wIE) },
      { post: 'I', pre: 'E', sign: 1, init: list((w) => w.wEI) },
    ],
    inputs: [{ kind: 'constant', target: 'E', amp: I_Hz }],
    trials: { count: o.trials ?? 1000, duration_ms: trial_ms, window_ms: trial_ms / 2, tauTrial: 1, resetRates: false },
    plasticity: { kind: 'continuous', rule: 'binas', ...base, aInh: 0, tauS_Hz2: o.tauS_Hz2, perNetwork: { wMax: cells.map((c) => c.wMax), aExc: cells.map((c) => c.aExc) } },
    recording: { traceTrials: [], traceEvery_steps: 1 },
  });
}

/** Each cell's simulated status and its final E rate (trial mean of the last trial). */
export function classifySweep(r: RateResult, settle = 50): { status: CellStatus[]; xE_Hz: number[] } {
  const rec = r.recordings;
  const T = rec.trials;
  const status: CellStatus[] = [];
  const xE: number[] = [];
  for (let b = 0; b < r.model.B; b++) {
    const at = (t: number, p: number) => rec.trialMean_Hz[(b * T + t) * 2 + p]!;
    const e = Array.from({ length: Math.min(settle, T) }, (_, k) => at(T - 1 - k, 0));
    const i = Array.from({ length: Math.min(settle, T) }, (_, k) => at(T - 1 - k, 1));
    const mean = e.reduce((a, x) => a + x, 0) / e.length;
    const spread = Math.max(...e) - Math.min(...e);
    xE.push(at(T - 1, 0));
    if (Math.max(...i) <= 1e-3) status.push('no-inhibition');
    else status.push(Number.isFinite(mean) && mean < 0.5 * BINAS_RATE_MAX_HZ && spread <= 0.01 * Math.max(mean, 1e-3) ? 'stable' : 'unstable');
  }
  return { status, xE_Hz: xE };
}
