// Neuron model 'adaptive_lif': a current-based leaky integrate-and-fire unit with a spike-triggered
// adaptation current and white-noise input (Jercog et al. 2017 as coded by the Soldado-Magraner 2022
// co-author, mikejseay/spiking-upstates network.py; Brian units: V in mV, I in pA, C in pF, g in nS):
//   C dV/dt = g_L (E_L - V) - a + sum_c I_c + I_b + sigma sqrt(C / g_L)^-1 C xi(t)    (V frozen while refractory)
//   da/dt = -a / tauAdapt,   a += betaAdapt / tauAdapt at each spike.
// Internal current unit nA (inputScale 1e-3): the spec gives pA, pA ms and pF, but channel currents, the
// adaptation current and iBg are held in nA (C in nF, g_L in uS), so the fixed-point accumulators (scale 2^20,
// i32) span +-2048 nA per step at a resolution of 1e-3 pA (in pA they would overflow at 2 nA).
// Forward Euler in f32, in exactly this order (CPU and WGSL):
//   itot = +0;  for every channel c (ascending): itot = f32(itot + I_c)
//   vn   = f32(v + f32(dtOverC * f32(f32(f32(gL * f32(eL - v)) + itot) + iBg)))
//   vn   = f32(vn + f32(noiseAmp * z))          (only when noiseAmp != 0)
//   vn >= vThresh: spike, vn = vReset, refr = refSteps, I_adapt = f32(I_adapt + adaptKick).
// The adaptation current lives in a channel of its own (kind 'adapt', one per adaptive population,
// added by derive.ts after the population's recurrent channel): it holds -a, so it joins the channel sum
// like any current, is kicked by adaptKick = f32(-betaAdapt / tauAdapt) (nA) at each spike and decays by
// f32(1 - dt/tauAdapt) in 'trace_update' like every current (Brian applies a's decay in the step after the
// reset; here the kick decays once at the end of the spike's step: one step earlier).
// Noise: sigma in mV as the reference's noiseSigma * (C/g_L)^-0.5 * xi, so V's free stationary s.d. is
// sigma / sqrt(2); per step z is an Irwin-Hall sum of 12 uniform 16-bit halves of the six Philox words
// of counters (step, i, 0, 0) words 0-3 and (step, i, 1, 0) words 0-1 of stream STREAM.membraneNoise,
// minus 6: mean 0, variance 1 - 2^-32, tails cut at +-6. Every operation is an exact integer sum or a
// power-of-two scaling, so the CPU and WGSL draws are bit-identical (Box-Muller's log/cos are not).
import type { Derived, DerivedPop } from '../model/derive.ts';
import type { StateLayout } from '../engine/state.ts';
import { philox4x32 } from '../rng/philox.ts';
import { STREAM } from '../rng/streams.ts';
import { checkMembrane, membraneConstants } from './membrane.ts';
import type { NeuronModel } from './registry.ts';

import { arenaOf, EX_SCRATCH_LENGTH } from '../engine/cpu/wasmKernels.ts';

const f = Math.fround;
const words = new Uint32Array(4);

/** The Irwin-Hall noise draw z of neuron i at `step` (see the header), exact. */
export function membraneNoise(seed: number, step: number, i: number): number {
  let sum = 0;
  philox4x32(words, step >>> 0, i, 0, 0, seed, STREAM.membraneNoise);
  for (let k = 0; k < 4; k++) sum += (words[k]! & 0xffff) + (words[k]! >>> 16);
  philox4x32(words, step >>> 0, i, 1, 0, seed, STREAM.membraneNoise);
  for (let k = 0; k < 2; k++) sum += (words[k]! & 0xffff) + (words[k]! >>> 16);
  return (sum - 393216) / 65536;
}

/** Integrates adaptive population p one step; appends its spikers (ascending) after nSpk and returns the new count. */
export function adaptiveLifUpdate(d: Derived, st: StateLayout, p: DerivedPop, nSpk: number): number {
  const N = d.N;
  const nCh = d.channels.length;
  const n = p.neuron;
  const { v, refr, current, spikes } = st;
  const gL = n.gL, eL = n.eL, dtC = n.dtOverC, iBg = n.iBg, vTh = n.vThresh, vRe = n.vReset, refSteps = n.refSteps;
  const noiseAmp = n.noiseAmp, kick = n.adaptKick, aBase = n.adaptChannel * N;
  const seed = d.spec.seed >>> 0;
  const step = st.step;
  // the noise draws of a block of neurons from the WebAssembly kernel (the same values as membraneNoise,
  // 3-5x faster: i64 products), where the state lives in a kernel arena; else membraneNoise per neuron
  const arena = noiseAmp !== 0 ? arenaOf(v) : undefined;
  const z = arena?.exScratch;
  const end = p.offset + p.size;
  for (let b = p.offset; b < end; b += EX_SCRATCH_LENGTH) {
    const bEnd = Math.min(end, b + EX_SCRATCH_LENGTH);
    if (z) arena!.k.noise(arena!.exPtr, seed, STREAM.membraneNoise, step >>> 0, b, bEnd - b);
    for (let i = b; i < bEnd; i++) {
      if (refr[i]! > 0) {
        refr[i]!--;
        continue;
      }
      let itot = 0;
      for (let at = i; at < nCh * N; at += N) itot = f(itot + current[at]!);
      const vi = v[i]!;
      let vn = f(vi + f(dtC * f(f(f(gL * f(eL - vi)) + itot) + iBg)));
      if (noiseAmp !== 0) vn = f(vn + f(noiseAmp * (z ? z[i - b]! : membraneNoise(seed, step, i))));
      if (vn >= vTh) {
        spikes[nSpk++] = i;
        vn = vRe;
        refr[i] = refSteps;
        if (kick !== 0) current[aBase + i] = f(current[aBase + i]! + kick);
      }
      v[i] = vn;
    }
  }
  return nSpk;
}

