// Host-side layout of the rate passes: RateParams (one list is the source of both the WGSL struct and the bytes
// written) and the u32 table of populations, incoming blocks and pulses described in shaders/rate_common.wgsl.
import { STREAM } from '../../rng/streams.ts';
import type { RateModel } from './derive.ts';

type Field = readonly [name: string, type: 'u32' | 'f32'];

/** RateParams fields in order (all 4-byte scalars; the uniform buffer is padded to 16 bytes). */
export const RATE_PARAMS: readonly Field[] = [
  ['B', 'u32'], ['U', 'u32'], ['nW', 'u32'], ['nPops', 'u32'],
  ['nPulses', 'u32'], ['pulseStart', 'u32'], ['trialSteps', 'u32'], ['winFirst', 'u32'],
  ['winCount', 'u32'], ['trial', 'u32'], ['s0', 'u32'], ['s1', 'u32'],
  ['seed', 'u32'], ['streamNoise', 'u32'], ['traceEvery', 'u32'], ['traceOn', 'u32'],
  ['sequential', 'u32'], ['resetRates', 'u32'], ['tauTrial', 'f32'], ['ruleOn', 'u32'],
  ['ruleOwn', 'u32'], ['ruleCross', 'u32'], ['popE', 'u32'], ['popI', 'u32'],
  ['wEE', 'u32'], ['wEI', 'u32'], ['wIE', 'u32'], ['wII', 'u32'],
  ['diagEE', 'u32'], ['diagII', 'u32'], ['alphaE', 'f32'], ['alphaI', 'f32'],
  ['floorEE', 'f32'], ['floorEI', 'f32'], ['floorIE', 'f32'], ['floorII', 'f32'],
  ['rateFloor', 'f32'],
];
export const RATE_PARAMS_BYTES = Math.ceil((RATE_PARAMS.length * 4) / 16) * 16;

/** WGSL text of the RateParams struct. */
export function rateParamsStruct(): string {
  return `struct RateParams {\n${RATE_PARAMS.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n}`;
}

/** Bytes of RateParams from named values (every field required). */
export function rateParamsBytes(v: Record<string, number>): ArrayBuffer {
  const buf = new ArrayBuffer(RATE_PARAMS_BYTES);
  const dv = new DataView(buf);
  RATE_PARAMS.forEach(([n, t], k) => {
    const x = v[n];
    if (x === undefined || !Number.isFinite(x)) throw new RangeError(`RateParams.${n} missing or not finite: ${x}`);
    if (t === 'u32') dv.setUint32(4 * k, x >>> 0, true);
    else dv.setFloat32(4 * k, x, true);
  });
  return buf;
}

const POP_WORDS = 12;

/** The u32 table (populations, incoming blocks, pulses) and where the pulses start. */
export function rateTable(m: RateModel): { table: Uint32Array; pulseStart: number } {
  const ontoStart = m.pops.length * POP_WORDS;
  const nOnto = m.blocksOnto.reduce((a, l) => a + l.length, 0);
  const pulseStart = ontoStart + 4 * nOnto;
  const table = new Uint32Array(pulseStart + 4 * m.pulses.length);
  const f = new Float32Array(table.buffer);
  let e = ontoStart;
  m.pops.forEach((p, q) => {
    const o = q * POP_WORDS;
    table[o] = p.offset;
    table[o + 1] = p.n;
    table[o + 2] = e;
    table[o + 3] = m.blocksOnto[q]!.length;
    f[o + 4] = p.k;
    f[o + 5] = p.gain;
    f[o + 6] = p.threshold;
    f[o + 7] = p.rateMax;
    f[o + 8] = p.ouA;
    f[o + 9] = p.ouS;
    f[o + 10] = m.constant[q]!;
    f[o + 11] = Number.isFinite(p.setpoint) ? p.setpoint : 0;
    for (const k of m.blocksOnto[q]!) {
      const blk = m.blocks[k]!;
      table[e] = blk.wOff;
      table[e + 1] = m.pops[blk.pre]!.offset;
      table[e + 2] = m.pops[blk.pre]!.n;
      table[e + 3] = blk.sign + 1;
      e += 4;
    }
  });
  m.pulses.forEach((pu, k) => {
    const o = pulseStart + 4 * k;
    table[o] = pu.pop;
    table[o + 1] = pu.first;
    table[o + 2] = pu.last;
    f[o + 3] = pu.amp;
  });
  return { table, pulseStart };
}

/** Named RateParams of a model (s0, s1, trial, traceOn are set per dispatch). */
export function rateParamValues(m: RateModel, pulseStart: number): Record<string, number> {
  const r = m.rule;
  const blk = (k: number | undefined) => (k === undefined ? undefined : m.blocks[k]);
  const fl = (k: number | undefined): number => (r && blk(k) ? Math.fround(r.floor / blk(k)!.fanIn) : 0);
  return {
    B: m.B, U: m.U, nW: m.nW, nPops: m.pops.length, nPulses: m.pulses.length, pulseStart,
    trialSteps: m.trialSteps, winFirst: m.winFirst, winCount: m.winCount, trial: 0, s0: 0, s1: 0,
    seed: m.spec.seed, streamNoise: STREAM.rateNoise, traceEvery: m.traceEvery, traceOn: 0,
    sequential: m.spec.update === 'sequential' ? 1 : 0, resetRates: m.spec.trials.resetRates ? 1 : 0,
    tauTrial: m.spec.trials.tauTrial, ruleOn: r?.kind === 'trial' ? 1 : 0,
    ruleOwn: r && r.rule !== 'cross-homeostatic' ? 1 : 0, ruleCross: r && r.rule !== 'homeostatic' ? 1 : 0,
    popE: r?.E ?? 0, popI: r?.I ?? 0,
    wEE: blk(r?.bEE)?.wOff ?? 0, wEI: blk(r?.bEI)?.wOff ?? 0, wIE: blk(r?.bIE)?.wOff ?? 0, wII: blk(r?.bII)?.wOff ?? 0,
    diagEE: blk(r?.bEE)?.noDiag ? 1 : 0, diagII: blk(r?.bII)?.noDiag ? 1 : 0,
    alphaE: r?.alphaE ?? 0, alphaI: r?.alphaI ?? 0,
    floorEE: fl(r?.bEE), floorEI: fl(r?.bEI), floorIE: fl(r?.bIE), floorII: fl(r?.bII), rateFloor: r?.rateFloor ?? 0,
  };
}
