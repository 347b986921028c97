// Normal initial weights of the multi-unit Soldado figures (issue 16; the authors' Fig5/Fig6 MATLAB, lines 58-69:
// W = meanw + randn*sigmaw, meanw 0.1, sigmaw 0.04, diagonal of W_EE and W_II set to 0, no floor before the first
// rule update). Drawn on the host from Philox stream rateInit, counter word 3 = 1 (the uniform kind uses 0).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/model/validate.ts';
import { CpuRateEngine } from '../../src/models/rate/cpu.ts';
import { deriveRate, initialWeights, type RateModel } from '../../src/models/rate/derive.ts';
import { getRatePreset, MULTI_INIT, soldadoSpec } from '../../src/models/rate/presets.ts';
import type { RateInit, RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';

const B = 3;
const spec = (init = MULTI_INIT, seed = 44): RateSpec => soldadoSpec({ name: 'n', n: [80, 20], batch: B, init, rule: 'cross-homeostatic', alphaE: 2e-5, trials: 1, seed });
/** Every off-diagonal weight of every block and network (the draws), and the diagonal ones of E<-E and I<-I. */
function split(m: RateModel, W: Float32Array): { off: number[]; diag: number[] } {
  const off: number[] = [];
  const diag: number[] = [];
  for (let b = 0; b < m.B; b++)
    for (const blk of m.blocks) {
      const nPre = m.pops[blk.pre]!.n;
      for (let i = 0; i < m.pops[blk.post]!.n; i++)
        for (let j = 0; j < nPre; j++) (blk.noDiag && i === j ? diag : off).push(W[b * m.nW + blk.wOff + i * nPre + j]!);
    }
  return { off, diag };
}
/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe('normal initial weights (authors\' multi-unit initialisation)', () => {
  const m = deriveRate(validateRateSpec(spec()));
  const W = initialWeights(m);
  const { off, diag } = split(m, W);

  it('no autapses: the diagonals of E<-E and I<-I are 0 in every network; every other synapse is drawn', () => {
    expect(diag.length).toBe(B * (80 + 20));
    expect(diag.every((w) => w === 0)).toBe(true);
    expect(off.length).toBe(B * (100 * 100 - 100));
    expect(off.filter((w) => w === 0).length).toBe(0);
  });

  it('sample mean and sd within 5 standard errors of (0.1, 0.04); negative draws kept (no floor), at the normal tail fraction', () => {
    const n = off.length;
    const mean = off.reduce((a, x) => a + x, 0) / n;
    const sd = Math.sqrt(off.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    // standard errors: of the mean sd/sqrt(n); of the sample sd sd/sqrt(2(n-1)) (normal data); f32 rounding of a
    // weight near 0.1 is < 2^-27, negligible here
    expect(Math.abs(mean - 0.1)).toBeLessThan((5 * 0.04) / Math.sqrt(n));
    expect(Math.abs(sd - 0.04)).toBeLessThan((5 * 0.04) / Math.sqrt(2 * (n - 1)));
    // P(w < 0) = Phi(-2.5); the count is binomial: within 5 of its standard deviations
    const p = phi(-2.5);
    const neg = off.filter((w) => w < 0).length;
    expect(Math.abs(neg - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    expect(neg).toBeGreaterThan(0);
    // the tails are normal too: fraction beyond 2 sd on either side
    const p2 = 2 * phi(-2);
    const out2 = off.filter((w) => Math.abs(w - 0.1) > 0.08).length;
    expect(Math.abs(out2 - n * p2)).toBeLessThan(5 * Math.sqrt(n * p2 * (1 - p2)));
  });

  it('networks, blocks and seeds draw independently; the same seed draws the same weights', () => {
    const net = (b: number): Float32Array => W.subarray(b * m.nW, (b + 1) * m.nW);
    expect(Array.from(net(0))).not.toEqual(Array.from(net(1)));
    // E<-I and I<-E blocks are both 80 x 20 / 20 x 80 = 1600 weights: not the same sequence
    expect(Array.from(W.subarray(m.blocks[1]!.wOff, m.blocks[1]!.wOff + 1600))).not.toEqual(Array.from(W.subarray(m.blocks[2]!.wOff, m.blocks[2]!.wOff + 1600)));
    expect(Array.from(initialWeights(deriveRate(validateRateSpec(spec()))))).toEqual(Array.from(W));
    expect(Array.from(initialWeights(deriveRate(validateRateSpec(spec(MULTI_INIT, 45)))))).not.toEqual(Array.from(W));
  });

  it('a uniform block is unchanged by the new kind beside it (its own counters), and differs from the normal draws', () => {
    const u: RateInit = { kind: 'uniform', lo: 0, hi: 0.16 };
    const mixed = deriveRate(validateRateSpec(spec([u, MULTI_INIT[1], MULTI_INIT[2], MULTI_INIT[3]])));
    const allU = deriveRate(validateRateSpec(spec([u, u, u, u])));
    const Wm = initialWeights(mixed);
    const Wu = initialWeights(allU);
    const ee = m.blocks[0]!;
    for (let b = 0; b < B; b++) {
      const a = b * m.nW + ee.wOff;
      expect(Array.from(Wm.subarray(a, a + 6400))).toEqual(Array.from(Wu.subarray(a, a + 6400)));
      const rest = b * m.nW + m.blocks[1]!.wOff;
      expect(Array.from(Wm.subarray(rest, (b + 1) * m.nW))).toEqual(Array.from(W.subarray(rest, (b + 1) * m.nW)));
    }
  });

  it('the first rule update floors the negative draws (W_MIN / fan-in) and keeps the diagonals 0, as the authors\' code', () => {
    const s = spec();
    s.trials.duration_ms = 300;
    s.trials.window_ms = 50;
    const mm = deriveRate(validateRateSpec(s));
    const e = new CpuRateEngine(mm);
    expect(split(mm, e.W).off.some((w) => w < 0)).toBe(true);
    e.runTrial();
    for (let b = 0; b < B; b++)
      for (const blk of mm.blocks) {
        const nPre = mm.pops[blk.pre]!.n;
        const floor = Math.fround(0.1 / blk.fanIn);
        for (let i = 0; i < mm.pops[blk.post]!.n; i++)
          for (let j = 0; j < nPre; j++) {
            const w = e.W[b * mm.nW + blk.wOff + i * nPre + j]!;
            if (blk.noDiag && i === j) expect(w).toBe(0);
            else expect(w).toBeGreaterThanOrEqual(floor);
          }
      }
  });

  it('the Fig 5 and Fig 6 presets use it (the authors\' 250 trials)', () => {
    for (const name of ['soldado-fig5', 'soldado-fig6']) {
      const p = getRatePreset(name)!;
      expect(p.weights.map((w) => w.init)).toEqual(MULTI_INIT);
      expect(p.trials.count).toBe(250);
      expect(p.populations.map((q) => q.n)).toEqual([80, 20]);
    }
  });
});

describe('bad normal init is refused with the field, value and allowed range', () => {
  const refusal = (init: unknown): string => {
    const s = spec();
    (s.weights[0] as { init: unknown }).init = init;
    try {
      validateRateSpec(s);
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      return (e as Error).message;
    }
    return expect.unreachable('accepted') as never;
  };
  it('negative or non-finite sd and mean, a missing field, an unknown kind', () => {
    expect(refusal({ kind: 'normal', mean: 0.1, sd: -0.04 })).toContain('weights[0].init.sd = -0.04: allowed a finite number in [0, 1000000]');
    expect(refusal({ kind: 'normal', mean: -0.1, sd: 0.04 })).toContain('weights[0].init.mean = -0.1: allowed a finite number in [0, 1000000]');
    expect(refusal({ kind: 'normal', mean: Number.NaN, sd: 0.04 })).toMatch(/weights\[0\]\.init\.mean = NaN: allowed a finite number/);
    expect(refusal({ kind: 'normal', mean: 0.1 })).toContain('weights[0].init.sd = (missing): allowed a finite number in [0, 1000000]');
    expect(refusal({ kind: 'gauss', mean: 0.1, sd: 0.04 })).toMatch(/weights\[0\]\.init\.kind = "gauss": allowed .*normal/);
  });

  it('on the CLI: exit 2, the output directory untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-ratenormal-'));
    const f = join(dir, 'bad.json');
    const s = spec();
    s.weights[2]!.init = { kind: 'normal', mean: 0.1, sd: -1 };
    writeFileSync(f, JSON.stringify(s));
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'run', f, '--out', join(dir, 'o')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('weights[2].init.sd = -1: allowed a finite number in [0, 1000000]');
    expect(existsSync(join(dir, 'o'))).toBe(false);
  }, 120_000);
});