const WGSL = `
// Adaptive LIF (adaptiveLifUpdate): v + dtC * ((gL (eL - v) + sum_c I_c) + iBg), then + noiseAmp * z.
fn membrane_noise(i: u32, step: u32) -> f32 {
  let key = vec2<u32>(P.seed, STREAM_MEMBRANE_NOISE);
  let a = philox4x32(vec4<u32>(step, i, 0u, 0u), key);
  let b = philox4x32(vec4<u32>(step, i, 1u, 0u), key);
  var sum = 0u;
  for (var k = 0u; k < 4u; k++) {
    sum = sum + (a[k] & 0xffffu) + (a[k] >> 16u);
  }
  for (var k = 0u; k < 2u; k++) {
    sum = sum + (b[k] & 0xffffu) + (b[k] >> 16u);
  }
  return f32(i32(sum) - 393216) * (1.0 / 65536.0);
}

fn adaptive_lif_v(p: u32, i: u32, vi: f32) -> f32 {
  let pp = &P.pops[p];
  var itot = 0.0;
  for (var c = 0u; c < P.nChannels; c++) {
    itot = itot + fstate[P.curOff + c * P.N + i];
  }
  var vn = vi + pp.dtOverC * ((pp.gL * (pp.eL - vi) + itot) + pp.iBg);
  if (pp.noiseAmp != 0.0) {
    vn = vn + pp.noiseAmp * membrane_noise(i, NU_STEP);
  }
  return vn;
}
`;

/** Adaptation time constant (ms) of a validated adaptive_lif neuron with adaptation on, else null. */
export function adaptationTau_ms(n: Record<string, unknown>): number | null {
  return n['model'] === 'adaptive_lif' && (n['betaAdapt_pAms'] as number) !== 0 ? (n['tauAdapt_ms'] as number) : null;
}

export const adaptiveLif: NeuronModel = {
  name: 'adaptive_lif',
  description: 'adaptive LIF, current based, with white noise (Jercog 2017 / Soldado-Magraner 2022 Fig 7; mV, pA, pF, nS)',
  input: 'current',
  inputScale: 1e-3,
  meanField: false,
  validate: (c, path, n) =>
    checkMembrane(c, path, n, ['C_pF', 'gL_nS', 'iBg_pA', 'tauAdapt_ms', 'betaAdapt_pAms', 'noiseSigma_mV'], () => {
      c.num(`${path}.C_pF`, n['C_pF'], 0, 1e9, { loOpen: true });
      c.num(`${path}.gL_nS`, n['gL_nS'], 0, 1e9, { loOpen: true });
      c.num(`${path}.iBg_pA`, n['iBg_pA'], -1e9, 1e9);
      c.num(`${path}.tauAdapt_ms`, n['tauAdapt_ms'], 0, 1e7, { loOpen: true });
      c.num(`${path}.betaAdapt_pAms`, n['betaAdapt_pAms'], 0, 1e9);
      c.num(`${path}.noiseSigma_mV`, n['noiseSigma_mV'], 0, 1000);
    }),
  derive: (n, dt, base) => {
    const C = n['C_pF'] as number, gL = n['gL_nS'] as number, tauA = n['tauAdapt_ms'] as number;
    return {
      ...base,
      ...membraneConstants(n),
      model: 'adaptive_lif',
      dtOverC: f((dt * 1000) / C),
      gL: f(gL / 1000),
      iBg: f((n['iBg_pA'] as number) / 1000),
      adaptKick: f(-(n['betaAdapt_pAms'] as number) / tauA / 1000),
      noiseAmp: f((n['noiseSigma_mV'] as number) * Math.sqrt((dt * gL) / C)),
    };
  },
  cpuUpdate: adaptiveLifUpdate,
  gpu: { code: 3, fn: 'adaptive_lif_v', wgsl: WGSL },
};
