// The WebAssembly membrane-noise kernel (kernels.wat 'noise', issue 24) against membraneNoise (adaptiveLif.ts),
// bit for bit: random seeds, steps (up to 2^32 - 1) and neuron ranges, block lengths 1 to 256.
import { describe, expect, it } from 'vitest';
import { KernelArena } from '../../src/engine/cpu/wasmKernels.ts';
import { membraneNoise } from '../../src/neurons/adaptiveLif.ts';
import { STREAM } from '../../src/rng/streams.ts';

describe('WebAssembly membrane noise', () => {
  it('equals membraneNoise for random seeds, steps and neurons', () => {
    const arena = KernelArena.create(KernelArena.bytesFor([1024]));
    expect(arena).not.toBeNull();
    const a = arena!;
    let r = 0x2545f491;
    const next = (): number => (r = (Math.imul(r, 1664525) + 1013904223) >>> 0);
    let bad = 0;
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const seed = t < 2 ? [0, 0xffffffff][t]! : next();
      const step = t < 4 ? [0, 1, 0x7fffffff, 0xffffffff][t]! : next() >>> (t % 32);
      const start = next() % 100000;
      const n = 1 + (next() % a.exScratch.length);
      a.exScratch.fill(NaN);
      a.k.noise(a.exPtr, seed, STREAM.membraneNoise, step, start, n);
      for (let m = 0; m < n; m++) {
        checked++;
        if (!Object.is(a.exScratch[m]!, membraneNoise(seed, step, start + m))) bad++;
      }
    }
    expect(checked).toBeGreaterThan(10000);
    expect(bad).toBe(0);
  });
});
