// The rate engine's WebAssembly kernel (src/models/rate/rateKernels.wat: the dot products of step(), SIMD over post
// units, and the OU noise's Philox words) gives the JavaScript path's bits: kernel against JS loop on random f32
// (subnormals, signed zeros, large and tiny magnitudes) and random counters, and whole engines with and without it
// on multi-unit specs (sizes not multiples of 4, several batches, simultaneous update, kicks, pattern inputs).
// The committed rateKernels.wasm.ts is what scripts/build-wasm.ts makes of the .wat.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedRate, RATE_OUT_PATH } from '../../scripts/build-wasm.ts';
import { CpuRateEngine } from '../../src/models/rate/cpu.ts';
import { deriveRate } from '../../src/models/rate/derive.ts';
import { MULTI_INIT, soldadoSpec } from '../../src/models/rate/presets.ts';
import { rateKernelArrays, setRateWasm } from '../../src/models/rate/rateWasm.ts';
import type { RateInit, RateSpec } from '../../src/models/rate/spec.ts';
import { validateRateSpec } from '../../src/models/rate/validate.ts';
import { philox4x32 } from '../../src/rng/philox.ts';
import { RngStream } from '../../src/rng/streams.ts';

const f32 = Math.fround;
const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
afterEach(() => setRateWasm(true));

