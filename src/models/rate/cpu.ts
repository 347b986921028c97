// CPU reference of the rate engine: a batch of B independent networks, Float32 state, the authors' order of
// operations per step (SPEC §3.1, REFERENCE_CODE §4.1):
//   1. OU noise of every unit: u = (u + a (0 - u)) + s xi   (xi from Philox stream rateNoise)
//   2. populations in spec order ('sequential': a later population sees the already updated earlier ones, so
//      I uses the new E; within a population every unit sees the old values):
//        x = (+/-)(W_b1 r) (+/-) (W_b2 r) ... + drive + u;  r = r + (g max(0, x - theta) - r) k;  r = min(r, rMax)
//      (dot products accumulate j = 0, 1, ... in f32)
//   3. window sum of r over the last window of the trial; online plasticity (Fig S4) or the continuous-time Eq 18
//      rule (Binas 2014) after the rates, from the rates just computed.
// Pattern inputs (Binas 2014) add a per-unit value for the whole trial after the noise term.
// After a trial: mean = sum / count, avg = avg + (mean - avg) / tauTrial, then the trial rule (rules.ts).
// The dot products run in a WebAssembly SIMD kernel (rateKernels.wat: 4 post units per lane group, each lane the
// JS order of operations, so the same bits) on a transposed copy of the running network's weights, made at the
// start of each of its trials; rules that change the weights every step (online, continuous) keep the JS loop.
import { normalFromWords } from '../../rng/dist.ts';
import { philox4x32 } from '../../rng/philox.ts';
import { STREAM } from '../../rng/streams.ts';
import { initialWeights, type RateModel } from './derive.ts';
import { applyContinuous, applyRule } from './rules.ts';
import type { RateState } from './engine.ts';
import { rateKernelArrays, type RateKernels } from './rateWasm.ts';

const f32 = Math.fround;
/** Populations of at least this many units use the WebAssembly dot products (one SIMD group is 4 units). */
const WASM_MIN_UNITS = 4;

/** Per-trial outputs of one network. */
export interface TrialOutput {
  mean: Float32Array; // trial mean rate of every unit (U)
  trace?: Float32Array; // sampled rates (steps / traceEvery x U) when recorded
}

export class CpuRateEngine {
  readonly W: Float32Array; // B x nW
  readonly r: Float32Array; // B x U rates
  readonly ou: Float32Array; // B x U OU noise
  readonly avg: Float32Array; // B x U cross-trial average (trial rules) or calcium sensor (online)
  readonly mean: Float32Array; // B x U last trial mean
  private readonly acc: Float32Array;
  private readonly next: Float32Array; // scratch: new rates of one population
  private readonly rect: Float32Array;
  private readonly words = new Uint32Array(4);
  private readonly kickUntil: Int32Array; // B x kicks: last step of the running kick (-1 none)
  private readonly unitOuA: Float32Array; // per unit: dt / tauOU
  private readonly unitOuS: Float32Array; // per unit: sigma sqrt(dt)
  private readonly pending: Float32Array[]; // 'simultaneous' update: new rates of each population
  private readonly pat: Float32Array | null; // per unit: this trial's pattern input (null without pattern inputs)
  private readonly onto: Int32Array[]; // per population: (wOff, preOffset, nPre, sign) of each incoming block
  private readonly kern: RateKernels | null; // the WebAssembly dot products (null: JS loop)
  private readonly wt: Float32Array | null; // kern's memory: one network's weights, each block transposed (nPre x nPost)
  private readonly dots: Float32Array | null; // kern's memory: per incoming block, the dot products of one population
  private readonly noiseWords: Uint32Array | null; // kern's memory: one step's Philox words, 2 per unit
  private wtNet = -1; // the network whose weights wt holds during its trial (-1: none; step() then uses the JS loop)
  trial = 0; // trials completed

  constructor(readonly m: RateModel) {
    this.W = initialWeights(m);
    const maxN = Math.max(...m.pops.map((p) => p.n));
    // the kernel pays where blocks are matrices; the two-population model (1 x 1 blocks) stays faster in JS
    const useKernel = m.rule?.kind !== 'online' && m.continuous === null && maxN >= WASM_MIN_UNITS;
    const nPairs = (m.U + 1) >> 1;
    const wasm = !useKernel ? null : rateKernelArrays([m.B * m.U, m.nW, maxN * Math.max(...m.blocksOnto.map((ks) => ks.length)), 4 * nPairs]);
    this.kern = wasm?.k ?? null;
    this.r = wasm?.arrays[0] ?? new Float32Array(m.B * m.U);
    this.wt = wasm?.arrays[1] ?? null;
    this.dots = wasm?.arrays[2] ?? null;
    this.noiseWords = wasm ? new Uint32Array(wasm.arrays[3]!.buffer, wasm.arrays[3]!.byteOffset, 4 * nPairs) : null;
    this.ou = new Float32Array(m.B * m.U);
    this.avg = new Float32Array(m.B * m.U);
    this.mean = new Float32Array(m.B * m.U);
    this.acc = new Float32Array(m.U);
    this.next = new Float32Array(maxN);
    this.rect = new Float32Array(m.U);
    this.kickUntil = new Int32Array(m.B * m.kicks.length).fill(-1);
    this.unitOuA = new Float32Array(m.U);
    this.unitOuS = new Float32Array(m.U);
    for (const p of m.pops) {
      this.unitOuA.fill(p.ouA, p.offset, p.offset + p.n);
      this.unitOuS.fill(p.ouS, p.offset, p.offset + p.n);
    }
    this.pending = m.pops.map((p) => new Float32Array(p.n));
    this.pat = m.patterns.length ? new Float32Array(m.U) : null;
    this.onto = m.blocksOnto.map((ks) => Int32Array.from(ks.flatMap((k) => {
      const blk = m.blocks[k]!;
      return [blk.wOff, m.pops[blk.pre]!.offset, m.pops[blk.pre]!.n, blk.sign];
    })));
  }

