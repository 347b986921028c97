// deriveRate(spec): the per-step f32 constants and index tables of a validated rate spec, computed once on the
// host (f64, then rounded to f32), shared by the CPU reference and the WGSL twin.
import { normalFromWords } from '../../rng/dist.ts';
import { philox4x32, u01 } from '../../rng/philox.ts';
import { STREAM } from '../../rng/streams.ts';
import type { RateRuleName, RateSpec } from './spec.ts';

const f32 = Math.fround;

export interface RatePop {
  name: string;
  offset: number; // first unit index
  n: number;
  k: number; // dt / tau (f32): r += (f(x) - r) * k
  gain: number;
  threshold: number;
  rateMax: number;
  ouA: number; // dt / tauOU (f32), 0 without noise
  ouS: number; // sigma sqrt(dt) (f32), 0 without noise
  setpoint: number; // NaN when none
}

export interface RateBlock {
  post: number; // population indices
  pre: number;
  sign: 1 | -1;
  wOff: number; // offset of W[i][j] (row-major, i post, j pre) in one network's weight array
  noDiag: boolean; // autapses removed
  fanIn: number; // presynaptic partners per post unit (n_pre, minus one without autapses)
}

/** A pulse window in 0-based steps of a trial, inclusive at both ends (the authors' evoked(on:on+dur)). */
export interface RatePulse {
  pop: number;
  first: number;
  last: number;
  amp: number;
}

export interface RateKick {
  input: number; // index in spec.inputs (Philox counter word)
  pop: number;
  p: number; // per-step onset probability as a u32 threshold (word < thr)
  thr: number;
  steps: number; // kick lasts steps + 1 steps (inclusive window, as the pulses)
  amp: number;
  forced: number[]; // forced onsets (0-based step)
}

export interface RateModel {
  spec: RateSpec;
  B: number;
  U: number; // units per network
  nW: number; // weights per network
  pops: RatePop[];
  blocks: RateBlock[];
  blocksOnto: number[][]; // per population: its incoming blocks in spec order
  pulses: RatePulse[];
  constant: Float32Array; // per population: constant drive
  kicks: RateKick[];
  trialSteps: number;
  winFirst: number; // first 0-based step of the trial-mean window
  winCount: number;
  traceEvery: number;
  /** Per-trial input patterns: unit indices and one row of values per trial (f32); empty without pattern inputs. */
  patterns: { units: number[]; values: Float32Array[] }[];
  /** Continuous-time Eq 18 rule on every block (null unless plasticity.kind === 'continuous'). */
  continuous: null | {
    wMax: number; // f32
    k: number; // dt (s) / tauS (f32)
    theta: [number, number]; // per block sign: [excitatory, inhibitory] (f32)
    A: [number, number];
    wMaxB: Float32Array; // per network: w_max (plasticity.perNetwork.wMax, else wMax)
    aExcB: Float32Array; // per network: A_exc
    perNetwork: boolean; // whether any per-network value was given (the WGSL twin then reads them from its table)
  };
  /** Trial-based or online Soldado-Magraner rule indices (null without such plasticity). */
  rule: null | {
    kind: 'trial' | 'online';
    rule: RateRuleName;
    E: number; // population index of the excitatory class
    I: number;
    bEE: number; // block indices
    bEI: number;
    bIE: number;
    bII: number;
    alphaE: number; // f32
    alphaI: number;
    floor: number; // W_MIN (f64; per block floor = W_MIN / fanIn in f32)
    rateFloor: number;
    kCa: number; // online: dt / tauCa (f32)
  };
}

/** Steps of a duration (ms) at dt (ms). */
export const stepsOf = (t_ms: number, dt_ms: number): number => Math.round(t_ms / dt_ms);

