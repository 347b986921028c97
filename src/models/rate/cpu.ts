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
import { normalFromWords } from '../../rng/dist.ts';
import { philox4x32 } from '../../rng/philox.ts';
import { STREAM } from '../../rng/streams.ts';
import { initialWeights, type RateModel } from './derive.ts';
import { applyContinuous, applyRule } from './rules.ts';
import type { RateState } from './engine.ts';

const f32 = Math.fround;

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
  trial = 0; // trials completed

  constructor(readonly m: RateModel) {
    this.W = initialWeights(m);
    this.r = new Float32Array(m.B * m.U);
    this.ou = new Float32Array(m.B * m.U);
    this.avg = new Float32Array(m.B * m.U);
    this.mean = new Float32Array(m.B * m.U);
    this.acc = new Float32Array(m.U);
    this.next = new Float32Array(Math.max(...m.pops.map((p) => p.n)));
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
    for (let s = 0; s < m.trialSteps; s++) {
      this.step(b, s);
      if (s >= m.winFirst) for (let i = 0; i < U; i++) this.acc[i] = f32(this.acc[i]! + r[uBase + i]!);
      if (trace && s % m.traceEvery === 0) trace.set(r.subarray(uBase, uBase + U), (s / m.traceEvery) * U);
    }
    const tau = f32(m.spec.trials.tauTrial);
    for (let i = 0; i < U; i++) {
      const mean = f32(this.acc[i]! / m.winCount);
      this.mean[uBase + i] = mean;
      if (m.rule?.kind !== 'online') this.avg[uBase + i] = f32(this.avg[uBase + i]! + f32(f32(mean - this.avg[uBase + i]!) / tau));
    }
    if (m.rule?.kind === 'trial') applyRule(m, this.W, b * m.nW, this.avg, uBase, this.rect);
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
    for (let i = 0; i < U; i++) {
      if ((i & 1) === 0) philox4x32(w4, s, i >> 1, b, this.trial, m.spec.seed, STREAM.rateNoise);
      if (ouS[i] === 0 && ouA[i] === 0) continue;
      const h = (i & 1) * 2;
      const xi = f32(normalFromWords(w4[h]!, w4[h + 1]!));
      const u = ou[uBase + i]!;
      ou[uBase + i] = f32(f32(u + f32(ouA[i]! * f32(0 - u))) + f32(ouS[i]! * xi));
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
      for (let i = 0; i < pop.n; i++) {
        let x = 0;
        for (let t = 0; t < onto.length; t += 4) {
          const nPre = onto[t + 2]!;
          const row = wBase + onto[t]! + i * nPre;
          const rb = uBase + onto[t + 1]!;
          let dot = 0;
          for (let j = 0; j < nPre; j++) dot = f32(dot + f32(W[row + j]! * r[rb + j]!));
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