  /** Whether the dot products and noise words run in the WebAssembly kernel (else the JS loops; same bits). */
  get usesWasm(): boolean {
    return this.kern !== null;
  }

  /** Sets this.pat to trial `trial`'s pattern inputs (rows cycle; several pattern inputs on one unit add up in spec order). */
  private loadPattern(trial: number): void {
    const pat = this.pat!;
    pat.fill(0);
    for (const p of this.m.patterns) {
      const row = p.values[trial % p.values.length]!;
      p.units.forEach((u, k) => (pat[u] = f32(pat[u]! + row[k]!)));
    }
  }

  /** Runs one trial of every network of the batch; `trace` (B = network 0 only) gets the sampled rates. */
  runTrial(trace?: Float32Array): void {
    for (let b = 0; b < this.m.B; b++) this.runNetworkTrial(b, b === 0 ? trace : undefined);
    this.trial++;
  }

  /** One trial of network b: steps, window mean, cross-trial average, trial rule. */
  runNetworkTrial(b: number, trace?: Float32Array): void {
    const m = this.m;
    const U = m.U;
    const uBase = b * U;
    const r = this.r;
    if (m.spec.trials.resetRates) r.fill(0, uBase, uBase + U);
    this.acc.fill(0);
    this.kickUntil.fill(-1, b * m.kicks.length, (b + 1) * m.kicks.length);
    if (this.pat) this.loadPattern(this.trial);
    if (this.wt) this.transposeWeights(b);
    for (let s = 0; s < m.trialSteps; s++) {
      this.step(b, s);
      if (s >= m.winFirst) for (let i = 0; i < U; i++) this.acc[i] = f32(this.acc[i]! + r[uBase + i]!);
      if (trace && s % m.traceEvery === 0) trace.set(r.subarray(uBase, uBase + U), (s / m.traceEvery) * U);
    }
    this.wtNet = -1; // the rule below changes W
    const tau = f32(m.spec.trials.tauTrial);
    for (let i = 0; i < U; i++) {
      const mean = f32(this.acc[i]! / m.winCount);
      this.mean[uBase + i] = mean;
      if (m.rule?.kind !== 'online') this.avg[uBase + i] = f32(this.avg[uBase + i]! + f32(f32(mean - this.avg[uBase + i]!) / tau));
    }
    if (m.rule?.kind === 'trial') applyRule(m, this.W, b * m.nW, this.avg, uBase, this.rect);
  }

  /** Copies network b's weights into wt, each block transposed: wt[wOff + j nPost + i] = W[b nW + wOff + i nPre + j]. */
  private transposeWeights(b: number): void {
    const m = this.m;
    const wt = this.wt!;
    const W = this.W;
    for (const blk of m.blocks) {
      const nPost = m.pops[blk.post]!.n;
      const nPre = m.pops[blk.pre]!.n;
      const src = b * m.nW + blk.wOff;
      for (let i = 0; i < nPost; i++) for (let j = 0; j < nPre; j++) wt[blk.wOff + j * nPost + i] = W[src + i * nPre + j]!;
    }
    this.wtNet = b;
  }

