// Direct integration of the Binas single-node system (SPEC §4.1-4.2): one E and one I rate population,
// tau dx_E/dt = -x_E + [w_EE x_E - w_IE x_I + I_ext]_+, tau dx_I/dt = -x_I + [w_EI x_E]_+ (mu_E = 1, mu_I = 0, T = 0),
// with all three weights learning by Eq 18 at the same time (forward Euler, w clamped to [0, w_max]).
// This is the independent check of the Eq 30 cubic (SPEC B2): it assumes nothing about time-scale separation.
// Forward Euler is stable only while |1 + lambda dt| < 1 for the activation eigenvalues: at tau = 10 ms and dt = 1 ms
// that fails near the I_ext -> infinity weights (w_EI w_IE ~ 8), so integrate there with dt = 0.1 ms.
import { ruleDwDt, type BinasParams, type NodeWeights, type RuleParams } from './binas.ts';

/** Options of integrateNode: the training input, the rule parameters and the integration settings. */
export interface NodeRunOptions {
  I_Hz: number;
  params: BinasParams;
  tau_ms?: number; // population time constant (default 10 ms, the seed's Fig 5 value)
  dt_ms?: number; // Euler step (default 1 ms, the seed's simulation step)
  /**
   * tau_s of Eq 18 (Hz^2). The fixed points do not depend on it. Default: state-dependent 2 max(Theta_exc, x_E)^3,
   * which keeps every weight's rate below ~w_max/2 per second at any input (a positive rescaling of time for the
   * weights: same fixed points, learning always ~50x slower than tau = 10 ms).
   */
  tauS_Hz2?: number;
  w0?: NodeWeights; // initial weights (default 1, 1.5, 1.5)
  maxT_s?: number; // stop after this simulated time (default 2000 s)
  relTol?: number; // converged when no state variable moved by more than relTol (relative) over the last second (default 1e-9)
}

/** Where the single-node integration ended: rates, weights, simulated time, and whether it converged. */
export interface NodeRunResult extends NodeWeights {
  xE_Hz: number;
  xI_Hz: number;
  T_s: number; // simulated time
  converged: boolean;
}

/** Integrates the single-node rate + weight system from x = 0 until it stops moving (or maxT_s). */
export function integrateNode(o: NodeRunOptions): NodeRunResult {
  const p = o.params;
  const dt = (o.dt_ms ?? 1) / 1000;
  const k = dt / ((o.tau_ms ?? 10) / 1000);
  const exc: RuleParams = { theta_Hz: p.thetaExc_Hz, A: p.aExc, tauS_Hz2: o.tauS_Hz2 ?? 1 };
  const inh: RuleParams = { theta_Hz: p.thetaInh_Hz, A: p.aInh, tauS_Hz2: o.tauS_Hz2 ?? 1 };
  const w0 = o.w0 ?? { wEE: 1, wEI: 1.5, wIE: 1.5 };
  let { wEE, wEI, wIE } = w0;
  let xE = 0, xI = 0;
  const clamp = (w: number) => Math.min(p.wMax, Math.max(0, w));
  const perSecond = Math.round(1 / dt);
  const maxSteps = Math.round((o.maxT_s ?? 2000) / dt);
  const tol = o.relTol ?? 1e-9;
  let prev = [xE, xI, wEE, wEI, wIE];
  for (let step = 1; step <= maxSteps; step++) {
    // Rates and weights both from the state at the start of the step (simultaneous forward Euler).
    if (o.tauS_Hz2 === undefined) exc.tauS_Hz2 = inh.tauS_Hz2 = 2 * Math.max(p.thetaExc_Hz, xE) ** 3;
    const uE = Math.max(0, wEE * xE - wIE * xI + o.I_Hz);
    const uI = Math.max(0, wEI * xE);
    const dEE = ruleDwDt(wEE, xE, xE, p.wMax, exc);
    const dEI = ruleDwDt(wEI, xE, xI, p.wMax, exc);
    const dIE = ruleDwDt(wIE, xI, xE, p.wMax, inh);
    xE += k * (uE - xE);
    xI += k * (uI - xI);
    wEE = clamp(wEE + dt * dEE);
    wEI = clamp(wEI + dt * dEI);
    wIE = clamp(wIE + dt * dIE);
    if (step % perSecond === 0) {
      const now = [xE, xI, wEE, wEI, wIE];
      const last = [k * (uE - xE), k * (uI - xI), dt * dEE, dt * dEI, dt * dIE]; // this step's increments (catches period-2 cycles)
      const moved = now.some((v, i) => Math.abs(v - prev[i]!) > tol * Math.max(1e-3, Math.abs(v)) || Math.abs(last[i]!) > tol * Math.max(1e-3, Math.abs(v)));
      if (!moved || !now.every(Number.isFinite)) return { xE_Hz: xE, xI_Hz: xI, wEE, wEI, wIE, T_s: step * dt, converged: !moved };
      prev = now;
    }
  }
  return { xE_Hz: xE, xI_Hz: xI, wEE, wEI, wIE, T_s: maxSteps * dt, converged: false };
}