describe('rate WebAssembly kernel', () => {
  it('the committed rateKernels.wasm.ts is what scripts/build-wasm.ts makes of rateKernels.wat', async () => {
    expect(readFileSync(RATE_OUT_PATH, 'utf8') === (await generatedRate()), 'run: npx tsx scripts/build-wasm.ts').toBe(true);
  });

  it('dots: the bits of the JS loop dot = f(dot + f(w r)), j ascending, for every post unit (groups of 4 and the rest)', () => {
    const rng = new RngStream(3, 5);
    // values spanning the f32 range: subnormals, +-0, large products that overflow to infinity, ordinary ones
    const draw = (): number => {
      const u = rng.uniform();
      if (u < 0.05) return u < 0.025 ? 0 : -0;
      if (u < 0.1) return f32((rng.uniform() - 0.5) * 2 ** -140);
      if (u < 0.12) return f32((rng.uniform() - 0.5) * 2 ** 100);
      return f32((rng.uniform() - 0.3) * 10);
    };
    for (const [nPost, nPre] of [[1, 1], [4, 3], [7, 13], [80, 79], [20, 80], [3, 20]] as const) {
      const k = rateKernelArrays([nPost * nPre, nPre, nPost])!;
      expect(k).not.toBeNull();
      const [wt, r, out] = k.arrays as [Float32Array, Float32Array, Float32Array];
      const W = Float32Array.from({ length: nPost * nPre }, draw); // row-major, as the engine's W
      r.set(Float32Array.from({ length: nPre }, draw));
      for (let i = 0; i < nPost; i++) for (let j = 0; j < nPre; j++) wt[j * nPost + i] = W[i * nPre + j]!;
      k.k.dots(wt.byteOffset, r.byteOffset, out.byteOffset, nPost, nPre);
      const want = new Float32Array(nPost);
      for (let i = 0; i < nPost; i++) {
        let dot = 0;
        for (let j = 0; j < nPre; j++) dot = f32(dot + f32(W[i * nPre + j]! * r[j]!));
        want[i] = dot;
      }
      // NaN payloads are not specified: compare NaN as NaN, everything else bit for bit
      const o = Array.from(out, (v) => (Number.isNaN(v) ? 'NaN' : bits(new Float32Array([v])).toString('hex')));
      const w = Array.from(want, (v) => (Number.isNaN(v) ? 'NaN' : bits(new Float32Array([v])).toString('hex')));
      expect(o, `${nPost} x ${nPre}`).toEqual(w);
    }
  });

  it('words: philox4x32 of counter (c0, k, c2, c3), key (k0, k1) for every pair k, as src/rng/philox.ts', () => {
    const k = rateKernelArrays([4 * 9])!;
    const out = new Uint32Array(k.arrays[0]!.buffer, k.arrays[0]!.byteOffset, 4 * 9);
    const w4 = new Uint32Array(4);
    for (const [c0, c2, c3, k0, k1] of [[0, 0, 0, 0, 0], [19999, 399, 249, 44, 11], [0xffffffff, 0x80000000, 7, 0xdeadbeef, 0xffffffff]]) {
      k.k.words(out.byteOffset, 9, c0!, c2!, c3!, k0!, k1!);
      for (let p = 0; p < 9; p++) expect(Array.from(out.subarray(4 * p, 4 * p + 4))).toEqual(Array.from(philox4x32(w4, c0!, p, c2!, c3!, k0!, k1!)));
    }
  });

  /** Runs `trials` trials of every network, the kernel on or off; the state afterwards and network 0's trace of trial 1. */
  function run(spec: RateSpec, trials: number, wasm: boolean): { e: CpuRateEngine; trace: Float32Array } {
    setRateWasm(wasm);
    const m = deriveRate(validateRateSpec(spec));
    const e = new CpuRateEngine(m);
    setRateWasm(true);
    const trace = new Float32Array((m.trialSteps / m.traceEvery) * m.U);
    for (let t = 0; t < trials; t++) e.runTrial(t === 0 ? trace : undefined);
    return { e, trace };
  }
  const scaled = (f: number): [RateInit, RateInit, RateInit, RateInit] => MULTI_INIT.map((d) => ({ ...d, mean: 0.1 * f, sd: 0.04 * f }) as RateInit) as [RateInit, RateInit, RateInit, RateInit];

  it('whole engines: the same bits with the kernel as without (weights, rates, noise, averages, trace)', () => {
    const cases: [string, RateSpec, number][] = [];
    cases.push(['13 E + 7 I, two-term, 2 networks', soldadoSpec({ name: 'a', n: [13, 7], rule: 'two-term', alphaE: 1e-3, batch: 2, init: scaled(6), trials: 3, trial_ms: 600 }), 3]);
    const sim = soldadoSpec({ name: 'b', n: [6, 5], rule: 'homeostatic', batch: 2, init: scaled(14), trials: 2, trial_ms: 600 });
    sim.update = 'simultaneous';
    cases.push(['6 E + 5 I, simultaneous', sim, 2]);
    const kicks = soldadoSpec({ name: 'c', n: [8, 4], rule: 'cross-homeostatic', init: scaled(10), trials: 2, trial_ms: 700 });
    kicks.inputs = [{ kind: 'poisson-pulse', target: 'E', rate_Hz: 5, duration_ms: 10, amp: 7, forced_ms: [200] }];
    cases.push(['8 E + 4 I, Poisson kicks', kicks, 2]);
    const pat = soldadoSpec({ name: 'd', n: [5, 4], init: scaled(16), trials: 2, trial_ms: 600 });
    pat.inputs.push({ kind: 'pattern', targets: ['E'], values: [[1, 0, 2, 0.5, 3], [0, 4, 0, 1, 0]] });
    cases.push(['5 E + 4 I, pattern inputs', pat, 2]);
    for (const [name, spec, trials] of cases) {
      const on = run(spec, trials, true);
      const off = run(spec, trials, false);
      expect(on.e.usesWasm, name).toBe(true);
      expect(off.e.usesWasm, name).toBe(false);
      for (const k of ['W', 'r', 'ou', 'avg', 'mean'] as const) expect(bits(on.e[k]).equals(bits(off.e[k])), `${name}: ${k}`).toBe(true);
      expect(bits(on.trace).equals(bits(off.trace)), `${name}: trace`).toBe(true);
      expect(on.trace.some((v) => v > 0), `${name}: activity`).toBe(true); // not a silent network
    }
  });
});
