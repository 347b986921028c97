// Binas 2014 circuits on the WebGPU rate engine (rate_step.wgsl: pattern inputs and the continuous Eq 18 rule)
// against the CPU reference: same patterns, same f32 operation order. WGSL may fuse a*b + c into an FMA and round
// either way, so states may differ by a few ulps per step; the circuits are contracting between pattern switches, so
// the difference stays at the level of accumulated rounding. The 1e-3 bounds leave room for hardware FMA fusion
// (SwiftShader, which does not fuse, gives the CPU's bits).
import { describe, expect, it } from 'vitest';
import { binasToRateSpec } from '../../src/models/binas/build.ts';
import { binasWta } from '../../src/models/binas/presets.ts';
import { analyseBinas } from '../../src/models/binas/run.ts';
import { GpuRateEngine } from '../../src/models/rate/gpu.ts';
import { runRate } from '../../src/models/rate/run.ts';
import { useTestDevice } from './helpers.ts';
import { classifySweep, stabilitySweepSpec } from '../../src/models/binas/stabilitySweep.ts';
import { BINAS_TAU_S_HZ2 } from '../../src/models/binas/presets.ts';
import { BINAS_TYPICAL } from '../../src/theory/binas.ts';

describe('Binas circuits: WebGPU rate engine vs CPU reference', () => {
  const dev = useTestDevice();

  it('a batch of 3 circuits over 8 patterns: same winners, trial means and weights within accumulated rounding', async () => {
    const spec = binasWta({ patterns: 8, batch: 3 });
    const rs = binasToRateSpec(spec);
    const cpu = await runRate(rs);
    const gpu = await runRate(rs, { engine: (m) => new GpuRateEngine(dev.device, m, { stepsPerDispatch: 1000 }) });
    const a = analyseBinas(spec, cpu);
    const g = analyseBinas(spec, gpu);
    expect(Array.from(g.winner)).toEqual(Array.from(a.winner));
    const rm = cpu.recordings.trialMean_Hz, gm = gpu.recordings.trialMean_Hz;
    let dMean = 0, dW = 0;
    for (let i = 0; i < rm.length; i++) dMean = Math.max(dMean, Math.abs(gm[i]! - rm[i]!) / Math.max(1, rm[i]!));
    const cw = cpu.recordings.finalWeights, gw = gpu.recordings.finalWeights;
    for (let i = 0; i < cw.length; i++) dW = Math.max(dW, Math.abs(gw[i]! - cw[i]!));
    expect(dMean).toBeLessThan(1e-3);
    expect(dW).toBeLessThan(1e-3);
    // the weights did move (the rule ran on the GPU), by far more than the tolerance
    let moved = 0;
    for (let i = 0; i < cw.length; i++) moved = Math.max(moved, Math.abs(gw[i]! - gpu.recordings.initialWeights[i]!));
    expect(moved).toBeGreaterThan(0.1);
    console.log(`binas GPU vs CPU: max rel trial-mean difference ${dMean.toExponential(2)}, max weight difference ${dW.toExponential(2)}`);
  });

  it('Fig 5 sweep: a 3 x 2 (w_max, A_exc) grid as one GPU batch (per-network Eq 18 parameters) gives the CPU grid', async () => {
    const spec = stabilitySweepSpec(10, [3, 4, 6], [1, 2], BINAS_TYPICAL, { tauS_Hz2: BINAS_TAU_S_HZ2, trials: 200 });
    const cpu = await runRate(spec);
    const gpu = await runRate(spec, { backend: 'webgpu', engineOptions: { device: dev.device } });
    expect(gpu.backend).toBe('webgpu');
    expect(classifySweep(gpu).status).toEqual(classifySweep(cpu).status);
    const c = cpu.recordings.finalWeights, g = gpu.recordings.finalWeights;
    expect(new Set(Array.from(c)).size).toBeGreaterThan(3); // the cells differ
    // the bound of the test above (FMA fusion, contracting circuits): 1e-3 relative
    for (let k = 0; k < c.length; k++) expect(Math.abs(g[k]! - c[k]!)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(c[k]!)));
    const rm = cpu.recordings.trialMean_Hz, gm = gpu.recordings.trialMean_Hz;
    for (let k = 0; k < rm.length; k++) expect(Math.abs(gm[k]! - rm[k]!)).toBeLessThanOrEqual(1e-3 * Math.max(1, rm[k]!));
  });
});