export function deriveRate(spec: RateSpec): RateModel {
  const dt = spec.dt_ms;
  const pops: RatePop[] = [];
  let U = 0;
  for (const p of spec.populations) {
    pops.push({
      name: p.name,
      offset: U,
      n: p.n,
      k: f32(dt / p.tau_ms),
      gain: f32(p.gain),
      threshold: f32(p.threshold),
      rateMax: f32(p.rateMax_Hz),
      ouA: p.noise ? f32(dt / p.noise.tau_ms) : 0,
      ouS: p.noise ? f32(p.noise.sigma * Math.sqrt(dt / 1000)) : 0,
      setpoint: p.setpoint_Hz ?? NaN,
    });
    U += p.n;
  }
  const idx = (name: string): number => pops.findIndex((p) => p.name === name);
  let nW = 0;
  const blocks: RateBlock[] = spec.weights.map((w) => {
    const post = idx(w.post);
    const pre = idx(w.pre);
    const noDiag = post === pre && pops[post]!.n > 1 && !w.autapses;
    const b: RateBlock = { post, pre, sign: w.sign, wOff: nW, noDiag, fanIn: noDiag ? pops[pre]!.n - 1 : pops[pre]!.n };
    nW += pops[post]!.n * pops[pre]!.n;
    return b;
  });
  const blocksOnto = pops.map((_, p) => blocks.flatMap((b, k) => (b.post === p ? [k] : [])));
  const trialSteps = stepsOf(spec.trials.duration_ms, dt);
  const winSteps = Math.min(stepsOf(spec.trials.window_ms, dt), trialSteps - 1);
  const pulses: RatePulse[] = [];
  const kicks: RateKick[] = [];
  const constant = new Float32Array(pops.length);
  const patterns: RateModel['patterns'] = [];
  spec.inputs.forEach((x, i) => {
    if (x.kind === 'pattern') {
      const units = x.targets.flatMap((t) => {
        const p = pops[idx(t)]!;
        return Array.from({ length: p.n }, (_, u) => p.offset + u);
      });
      patterns.push({ units, values: x.values.map((row) => Float32Array.from(row)) });
      return;
    }
    const pop = idx(x.target);
    if (x.kind === 'pulse') {
      const first = Math.max(0, stepsOf(x.onset_ms, dt) - 1);
      pulses.push({ pop, first, last: first + stepsOf(x.duration_ms, dt), amp: f32(x.amp) });
    } else if (x.kind === 'poisson-pulse') {
      const p = Math.min(1, (x.rate_Hz * dt) / 1000);
      kicks.push({ input: i, pop, p, thr: Math.min(Math.round(p * 4294967296), 4294967295), steps: stepsOf(x.duration_ms, dt), amp: f32(x.amp), forced: (x.forced_ms ?? []).map((t) => Math.max(0, stepsOf(t, dt) - 1)) });
    } else constant[pop] = f32(constant[pop]! + x.amp);
  });
  let rule: RateModel['rule'] = null;
  let continuous: RateModel['continuous'] = null;
  const pl = spec.plasticity;
  if (pl?.kind === 'continuous') {
    const per = (v: number[] | undefined, d: number): Float32Array => Float32Array.from(v ?? Array.from({ length: spec.batch }, () => d));
    continuous = {
      wMax: f32(pl.wMax),
      k: f32(dt / 1000 / pl.tauS_Hz2),
      theta: [f32(pl.thetaExc_Hz), f32(pl.thetaInh_Hz)],
      A: [f32(pl.aExc), f32(pl.aInh)],
      wMaxB: per(pl.perNetwork?.wMax, pl.wMax),
      aExcB: per(pl.perNetwork?.aExc, pl.aExc),
      perNetwork: pl.perNetwork?.wMax !== undefined || pl.perNetwork?.aExc !== undefined,
    };
  } else if (pl) {
    const E = idx(pl.excitatory);
    const I = idx(pl.inhibitory);
    const blk = (post: number, pre: number): number => blocks.findIndex((b) => b.post === post && b.pre === pre);
    rule = {
      kind: pl.kind,
      rule: pl.rule,
      E,
      I,
      bEE: blk(E, E),
      bEI: blk(E, I),
      bIE: blk(I, E),
      bII: blk(I, I),
      alphaE: f32(pl.alphaE),
      alphaI: f32(pl.alphaI),
      floor: pl.weightFloor,
      rateFloor: f32(pl.rateFloor_Hz),
      kCa: pl.kind === 'online' ? f32(dt / (pl.tauCa_ms ?? 1000)) : 0,
    };
  }
  return {
    spec,
    B: spec.batch,
    U,
    nW,
    pops,
    blocks,
    blocksOnto,
    pulses,
    constant,
    kicks,
    trialSteps,
    winFirst: trialSteps - winSteps - 1,
    winCount: winSteps + 1,
    traceEvery: spec.recording.traceEvery_steps,
    patterns,
    continuous,
    rule,
  };
}

/**
 * Initial weights of the whole batch (B x nW, f32), drawn on the host and shared by the CPU reference and the WGSL
 * twin: constant, per-network list, uniform (stream rateInit, counter (synapse, block, network, 0), word 0) or normal
 * (stream rateInit, counter (synapse, block, network, 1), words 0 and 1 by Box-Muller; no floor, as the authors' code).
 */
export function initialWeights(m: RateModel): Float32Array {
  const W = new Float32Array(m.B * m.nW);
  const buf = new Uint32Array(4);
  m.spec.weights.forEach((w, k) => {
    const blk = m.blocks[k]!;
    const nPost = m.pops[blk.post]!.n;
    const nPre = m.pops[blk.pre]!.n;
    for (let b = 0; b < m.B; b++) {
      const base = b * m.nW + blk.wOff;
      for (let s = 0; s < nPost * nPre; s++) {
        let v: number;
        if (w.init.kind === 'constant') v = w.init.value;
        else if (w.init.kind === 'list') v = w.init.values[b]!;
        else if (w.init.kind === 'normal') {
          philox4x32(buf, s, k, b, 1, m.spec.seed, STREAM.rateInit);
          v = w.init.mean + w.init.sd * normalFromWords(buf[0]!, buf[1]!);
        } else v = w.init.lo + (w.init.hi - w.init.lo) * u01(philox4x32(buf, s, k, b, 0, m.spec.seed, STREAM.rateInit)[0]!);
        W[base + s] = blk.noDiag && Math.floor(s / nPre) === s % nPre ? 0 : f32(v);
      }
    }
  });
  return W;
}
