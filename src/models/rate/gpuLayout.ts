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
  // Binas 2014 hooks: per-trial pattern inputs (table rows of U f32 from patStart, one per trial) and the
  // continuous Eq 18 rule on every block (block list of 7 words from blockStart)
  ['patOn', 'u32'], ['patStart', 'u32'], ['contOn', 'u32'], ['blockStart', 'u32'],
  ['nBlocks', 'u32'], ['contWMax', 'f32'], ['contK', 'f32'], ['thetaExc', 'f32'],
  ['thetaInh', 'f32'], ['aExc', 'f32'], ['aInh', 'f32'],
  // Poisson kicks (Fig S4; KICK_WORDS per kick from kickStart, their forced onsets after them; per-network kick state
  // from kickState) and the online rule (calcium sensor every step, then the rule)
  ['nKicks', 'u32'], ['kickStart', 'u32'], ['streamKick', 'u32'], ['kickState', 'u32'],
  ['onlineOn', 'u32'], ['kCa', 'f32'],
  // per-network w_max and A_exc of Eq 18 (plasticity.perNetwork): B f32 each from netStart (w_max) and netStart + B
  ['netOn', 'u32'], ['netStart', 'u32'],
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

/** The kick state (one f32 per network and kick: last step of the running kick + 1, 0 = none) follows the 6 state regions. */
export const KICK_STATE_REGION = 6;

/** Words per block of the continuous rule's list: wOff, postOffset, nPost, preOffset, nPre, sign + 1, noDiag. */
export const BLOCK_WORDS = 7;

/** Words per kick: input index (Philox counter word), population, onset threshold, steps, amp (f32 bits), forcedStart, forcedCount. */
export const KICK_WORDS = 7;

/**
 * The u32 table (populations, incoming blocks, pulses; then, for the Binas hooks, the block list of the continuous
 * rule; the kicks and their forced onsets; one row of U f32 pattern inputs per trial) and where each part starts.
 */
export function rateTable(m: RateModel): { table: Uint32Array; pulseStart: number; blockStart: number; patStart: number; kickStart: number; netStart: number } {
  const ontoStart = m.pops.length * POP_WORDS;
  const nOnto = m.blocksOnto.reduce((a, l) => a + l.length, 0);
  const pulseStart = ontoStart + 4 * nOnto;
  const blockStart = pulseStart + 4 * m.pulses.length;
  const kickStart = blockStart + (m.continuous ? BLOCK_WORDS * m.blocks.length : 0);
  const forcedStart = kickStart + KICK_WORDS * m.kicks.length;
  const netStart = forcedStart + m.kicks.reduce((a, k) => a + k.forced.length, 0);
  const patStart = netStart + (m.continuous?.perNetwork ? 2 * m.B : 0);
  const trials = m.spec.trials.count;
  const table = new Uint32Array(patStart + (m.patterns.length ? trials * m.U : 0));
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
  if (m.continuous) {
    m.blocks.forEach((blk, k) => {
      const o = blockStart + BLOCK_WORDS * k;
      table.set([blk.wOff, m.pops[blk.post]!.offset, m.pops[blk.post]!.n, m.pops[blk.pre]!.offset, m.pops[blk.pre]!.n, blk.sign + 1, blk.noDiag ? 1 : 0], o);
    });
  }
  let fo = forcedStart;
  m.kicks.forEach((kk, k) => {
    const o = kickStart + KICK_WORDS * k;
    table.set([kk.input, kk.pop, kk.thr, kk.steps], o);
    f[o + 4] = kk.amp;
    table[o + 5] = fo;
    table[o + 6] = kk.forced.length;
    table.set(kk.forced, fo);
    fo += kk.forced.length;
  });
  if (m.continuous?.perNetwork) {
    f.set(m.continuous.wMaxB, netStart);
    f.set(m.continuous.aExcB, netStart + m.B);
  }
  // pattern rows summed per unit in spec order, as the CPU's loadPattern (f32 adds)
  for (let t = 0; m.patterns.length && t < trials; t++) {
    const o = patStart + t * m.U;
    for (const p of m.patterns) {
      const row = p.values[t % p.values.length]!;
      p.units.forEach((u, k) => (f[o + u] = Math.fround(f[o + u]! + row[k]!)));
    }
  }
  return { table, pulseStart, blockStart, patStart, kickStart, netStart };
}

/** Named RateParams of a model (s0, s1, trial, traceOn are set per dispatch). */
export function rateParamValues(m: RateModel, pulseStart: number, starts: { blockStart: number; patStart: number; kickStart?: number; netStart?: number } = { blockStart: 0, patStart: 0 }): Record<string, number> {
  const c = m.continuous;
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
    patOn: m.patterns.length ? 1 : 0, patStart: starts.patStart, contOn: c ? 1 : 0, blockStart: starts.blockStart, nBlocks: m.blocks.length,
    contWMax: c?.wMax ?? 0, contK: c?.k ?? 0, thetaExc: c?.theta[0] ?? 0, thetaInh: c?.theta[1] ?? 0, aExc: c?.A[0] ?? 0, aInh: c?.A[1] ?? 0,
    nKicks: m.kicks.length, kickStart: starts.kickStart ?? 0, streamKick: STREAM.rateKick, kickState: KICK_STATE_REGION * m.B * m.U,
    onlineOn: r?.kind === 'online' ? 1 : 0, kCa: r?.kCa ?? 0,
    netOn: c?.perNetwork ? 1 : 0, netStart: starts.netStart ?? 0,
  };
}
