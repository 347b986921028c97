// Balanced-state rates (SPEC §2.7, Eqs 1–3): W̄ = [p_ab j_ab q_b], W̄_x = [p_ak j_ak q_xk],
// r = −W̄⁻¹ W̄_x r_x in the N → ∞ limit, plus the balance condition. Rates at the API are in Hz.
import { inverse, matVec } from './linalg.ts';
import { at, el, hzToKhz, khzToHz, type Matrix, type MeanFieldNetwork } from './types.ts';

function checkShapes(net: MeanFieldNetwork): void {
  const n = net.q.length;
  const nx = net.qx.length;
  const bad = (what: string): never => {
    throw new RangeError(`MeanFieldNetwork: ${what}`);
  };
  if (net.p.length !== n || net.j.length !== n) bad(`p and j need ${n} rows`);
  if (net.px.length !== n || net.jx.length !== n) bad(`px and jx need ${n} rows`);
  for (const m of [net.p, net.j]) for (const row of m) if (row.length !== n) bad(`p and j need ${n} columns`);
  for (const m of [net.px, net.jx]) for (const row of m) if (row.length !== nx) bad(`px and jx need ${nx} columns`);
  if (net.rx_Hz.length !== nx) bad(`rx_Hz needs ${nx} entries`);
}

/** Mean-field recurrent matrix W̄ with w̄_ab = p_ab j_ab q_b (Eq 1). */
export function meanFieldW(net: MeanFieldNetwork): Matrix {
  checkShapes(net);
  return net.j.map((row, a) => row.map((jab, b) => at(net.p, a, b) * jab * el(net.q, b)));
}

/** Mean-field feedforward matrix W̄_x with w̄_ak = px_ak jx_ak qx_k (populations × input layers). */
export function meanFieldWx(net: MeanFieldNetwork): Matrix {
  checkShapes(net);
  return net.jx.map((row, a) => row.map((jak, k) => at(net.px, a, k) * jak * el(net.qx, k)));
}

/** Net external drive X̄ = W̄_x r_x per population, in kHz·(j units) (the paper's X̄_a). */
export function externalDrive_kHz(net: MeanFieldNetwork): number[] {
  return matVec(meanFieldWx(net), net.rx_Hz.map(hzToKhz));
}

/** Balanced rates r = −W̄⁻¹ W̄_x r_x in Hz (Eq 3); throws SingularMatrixError if W̄ is singular. */
export function balancedRates(net: MeanFieldNetwork): number[] {
  const x = externalDrive_kHz(net);
  return matVec(inverse(meanFieldW(net)), x).map((v) => -khzToHz(v));
}

/** Result of the balance-condition check. */
export interface BalanceCheck {
  /** Balanced rates in Hz, or null when W̄ is singular. */
  rates_Hz: number[] | null;
  /** All balanced rates strictly positive. */
  positiveRates: boolean;
  /** Two populations only: X̄_e/X̄_i, w̄_ei/w̄_ii, w̄_ee/w̄_ie and whether they are in decreasing order. */
  twoPop: { xRatio: number; eiOverIi: number; eeOverIe: number; ordered: boolean } | null;
  /** Overall verdict: the ordering (2 populations) or positive rates (any size). */
  holds: boolean;
}

/** Balance condition: X̄_e/X̄_i > w̄_ei/w̄_ii > w̄_ee/w̄_ie for 2 pops; positive finite Eq-3 rates otherwise. */
export function balanceCondition(net: MeanFieldNetwork): BalanceCheck {
  const W = meanFieldW(net);
  let rates: number[] | null;
  try {
    rates = balancedRates(net);
  } catch {
    rates = null;
  }
  const positiveRates = rates !== null && rates.every((r) => Number.isFinite(r) && r > 0);
  let twoPop: BalanceCheck['twoPop'] = null;
  if (net.q.length === 2) {
    const x = externalDrive_kHz(net);
    const xRatio = el(x, 0) / el(x, 1);
    const eiOverIi = at(W, 0, 1) / at(W, 1, 1);
    const eeOverIe = at(W, 0, 0) / at(W, 1, 0);
    twoPop = { xRatio, eiOverIi, eeOverIe, ordered: xRatio > eiOverIi && eiOverIi > eeOverIe };
  }
  return { rates_Hz: rates, positiveRates, twoPop, holds: twoPop ? twoPop.ordered : positiveRates };
}

/** One unscaled-weight override: j[post][pre] = value. */
export interface WeightSetting {
  post: number;
  pre: number;
  value: number;
}

/** Copy of `net` with the given entries of j replaced (the input network is not modified). */
export function withWeights(net: MeanFieldNetwork, settings: readonly WeightSetting[]): MeanFieldNetwork {
  const j = net.j.map((row) => row.slice());
  for (const s of settings) {
    if (j[s.post]?.[s.pre] === undefined) throw new RangeError(`no weight j[${s.post}][${s.pre}]`);
    j[s.post]![s.pre] = s.value;
  }
  return { ...net, j };
}

/** Copy of `net` with new input rates (Hz), e.g. to switch an optogenetic input on or off. */
export function withInputRates(net: MeanFieldNetwork, rx_Hz: readonly number[]): MeanFieldNetwork {
  if (rx_Hz.length !== net.qx.length) throw new RangeError(`rx_Hz needs ${net.qx.length} entries`);
  return { ...net, rx_Hz: rx_Hz.slice() };
}