  /** One Euler step of network b at step s of the current trial. */
  step(b: number, s: number): void {
    const m = this.m;
    const U = m.U;
    const uBase = b * U;
    const wBase = b * m.nW;
    const r = this.r;
    const ou = this.ou;
    const w4 = this.words;
    // 1. OU noise, one Philox call per unit pair
    const ouA = this.unitOuA;
    const ouS = this.unitOuS;
    const nw = this.noiseWords;
    if (nw) {
      // the same words from the WebAssembly Philox (rateKernels.wat "words"): unit i's are 2i and 2i + 1
      this.kern!.words(nw.byteOffset, (U + 1) >> 1, s, b, this.trial, m.spec.seed, STREAM.rateNoise);
      for (let i = 0; i < U; i++) {
        if (ouS[i] === 0 && ouA[i] === 0) continue;
        const xi = f32(normalFromWords(nw[2 * i]!, nw[2 * i + 1]!));
        const u = ou[uBase + i]!;
        ou[uBase + i] = f32(f32(u + f32(ouA[i]! * f32(0 - u))) + f32(ouS[i]! * xi));
      }
    } else {
      for (let i = 0; i < U; i++) {
        if ((i & 1) === 0) philox4x32(w4, s, i >> 1, b, this.trial, m.spec.seed, STREAM.rateNoise);
        if (ouS[i] === 0 && ouA[i] === 0) continue;
        const h = (i & 1) * 2;
        const xi = f32(normalFromWords(w4[h]!, w4[h + 1]!));
        const u = ou[uBase + i]!;
        ou[uBase + i] = f32(f32(u + f32(ouA[i]! * f32(0 - u))) + f32(ouS[i]! * xi));
      }
    }
    // kicks (Poisson onsets and forced onsets)
    for (let k = 0; k < m.kicks.length; k++) {
      const kk = m.kicks[k]!;
      const word = philox4x32(w4, s, kk.input, b, this.trial, m.spec.seed, STREAM.rateKick)[0]!;
      if ((word >>> 0) < kk.thr || kk.forced.includes(s)) this.kickUntil[b * m.kicks.length + k] = s + kk.steps;
    }
    // 2. populations
    const seq = m.spec.update === 'sequential';
    for (let p = 0; p < m.pops.length; p++) {
      const pop = m.pops[p]!;
      let drive = m.constant[p]!;
      for (let q = 0; q < m.pulses.length; q++) {
        const pu = m.pulses[q]!;
        if (pu.pop === p && s >= pu.first && s <= pu.last) drive = f32(drive + pu.amp);
      }
      for (let k = 0; k < m.kicks.length; k++) if (m.kicks[k]!.pop === p && s <= this.kickUntil[b * m.kicks.length + k]!) drive = f32(drive + m.kicks[k]!.amp);
      const out = seq ? this.next : this.pending[p]!;
      const onto = this.onto[p]!; // per incoming block: wOff, preOffset, nPre, sign
      const W = this.W;
      const kern = this.wtNet === b ? this.kern : null;
      const dots = this.dots!;
      if (kern) {
        // dots[q n + i] = the JS loop's dot of block q, unit i (rateKernels.wat: same operations, same order)
        const wtPtr = this.wt!.byteOffset;
        const rPtr = r.byteOffset;
        for (let t = 0, q = 0; t < onto.length; t += 4, q++) kern.dots(wtPtr + 4 * onto[t]!, rPtr + 4 * (uBase + onto[t + 1]!), dots.byteOffset + 4 * q * pop.n, pop.n, onto[t + 2]!);
      }
      for (let i = 0; i < pop.n; i++) {
        let x = 0;
        for (let t = 0, q = 0; t < onto.length; t += 4, q++) {
          let dot = 0;
          if (kern) dot = dots[q * pop.n + i]!;
          else {
            const nPre = onto[t + 2]!;
            const row = wBase + onto[t]! + i * nPre;
            const rb = uBase + onto[t + 1]!;
            for (let j = 0; j < nPre; j++) dot = f32(dot + f32(W[row + j]! * r[rb + j]!));
          }
          x = t === 0 ? (onto[t + 3]! > 0 ? dot : -dot) : f32(onto[t + 3]! > 0 ? x + dot : x - dot);
        }
        x = f32(f32(x + drive) + ou[uBase + pop.offset + i]!);
        if (this.pat) x = f32(x + this.pat[pop.offset + i]!);
        const f = f32(pop.gain * Math.max(0, f32(x - pop.threshold)));
        const r0 = r[uBase + pop.offset + i]!;
        const r1 = f32(r0 + f32(f32(f - r0) * pop.k));
        out[i] = r1 > pop.rateMax ? pop.rateMax : r1;
      }
      if (seq) r.set(out.subarray(0, pop.n), uBase + pop.offset);
    }
    if (!seq) m.pops.forEach((pop, p) => r.set(this.pending[p]!, uBase + pop.offset));
    // 3. online plasticity: calcium sensor, then the rule every step
    if (m.rule?.kind === 'online') {
      const a = this.avg;
      for (let i = 0; i < U; i++) a[uBase + i] = f32(a[uBase + i]! + f32(f32(r[uBase + i]! - a[uBase + i]!) * m.rule.kCa));
      applyRule(m, this.W, wBase, a, uBase, this.rect);
    }
    if (m.continuous) applyContinuous(m, this.W, wBase, r, uBase, b);
  }

  /** The state at a trial boundary (views of the live arrays; RateEngine copies them). */
  async exportState(): Promise<RateState> {
    return { W: this.W, r: this.r, ou: this.ou, avg: this.avg, mean: this.mean };
  }

  /** Restores exportState()'s layout before trial `trial` (sizes checked by RateEngine.restore). */
  async importState(s: RateState, trial: number): Promise<void> {
    for (const k of ['W', 'r', 'ou', 'avg', 'mean'] as const) this[k].set(s[k]);
    this.trial = trial;
  }
}
