// What integrate-and-fire models share: the membrane fields of the spec, their checks and derived constants.
import type { DerivedNeuron } from '../model/derive.ts';
import type { FieldChecker } from './registry.ts';

export const MEMBRANE_FIELDS = ['model', 'eL_mV', 'vThresh_mV', 'vReset_mV', 'refractory_ms', 'vInitLow_mV', 'vInitHigh_mV'] as const;

/**
 * Checks an integrate-and-fire neuron: its known fields (the membrane ones and `own`), the model's own
 * fields (`checkOwn`), the membrane fields, then `checkAfter` and the reset/threshold and initial-V order.
 */
export function checkMembrane(c: FieldChecker, path: string, n: Record<string, unknown>, own: readonly string[], checkOwn: () => void, checkAfter?: () => void): void {
  c.known(path, n, [...MEMBRANE_FIELDS, ...own]);
  checkOwn();
  for (const f of ['eL_mV', 'vThresh_mV', 'vReset_mV', 'vInitLow_mV', 'vInitHigh_mV']) c.num(`${path}.${f}`, n[f], -1000, 1000);
  c.num(`${path}.refractory_ms`, n['refractory_ms'], 0, 1e4);
  checkAfter?.();
  if (typeof n['vReset_mV'] === 'number' && typeof n['vThresh_mV'] === 'number' && !(n['vReset_mV'] < n['vThresh_mV']))
    c.bad(`${path}.vReset_mV`, n['vReset_mV'], `below vThresh_mV (${n['vThresh_mV']})`);
  if (typeof n['vInitLow_mV'] === 'number' && typeof n['vInitHigh_mV'] === 'number' && n['vInitLow_mV'] > n['vInitHigh_mV'])
    c.bad(`${path}.vInitHigh_mV`, n['vInitHigh_mV'], `>= vInitLow_mV (${n['vInitLow_mV']})`);
}

/** The membrane constants of a validated integrate-and-fire neuron (f32 where kernels use them). */
export function membraneConstants(n: Record<string, unknown>): Pick<DerivedNeuron, 'eL' | 'vThresh' | 'vReset' | 'vInitLow' | 'vInitHigh'> {
  const f32 = Math.fround;
  return { eL: f32(n['eL_mV'] as number), vThresh: f32(n['vThresh_mV'] as number), vReset: f32(n['vReset_mV'] as number), vInitLow: n['vInitLow_mV'] as number, vInitHigh: n['vInitHigh_mV'] as number };
}
